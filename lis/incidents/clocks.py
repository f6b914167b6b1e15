"""The legal reporting clocks of an incident: its deadlines, computed from the pack's
[[incidents.clocks]] for each clock the handler answered yes to. Pure functions: nothing is
written, and nothing is read beyond the incident's clocks and their reports (prefetch
`clocks__reports` to read a list of incidents without a query per row).

Hours are exact elapsed hours: 24 h started just before the change to summer time is 24 real
hours, so the local wall-clock time of the deadline moves by one hour. A deadline counted in
months after another report (the final report one month after the notification) is one calendar
month after that report was sent, in Europe/Stockholm local time (31 January → the last day of
February), and waits until that report is recorded."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from lis.core.pack import get_pack

if TYPE_CHECKING:
    from .models import Clock, Incident, ReportSent

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = datetime.UTC

WAITING = "waiting"
RUNNING = "running"
WARNING = "warning"
PASSED = "passed"
MET = "met"
NOT_REPORTING = "not_reporting"
IMMEDIATELY = "immediately"
# States in which a deadline still asks for something to be done.
OPEN_STATES = frozenset({WAITING, RUNNING, WARNING, PASSED, IMMEDIATELY})


@dataclass
class Deadline:
    clock_key: str
    clock_name: str
    recipient: str
    key: str
    name: str
    due_at: datetime.datetime | None  # aware, UTC; None while waiting for the report it follows
    sent: ReportSent | None
    state: str
    clock: Clock | None = None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def due_local(self) -> datetime.datetime | None:
        return local(self.due_at) if self.due_at is not None else None


def local(dt: datetime.datetime | None) -> datetime.datetime | None:
    """`dt` in Europe/Stockholm, for display."""
    if dt is None:
        return None
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt, STOCKHOLM)
    return dt.astimezone(STOCKHOLM)


def add_months(dt: datetime.datetime, months: int) -> datetime.datetime:
    """`months` calendar months after `dt`, counted in Europe/Stockholm local time: the same
    local time of day on the same day of the month, or the month's last day when it is shorter
    (31 January + 1 → 28 or 29 February). Returned in UTC."""
    start = local(dt)
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day).astimezone(UTC)


def add_hours(dt: datetime.datetime, hours: int | float) -> datetime.datetime:
    """Exactly `hours` elapsed hours after `dt` (never wall-clock arithmetic), in UTC."""
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt, STOCKHOLM)
    return dt.astimezone(UTC) + datetime.timedelta(hours=hours)


def clock_specs() -> tuple[dict[str, Any], ...]:
    """The pack's clocks (key, name, trigger, recipient, deadlines), in the pack's order."""
    return get_pack().incident_clocks


def clock_spec(key: str) -> dict[str, Any] | None:
    return next((c for c in clock_specs() if c.get("key") == key), None)


def deadline_spec(clock_key: str, deadline_key: str) -> dict[str, Any] | None:
    spec = clock_spec(clock_key)
    if spec is None:
        return None
    return next((d for d in spec.get("deadlines", []) if d.get("key") == deadline_key), None)


def _state(due_at: datetime.datetime, now: datetime.datetime, warning_hours: int) -> str:
    if now >= due_at:
        return PASSED
    if due_at - now < datetime.timedelta(hours=warning_hours):
        return WARNING
    return RUNNING


def clock_deadlines(clock: Clock, now: datetime.datetime | None = None, *, noticed_at=None) -> list[Deadline]:
    """The deadlines of one clock (none when it was not triggered or the pack no longer has it)."""
    spec = clock_spec(clock.key)
    if spec is None or not clock.triggered:
        return []
    now = now or timezone.now()
    warning_hours = get_pack().incident_warning_hours
    started = clock.started_at or noticed_at or clock.incident.noticed_at
    sent_by_key = {r.deadline: r for r in clock.reports.all()}
    decided = clock.not_reporting_decided_at is not None
    result: list[Deadline] = []
    for item in spec.get("deadlines", []):
        key = item["key"]
        sent = sent_by_key.get(key)
        due_at: datetime.datetime | None
        if "months_after" in item:
            previous = sent_by_key.get(item["months_after"])
            due_at = add_months(previous.sent_at, int(item.get("months", 1))) if previous else None
        else:
            due_at = add_hours(started, item.get("hours", 0))
        if sent is not None:
            state = MET
        elif decided:
            state = NOT_REPORTING
        elif "months_after" in item and due_at is None:
            state = WAITING
        elif "months_after" not in item and not item.get("hours", 0):
            state = IMMEDIATELY
        else:
            state = _state(due_at, now, warning_hours)
        result.append(
            Deadline(
                clock_key=clock.key,
                clock_name=spec["name"],
                recipient=spec["recipient"],
                key=key,
                name=item.get("name", key),
                due_at=due_at,
                sent=sent,
                state=state,
                clock=clock,
            )
        )
    return result


def deadlines(incident: Incident, now: datetime.datetime | None = None) -> list[Deadline]:
    """Every deadline of every triggered clock of `incident`, in the pack's order of clocks."""
    now = now or timezone.now()
    order = {spec.get("key"): index for index, spec in enumerate(clock_specs())}
    clocks = sorted(incident.clocks.all(), key=lambda c: order.get(c.key, len(order)))
    return [d for clock in clocks for d in clock_deadlines(clock, now, noticed_at=incident.noticed_at)]


def open_deadlines(incident: Incident, now: datetime.datetime | None = None) -> list[Deadline]:
    return [d for d in deadlines(incident, now) if d.is_open]


def most_urgent(incident: Incident, now: datetime.datetime | None = None) -> Deadline | None:
    """The open deadline due first (an "immediately" one first of all), for lists."""
    candidates = [d for d in open_deadlines(incident, now) if d.due_at is not None]
    if not candidates:
        return None
    return min(candidates, key=lambda d: (d.state != IMMEDIATELY, d.due_at))
