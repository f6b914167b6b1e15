"""Permission-aware reads of the register. List queries stay constant in number whatever the
size of the kommun: filters, completeness and agreement flags are computed in the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from lis.core import access
from lis.core.access import Principal
from lis.core.pack import get_pack

from .models import Agreement, InformationSet, InformationSystem, Party, Platform, UserGroup
from .reviews import agreement_reviews_due, documentation_reviews_due

# BIL1-2, BIL1-3 and POL-3.11: what the förteckning must say about every system. (label, requirement)
REQUIRED_FIELDS = {
    "system_owner": (_("systemägare"), "BIL1-2"),
    "accountable_board": (_("systemansvarig"), "BIL1-2"),
    "responsible_manager": (_("ansvarig chef"), "POL-3.11"),
    "system_steward": (_("systemförvaltare"), "BIL1-2"),
    "users": (_("användare"), "BIL1-2"),
    "consumers": (_("brukare"), "BIL1-2"),
    "operating_model": (_("driftsform"), "BIL1-3"),
}

SORTS = {
    "namn": ("name", "pk"),
    "-namn": ("-name", "-pk"),
    "enhet": ("unit__name", "name"),
    "-enhet": ("-unit__name", "name"),
    "niva": ("level_rank", "name"),
    "-niva": ("-level_rank", "name"),
    "status": ("status", "name"),
    "-status": ("-status", "name"),
    "avtal": ("agreement_ends", "name"),
    "-avtal": ("-agreement_ends", "name"),
}


def missing_bil1_2_q() -> Q:
    """Q matching systems (annotated by `annotated`) missing a BIL1-2 field."""
    return (
        Q(system_owner__isnull=True)
        | Q(system_steward__isnull=True)
        | Q(has_users=False)
        | Q(has_consumers=False, no_consumers=False)
        | Q(accountable_board__isnull=True, unit__governing_board__isnull=True)
    )


def incomplete_q() -> Q:
    """Q matching systems missing a BIL1-2, BIL1-3 or POL-3.11 field."""
    return missing_bil1_2_q() | Q(operating_model="") | Q(responsible_manager__isnull=True)


def missing_fields(system: InformationSystem) -> list[tuple[str, str]]:
    """(label, requirement id) of every required field the system lacks. Needs `annotated`."""
    missing = []
    if system.system_owner_id is None:
        missing.append(REQUIRED_FIELDS["system_owner"])
    if system.accountable_board_id is None and system.unit.governing_board_id is None:
        missing.append(REQUIRED_FIELDS["accountable_board"])
    if system.responsible_manager_id is None:
        missing.append(REQUIRED_FIELDS["responsible_manager"])
    if system.system_steward_id is None:
        missing.append(REQUIRED_FIELDS["system_steward"])
    if not system.has_users:
        missing.append(REQUIRED_FIELDS["users"])
    if not system.has_consumers and not system.no_consumers:
        missing.append(REQUIRED_FIELDS["consumers"])
    if not system.operating_model:
        missing.append(REQUIRED_FIELDS["operating_model"])
    return [(str(label), req) for label, req in missing]


def annotated(queryset: QuerySet[InformationSystem]) -> QuerySet[InformationSystem]:
    today = access.today()
    return queryset.select_related(
        "unit__governing_board",
        "system_owner",
        "system_steward",
        "responsible_manager",
        "accountable_board",
    ).annotate(
        has_users=Exists(UserGroup.objects.filter(system=OuterRef("pk"), kind=UserGroup.Kind.USER)),
        has_consumers=Exists(UserGroup.objects.filter(system=OuterRef("pk"), kind=UserGroup.Kind.CONSUMER)),
        agreement_ends=Subquery(
            Agreement.objects.filter(system=OuterRef("pk"), ends_on__gte=today)
            .order_by("ends_on")
            .values("ends_on")[:1]
        ),
    )


def systems_visible_to(p: Principal) -> QuerySet[InformationSystem]:
    return annotated(InformationSystem.objects.filter(access.system_filter(p)))


def system_get(p: Principal, pk: int) -> InformationSystem:
    system = systems_visible_to(p).filter(pk=pk).first()
    if system is None:
        raise Http404
    return system


@dataclass
class SystemFilters:
    query: str = ""
    unit: object = None
    operating_model: str = ""
    level: str = ""
    status: str = ""
    completeness: str = ""  # "complete" | "incomplete"
    classified: str = ""  # "ja" | "nej" | "vantar" (a proposal waits to be fastställd)
    expiring: bool = False
    platform: int | None = None
    missing: str = ""  # "forvaltare" | "klassning" | "it" (procurement without IT-enheten consulted)
    mine: bool = False  # systems the user answers for: ansvarig chef, systemförvaltare, chef of the unit
    review_overdue: bool = False  # the documentation or an agreement in force is past its review (issue 15)
    sort: str = "namn"


def system_search(p: Principal, filters: SystemFilters) -> QuerySet[InformationSystem]:
    queryset = systems_visible_to(p)
    for word in filters.query.split()[:5]:
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(tags__icontains=word)
            | Q(system_owner__name__icontains=word)
            | Q(
                pk__in=InformationSystem.platforms.through.objects.filter(platform__name__icontains=word).values(
                    "informationsystem_id"
                )
            )
        )
    if filters.unit is not None:
        queryset = queryset.filter(unit=filters.unit)
    if filters.operating_model == "-":
        queryset = queryset.filter(operating_model="")
    elif filters.operating_model:
        queryset = queryset.filter(operating_model=filters.operating_model)
    if filters.level == "-":
        queryset = queryset.filter(level_rank__isnull=True)
    elif filters.level:
        rank = next((i for i, level in enumerate(get_pack().levels) if level.key == filters.level), None)
        queryset = queryset.filter(level_rank=rank)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.completeness == "incomplete":
        queryset = queryset.filter(incomplete_q())
    elif filters.completeness == "complete":
        queryset = queryset.exclude(incomplete_q())
    if filters.classified in ("ja", "nej"):
        queryset = queryset.filter(classified=filters.classified == "ja")
    elif filters.classified == "vantar":
        waiting = InformationSet.objects.filter(classifications__status="proposed").values("system")
        queryset = queryset.filter(pk__in=waiting)
    if filters.platform is not None:
        queryset = queryset.filter(
            pk__in=InformationSystem.platforms.through.objects.filter(platform_id=filters.platform).values(
                "informationsystem_id"
            )
        )
    if filters.missing == "forvaltare":
        queryset = queryset.filter(system_steward__isnull=True)
    elif filters.missing == "klassning":
        queryset = queryset.filter(classified=False)
    elif filters.missing == "it":
        queryset = queryset.filter(procurement_without_it_q())
    if filters.mine:
        queryset = queryset.filter(answered_for_q(p))
    if filters.review_overdue:
        today = access.today()
        yesterday = today - datetime.timedelta(days=1)
        queryset = queryset.filter(
            Q(pk__in=documentation_reviews_due(yesterday).values("pk"))
            | Q(pk__in=agreement_reviews_due(yesterday, today).values("system_id"))
        )
    if filters.expiring:
        window = access.today() + datetime.timedelta(days=get_pack().agreement_notice_window_days)
        queryset = queryset.filter(agreement_ends__lte=window)
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["namn"]))


def namesakes(*, unit, name: str, exclude: InformationSystem | None = None) -> QuerySet[InformationSystem]:
    """Systems of `unit` already called `name` (case and surrounding spaces ignored): a second
    one is allowed, but the user is asked first (it is usually the same system twice)."""
    queryset = InformationSystem.objects.filter(unit=unit, name__iexact=name.strip())
    return queryset.exclude(pk=exclude.pk) if exclude is not None else queryset


def agreements_expiring(system: InformationSystem) -> list[Agreement]:
    window = get_pack().agreement_notice_window_days
    today = access.today()
    return [a for a in system.agreements.select_related("counterparty") if a.expires_within(window, today)]


def parties_visible_to(p: Principal) -> QuerySet[Party]:
    """The party register: vendors and units are no secret to anyone working in the register."""
    return Party.objects.select_related("internal_unit")


def party_get(p: Principal, pk: int) -> Party:
    party = parties_visible_to(p).filter(pk=pk).first()
    if party is None:
        raise Http404
    return party


def level_items(levels: dict[str, str]) -> list[dict[str, str]]:
    """A classification as display items: K2 with the aspect's and level's names."""
    pack = get_pack()
    by_key = {level.key: level for level in pack.levels}
    items = []
    for aspect in pack.aspects:
        level = by_key.get(levels.get(aspect.key, ""))
        items.append(
            {
                "aspect": aspect.key,
                "aspect_name": aspect.name,
                "number": str(level["number"]) if level else "–",
                "name": level.name if level else "",
            }
        )
    return items


# --- what a person answers for (start page, ?ansvar=mina) ------------------------------------

ACTIVE_STATUSES = (InformationSystem.Status.PROCUREMENT, InformationSystem.Status.OPERATIONAL)


def procurement_without_it_q() -> Q:
    """POL-3.27: a system being procured or in use without a date IT-enheten was consulted."""
    return Q(status__in=ACTIVE_STATUSES, it_consulted_on__isnull=True)


def answered_for_q(p: Principal) -> Q:
    """Systems `p` answers for: as ansvarig chef, as systemförvaltare, or as chef (unit_head) or
    informationssäkerhetssamordnare of the förvaltning/bolag or an enhet above it. Nothing for a
    user without a person."""
    condition = Q(pk__in=[])
    if p.person is not None:
        condition |= Q(responsible_manager=p.person) | Q(system_steward=p.person)
    for path in p.managed_unit_paths:
        condition |= Q(unit__path__startswith=path)
    return condition


def answers_for_systems(p: Principal) -> bool:
    return p.person is not None or bool(p.managed_unit_paths)


# --- platforms (POL-3.29) --------------------------------------------------------------------


def can_manage_platforms(p: Principal) -> bool:
    """IT-enheten keeps the platform register (`access.speaks_for_it_unit`): the IT-chef, the IT
    unit's förvaltningschef and samordnare, and the säkerhetsstrateg or an administrator."""
    return access.speaks_for_it_unit(p)


def platforms_with_usage(p: Principal) -> QuerySet[Platform]:
    """Every platform with the number of systems the user may see that run on it (`system_count`)
    and the number of förvaltningar/bolag those systems belong to (`unit_count`). One query."""
    visible = InformationSystem.objects.filter(access.system_filter(p)).values("pk")
    through = InformationSystem.platforms.through.objects.filter(platform=OuterRef("pk"), informationsystem__in=visible)
    return Platform.objects.annotate(
        system_count=Subquery(
            through.order_by().values("platform").annotate(n=Count("informationsystem_id")).values("n")[:1]
        ),
        unit_count=Subquery(
            through.order_by()
            .values("platform")
            .annotate(n=Count("informationsystem__unit_id", distinct=True))
            .values("n")[:1]
        ),
    ).order_by("kind", "name")


def platform_get(p: Principal, pk: int) -> Platform:
    platform = Platform.objects.filter(pk=pk).first()
    if platform is None:
        raise Http404
    return platform


def platforms_of(p: Principal, system: InformationSystem) -> list[Platform]:
    return list(system.platforms.order_by("kind", "name"))
