"""No self-escalation (issue 10, item 3): nobody gives, edits, extends or ends their own role
assignment; a förvaltningschef/VD appoints only what POL-3.4 lets them appoint, within their
own unit, and a samordnare appoints nobody."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lis.core import access
from lis.core.models import ChangeLogEntry
from lis.organisation import services
from lis.organisation.forms import RoleAssignmentForm
from lis.organisation.models import Role, RoleAssignment

TODAY = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
DAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _own(persona) -> RoleAssignment:
    return persona.person.roles.get()


def _state(assignment: RoleAssignment):
    assignment.refresh_from_db()
    return ChangeLogEntry.objects.count(), assignment.role, assignment.unit_id, assignment.ends_on


@pytest.mark.parametrize("key", ["strategist", "administrator", "hr", "unit_head_buf", "coordinator_vaf"])
def test_it_refuses_anyone_removing_the_end_date_of_their_own_role(personas, key):
    persona = personas[key]
    own = _own(persona)
    services.role_assignment_update(actor=None, assignment=own, ends_on=datetime.date(2026, 12, 31))
    before = _state(own)
    with pytest.raises(PermissionDenied) as caught:
        services.role_assignment_update(actor=persona.user, assignment=own, ends_on=None)
    assert str(caught.value) == "Du kan inte ändra eller avsluta dina egna roller."
    with pytest.raises(PermissionDenied):
        services.role_assignment_update(actor=persona.user, assignment=own, ends_on=datetime.date(2030, 12, 31))
    with pytest.raises(PermissionDenied):
        services.role_assignment_end(actor=persona.user, assignment=own, ends_on=DAY)
    assert _state(own) == before


@pytest.mark.parametrize(
    ("key", "role", "unit"),
    [
        ("strategist", Role.HR, None),
        ("administrator", Role.HR, None),
        ("unit_head_buf", Role.SECURITY_COORDINATOR, "BUF"),
    ],
)
def test_it_refuses_anyone_giving_themselves_a_role(personas, amal, key, role, unit):
    persona = personas[key]
    before = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.role_assign(
            actor=persona.user,
            person=persona.person,
            role=role,
            unit=amal["units"][unit] if unit else None,
            starts_on=DAY,
        )
    assert caught.value.message_dict == {"person": ["Du kan inte tilldela dig själv en roll."]}
    assert ChangeLogEntry.objects.count() == before
    assert persona.person.roles.count() == 1


@pytest.mark.parametrize("role", [Role.SECURITY_COORDINATOR, Role.COUNCIL_REPRESENTATIVE, Role.COUNCIL_DEPUTY])
def test_it_refuses_a_samordnare_appointing_anyone(personas, amal, role):
    colleague = services.person_create(actor=None, first_name="Kollega", last_name="Vaf", unit=amal["units"]["VAF"])
    before = ChangeLogEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.role_assign(
            actor=personas["coordinator_vaf"].user,
            person=colleague,
            role=role,
            unit=amal["units"]["VAF"],
            starts_on=DAY,
        )
    assert ChangeLogEntry.objects.count() == before
    assert not colleague.roles.exists()


def test_it_refuses_a_samordnare_ending_or_extending_another_samordnare(personas, amal):
    colleague = services.person_create(actor=None, first_name="Kollega", last_name="Vaf", unit=amal["units"]["VAF"])
    theirs = services.role_assign(
        actor=None,
        person=colleague,
        role=Role.SECURITY_COORDINATOR,
        unit=amal["units"]["VAF"],
        starts_on=DAY,
        ends_on=datetime.date(2026, 12, 31),
    )
    before = _state(theirs)
    coordinator = personas["coordinator_vaf"].user
    with pytest.raises(PermissionDenied):
        services.role_assignment_update(actor=coordinator, assignment=theirs, ends_on=None)
    with pytest.raises(PermissionDenied):
        services.role_assignment_end(actor=coordinator, assignment=theirs, ends_on=DAY)
    assert _state(theirs) == before


@pytest.mark.parametrize("role", Role.values)
def test_it_lets_a_unit_head_appoint_only_a_samordnare_or_e_råd_representative_of_their_unit(personas, amal, role):
    teacher = services.person_create(actor=None, first_name="Lärare", last_name="Buf", unit=amal["units"]["BUF"])
    unit_head = personas["unit_head_buf"].user
    scope = {"board": amal["boards"]["BUN"]} if role == Role.BOARD_MEMBER else {"unit": amal["units"]["BUF"]}
    if role in (Role.SECURITY_COORDINATOR, Role.COUNCIL_REPRESENTATIVE, Role.COUNCIL_DEPUTY):
        assert services.role_assign(actor=unit_head, person=teacher, role=role, starts_on=DAY, **scope).pk
        with pytest.raises(PermissionDenied):  # never in another förvaltning
            services.role_assign(actor=unit_head, person=teacher, role=role, unit=amal["units"]["VAF"], starts_on=DAY)
    else:  # a peer (förvaltningschef) or a role with a wider scope than their own
        with pytest.raises(PermissionDenied):
            services.role_assign(actor=unit_head, person=teacher, role=role, starts_on=DAY, **scope)
    assert teacher.roles.count() == (1 if role in access.UNIT_HEAD_APPOINTS else 0)


def test_it_refuses_a_unit_head_widening_an_assignment_they_gave(personas, amal):
    teacher = services.person_create(actor=None, first_name="Lärare", last_name="Buf", unit=amal["units"]["BUF"])
    unit_head = personas["unit_head_buf"].user
    assignment = services.role_assign(
        actor=unit_head, person=teacher, role=Role.SECURITY_COORDINATOR, unit=amal["units"]["BUF"], starts_on=DAY
    )
    before = _state(assignment)
    with pytest.raises(PermissionDenied) as caught:
        services.role_assignment_update(actor=unit_head, assignment=assignment, role=Role.UNIT_HEAD)
    assert str(caught.value) == "Du får inte tilldela rollen Förvaltningschef/VD här."
    with pytest.raises(PermissionDenied):
        services.role_assignment_update(actor=unit_head, assignment=assignment, unit=amal["units"]["VAF"])
    assert _state(assignment) == before
    services.role_assignment_end(actor=unit_head, assignment=assignment, ends_on=DAY)
    assert _state(assignment)[3] == DAY


def test_it_refuses_ending_oneself_with_the_roles_one_holds(personas):
    strategist = personas["strategist"]
    with pytest.raises(ValidationError) as caught:
        services.person_end(actor=strategist.user, person=strategist.person, ended_on=DAY)
    assert "som du inte kan avsluta" in caught.value.message_dict["ended_on"][0]
    strategist.person.refresh_from_db()
    assert strategist.person.ended_on is None and _own(strategist).ends_on is None


@pytest.mark.parametrize(
    ("key", "roles"),
    [
        ("unit_head_buf", {Role.SECURITY_COORDINATOR, Role.COUNCIL_REPRESENTATIVE, Role.COUNCIL_DEPUTY}),
        ("strategist", set(Role.values) - {Role.ADMINISTRATOR}),
        ("administrator", set(Role.values)),
    ],
)
def test_it_offers_in_the_form_only_what_the_user_may_appoint_and_never_themself(personas, amal, key, roles):
    persona = personas[key]
    form = RoleAssignmentForm(principal=access.principal_for(persona.user))
    assert {value for value, _label in form.fields["role"].choices if value} == roles
    assert persona.person not in form.fields["person"].queryset
    units = set(form.fields["unit"].queryset)
    assert (amal["units"]["VAF"] in units) == (key != "unit_head_buf")
    assert amal["units"]["BUF"] in units


@pytest.mark.parametrize("key", ["strategist", "unit_head_buf"])
def test_it_hides_and_refuses_the_edit_and_end_of_ones_own_role(personas, key):
    persona = personas[key]
    client = persona.client()
    own = _own(persona)
    page = client.get(reverse("organisation:person_detail", args=[persona.person.pk]) + "?flik=roller")
    content = page.content.decode()
    assert reverse("organisation:role_edit", args=[own.pk]) not in content
    assert reverse("organisation:role_end", args=[own.pk]) not in content
    assert reverse("organisation:role_assign") + f"?person={persona.person.pk}" not in content
    before = _state(own)
    assert client.get(reverse("organisation:role_edit", args=[own.pk])).status_code == 403
    assert client.post(reverse("organisation:role_end", args=[own.pk]), {"ended_on": "2026-12-01"}).status_code == 403
    assert _state(own) == before


def test_it_shows_a_samordnare_no_way_to_appoint(personas):
    client = personas["coordinator_vaf"].client()
    assert reverse("organisation:role_assign") not in client.get(reverse("organisation:role_list")).content.decode()
    assert client.get(reverse("organisation:role_assign")).status_code == 403
