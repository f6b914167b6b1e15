"""The iCalendar feed (parsed with `icalendar`; a notice across the end of summer time), its
token, the POL-3.28 rule, and the demo."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import time_machine
from django.urls import reverse
from django.utils import translation

from lis.core.rules import evaluate, registered_rules
from lis.operations import ics, services
from lis.operations.models import ServiceNotice
from lis.operations.rules import maintenance_notified_in_time

from .conftest import NOW, D, H

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _feed(client, user) -> icalendar.Calendar:
    response = client.get(reverse("operations:feed", args=[ics.feed_token(user)]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_it_serves_planned_ongoing_and_cancelled_notices_as_a_valid_calendar(client, people, systems, clock):
    it = people["it_manager"].user
    planned = services.notice_plan(
        actor=it,
        kind="maintenance",
        title="Uppdatering; del 1, kväll",
        impact="Stängt.\nSkriv ut listorna i förväg.",
        systems=[systems["vaf"]],
        starts_at=NOW + 10 * D,
        ends_at=NOW + 10 * D + 4 * H,
    )
    cancelled = services.notice_plan(
        actor=it, kind="upgrade", title="Inställd", impact="x", systems=[systems["buf"]], starts_at=NOW + 20 * D
    )
    services.notice_cancel(actor=it, notice=cancelled, note="Uppskjuten.")
    disruption = services.disruption_post(actor=it, title="Nere", impact="Ingen kommer in.", systems=[systems["buf"]])
    done = services.disruption_post(actor=it, title="Klar", impact="x", systems=[systems["buf"]])
    services.notice_close(actor=it, notice=done, summary="Löst.")
    calendar = _feed(client, people["employee_vaf"].user)  # not logged in: the address is the credential
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {ics.uid(planned), ics.uid(cancelled), ics.uid(disruption)}
    event = events[ics.uid(planned)]
    assert str(event["SUMMARY"]) == "Planerat underhåll: Uppdatering; del 1, kväll (Hemtjänstplanering)"
    assert str(event["DESCRIPTION"]) == "Stängt.\nSkriv ut listorna i förväg."
    assert event.decoded("DTSTART") == NOW + 10 * D
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event.decoded("DTEND") == NOW + 10 * D + 4 * H
    assert int(event["SEQUENCE"]) == 0 and "DTSTAMP" in event
    assert str(event["STATUS"]) == "TENTATIVE"  # not yet notified
    assert str(events[ics.uid(cancelled)]["STATUS"]) == "CANCELLED"
    assert int(events[ics.uid(cancelled)]["SEQUENCE"]) == 1
    assert str(events[ics.uid(disruption)]["STATUS"]) == "CONFIRMED"
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Stockholm"]


def test_it_names_the_calendar_in_the_language_of_the_request(client, people, systems, clock):
    calendar = _feed(client, people["employee_vaf"].user)
    assert str(calendar["X-WR-CALNAME"]) == "Driftinformation"
    with translation.override("en"):
        assert icalendar.Calendar.from_ical(ics.notice_calendar([]))["X-WR-CALNAME"] == "Service information"


def test_it_keeps_local_times_across_the_end_of_summer_time(client, people, systems):
    """Sunday 25 October 2026 03:00 CEST becomes 02:00 CET: a notice from Saturday 22:00 to
    Sunday 06:00 lasts nine hours, and the feed gives both ends in local time with the zone."""
    start = datetime.datetime(2026, 10, 24, 22, 0, tzinfo=STOCKHOLM)
    end = datetime.datetime(2026, 10, 25, 6, 0, tzinfo=STOCKHOLM)
    with time_machine.travel(datetime.datetime(2026, 10, 1, 12, 0, tzinfo=STOCKHOLM), tick=False):
        notice = services.notice_plan(
            actor=people["it_manager"].user,
            kind="maintenance",
            title="Nattarbete",
            impact="x",
            systems=[systems["vaf"]],
            starts_at=start,
            ends_at=end,
        )
        calendar = _feed(client, people["employee_vaf"].user)
    raw = calendar.to_ical().decode()
    assert "DTSTART;TZID=Europe/Stockholm:20261024T220000" in raw
    assert "DTEND;TZID=Europe/Stockholm:20261025T060000" in raw
    event = calendar.walk("VEVENT")[0]
    utc = datetime.UTC
    # (Aware datetimes of one zone subtract by the wall clock in Python: compare in UTC.)
    assert event.decoded("DTEND").astimezone(utc) - event.decoded("DTSTART").astimezone(utc) == 9 * H
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=2)
    assert event.decoded("DTEND").utcoffset() == datetime.timedelta(hours=1)
    # The VTIMEZONE carries both offsets.
    tz = calendar.walk("VTIMEZONE")[0]
    offsets = {sub.decoded("TZOFFSETTO") for sub in tz.subcomponents}
    assert {H, 2 * H} <= offsets
    assert notice.pk


def test_it_refuses_a_forged_or_outdated_feed_token(client, people, systems, clock):
    user = people["employee_vaf"].user
    token = ics.feed_token(user)
    assert client.get(reverse("operations:feed", args=[token + "x"])).status_code == 404
    user.set_password("ett-annat-långt-lösenord")
    user.save()
    assert client.get(reverse("operations:feed", args=[token])).status_code == 404
    user.is_active = False
    user.save()
    assert client.get(reverse("operations:feed", args=[ics.feed_token(user)])).status_code == 404


# --- the rule --------------------------------------------------------------------------------------


def test_it_finds_planned_work_notified_too_late_or_not_at_all(people, systems, clock):
    it = people["it_manager"].user
    assert maintenance_notified_in_time() == []
    in_time = services.notice_plan(
        actor=it, kind="maintenance", title="I tid", impact="x", systems=[systems["vaf"]], starts_at=NOW + 6 * D
    )
    services.notice_notify(actor=it, notice=in_time)
    short = services.notice_plan(
        actor=it,
        kind="upgrade",
        title="Kort varsel",
        impact="x",
        systems=[systems["vaf"]],
        starts_at=NOW + 2 * D,
        short_notice=True,
        short_notice_reason="Kritisk sårbarhet.",
    )
    never = services.notice_plan(
        actor=it,
        kind="maintenance",
        title="Aldrig aviserad",
        impact="x",
        systems=[systems["buf"]],
        starts_at=NOW + 6 * D,
    )
    cancelled = services.notice_plan(
        actor=it, kind="maintenance", title="Inställd", impact="x", systems=[systems["buf"]], starts_at=NOW + 6 * D
    )
    services.notice_cancel(actor=it, notice=cancelled, note="Behövs inte.")
    services.disruption_post(actor=it, title="Störning", impact="x", systems=[systems["vaf"]])
    # Not notified yet, start still ahead: nothing yet (the start page reminds IT-enheten).
    assert maintenance_notified_in_time() == []
    services.notice_notify(actor=it, notice=short)
    findings = maintenance_notified_in_time()
    assert len(findings) == 1
    assert "Kort varsel (Hemtjänstplanering)" in findings[0].message
    assert "2,0 dagar i förväg, kortare än 5 dagar" in findings[0].message
    assert "Kritisk sårbarhet." in findings[0].message
    assert findings[0].link == reverse("operations:notice_detail", args=[short.pk])
    assert findings[0].unit == systems["vaf"].unit
    clock.shift(6 * D + H)
    messages = [f.message for f in maintenance_notified_in_time()]
    assert len(messages) == 2 and any(
        "Aldrig aviserad" in m and "utan att användarna aviserades" in m for m in messages
    )
    # Cleared: the short notice is in the past history, so it stays; cancelling the never-notified
    # one is not possible after the start, but starting and notifying late does not clear it either.
    assert ServiceNotice.objects.get(pk=never.pk).notified_at is None


def test_it_registers_the_rule_as_a_partial_check_of_pol_3_28(people, clock):
    assert "POL-3.28" in registered_rules()
    result = next(r for r in evaluate() if r.requirement.id == "POL-3.28")
    assert result.partial and not result.met and result.findings == []


def test_it_checks_the_rule_in_one_query(people, systems, clock, django_assert_max_num_queries):
    it = people["it_manager"].user
    for index in range(12):
        notice = services.notice_plan(
            actor=it,
            kind="maintenance",
            title=f"Kort {index}",
            impact="x",
            systems=[systems["vaf"], systems["buf"]],
            starts_at=NOW + 2 * D,
            short_notice=True,
            short_notice_reason="Brådskande.",
        )
        services.notice_notify(actor=it, notice=notice)
    with django_assert_max_num_queries(4):
        assert len(maintenance_notified_in_time()) == 12


# --- demo ------------------------------------------------------------------------------------------


def test_it_loads_the_demo_with_a_finding_and_news_for_the_medarbetare(db):
    from lis.core.models import Notification
    from lis.operations.demo import load_operations_demo
    from lis.organisation.demo import load_demo
    from lis.systems.demo import load_systems_demo

    with time_machine.travel(NOW, tick=False):
        load_demo(generic_people=5)
        load_systems_demo()
        load_operations_demo()
        count = ServiceNotice.objects.count()
        load_operations_demo()  # loading again adds nothing
        assert ServiceNotice.objects.count() == count == 7
        assert ServiceNotice.objects.filter(kind="disruption", status="ongoing").count() == 1
        assert ServiceNotice.objects.filter(status="planned").count() == 3
        assert ServiceNotice.objects.filter(status="completed").count() == 3
        findings = [f.message for f in maintenance_notified_in_time()]
        assert len(findings) == 1 and "Brandväggsbyte" in findings[0]
        assert Notification.objects.filter(
            recipient__username="medarbetare", message__contains="Verksamhetssystem socialtjänst"
        ).exists()
        assert all(n.created_at <= NOW for n in ServiceNotice.objects.all())
