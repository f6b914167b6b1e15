"""One register of what is due (issue 15, POL-3.31).

Every app declares its dated obligations here, as the rules declare themselves with `@rule`:
measure due dates, reviews of routines and continuity plans, agreements ending,
classifications and analyses due each mandatperiod, legal clocks on incidents, E-råd meetings,
expiring exceptions and training. The start page's work list, the e-mail reminders and the
personal calendar feed all read this one source, so they never disagree.

An app registers a `DeadlineKind` in its AppConfig.ready() (through its extensions module):

    register_deadline_kind(DeadlineKind("risks.measure", _("Åtgärder"), collect=_measures))

`collect(until)` returns every open obligation of that kind due on or before `until` (so the
overdue ones too), and those whose `notice_from` is on or before `until` (an agreement is told
from the pack's notice window before it ends, whatever the reader's horizon), in a few queries
whatever the number of rows – never one query per row. Closed, done or cancelled obligations are
never returned: a deadline disappears when the work is done.
Whom each deadline is for is decided above core (lis.compliance.deadlines): the named
responsible person, else the unit's säkerhetssamordnare, else the säkerhetsstrateg; `also_ids`
are told as well, and a legal deadline reaches the strateg too.

A kind may say how it wants to be shown: `list_url` (where several of it are listed, for a line
that counts them), `appointment` (a meeting: coming until it starts, never overdue), `legal`.
A deadline's `notice_from` says it must be told earlier than the reader's own horizon, its
`lapses_at` when it stops being asked for (planned work that has begun).

`stage_of` says where a deadline stands for a reader: coming, due today or overdue. The start
page and the reminders both ask it, with the pack's horizon, so they never disagree. What a
collector returns depends on the data and the day only, never on the hour (the registry's
resolution is kept per change and day): what changes within a day is `due_at` and `lapses_at`,
which `stage_of` compares with the moment it is asked.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class Deadline:
    """One dated obligation."""

    kind: str  # the DeadlineKind's key
    # Stable identity of this obligation: kind, object and due date ("risks.measure:123:2026-12-31").
    # A reminder is recorded per (key, person, stage), so moving the date makes a new obligation.
    key: str
    title: str  # what is due, in one line, translated when collected
    due: datetime.date  # the day it falls due (Europe/Stockholm)
    url: str  # where it is done (a path)
    responsible_id: int | None = None  # organisation.Person pk named responsible, if any
    unit_id: int | None = None  # organisation.OrgUnit pk it belongs to (its samordnare is the fallback)
    object_type: str = ""  # changelog.object_type_of(obj): the object whose Historik shows reminders
    object_id: str = ""
    due_at: datetime.datetime | None = None  # the exact moment, for legal clocks and meetings
    legal: bool = False  # a legal deadline: sent at once, never batched, cannot be turned off
    # The day from which the obligation is shown and reminded as coming, when the kind knows it
    # must be told earlier than the reader's own horizon (an agreement from the pack's notice
    # window before it ends, training from `training.due_soon_days`). None: the reader decides.
    notice_from: datetime.date | None = None
    # Others who are told as well, whoever the responsible person turns out to be (the holder of
    # an exception beside the chef who decided it, the E-råd's members of a meeting). Those who
    # have left are skipped.
    also_ids: tuple[int, ...] = ()
    # The moment from which the obligation is no longer asked for (planned work that has begun
    # without being notified: too late to notify). None: it stays until it is done.
    lapses_at: datetime.datetime | None = None

    @property
    def shown_from(self) -> datetime.date:
        """The first `until` for which `collect` returns this deadline."""
        return min(self.due, self.notice_from) if self.notice_from is not None else self.due

    def is_overdue(self, now: datetime.datetime) -> bool:
        """Past: the exact moment for a legal clock or a meeting, else the day after `due`."""
        if self.due_at is not None:
            return self.due_at <= now
        return self.due < timezone.localdate(now)


@dataclass(frozen=True)
class DeadlineKind:
    key: str  # "app.what", e.g. "risks.measure"
    label: Any  # lazy translated plural heading: "Åtgärder"
    collect: Callable[[datetime.date], Iterable[Deadline]]
    legal: bool = False
    order: int = 50
    # Where the kind's deadlines are listed, for a line that counts several (a callable, so
    # that `reverse` runs after the URLconf is loaded). None: the first deadline's own url.
    list_url: Callable[[], str] | None = None
    # An appointment (an E-råd meeting), not a duty that can be late: shown as coming until it
    # starts, never as overdue.
    appointment: bool = False


_KINDS: dict[str, DeadlineKind] = {}

# Where a deadline stands (the values the reminders record, SentReminder.Stage).
DUE_SOON, DUE, OVERDUE = "due_soon", "due", "overdue"


def register_deadline_kind(kind: DeadlineKind) -> None:
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"deadline kind {kind.key!r} is already registered")
    _KINDS[kind.key] = kind


def kinds() -> list[DeadlineKind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def kind(key: str) -> DeadlineKind:
    return _KINDS[key]


def collect(until: datetime.date, *, only: Iterable[str] | None = None) -> Iterator[Deadline]:
    """Every registered obligation due on or before `until`, kind by kind."""
    wanted = set(only) if only is not None else None
    for each in kinds():
        if wanted is None or each.key in wanted:
            for deadline in each.collect(until):
                if deadline.shown_from <= until:
                    yield deadline


def is_appointment(deadline: Deadline) -> bool:
    known = _KINDS.get(deadline.kind)
    return known is not None and known.appointment


def stage_of(deadline: Deadline, now: datetime.datetime, horizon_days: int) -> str | None:
    """Where `deadline` stands at `now` for a reader who looks `horizon_days` ahead: DUE_SOON
    (within the horizon, or from its own `notice_from` if earlier), DUE (today) or OVERDUE
    (past: from its exact moment when it has one, else from the day after). None when it is
    further ahead, has lapsed, or is an appointment (a meeting) that has begun."""
    if deadline.lapses_at is not None and deadline.lapses_at <= now:
        return None
    if deadline.is_overdue(now):
        return None if is_appointment(deadline) else OVERDUE
    today = timezone.localdate(now)
    if deadline.due <= today:
        return DUE
    told_from = deadline.due - datetime.timedelta(days=horizon_days)
    if deadline.notice_from is not None:
        told_from = min(told_from, deadline.notice_from)
    return DUE_SOON if today >= told_from else None


class PathTemplate:
    """A URL reversed once and filled per row: the deadline collectors build one link per due
    object, and reverse() per row costs more than the query (100,000 systems: 20 s → 2 s)."""

    _MARK = 987654321

    def __init__(self, name: str, *, suffix: str = ""):
        self.before, self.after = reverse(name, args=[self._MARK]).split(str(self._MARK), 1)
        self.after += suffix

    def __call__(self, pk: int) -> str:
        return f"{self.before}{pk}{self.after}"
