"""Time for the services. `now()` is the moment a service records as "now": always the real
time, except inside `as_of`, which the demo loaders use to record an invented past (an incident
reported last month, an exception decided in the spring); never the future. The change log keeps
its own real time. `add_months` is calendar-month arithmetic on dates."""

from __future__ import annotations

import calendar
import contextlib
import contextvars
import datetime
from collections.abc import Iterator

from django.utils import timezone

_as_of: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar("lis_as_of", default=None)


@contextlib.contextmanager
def as_of(moment: datetime.datetime) -> Iterator[None]:
    """Record what the services write inside as having happened at `moment`."""
    if moment > timezone.now():
        raise ValueError("as_of() cannot record anything in the future.")
    token = _as_of.set(moment)
    try:
        yield
    finally:
        _as_of.reset(token)


def now() -> datetime.datetime:
    return _as_of.get() or timezone.now()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved `months` calendar months (negative: back), on the month's last day when it is
    shorter (31 January + 1 → 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
