"""Who sees and handles which incident, and the reads the pages make (POL-2.6, POL-2.3).

The kommun-wide security roles see and handle every incident (the kommundirektör reads only);
the affected förvaltning's samordnare and förvaltningschef, the ansvarig chef of an affected
system and the assigned handler see and handle it; whoever reported it sees their own report
(status, number and their own text). Nobody else sees anything: a guessed number is a 404."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.http import Http404
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.access import Principal
from lis.organisation.models import OrgUnit, Person, RoleAssignment

from .models import Incident

HANDLER_ROLES_GLOBAL = frozenset(
    {"security_strategist", "administrator", "deputy_signals_chief", "it_manager", "municipal_director"}
)
READ_ONLY_GLOBAL = frozenset({"municipal_director"})
HANDLING_ROLES_GLOBAL = HANDLER_ROLES_GLOBAL - READ_ONLY_GLOBAL
UNIT_HANDLER_ROLES = frozenset({"unit_head", "security_coordinator"})
NAME_WITHHELD = "Namnet visas inte för förvaltningen"

NUMBER = re.compile(r"^\s*(\d{4})-(\d{1,6})\s*$")


def _global_reader(p: Principal) -> bool:
    return p.is_superuser or bool(p.roles & HANDLER_ROLES_GLOBAL)


def _global_handler(p: Principal) -> bool:
    return p.is_superuser or bool(p.roles & HANDLING_ROLES_GLOBAL)


def _unit_paths(p: Principal) -> list[str]:
    return [a.unit.path for a in p.assignments if a.role in UNIT_HANDLER_ROLES and a.unit_id]


def _in_units(p: Principal, incident: Incident) -> bool:
    return incident.unit_id is not None and any(incident.unit.path.startswith(path) for path in _unit_paths(p))


def _manages_affected_system(p: Principal, incident: Incident) -> bool:
    if p.person is None:
        return False
    return incident.systems.filter(responsible_manager=p.person).exists()


def _is_handler(p: Principal, incident: Incident) -> bool:
    return p.person is not None and incident.handler_id == p.person.pk


def _is_reporter(p: Principal, incident: Incident) -> bool:
    return p.user is not None and incident.reported_by_id == p.user.pk


def can_report(p: Principal) -> bool:
    """Every signed-in user reports (POL-2.6)."""
    return p.is_authenticated


def can_handle(p: Principal, incident: Incident) -> bool:
    """Triage, investigate, record reports and decisions, close."""
    if not p.is_authenticated:
        return False
    return (
        _global_handler(p)
        or _in_units(p, incident)
        or _is_handler(p, incident)
        or _manages_affected_system(p, incident)
    )


def can_view(p: Principal, incident: Incident) -> bool:
    if not p.is_authenticated:
        return False
    return _global_reader(p) or _is_reporter(p, incident) or can_handle(p, incident)


def is_handler_anywhere(p: Principal) -> bool:
    """Whether the user has the handler's list at all (global roles, unit roles, ansvarig chef
    or assigned handler of some incident)."""
    if not p.is_authenticated:
        return False
    if _global_reader(p) or _unit_paths(p):
        return True
    if p.person is None:
        return False
    return Incident.objects.filter(Q(handler=p.person) | Q(systems__responsible_manager=p.person)).exists()


def is_reporter_only(p: Principal, incident: Incident) -> bool:
    """Sees only the reporter's view (status, number, own text)."""
    return _is_reporter(p, incident) and not _global_reader(p) and not can_handle(p, incident)


def name_withheld_for(p: Principal, incident: Incident) -> bool:
    """Whether this viewer may not know who reported the incident (they asked that the
    förvaltning not be told). Whatever names the reporter (the Historik tab's entries, whose
    author is the reporter, an export) must ask here too."""
    if not incident.name_withheld_from_unit:
        return False
    return not (_is_reporter(p, incident) or _global_handler(p) or _is_handler(p, incident))


def reporter_label(p: Principal, incident: Incident) -> str:
    """The reporter's name as this viewer may see it: withheld from the förvaltning when the
    reporter asked (the global handlers and the assigned handler still see it), and always
    pseudonymised where the identity is protected (POL-3.30)."""
    if name_withheld_for(p, incident):
        return _(NAME_WITHHELD)
    if incident.reporter_id is not None:
        return access.person_label(p, incident.reporter)
    return access.user_label(p, incident.reported_by)


def incidents_visible_to(p: Principal) -> QuerySet[Incident]:
    if not p.is_authenticated:
        return Incident.objects.none()
    if _global_reader(p):
        return Incident.objects.all()
    condition = Q(reported_by=p.user)
    for path in _unit_paths(p):
        condition |= Q(unit__path__startswith=path)
    if p.person is not None:
        through = Incident.systems.through.objects.filter(informationsystem__responsible_manager=p.person)
        condition |= Q(handler=p.person) | Q(pk__in=through.values("incident_id"))
    return Incident.objects.filter(condition)


def handled_by(p: Principal) -> QuerySet[Incident]:
    """The incidents this user may handle (without those they only reported)."""
    if not p.is_authenticated:
        return Incident.objects.none()
    if _global_reader(p):
        return Incident.objects.all()
    condition = Q(pk__in=[])
    for path in _unit_paths(p):
        condition |= Q(unit__path__startswith=path)
    if p.person is not None:
        through = Incident.systems.through.objects.filter(informationsystem__responsible_manager=p.person)
        condition |= Q(handler=p.person) | Q(pk__in=through.values("incident_id"))
    return Incident.objects.filter(condition)


