"""Organisation services: permission, validation in Swedish with nothing written, history."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from lis.core.models import ChangeLogEntry
from lis.organisation import services
from lis.organisation.models import MandatePeriod, OrgUnit, Role


def test_it_loads_the_reference_organisation_idempotently(amal):
    assert {"KF", "KS", "BUN", "VAN", "TFN", "ÖFN", "ÅKAB", "SÅAB"} <= set(amal["boards"])
    assert amal["boards"]["KS"].responsible_for_security  # POL-3.1
    assert amal["units"]["IT"].parent == amal["units"]["KSF"]
    assert amal["units"]["TFF"].governing_board.kind == "joint_committee"
    before = ChangeLogEntry.objects.count()
    from lis.organisation.reference import load_reference_organisation

    assert load_reference_organisation() == {"boards": 0, "units": 0}
    assert ChangeLogEntry.objects.count() == before


def test_it_rejects_a_förvaltning_without_a_governing_board_and_writes_nothing(personas):
    before = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.unit_create(actor=personas["strategist"].user, name="Ny förvaltning", kind="administration")
    assert "styrande nämnd" in caught.value.message_dict["governing_board"][0]
    assert not OrgUnit.objects.filter(name="Ny förvaltning").exists()
    assert ChangeLogEntry.objects.count() == before


def test_it_lets_a_unit_head_add_an_enhet_in_their_own_unit_only(personas, amal):
    head = personas["unit_head_buf"].user
    school = services.unit_create(actor=head, name="Skolan", kind="unit", parent=amal["units"]["BUF"])
    assert school.path == f"{amal['units']['BUF'].path}{school.pk}/"
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=head, name="Hemtjänst", kind="unit", parent=amal["units"]["VAF"])
    with pytest.raises(PermissionDenied):
        services.unit_create(
            actor=head, name="Ny förvaltning", kind="administration", governing_board=amal["boards"]["BUN"]
        )


def test_it_moves_a_subtree_and_keeps_paths_consistent(personas, amal):
    actor = personas["strategist"].user
    a = services.unit_create(actor=actor, name="A", kind="unit", parent=amal["units"]["BUF"])
    b = services.unit_create(actor=actor, name="B", kind="unit", parent=a)
    services.unit_update(actor=actor, unit=a, parent=amal["units"]["VAF"])
    b.refresh_from_db()
    assert b.path == f"{amal['units']['VAF'].path}{a.pk}/{b.pk}/"
    entry = ChangeLogEntry.objects.filter(object_id=str(a.pk), action="update").get()
    assert entry.changes == {"parent": [amal["units"]["BUF"].pk, amal["units"]["VAF"].pk]}


def test_it_rejects_moving_a_unit_into_its_own_subtree(personas, amal):
    actor = personas["strategist"].user
    a = services.unit_create(actor=actor, name="A", kind="unit", parent=amal["units"]["BUF"])
    b = services.unit_create(actor=actor, name="B", kind="unit", parent=a)
    with pytest.raises(ValidationError, match="underenheter"):
        services.unit_update(actor=actor, unit=a, parent=b)
    a.refresh_from_db()
    assert a.parent == amal["units"]["BUF"]


def test_it_refuses_to_end_a_unit_with_active_enheter(personas, amal):
    with pytest.raises(ValidationError, match="underenheter"):
        services.unit_end(
            actor=personas["strategist"].user, unit=amal["units"]["KSF"], ended_on=datetime.date(2026, 12, 31)
        )


def test_it_allows_only_one_board_responsible_for_security(personas, amal):
    with pytest.raises(ValidationError, match="POL-3.1"):
        services.board_update(
            actor=personas["strategist"].user, board=amal["boards"]["BUN"], responsible_for_security=True
        )
    assert not amal["boards"]["BUN"].responsible_for_security


def test_it_ends_a_persons_roles_when_they_leave(personas):
    person = personas["coordinator_vaf"].person
    services.person_end(actor=personas["hr"].user, person=person, ended_on=datetime.date(2026, 3, 31))
    assert not person.roles.filter(ends_on__isnull=True).exists()
    assert person.roles.get().ends_on == datetime.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"role": Role.UNIT_HEAD}, "unit", "Välj enhet"),
        ({"role": Role.BOARD_MEMBER}, "board", "Välj nämnd"),
        ({"role": Role.SECURITY_STRATEGIST, "unit": "BUF"}, "unit", "hela kommunen"),
        ({"role": Role.COUNCIL_REPRESENTATIVE, "unit": "IT"}, "unit", "förvaltning eller ett bolag"),
        ({"role": Role.HR, "ends_on": datetime.date(2023, 1, 1)}, "ends_on", "före startdatum"),
    ],
)
def test_it_rejects_an_invalid_role_assignment_naming_the_field(personas, amal, fields, field, message):
    values = {"starts_on": datetime.date(2024, 1, 1), **fields}
    if isinstance(values.get("unit"), str):
        values["unit"] = amal["units"][values["unit"]]
    before = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.role_assign(actor=personas["administrator"].user, person=personas["employee_vaf"].person, **values)
    assert message in " ".join(caught.value.message_dict[field])
    assert ChangeLogEntry.objects.count() == before


def test_it_lets_a_unit_head_appoint_the_e_råd_representative_of_their_unit(personas, amal):
    teacher = services.person_create(actor=None, first_name="Lärare", last_name="X", unit=amal["units"]["BUF"])
    assignment = services.role_assign(
        actor=personas["unit_head_buf"].user,
        person=teacher,
        role=Role.COUNCIL_REPRESENTATIVE,
        unit=amal["units"]["BUF"],
        starts_on=datetime.date(2026, 1, 1),
    )
    assert assignment.pk
    with pytest.raises(PermissionDenied):
        services.role_assign(
            actor=personas["unit_head_buf"].user,
            person=teacher,
            role=Role.UNIT_HEAD,
            unit=amal["units"]["BUF"],
            starts_on=datetime.date(2026, 1, 1),
        )


@pytest.mark.parametrize(
    ("day", "anchor", "start", "end"),
    [
        (datetime.date(2026, 11, 28), "board", datetime.date(2023, 1, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2027, 1, 1), "board", datetime.date(2027, 1, 1), datetime.date(2030, 12, 31)),
        (datetime.date(2026, 10, 14), "council", datetime.date(2022, 10, 15), datetime.date(2026, 10, 14)),
        (datetime.date(2026, 10, 15), "council", datetime.date(2026, 10, 15), datetime.date(2030, 10, 14)),
        (datetime.date(2019, 6, 1), "board", datetime.date(2019, 1, 1), datetime.date(2022, 12, 31)),
    ],
)
def test_it_computes_the_mandate_period_from_the_pack_anchors(db, day, anchor, start, end):
    period = services.mandate_period_for(day, anchor)
    assert (period.starts_on, period.ends_on) == (start, end)
    assert services.mandate_period_for(day, anchor) == period
    assert MandatePeriod.objects.filter(anchor=anchor).count() == 1


def test_it_knows_the_current_period_in_stockholm_time(db):
    # 23:30 UTC on 31 December is already 1 January in Stockholm.
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)):
        assert services.current_mandate_period("board").starts_on == datetime.date(2027, 1, 1)


def test_it_lets_an_administrator_create_a_login_and_never_logs_the_password(personas, amal):
    person = services.person_create(actor=None, first_name="Ny", last_name="Användare", unit=amal["units"]["IT"])
    with pytest.raises(PermissionDenied):
        services.person_login_create(
            actor=personas["strategist"].user, person=person, username="ny", password="ett-bra-långt-lösenord"
        )
    with pytest.raises(ValidationError) as caught:
        services.person_login_create(
            actor=personas["administrator"].user, person=person, username="ny", password="kort"
        )
    assert "password" in caught.value.message_dict
    user = services.person_login_create(
        actor=personas["administrator"].user, person=person, username="ny", password="ett-bra-långt-lösenord"
    )
    assert user.check_password("ett-bra-långt-lösenord")
    entry = ChangeLogEntry.objects.get(object_type="core.user", object_id=str(user.pk))
    assert "password" not in entry.changes
    with pytest.raises(ValidationError, match="redan en inloggning"):
        services.person_login_create(
            actor=personas["administrator"].user, person=person, username="ny2", password="ett-bra-långt-lösenord"
        )


def test_it_refuses_login_to_someone_who_has_left(personas, client):
    from lis.conftest import PASSWORD

    services.person_end(
        actor=personas["hr"].user, person=personas["employee_vaf"].person, ended_on=datetime.date(2025, 1, 31)
    )
    response = client.post("/logga-in/", {"username": "employee_vaf", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_the_edit_pages_save_and_record_the_change(personas, amal):
    from django.urls import reverse

    client = personas["strategist"].client()
    person = personas["employee_vaf"].person
    response = client.post(
        reverse("organisation:person_edit", args=[person.pk]),
        {
            "first_name": person.first_name,
            "last_name": "Ändrad",
            "kind": "employee",
            "unit": amal["units"]["VAF"].pk,
            "email": person.email,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.last_name == "Ändrad"
    assert ChangeLogEntry.objects.get(object_id=str(person.pk), action="update").changes == {
        "last_name": ["Testsson", "Ändrad"]
    }
    board = amal["boards"]["VAL"]
    client.post(
        reverse("organisation:board_edit", args=[board.pk]),
        {"name": "Valnämnden", "short_name": "VN", "kind": "committee"},
    )
    board.refresh_from_db()
    assert board.short_name == "VN"
    unit = amal["units"]["EKO"]
    client.post(
        reverse("organisation:unit_edit", args=[unit.pk]),
        {"name": "Ekonomiavdelningen", "kind": "unit", "parent": unit.parent_id},
    )
    unit.refresh_from_db()
    assert unit.name == "Ekonomiavdelningen"
