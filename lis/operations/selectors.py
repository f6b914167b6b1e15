"""Who plans and posts driftinformation, and the reads its pages make (POL-3.28).

IT-enheten plans maintenance and upgrades: the IT-chef, the förvaltningschef and samordnare of a
unit whose function is IT, and the säkerhetsstrateg/administrator (who may change anything). A
system's systemförvaltare or ansvarig chef may post (and close) a disruption of their own systems,
but does not plan maintenance. Driftinformation is for everyone: every signed-in user reads every
notice, with the names of the systems it concerns."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.access import Principal
from lis.organisation.models import Person
from lis.organisation.selectors import active_q, ancestor_paths
from lis.systems.models import InformationSystem, UserGroup

from .models import NoticeRecipient, ServiceNotice

PLANNED_KINDS = (ServiceNotice.Kind.MAINTENANCE, ServiceNotice.Kind.UPGRADE)
OPEN_STATUSES = (ServiceNotice.Status.PLANNED, ServiceNotice.Status.ONGOING)
# The public page: planned work this far ahead, and what ended this recently.
PLANNED_AHEAD_DAYS = 60
RECENT_DAYS = 14


# --- who may do what ---------------------------------------------------------------------------


def can_manage_notices(p: Principal) -> bool:
    """IT-enheten (`access.speaks_for_it_unit`: the IT-chef, the IT unit's förvaltningschef and
    samordnare, and the säkerhetsstrateg/administrator): plan, change, notify, start, close and
    cancel any notice."""
    return p.is_authenticated and access.speaks_for_it_unit(p)


def _named_on(p: Principal, system: InformationSystem) -> bool:
    return p.person is not None and p.person.pk in (system.system_steward_id, system.responsible_manager_id)


def own_systems(p: Principal) -> QuerySet[InformationSystem]:
    """The systems this user is systemförvaltare or ansvarig chef of."""
    if p.person is None:
        return InformationSystem.objects.none()
    return InformationSystem.objects.filter(Q(system_steward=p.person) | Q(responsible_manager=p.person))


def can_post_disruption(p: Principal, systems: Iterable[InformationSystem] | None = None) -> bool:
    """IT-enheten for any system; a systemförvaltare or ansvarig chef for their own systems (every
    system of the disruption must be theirs). Without `systems`: whether the user may post any."""
    if can_manage_notices(p):
        return True
    if not p.is_authenticated or p.person is None:
        return False
    if systems is None:
        return own_systems(p).exists()
    systems = list(systems)
    return bool(systems) and all(_named_on(p, system) for system in systems)


def disruption_systems(p: Principal) -> QuerySet[InformationSystem]:
    """The systems this user may post a disruption for."""
    if can_manage_notices(p):
        return InformationSystem.objects.all()
    return own_systems(p)


def can_change(p: Principal, notice: ServiceNotice) -> bool:
    """Change, close (or start, cancel) this notice: IT-enheten any; a disruption also the
    systemförvaltare or ansvarig chef of every one of its systems."""
    if can_manage_notices(p):
        return True
    if notice.kind != ServiceNotice.Kind.DISRUPTION or not p.is_authenticated:
        return False
    return can_post_disruption(p, notice.systems.all())


def can_plan_for(p: Principal, system: InformationSystem) -> bool:
    """Show the system page's "plan maintenance" link."""
    return can_manage_notices(p)


def can_read(p: Principal) -> bool:
    """Every signed-in user reads driftinformation."""
    return p.is_authenticated


# --- reads -------------------------------------------------------------------------------------


def notices_visible_to(p: Principal) -> QuerySet[ServiceNotice]:
    if not can_read(p):
        return ServiceNotice.objects.none()
    return ServiceNotice.objects.all()