def _detail(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    return queryset.select_related("unit", "handler", "reporter", "reported_by").prefetch_related(
        "systems", "information_sets", "clocks__reports", "measures", "risks"
    )


def incident_get(p: Principal, pk: int) -> Incident:
    """The incident, if this user may see it; otherwise 404 (never 403: a guessed number tells nothing)."""
    incident = _detail(incidents_visible_to(p)).filter(pk=pk).first()
    if incident is None:
        raise Http404(_("Incidenten finns inte."))
    return incident


def my_reports(p: Principal) -> QuerySet[Incident]:
    if not p.is_authenticated:
        return Incident.objects.none()
    return Incident.objects.filter(reported_by=p.user).order_by("-reported_at", "-pk")


def filtered(
    p: Principal,
    *,
    status: str = "",
    category: str = "",
    unit: OrgUnit | int | str | None = None,
    severity: str = "",
    q: str = "",
) -> QuerySet[Incident]:
    """The handler's list: what this user handles (or, for the kommundirektör, reads), newest
    first (-reported_at, -pk: keyset-friendly). `q` matches a number (2026-0012) or the text."""
    queryset = handled_by(p)
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if severity:
        queryset = queryset.filter(severity=severity)
    if unit:
        unit_obj = unit if isinstance(unit, OrgUnit) else OrgUnit.objects.filter(pk=unit).first()
        queryset = queryset.filter(unit__path__startswith=unit_obj.path) if unit_obj else queryset.none()
    if q and q.strip():
        match = NUMBER.match(q)
        if match:
            queryset = queryset.filter(year=int(match[1]), serial=int(match[2]))
        else:
            queryset = queryset.filter(description__icontains=q.strip())
    return (
        queryset.select_related("unit", "handler").prefetch_related("clocks__reports").order_by("-reported_at", "-pk")
    )


def statistics(p: Principal, year: int | None = None) -> dict[str, Any]:
    """Counts of the incidents this user handles (or reads), per category, förvaltning/bolag and
    quarter of reporting (Europe/Stockholm), aggregated in the database: two queries whatever the
    number of incidents. `rows` holds one count per (category, unit, quarter); `by_category`,
    `by_unit` and `by_quarter` are its sums; `years` the years there are incidents in."""
    base = handled_by(p)
    years = sorted(
        {y for y in base.annotate(y=ExtractYear("reported_at")).values_list("y", flat=True).distinct() if y},
        reverse=True,
    )
    queryset = base.filter(reported_at__year=year) if year else base
    grouped = (
        queryset.annotate(quarter=ExtractQuarter("reported_at"))
        .values("category", "unit_id", "unit__name", "quarter")
        .annotate(count=Count("pk"))
        .order_by("category", "unit__name", "quarter")
    )
    rows = []
    by_category: dict[str, int] = defaultdict(int)
    by_unit: dict[tuple[int | None, str], int] = defaultdict(int)
    by_quarter: dict[int, int] = {1: 0, 2: 0, 3: 0, 4: 0}
    for row in grouped:
        category = row["category"] or _("Ej bedömd")
        unit_name = row["unit__name"] or _("Ingen förvaltning angiven")
        rows.append(
            {
                "category": category,
                "unit_id": row["unit_id"],
                "unit": unit_name,
                "quarter": row["quarter"],
                "count": row["count"],
            }
        )
        by_category[category] += row["count"]
        by_unit[(row["unit_id"], unit_name)] += row["count"]
        by_quarter[row["quarter"]] = by_quarter.get(row["quarter"], 0) + row["count"]
    return {
        "year": year,
        "years": years,
        "rows": rows,
        "by_category": sorted(by_category.items(), key=lambda item: (-item[1], item[0])),
        "by_unit": sorted(((name, count) for (_pk, name), count in by_unit.items()), key=lambda i: (-i[1], i[0])),
        "by_quarter": sorted(by_quarter.items()),
        "total": sum(r["count"] for r in rows),
    }


def handler_candidates(incident: Incident | None = None) -> QuerySet[Person]:
    """The people who may be assigned an incident: those holding a kommun-wide handling role,
    the affected förvaltning's chef and samordnare, and the ansvarig chef of an affected system."""
    active = RoleAssignment.objects.active()
    condition = Q(pk__in=active.filter(role__in=HANDLING_ROLES_GLOBAL).values("person_id"))
    if incident is not None and incident.unit_id is not None:
        unit_ids = [u.pk for u in OrgUnit.objects.all() if incident.unit.path.startswith(u.path)]
        condition |= Q(pk__in=active.filter(role__in=UNIT_HANDLER_ROLES, unit_id__in=unit_ids).values("person_id"))
    if incident is not None and incident.pk:
        condition |= Q(pk__in=incident.systems.exclude(responsible_manager=None).values("responsible_manager_id"))
    return Person.objects.filter(condition, ended_on__isnull=True).order_by("last_name", "first_name", "pk")


def strategists() -> QuerySet[Person]:
    """Every active säkerhetsstrateg (told of a new report and of every nearing deadline)."""
    ids = RoleAssignment.objects.active().filter(role="security_strategist").values("person_id")
    return Person.objects.filter(pk__in=ids).select_related("user")
