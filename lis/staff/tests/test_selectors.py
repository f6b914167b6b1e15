"""The staff selectors share the organisation's and the clock's helpers instead of copies, give
forms querysets (no list of ids), and label an exception's state in one place."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.conftest import make_persona
from lis.core import clock
from lis.core.access import principal_for
from lis.organisation.models import Person, Role
from lis.organisation.selectors import active_q, managers_of
from lis.staff import extensions, selectors, views
from lis.staff.forms import ExceptionRegisterForm, RemoteWorkCreateForm

from .conftest import NOW
from .helpers import ask, grant

pytestmark = pytest.mark.django_db


def test_it_uses_the_shared_helpers_and_no_copies():
    # Before: selectors had its own add_months, _ancestor_paths and chefs_of.
    for name in ("chefs_of", "_ancestor_paths", "staff_needing_review"):
        assert not hasattr(selectors, name), name
    assert selectors.add_months is clock.add_months
    assert selectors.latest_valid_until(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert selectors.latest_valid_until(datetime.date(2026, 12, 1)) == datetime.date(2027, 12, 1)


def _everyone_whose_chef_is(person):
    employees = list(Person.objects.filter(active_q(), kind=Person.Kind.EMPLOYEE).select_related("unit"))
    chefs = managers_of(employees)
    return {e.pk for e in employees if chefs[e.pk] == person.pk}


def test_it_lists_a_chefs_staff_exactly_as_managers_of_says(people, amal):
    # A co-head who started later takes over BYGG; the first enhetschef's chef is then the co-head.
    make_persona(amal, "chef_bygg2", unit="BYGG", roles=[(Role.UNIT_HEAD, "BYGG", None)])
    sub = amal["units"]["BYGG"]
    from lis.organisation import services as org_services
    from lis.organisation.models import OrgUnit

    amal["units"]["KART"] = org_services.unit_create(
        actor=None, name="Kartgruppen", short_name="KART", kind=OrgUnit.Kind.UNIT, parent=sub
    )
    make_persona(amal, "head_kart", unit="KART", roles=[(Role.UNIT_HEAD, "KART", None)])
    make_persona(amal, "staff_kart", unit="KART", roles=[])
    make_persona(amal, "headless", unit="KART", roles=[])
    for login in ("chef_vaf", "chef_enhet", "unit_head_buf", "chef_bygg2", "head_kart", "employee_vaf"):
        person = Person.objects.get(user__username=login) if login not in people else people[login].person
        p = principal_for(person.user)
        assert set(selectors.my_staff(p).values_list("pk", flat=True)) == _everyone_whose_chef_is(person), login


def test_it_lists_the_demo_chefs_staff_as_managers_of_says(db):
    from lis.organisation.demo import load_demo

    with time_machine.travel(NOW, tick=False):
        load_demo(generic_people=5)
        heads = Person.objects.filter(roles__role="unit_head").distinct()
        assert heads.count() > 3
        for head in heads:
            if head.user_id is None:
                continue
            p = principal_for(head.user)
            assert set(selectors.my_staff(p).values_list("pk", flat=True)) == _everyone_whose_chef_is(head), str(head)


def test_it_gives_the_forms_querysets_not_lists_of_ids(people):
    # Before: the forms built `pk IN (…)` from a list of every employee (20,000 in the benchmark).
    hr = principal_for(people["hr"].user)
    field = RemoteWorkCreateForm(principal=hr).fields["person"]
    with CaptureQueriesContext(connection) as queries:
        choices = list(field.queryset)
    assert len(queries) == 1 and " IN (" not in queries[0]["sql"]
    assert people["employee_vaf"].person in choices and people["hr"].person not in choices  # not their own
    chef = principal_for(people["chef_vaf"].user)
    field = ExceptionRegisterForm(principal=chef).fields["person"]
    assert field.queryset.model is Person and people["employee_vaf"].person in field.queryset
    assert people["employee_enhet"].person not in field.queryset  # the enhetschef's, not theirs
    assert people["chef_enhet"].person in field.queryset


def test_it_labels_a_state_the_same_in_the_register_and_on_the_person_page(people, monkeypatch):
    # Before: views.STATE_TEXT and extensions._state_text were two copies that could drift.
    assert not hasattr(views, "STATE_TEXT") and not hasattr(extensions, "_state_text")
    grant(people["chef_vaf"], ask(people["employee_vaf"]), days=10)
    monkeypatch.setitem(selectors.STATE_TEXT, "review", "Granskas snart (test)")
    client = people["chef_vaf"].client()
    assert "Granskas snart (test)" in client.get(reverse("staff:overview")).content.decode()
    url = reverse("organisation:person_detail", args=[people["employee_vaf"].person.pk])
    assert "Granskas snart (test)" in client.get(url + "?flik=undantag").content.decode()
    assert selectors.state_text("") == ""


def test_the_chef_hr_names_decides_and_has_the_person_among_their_staff(people, amal):
    """With the HR sync, HR may name a person's chef (Person.manager); that chef then decides
    their exceptions and lists them as staff, and the unit's förvaltningschef no longer does."""
    from lis.organisation import services as org_services

    teamleader = make_persona(amal, "teamleader", unit="VAF", roles=[])
    employee = people["employee_vaf"]
    org_services.person_update(actor=None, person=employee.person, manager=teamleader.person)
    request = ask(employee)
    lead, vaf = principal_for(teamleader.user), principal_for(people["chef_vaf"].user)
    assert [e.pk for e in selectors.to_decide(lead)] == [request.pk]
    assert selectors.to_decide(vaf) == []
    assert employee.person in selectors.my_staff(lead)
    assert employee.person not in selectors.my_staff(vaf)
    staff = set(selectors.my_staff(vaf).values_list("pk", flat=True))
    assert staff == _everyone_whose_chef_is(people["chef_vaf"].person)
    grant(teamleader, request)
