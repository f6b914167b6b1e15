"""Whom each deadline of lis.core.deadlines is for: the named responsible person, else the
säkerhetssamordnare of the deadline's unit (or of the nearest unit above it that has one), else
the säkerhetsstrateg(er). The start page, the reminders and the calendar feed ask here.

- `recipients(until) -> dict[int, list[Deadline]]`: every person pk with the deadlines that are
  theirs, due (or to be told, `Deadline.notice_from`) on or before `until`, each list sorted by
  due date.
- `deadlines_for(person, until) -> list[Deadline]`: one person's.

Someone who has left (`Person.ended_on` on or before today) gets nothing: a deadline whose
responsible person has left falls to the samordnare, else the strateg, as one without a
responsible person does. `Deadline.also_ids` (the holder of an exception, the E-råd's members)
are told as well, those still here. A legal deadline always reaches the strateg(er) too.

The resolution reads the whole register, in a fixed number of queries whatever its size (each
kind's few, and four here), and is kept in the cache until the data changes or the day turns:
the start page asks on every visit. "The data changes" is the change log's newest entry that is
not a quiet event (`changelog.obligations_head()`): unlike `changelog.data_head()` (the compliance summary's key) it
moves with the events that close an obligation without an update (planned work notified, a
training import, a completion removed, a review recorded), and not with logins, exports or the
reminders themselves. Titles are translated when collected, so the active language is in the key.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.utils import translation

from lis.core import access, deadlines
from lis.core.changelog import obligations_head
from lis.organisation.models import OrgUnit, Person, RoleAssignment
from lis.organisation.selectors import ancestor_paths

COORDINATOR = "security_coordinator"
STRATEGIST = "security_strategist"
CACHE_SECONDS = 24 * 3600
head = obligations_head  # what the cache key follows (lis.core.changelog)


def _key(until: datetime.date, today: datetime.date) -> str:
    language = translation.get_language() or ""
    return f"lis:deadlines:{head()}:{today.isoformat()}:{until.isoformat()}:{language}"


# The resolutions this process last read or computed, by cache key, with the token stored beside
# them in the cache: the start page asks on every visit, and unpickling the whole kommun's
# deadlines each time would cost more than the small read that checks the token (which also
# makes `cache.clear()` drop this copy).
_memo: dict[str, tuple[str, dict[int, list[deadlines.Deadline]]]] = {}


def recipients(until: datetime.date) -> dict[int, list[deadlines.Deadline]]:
    """Every person's deadlines due (or told) on or before `until`, by person pk."""
    today = access.today()
    key = _key(until, today)
    token = cache.get(f"{key}:token")
    kept = _memo.get(key)
    if token is not None and kept is not None and kept[0] == token:
        return kept[1]
    found = cache.get(key) if token is not None else None
    if found is None:
        found = resolve(deadlines.collect(until), today=today)
        # Keyed after collecting: a collector may have written (the mandatperiod, created when
        # first needed), and the next visit must find what this one computed.
        key = _key(until, today)
        token = uuid.uuid4().hex
        cache.set_many({key: found, f"{key}:token": token}, CACHE_SECONDS)
    if len(_memo) >= 16:  # a few horizons (the pack's, the calendar's) times languages, today's only
        _memo.clear()
    _memo[key] = (token, found)
    return found


def deadlines_for(person, until: datetime.date) -> list[deadlines.Deadline]:
    return recipients(until).get(person.pk, [])


def forget() -> None:
    """Drop what this process keeps beside the cache."""
    _memo.clear()


class Fallback:
    """Who answers for a unit's deadlines when nobody named does: four queries, once."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.left = set(Person.objects.filter(ended_on__isnull=False, ended_on__lte=today).values_list("pk", flat=True))
        self.paths = dict(OrgUnit.objects.values_list("pk", "path"))
        active = RoleAssignment.objects.active(today)
        self.coordinators: dict[str, list[int]] = defaultdict(list)
        for path, person_id in (
            active.filter(role=COORDINATOR, unit__isnull=False)
            .order_by("person_id")
            .values_list("unit__path", "person_id")
        ):
            if person_id not in self.coordinators[path]:
                self.coordinators[path].append(person_id)
        self.strategists = sorted(set(active.filter(role=STRATEGIST).values_list("person_id", flat=True)))
        self._by_unit: dict[int | None, list[int]] = {}

    def is_here(self, person_id: int | None) -> bool:
        return person_id is not None and person_id not in self.left

    def for_unit(self, unit_id: int | None) -> list[int]:
        """The samordnare of the unit or of the nearest unit above with one, else the strateger."""
        if unit_id not in self._by_unit:
            found: list[int] = []
            path = self.paths.get(unit_id) if unit_id is not None else None
            for ancestor in reversed(ancestor_paths(path) if path else []):
                if self.coordinators.get(ancestor):
                    found = self.coordinators[ancestor]
                    break
            self._by_unit[unit_id] = found or self.strategists
        return self._by_unit[unit_id]


def resolve(found: Iterable[deadlines.Deadline], *, today: datetime.date) -> dict[int, list[deadlines.Deadline]]:
    """Each deadline's people (see the module's docstring), by person pk, sorted by due date."""
    fallback = Fallback(today)
    result: dict[int, list[deadlines.Deadline]] = defaultdict(list)
    for deadline in found:
        people: list[int] = []
        if fallback.is_here(deadline.responsible_id):
            people.append(deadline.responsible_id)
        else:
            people.extend(fallback.for_unit(deadline.unit_id))
        people.extend(person_id for person_id in deadline.also_ids if fallback.is_here(person_id))
        if deadline.legal:
            people.extend(fallback.strategists)
        for person_id in dict.fromkeys(people):
            result[person_id].append(deadline)
    for items in result.values():
        items.sort(key=_order)
    return dict(result)


def _order(deadline: deadlines.Deadline) -> tuple:
    moment = deadline.due_at.astimezone(datetime.UTC).isoformat() if deadline.due_at is not None else ""
    return (deadline.due, moment, deadline.key)