def notice_get(p: Principal, pk: int) -> ServiceNotice:
    notice = (
        notices_visible_to(p)
        .select_related("planned_with_steward", "created_by__person")
        .prefetch_related("systems")
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        raise Http404(_("Driftinformationen finns inte."))
    return notice


@dataclass
class Overview:
    ongoing: list[ServiceNotice] = field(default_factory=list)
    planned: list[ServiceNotice] = field(default_factory=list)
    recent: list[ServiceNotice] = field(default_factory=list)
    cancelled: list[ServiceNotice] = field(default_factory=list)


def overview(
    p: Principal, *, system: InformationSystem | None = None, now: datetime.datetime | None = None
) -> Overview:
    """The public page: ongoing (disruptions first, then by start), planned work starting within
    PLANNED_AHEAD_DAYS (or whose start has passed without it being started), work completed in the
    last RECENT_DAYS, and work cancelled that would have been in that window. Two queries."""
    now = now or timezone.now()
    ahead = now + datetime.timedelta(days=PLANNED_AHEAD_DAYS)
    since = now - datetime.timedelta(days=RECENT_DAYS)
    condition = (
        Q(status=ServiceNotice.Status.ONGOING)
        | Q(status=ServiceNotice.Status.PLANNED, starts_at__lte=ahead)
        | Q(status=ServiceNotice.Status.COMPLETED, ended_at__gte=since)
        | Q(status=ServiceNotice.Status.CANCELLED, starts_at__gte=since, starts_at__lte=ahead)
    )
    queryset = notices_visible_to(p).filter(condition)
    if system is not None:
        queryset = queryset.filter(systems=system)
    notices = list(queryset.prefetch_related("systems").order_by("starts_at", "pk"))
    result = Overview()
    for notice in notices:
        if notice.status == ServiceNotice.Status.ONGOING:
            result.ongoing.append(notice)
        elif notice.status == ServiceNotice.Status.PLANNED:
            result.planned.append(notice)
        elif notice.status == ServiceNotice.Status.COMPLETED:
            result.recent.append(notice)
        else:
            result.cancelled.append(notice)
    result.ongoing.sort(key=lambda n: (n.kind != ServiceNotice.Kind.DISRUPTION, n.starts_at, n.pk))
    result.recent.sort(key=lambda n: (n.ended_at, n.pk), reverse=True)
    return result


def filter_systems(p: Principal) -> QuerySet[InformationSystem]:
    """The systems the overview's filter offers: those with a notice (one query)."""
    if not can_read(p):
        return InformationSystem.objects.none()
    return InformationSystem.objects.filter(service_notices__isnull=False).distinct().order_by("name", "pk")


def linkable_system_ids(p: Principal, systems: Iterable[InformationSystem]) -> set[int]:
    """Which of `systems` the user may open (`access.system_filter`): every employee reads every
    notice, but a system's page is a 404 outside the reader's units, so the pages link only these
    and print the others' names. At most one query, whatever the number of systems."""
    ids = {system.pk for system in systems}
    if not ids or p.sees_everything:
        return ids
    return set(InformationSystem.objects.filter(access.system_filter(p), pk__in=ids).values_list("pk", flat=True))


def system_notices(system: InformationSystem, *, now: datetime.datetime | None = None, past: int = 20) -> dict:
    """The system page's Drift tab: ongoing, planned and the latest `past` ended notices."""
    now = now or timezone.now()
    notices = system.service_notices.prefetch_related("systems")
    current = list(notices.filter(status__in=OPEN_STATUSES).order_by("starts_at", "pk"))
    ended = list(notices.exclude(status__in=OPEN_STATUSES).order_by("-starts_at", "-pk")[:past])
    return {
        "ongoing": [n for n in current if n.status == ServiceNotice.Status.ONGOING],
        "planned": [n for n in current if n.status == ServiceNotice.Status.PLANNED],
        "past": ended,
    }


def recipients_for(notices: Iterable[ServiceNotice] | ServiceNotice) -> QuerySet[Person]:
    """Who is told about a notice (POL-3.28): the contact persons of the systems' user groups
    (användare and brukare), and each system's systemförvaltare and ansvarig chef; active people,
    each once, with their logins."""
    if isinstance(notices, ServiceNotice):
        notices = [notices]
    system_ids = list(InformationSystem.objects.filter(service_notices__in=list(notices)).values_list("pk", flat=True))
    contacts = UserGroup.objects.filter(
        system_id__in=system_ids, kind__in=[UserGroup.Kind.USER, UserGroup.Kind.CONSUMER], contact__isnull=False
    ).values("contact_id")
    named = InformationSystem.objects.filter(pk__in=system_ids)
    condition = (
        Q(pk__in=contacts)
        | Q(pk__in=named.exclude(system_steward=None).values("system_steward_id"))
        | Q(pk__in=named.exclude(responsible_manager=None).values("responsible_manager_id"))
    )
    return Person.objects.filter(condition).filter(active_q()).select_related("user", "unit").order_by("pk")


def recipients_of(notice: ServiceNotice) -> QuerySet[NoticeRecipient]:
    """Who was told, and when (the last time)."""
    return notice.recipients.select_related("person__unit").order_by("notified_at", "pk")


def needs_renotify(notice: ServiceNotice) -> bool:
    """Notified, but not of the latest change of time."""
    return (
        notice.notified_at is not None
        and notice.status in OPEN_STATUSES
        and (notice.notified_sequence or 0) < notice.sequence
    )


def notice_days(notice: ServiceNotice) -> float | None:
    """How many days ahead the recipients were told of planned work (None: never)."""
    if notice.notified_at is None:
        return None
    return (notice.starts_at - notice.notified_at).total_seconds() / 86400


def my_system_ids_q(person: Person) -> Q:
    """Q over InformationSystem: the systems a person uses or answers for – a user group's
    contact person, systemförvaltare or ansvarig chef – and those in the register of their unit
    (its förvaltning/bolag and the units between)."""
    condition = (
        Q(system_steward=person)
        | Q(responsible_manager=person)
        | Q(pk__in=UserGroup.objects.filter(contact=person).values("system_id"))
    )
    if person.unit_id is not None:
        condition |= Q(unit__path__in=ancestor_paths(person.unit.path))
    return condition
