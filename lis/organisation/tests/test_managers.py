"""Who is a person's chef (POL-3.19, POL-3.20: the chef agrees and decides) and whose staff a
chef answers for (POL-3.18)."""

from __future__ import annotations

import datetime

import pytest

from lis.conftest import START, make_persona
from lis.core.access import principal_for
from lis.organisation import services
from lis.organisation.models import Role
from lis.organisation.selectors import manager_of, staff_of


@pytest.fixture
def school(amal, personas):
    """An enhet under BUF with its own enhetschef and a teacher in it."""
    unit = services.unit_create(actor=None, name="Skolan", kind="unit", parent=amal["units"]["BUF"])
    amal["units"]["SKOLAN"] = unit
    head = make_persona(amal, "rektor", unit="SKOLAN", roles=[(Role.UNIT_HEAD, "SKOLAN", None)])
    teacher = make_persona(amal, "larare", unit="SKOLAN", roles=[])
    return {"unit": unit, "head": head, "teacher": teacher}


def test_it_finds_the_chef_of_the_person_s_own_unit_first(school, personas):
    assert manager_of(school["teacher"].person) == school["head"].person


def test_it_finds_the_chef_above_when_the_unit_has_none_and_for_a_chef_themself(school, personas):
    # The enhetschef's own chef is the förvaltningschef of BUF, not themself.
    assert manager_of(school["head"].person) == personas["unit_head_buf"].person
    # VAF has no förvaltningschef in the personas: nobody above either.
    assert manager_of(personas["employee_vaf"].person) is None


def test_it_ignores_a_chef_whose_assignment_has_ended(school, personas):
    assignment = school["head"].person.roles.get(role=Role.UNIT_HEAD)
    services.role_assignment_end(
        actor=None, assignment=assignment, ends_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    assert manager_of(school["teacher"].person) == personas["unit_head_buf"].person


def test_it_gives_a_chef_the_staff_of_the_units_they_head_and_nobody_else(school, personas):
    buf = principal_for(personas["unit_head_buf"].user)
    names = set(staff_of(buf).values_list("last_name", "first_name"))
    assert ("Testsson", "Larare") in names and ("Testsson", "Rektor") in names
    assert ("Testsson", "Employee Vaf") not in names
    rektor = principal_for(school["head"].user)
    assert set(staff_of(rektor)) == {school["head"].person, school["teacher"].person}
    assert not staff_of(principal_for(personas["employee_vaf"].user)).exists()
    assert staff_of(principal_for(personas["hr"].user)).count() >= 10


def test_it_leaves_elected_and_former_staff_out(school, personas):
    services.person_end(actor=None, person=school["teacher"].person, ended_on=START)
    assert school["teacher"].person not in staff_of(principal_for(school["head"].user))


def test_the_chef_named_by_hr_comes_before_the_unit_rule(school, personas):
    # HR says the teacher's chef is the förvaltningschef of BUF, not the rektor of the school.
    chef = personas["unit_head_buf"].person
    services.person_update(actor=None, person=school["teacher"].person, manager=chef)
    assert manager_of(school["teacher"].person) == chef
    # Someone outside the chain of units counts too: HR knows best.
    services.person_update(actor=None, person=school["teacher"].person, manager=personas["employee_vaf"].person)
    assert manager_of(school["teacher"].person) == personas["employee_vaf"].person


def test_a_chef_named_by_hr_who_has_left_falls_back_to_the_unit_rule(school, personas):
    chef = personas["employee_vaf"].person
    services.person_update(actor=None, person=school["teacher"].person, manager=chef)
    services.person_end(actor=None, person=chef, ended_on=datetime.date.today() - datetime.timedelta(days=1))
    assert manager_of(school["teacher"].person) == school["head"].person


def test_nobody_is_named_their_own_chef(school):
    from django.core.exceptions import ValidationError

    teacher = school["teacher"].person
    with pytest.raises(ValidationError) as exc:
        services.person_update(actor=None, person=teacher, manager=teacher)
    assert "manager" in exc.value.message_dict
    teacher.refresh_from_db()
    assert teacher.manager is None
    assert manager_of(teacher) == school["head"].person


def test_managers_of_mixes_hr_chefs_and_the_unit_rule_in_two_queries(school, personas, django_assert_max_num_queries):
    from lis.organisation.selectors import managers_of

    services.person_update(actor=None, person=school["teacher"].person, manager=personas["hr"].person)
    people = [school["teacher"].person, school["head"].person, personas["employee_vaf"].person]
    with django_assert_max_num_queries(2):
        result = managers_of(people)
    assert result == {
        school["teacher"].person.pk: personas["hr"].person.pk,
        school["head"].person.pk: personas["unit_head_buf"].person.pk,
        personas["employee_vaf"].person.pk: None,
    }


def test_a_chef_named_by_hr_answers_for_that_person_s_training_too(school, personas):
    lead = personas["coordinator_vaf"]
    services.person_update(actor=None, person=school["teacher"].person, manager=lead.person)
    assert school["teacher"].person in staff_of(principal_for(lead.user))
