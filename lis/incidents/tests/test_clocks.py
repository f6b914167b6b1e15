"""The legal clocks: deadlines in exact hours across both changes of daylight saving time,
one calendar month after the notification for the final report, and the states a deadline
passes through (pure functions over the pack: no database)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from lis.incidents import clocks

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = datetime.UTC


class Reports(list):
    def all(self):
        return self


def make_clock(key: str, started_at, *, reports=(), decided_at=None, triggered=True):
    return SimpleNamespace(
        key=key,
        triggered=triggered,
        started_at=started_at,
        not_reporting_decided_at=decided_at,
        reports=Reports(reports),
        incident=SimpleNamespace(noticed_at=started_at),
    )


def sent(deadline: str, at: datetime.datetime):
    return SimpleNamespace(deadline=deadline, sent_at=at)


def incident_with(*clock_list):
    return SimpleNamespace(noticed_at=clock_list[0].started_at, clocks=Reports(clock_list))


def by_key(deadlines):
    return {(d.clock_key, d.key): d for d in deadlines}


def local(dt):
    return dt.astimezone(STOCKHOLM)


def test_a_24_and_72_hour_deadline_started_before_summer_time_are_exact_hours_so_the_local_time_moves_an_hour():
    noticed = datetime.datetime(2026, 3, 28, 22, 30, tzinfo=STOCKHOLM)  # 21:30 UTC, CET
    found = by_key(clocks.deadlines(incident_with(make_clock("nis2", noticed)), now=noticed))
    early, notification = found["nis2", "early_warning"], found["nis2", "notification"]
    assert early.due_at - noticed == datetime.timedelta(hours=24)
    assert notification.due_at - noticed == datetime.timedelta(hours=72)
    assert local(early.due_at) == datetime.datetime(2026, 3, 29, 23, 30, tzinfo=STOCKHOLM)
    assert local(notification.due_at) == datetime.datetime(2026, 3, 31, 23, 30, tzinfo=STOCKHOLM)
    assert early.due_at.tzinfo == UTC


def test_a_24_and_72_hour_deadline_started_before_winter_time_are_exact_hours_so_the_local_time_moves_back():
    noticed = datetime.datetime(2026, 10, 24, 22, 30, tzinfo=STOCKHOLM)  # 20:30 UTC, CEST
    found = by_key(
        clocks.deadlines(incident_with(make_clock("gdpr", noticed), make_clock("nis2", noticed)), now=noticed)
    )
    assert local(found["nis2", "early_warning"].due_at) == datetime.datetime(2026, 10, 25, 21, 30, tzinfo=STOCKHOLM)
    assert local(found["gdpr", "notification"].due_at) == datetime.datetime(2026, 10, 27, 21, 30, tzinfo=STOCKHOLM)
    assert found["gdpr", "notification"].due_at - noticed == datetime.timedelta(hours=72)


def test_the_final_report_waits_until_the_notification_is_recorded():
    noticed = datetime.datetime(2026, 1, 28, 10, 0, tzinfo=STOCKHOLM)
    final = by_key(clocks.deadlines(incident_with(make_clock("nis2", noticed)), now=noticed))["nis2", "final_report"]
    assert final.state == "waiting"
    assert final.due_at is None


def test_the_final_report_is_due_one_month_after_a_notification_sent_on_31_january_at_the_end_of_february():
    noticed = datetime.datetime(2026, 1, 29, 10, 0, tzinfo=STOCKHOLM)
    notified = datetime.datetime(2026, 1, 31, 16, 45, tzinfo=STOCKHOLM)
    clock = make_clock("nis2", noticed, reports=[sent("early_warning", noticed), sent("notification", notified)])
    final = by_key(clocks.deadlines(incident_with(clock), now=notified))["nis2", "final_report"]
    assert local(final.due_at) == datetime.datetime(2026, 2, 28, 16, 45, tzinfo=STOCKHOLM)
    assert final.state == "running"


def test_the_final_report_one_month_after_30_march_is_due_30_april_at_the_same_local_time_across_summer_time():
    noticed = datetime.datetime(2026, 3, 28, 10, 0, tzinfo=STOCKHOLM)
    notified = datetime.datetime(2026, 3, 30, 9, 15, tzinfo=STOCKHOLM)
    clock = make_clock("nis2", noticed, reports=[sent("notification", notified)])
    final = by_key(clocks.deadlines(incident_with(clock), now=notified))["nis2", "final_report"]
    assert local(final.due_at) == datetime.datetime(2026, 4, 30, 9, 15, tzinfo=STOCKHOLM)


def test_a_one_month_deadline_from_a_leap_year_january_ends_on_29_february():
    assert clocks.add_months(datetime.datetime(2028, 1, 31, 12, 0, tzinfo=STOCKHOLM), 1) == datetime.datetime(
        2028, 2, 29, 11, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("hours_after", "state"),
    [(0, "running"), (11, "running"), (12.5, "warning"), (23.9, "warning"), (24, "passed"), (100, "passed")],
)
def test_a_deadline_warns_when_fewer_than_the_warning_hours_of_the_pack_remain_and_passes_at_its_time(
    hours_after, state
):
    noticed = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=STOCKHOLM)
    now = noticed + datetime.timedelta(hours=hours_after)
    early = by_key(clocks.deadlines(incident_with(make_clock("nis2", noticed)), now=now))["nis2", "early_warning"]
    assert early.state == state


def test_a_recorded_report_meets_its_deadline_even_after_it_passed():
    noticed = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=STOCKHOLM)
    clock = make_clock("gdpr", noticed, reports=[sent("notification", noticed + datetime.timedelta(hours=80))])
    (notification,) = clocks.deadlines(incident_with(clock), now=noticed + datetime.timedelta(days=10))
    assert notification.state == "met"
    assert notification.sent is clock.reports[0]


def test_a_decision_not_to_report_closes_the_deadlines_not_yet_met():
    noticed = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=STOCKHOLM)
    clock = make_clock(
        "nis2", noticed, reports=[sent("early_warning", noticed)], decided_at=noticed + datetime.timedelta(hours=30)
    )
    found = by_key(clocks.deadlines(incident_with(clock), now=noticed + datetime.timedelta(days=5)))
    assert found["nis2", "early_warning"].state == "met"
    assert found["nis2", "notification"].state == "not_reporting"
    assert found["nis2", "final_report"].state == "not_reporting"


def test_a_deadline_of_zero_hours_is_to_be_reported_immediately():
    noticed = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=STOCKHOLM)
    (report,) = clocks.deadlines(incident_with(make_clock("security_protection", noticed)), now=noticed)
    assert report.state == "immediately"
    assert report.due_at == noticed


def test_a_clock_without_deadlines_or_not_triggered_gives_no_deadlines():
    noticed = datetime.datetime(2026, 5, 4, 8, 0, tzinfo=STOCKHOLM)
    assert (
        clocks.deadlines(incident_with(make_clock("police", noticed), make_clock("gdpr", noticed, triggered=False)))
        == []
    )


def test_local_shows_a_time_in_stockholm():
    assert clocks.local(datetime.datetime(2026, 7, 1, 10, 0, tzinfo=UTC)).hour == 12
