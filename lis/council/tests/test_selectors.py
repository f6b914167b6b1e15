"""What each persona reads of the council: members everything, everyone else justerade
minutes only, and of a secret item only its heading."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.http import Http404

from lis.core.access import principal_for
from lis.council import selectors, services
from lis.organisation.models import Role

from .test_services import at, held, hold, now  # noqa: F401  (fixtures)

MEMBERS = ("it_manager", "strategist", "representative_tff")
OTHERS = ("unit_head_buf", "coordinator_vaf", "employee_vaf", "board_member_bun", "hr")


@pytest.fixture
def council(personas, amal, now):  # noqa: F811
    """A justerat meeting with a secret item and an unjusterat one."""
    s = personas["strategist"].user
    day, later = datetime.date(2026, 3, 10), datetime.date(2026, 3, 20)
    done = services.meeting_create(actor=s, starts_at=at(day), ends_at=at(day, 15))
    secret = services.agenda_item_add(actor=s, meeting=done, title="Sårbarhet i fjärråtkomsten")
    services.agenda_item_update(
        actor=s, item=secret, minutes="Detaljer om sårbarheten.", secret=True, secrecy_provision="OSL 18 kap. 8 §"
    )
    public = services.agenda_item_add(actor=s, meeting=done, title="Policyn")
    services.agenda_item_update(actor=s, item=public, minutes="Policyn följdes upp.")
    advice = services.advice_create(
        actor=s,
        item=secret,
        text="Stäng porten.",
        follow_up_by=personas["strategist"].person,
        follow_up_on=datetime.date(2026, 4, 1),
        unit=amal["units"]["IT"],
    )
    pending = services.meeting_create(actor=s, starts_at=at(later), ends_at=at(later, 15))
    c = {**personas, "done": done, "pending": pending, "advice": advice}
    with time_machine.travel(at(later, 16), tick=False):
        hold(c, done)
        hold(c, pending)
        sha = selectors.content_sha256(done)
        services.minutes_sign(actor=personas["it_manager"].user, meeting=done, content_sha256=sha)
        c["minutes"] = services.minutes_sign(
            actor=personas["representative_tff"].user, meeting=done, content_sha256=sha
        )
        yield c


def p(c, key):
    return principal_for(c[key].user)


@pytest.mark.parametrize("key", MEMBERS)
def test_members_read_every_meeting_and_every_item(council, key):
    principal = p(council, key)
    assert selectors.is_member(principal)
    assert set(selectors.meetings_visible_to(principal)) == {council["done"], council["pending"]}
    assert selectors.meeting_get(principal, council["pending"].pk) == council["pending"]
    shown = selectors.content_for(principal, council["minutes"].content)
    assert shown["items"][0]["minutes"] == "Detaljer om sårbarheten."
    assert council["advice"] in selectors.advice_visible_to(principal)


@pytest.mark.parametrize("key", OTHERS)
def test_others_read_justerade_minutes_only_and_of_a_secret_item_only_its_heading(council, key):
    principal = p(council, key)
    assert not selectors.is_member(principal) and not selectors.can_manage(principal)
    assert list(selectors.meetings_visible_to(principal)) == [council["done"]]
    with pytest.raises(Http404):
        selectors.meeting_get(principal, council["pending"].pk)
    shown = selectors.content_for(principal, council["minutes"].content)
    secret, public = shown["items"]
    assert secret["title"] == "Sårbarhet i fjärråtkomsten" and secret["secrecy_provision"] == "OSL 18 kap. 8 §"
    assert secret["minutes"] == "" and secret["advice"] == [] and secret["description"] == ""
    assert public["minutes"] == "Policyn följdes upp."
    assert not selectors.sees_item(principal, council["minutes"].content["items"][0])
    assert council["advice"] not in selectors.advice_visible_to(principal)


def test_who_manages_and_who_only_sits(council):
    assert selectors.can_manage(p(council, "it_manager")) and selectors.can_manage(p(council, "strategist"))
    assert selectors.can_manage(p(council, "administrator")) and not selectors.is_member(p(council, "administrator"))
    assert not selectors.can_manage(p(council, "representative_tff"))


def test_the_frozen_minutes_name_attendance_for_anyone_to_read(council):
    attendance = council["minutes"].content["attendance"]
    assert {row["seat"] for row in attendance} >= {str(Role.COUNCIL_CHAIR.label)}
    assert all(row["person"] for row in attendance)


def test_a_protected_identity_is_pseudonymised_in_the_minutes(personas, amal, now):  # noqa: F811
    from lis.conftest import make_persona

    hidden = make_persona(
        amal, "skyddad", unit="VAF", roles=[(Role.COUNCIL_REPRESENTATIVE, "VAF", None)], protected=True
    )
    s = personas["strategist"].user
    day = datetime.date(2026, 3, 10)
    meeting = services.meeting_create(actor=s, starts_at=at(day), ends_at=at(day, 15))
    with time_machine.travel(at(day, 16), tick=False):
        services.attendance_record(
            actor=s,
            meeting=meeting,
            rows=[(hidden.person, Role.COUNCIL_REPRESENTATIVE, amal["units"]["VAF"], "present")],
        )
    [row] = selectors.content(meeting)["attendance"]
    assert row["person"] == hidden.person.pseudonym and "Skyddad" in row["person"]


def test_seats_show_the_chair_strategist_and_each_unit_with_missing_ones_empty(personas, amal):
    seats = selectors.seats()
    assert seats[0].person == personas["it_manager"].person and seats[1].person == personas["strategist"].person
    by_unit = {seat.unit.short_name: seat for seat in seats[2:]}
    assert by_unit["TFF"].person == personas["representative_tff"].person
    assert by_unit["VAF"].person is None and "role=council_representative" in by_unit["VAF"].appoint_url
    assert all(seat.unit.is_top_level for seat in seats[2:])


def test_the_year_summary_counts_held_and_still_planned_meetings(council):
    summary = selectors.year_summary(2026)
    assert summary["held"] == 2 and summary["planned"] == 0 and summary["minimum"] == 4
    assert summary["reachable"] is False
    assert [m.pk for m in selectors.year_plan(2026)] == [council["done"].pk, council["pending"].pk]


def test_sua_status_follows_the_driftsform(personas, make_system, now):  # noqa: F811
    from .test_services import sua_values

    internal = make_system(name="Eget", operating_model="on_premises")
    external = make_system(name="Moln")
    assert selectors.sua_status(internal) == "not_required"
    assert selectors.sua_status(external) == "missing"
    assert external in selectors.systems_needing_sua()
    services.sua_create(actor=personas["strategist"].user, system=external, **sua_values(personas))
    assert selectors.sua_status(external) == "done" and external not in selectors.systems_needing_sua()
    external.operating_model = "vendor_hosted"
    external.save(update_fields=["operating_model"])
    assert selectors.sua_status(external) == "outdated"


def test_standing_items_include_sua_missing_and_open_advice(council, make_system):
    make_system(name="Moln")
    later = services.meeting_create(
        actor=council["strategist"].user,
        starts_at=at(datetime.date(2026, 4, 20)),
        ends_at=at(datetime.date(2026, 4, 20), 15),
    )
    keys = {item.key for item in selectors.standing_items(later)}
    assert {"sua_missing", "open_advice"} <= keys
