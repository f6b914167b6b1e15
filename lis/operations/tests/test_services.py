"""The services of driftinformation: who may plan and post what, validation (nothing written on
error), notifying once per person and again after a change, cancelling, closing, the history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lis.core.access import principal_for
from lis.core.models import ChangeLogEntry, Notification
from lis.core.selectors import history_for
from lis.operations import selectors, services
from lis.operations.models import NoticeRecipient, ServiceNotice

from .conftest import NOW, D, H


def plan(actor, systems, *, starts_in=10 * D, **fields):
    values = {
        "kind": "maintenance",
        "title": "Uppdatering",
        "impact": "Systemet är stängt.",
        "systems": systems,
        "starts_at": NOW + starts_in,
        "ends_at": NOW + starts_in + 2 * H,
    }
    values.update(fields)
    return services.notice_plan(actor=actor, **values)


# --- permissions ---------------------------------------------------------------------------------

MANAGERS = {"strategist", "administrator", "it_manager", "it_head"}


@pytest.mark.parametrize(
    "key",
    [
        "strategist",
        "administrator",
        "it_manager",
        "it_head",
        "hr",
        "unit_head_buf",
        "coordinator_vaf",
        "representative_tff",
        "board_member_bun",
        "employee_vaf",
        "steward",
        "manager",
    ],
)
def test_it_lets_only_it_enheten_plan_maintenance(key, people, systems, clock):
    p = principal_for(people[key].user)
    assert selectors.can_manage_notices(p) is (key in MANAGERS)
    if key in MANAGERS:
        assert plan(people[key].user, [systems["vaf"]]).status == "planned"
    else:
        with pytest.raises(PermissionDenied):
            plan(people[key].user, [systems["vaf"]])
        assert not ServiceNotice.objects.exists()


def test_it_lets_a_steward_post_a_disruption_of_their_own_system_only(people, systems, clock):
    steward = people["steward"].user
    notice = services.disruption_post(
        actor=steward, title="Nere", impact="Går inte att logga in.", systems=[systems["vaf"]]
    )
    assert notice.status == "ongoing" and notice.starts_at == NOW and notice.notified_at == NOW
    with pytest.raises(ValidationError) as error:
        services.disruption_post(actor=steward, title="Nere", impact="x", systems=[systems["buf"]])
    assert "systems" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.disruption_post(actor=people["employee_vaf"].user, title="Nere", impact="x", systems=[systems["vaf"]])
    assert ServiceNotice.objects.count() == 1
    # The steward closes their own disruption, but cannot close the BUF one IT posted.
    buf = services.disruption_post(actor=people["it_manager"].user, title="Nere", impact="x", systems=[systems["buf"]])
    with pytest.raises(PermissionDenied):
        services.notice_close(actor=steward, notice=buf, summary="Klart")
    services.notice_close(actor=steward, notice=notice, summary="Omstartad.")


def test_it_rejects_a_steward_changing_a_disruption_to_another_system(people, systems, clock):
    steward = people["steward"].user
    notice = services.disruption_post(actor=steward, title="Nere", impact="x", systems=[systems["vaf"]])
    with pytest.raises(ValidationError) as error:
        services.notice_update(actor=steward, notice=notice, systems=[systems["vaf"], systems["buf"]])
    assert "systems" in error.value.message_dict
    assert list(notice.systems.all()) == [systems["vaf"]]


# --- validation ----------------------------------------------------------------------------------


def test_it_rejects_an_end_before_the_start(people, systems, clock):
    with pytest.raises(ValidationError) as error:
        plan(people["it_manager"].user, [systems["vaf"]], ends_at=NOW + 9 * D)
    assert "Beräknat klart kan inte vara före starten." in error.value.message_dict["ends_at"]
    assert not ServiceNotice.objects.exists()


def test_it_rejects_planned_work_without_title_impact_or_systems(people, systems, clock):
    with pytest.raises(ValidationError) as error:
        plan(people["it_manager"].user, [], title=" ", impact="")
    assert set(error.value.message_dict) == {"title", "impact", "systems"}
    assert not ServiceNotice.objects.exists()


def test_it_rejects_planned_work_in_the_past(people, systems, clock):
    with pytest.raises(ValidationError) as error:
        plan(people["it_manager"].user, [systems["vaf"]], starts_in=-H)
    assert "driftstörning" in error.value.message_dict["starts_at"][0]


def test_it_rejects_a_disruption_in_the_future(people, systems, clock):
    with pytest.raises(ValidationError) as error:
        services.disruption_post(
            actor=people["it_manager"].user, title="Nere", impact="x", systems=[systems["vaf"]], starts_at=NOW + H
        )
    assert "planerat arbete" in error.value.message_dict["starts_at"][0]
    assert not ServiceNotice.objects.exists()
    assert not Notification.objects.exists()


def test_it_rejects_closing_before_the_start_or_in_the_future(people, systems, clock):
    actor = people["it_manager"].user
    notice = services.disruption_post(
        actor=actor, title="Nere", impact="x", systems=[systems["vaf"]], starts_at=NOW - 2 * H
    )
    for ended_at, text in ((NOW - 3 * H, "före starten"), (NOW + H, "framtiden")):
        with pytest.raises(ValidationError) as error:
            services.notice_close(actor=actor, notice=notice, ended_at=ended_at, summary="Klart")
        assert text in error.value.message_dict["ended_at"][0]
    with pytest.raises(ValidationError) as error:
        services.notice_close(actor=actor, notice=notice, ended_at=NOW, summary=" ")
    assert "summary" in error.value.message_dict
    notice.refresh_from_db()
    assert notice.status == "ongoing" and notice.ended_at is None
    services.notice_close(actor=actor, notice=notice, ended_at=NOW - H, summary="Omstartad.")
    notice.refresh_from_db()
    assert (notice.status, notice.ended_at, notice.closing_note) == ("completed", NOW - H, "Omstartad.")


def test_it_requires_a_reason_for_short_notice(people, systems, clock):
    actor = people["it_manager"].user
    with pytest.raises(ValidationError) as error:
        plan(actor, [systems["vaf"]], starts_in=3 * D)
    assert "minst 5 dagar" in error.value.message_dict["short_notice"][0]
    with pytest.raises(ValidationError) as error:
        plan(actor, [systems["vaf"]], starts_in=3 * D, short_notice=True)
    assert "short_notice_reason" in error.value.message_dict
    assert not ServiceNotice.objects.exists()
    notice = plan(actor, [systems["vaf"]], starts_in=3 * D, short_notice=True, short_notice_reason="Kritisk patch.")
    assert notice.short_notice_reason == "Kritisk patch."
    # Enough notice: no reason needed, none kept.
    assert plan(actor, [systems["vaf"]], starts_in=6 * D).short_notice_reason == ""


def test_it_requires_a_reason_when_an_edit_moves_the_start_closer(people, systems, clock):
    actor = people["it_manager"].user
    notice = plan(actor, [systems["vaf"]])
    with pytest.raises(ValidationError) as error:
        services.notice_update(actor=actor, notice=notice, starts_at=NOW + 2 * D, ends_at=NOW + 2 * D + H)
    assert "short_notice" in error.value.message_dict
    notice.refresh_from_db()
    assert notice.starts_at == NOW + 10 * D and notice.sequence == 0


def test_it_defaults_the_steward_planned_with_to_the_systems_steward(people, systems, clock):
    notice = plan(people["it_manager"].user, [systems["vaf"]])
    assert notice.planned_with_steward == people["steward"].person
    both = plan(people["it_manager"].user, [systems["vaf"], systems["buf"]])
    assert both.planned_with_steward is None


# --- notifying -----------------------------------------------------------------------------------


def test_it_notifies_each_contact_steward_and_manager_once(people, systems, clock):
    actor = people["it_manager"].user
    notice = plan(actor, [systems["vaf"]])
    reached = services.notice_notify(actor=actor, notice=notice)
    expected = {people[k].person.pk for k in ("employee_vaf", "steward", "manager")}
    assert {p.pk for p in reached} == expected
    assert set(NoticeRecipient.objects.values_list("person_id", flat=True)) == expected
    # The steward is both a group's contact and the steward: one notification.
    assert Notification.objects.filter(recipient=people["steward"].user).count() == 1
    assert Notification.objects.count() == 3
    message = Notification.objects.get(recipient=people["employee_vaf"].user).message
    assert "Hemtjänstplanering" in message and "2026-12-11 10:00–12:00" in message
    notice.refresh_from_db()
    assert notice.notified_at == NOW and notice.notified_sequence == 0
    event = ChangeLogEntry.objects.get(event="service_notice_notified")
    assert event.changes["recipients"] == 3 and event.changes["again"] is False
    # Nothing has changed: notifying again is refused and sends nothing.
    with pytest.raises(ValidationError):
        services.notice_notify(actor=actor, notice=notice)
    assert Notification.objects.count() == 3


def test_it_notifies_the_same_people_again_after_a_change_of_time(people, systems, clock):
    actor = people["it_manager"].user
    notice = plan(actor, [systems["vaf"]])
    services.notice_notify(actor=actor, notice=notice)
    # The steward leaves the system: they were told, so they are told of the change too.
    from lis.systems import services as system_services

    system_services.system_update(actor=None, system=systems["vaf"], system_steward=None)
    clock.shift(D)
    services.notice_update(actor=actor, notice=notice, starts_at=NOW + 12 * D, ends_at=NOW + 12 * D + H)
    notice.refresh_from_db()
    assert notice.sequence == 1 and selectors.needs_renotify(notice)
    reached = services.notice_notify(actor=actor, notice=notice)
    assert {p.pk for p in reached} == {people[k].person.pk for k in ("employee_vaf", "steward", "manager")}
    again = Notification.objects.filter(recipient=people["employee_vaf"].user).order_by("-pk").first()
    assert again.message.startswith("Ny tid") and "2026-12-13" in again.message
    notice.refresh_from_db()
    assert notice.notified_at == NOW  # the first notice given stands
    assert set(NoticeRecipient.objects.values_list("notified_at", flat=True)) == {NOW + D}
    assert not selectors.needs_renotify(notice)


def test_it_tells_the_recipients_of_a_cancellation(people, systems, clock):
    actor = people["it_manager"].user
    notice = plan(actor, [systems["vaf"]])
    services.notice_notify(actor=actor, notice=notice)
    with pytest.raises(ValidationError) as error:
        services.notice_cancel(actor=actor, notice=notice, note="")
    assert "note" in error.value.message_dict
    services.notice_cancel(actor=actor, notice=notice, note="Leverantören sköt upp releasen.")
    notice.refresh_from_db()
    assert notice.status == "cancelled" and notice.sequence == 1
    cancelled = Notification.objects.filter(message__contains="inställt")
    assert cancelled.count() == 3 and "Leverantören sköt upp releasen." in cancelled.first().message


def test_it_moves_planned_work_through_its_statuses(people, systems, clock):
    actor = people["it_head"].user
    notice = plan(actor, [systems["vaf"]])
    with pytest.raises(ValidationError):
        services.notice_close(actor=actor, notice=notice, summary="x")
    services.notice_start(actor=actor, notice=notice)
    with pytest.raises(ValidationError):
        services.notice_cancel(actor=actor, notice=notice, note="x")
    clock.shift(10 * D + H)
    services.notice_close(actor=actor, notice=notice, summary="Klart.")
    notice.refresh_from_db()
    assert notice.status == "completed"
    with pytest.raises(ValidationError):
        services.notice_update(actor=actor, notice=notice, title="Ny")


def test_it_records_the_history_of_a_notice(people, systems, clock):
    actor = people["it_manager"].user
    notice = plan(actor, [systems["vaf"]])
    services.notice_notify(actor=actor, notice=notice)
    services.notice_update(actor=actor, notice=notice, title="Uppdatering av planeringen")
    _page, rows = history_for(principal_for(actor), [notice], related=[notice.recipients.all()])
    text = " ".join(str(vars(row)) for row in rows)
    assert "Uppdatering av planeringen" in text
    assert "Driftinformation aviserad" in text
    assert "Hemtjänstplanering" in text  # the systems, by name
    actions = list(ChangeLogEntry.objects.filter(object_type="operations.servicenotice").values_list("action", "event"))
    assert ("create", "") in actions and ("event", "service_notice_notified") in actions


def test_it_refuses_to_notify_when_there_is_nobody_to_tell(people, systems, clock, make_system):
    actor = people["it_manager"].user
    lonely = make_system("TFF", name="Parkeringssystem")
    notice = plan(actor, [lonely])
    with pytest.raises(ValidationError) as error:
        services.notice_notify(actor=actor, notice=notice)
    assert "ingen att avisera" in error.value.messages[0]
    notice.refresh_from_db()
    assert notice.notified_at is None and not Notification.objects.exists()
    # A disruption is still posted at once, with nobody to tell.
    disruption = services.disruption_post(actor=actor, title="Nere", impact="x", systems=[lonely])
    assert disruption.status == "ongoing" and disruption.notified_at is None


# --- review fixes ----------------------------------------------------------------------------------


def test_it_moves_the_start_to_now_when_planned_work_begins_early(people, systems, clock):
    actor = people["it_head"].user
    notice = plan(actor, [systems["vaf"]])
    services.notice_start(actor=actor, notice=notice)
    notice.refresh_from_db()
    assert notice.status == "ongoing"
    assert notice.starts_at == NOW  # not the planned start 10 days ahead
    assert notice.sequence == 1  # calendars get the new start
    entry = ChangeLogEntry.objects.filter(object_type="operations.servicenotice", action="update").latest("pk")
    assert "starts_at" in entry.changes and "status" in entry.changes
    clock.shift(H)
    services.notice_close(actor=actor, notice=notice, ended_at=NOW + H / 2, summary="Klart tidigt.")
    notice.refresh_from_db()
    assert notice.status == "completed"


def test_it_keeps_the_start_when_planned_work_begins_late(people, systems, clock):
    actor = people["it_head"].user
    notice = plan(actor, [systems["vaf"]])
    clock.shift(10 * D + H)
    services.notice_start(actor=actor, notice=notice)
    notice.refresh_from_db()
    assert notice.starts_at == NOW + 10 * D and notice.sequence == 0


def test_it_rejects_a_future_start_for_ongoing_work(people, systems, clock):
    actor = people["it_head"].user
    notice = plan(actor, [systems["vaf"]], starts_in=H, short_notice=True, short_notice_reason="Säkerhetsrättning.")
    clock.shift(2 * H)
    services.notice_start(actor=actor, notice=notice)
    with pytest.raises(ValidationError) as caught:
        services.notice_update(actor=actor, notice=notice, starts_at=NOW + 5 * D, ends_at=NOW + 6 * D)
    assert "Börjar" in caught.value.message_dict["starts_at"][0]
    notice.refresh_from_db()
    assert notice.starts_at == NOW + H and notice.ends_at == NOW + 3 * H and notice.sequence == 0
    services.notice_update(actor=actor, notice=notice, starts_at=NOW + H / 2)  # a past start is fine
    notice.refresh_from_db()
    assert notice.starts_at == NOW + H / 2


def test_it_counts_the_it_units_samordnare_as_it_enheten_as_the_platform_register_does(amal, people):
    from lis.conftest import make_persona
    from lis.core import access
    from lis.organisation.models import Role
    from lis.systems.selectors import can_manage_platforms

    it_coordinator = make_persona(amal, "it_coordinator", unit="IT", roles=[(Role.SECURITY_COORDINATOR, "IT", None)])
    for key, persona in (people | {"it_coordinator": it_coordinator}).items():
        p = principal_for(persona.user)
        expected = access.speaks_for_it_unit(p)
        assert selectors.can_manage_notices(p) == expected, key
        assert can_manage_platforms(p) == expected, key
    assert selectors.can_manage_notices(principal_for(it_coordinator.user))
    assert not hasattr(selectors, "is_it_unit_manager")


def test_it_finds_my_systems_in_the_registers_of_my_unit_and_those_above_it(people, systems, monkeypatch):
    from lis.systems.models import InformationSystem

    calls = []
    real = selectors.ancestor_paths
    monkeypatch.setattr(selectors, "ancestor_paths", lambda path: calls.append(path) or real(path))
    person = people["coordinator_vaf"].person
    mine = set(InformationSystem.objects.filter(selectors.my_system_ids_q(person)).values_list("pk", flat=True))
    assert systems["vaf"].pk in mine and systems["buf"].pk not in mine
    assert calls == [person.unit.path]
