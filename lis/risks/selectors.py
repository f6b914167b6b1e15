"""Permission-aware reads of the risk analysis, and the heat map."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from lis.core import access
from lis.core.access import Principal
from lis.core.pack import Choice, get_pack
from lis.systems.models import InformationSystem

from .models import Measure, Risk, SecurityAnalysis


def risks_visible_to(p: Principal) -> QuerySet[Risk]:
    """Risks of the systems the user may see (the same scope as the register)."""
    return Risk.objects.filter(access.system_filter(p, prefix="system__")).select_related("system", "analysis")


def analyses_visible_to(p: Principal) -> QuerySet[SecurityAnalysis]:
    """Analyses of the units the user may view, and of units where they are named on a system
    (an ansvarig chef or systemförvaltare works on their system's risks)."""
    condition = p.unit_filter("unit__")
    if not p.sees_everything and p.person is not None:
        named = InformationSystem.objects.filter(
            Q(responsible_manager=p.person) | Q(system_steward=p.person), unit=OuterRef("unit")
        )
        condition |= Q(Exists(named))
    return SecurityAnalysis.objects.filter(condition).select_related("unit", "period", "decision__board")


def analysis_get(p: Principal, pk: int) -> SecurityAnalysis:
    return get_object_or_404(analyses_visible_to(p), pk=pk)


def risk_get(p: Principal, pk: int) -> Risk:
    return get_object_or_404(
        risks_visible_to(p).select_related("analysis__unit", "analysis__period", "system__unit", "owner"), pk=pk
    )


def measures_visible_to(p: Principal) -> QuerySet[Measure]:
    """Measures of analyses whose unit the user may view, and those treating a risk they see
    or assigned to them."""
    condition = p.unit_filter("analysis__unit__")
    if not p.sees_everything:
        visible_risks = Risk.objects.filter(access.system_filter(p, prefix="system__"), measures=OuterRef("pk"))
        condition |= Q(Exists(visible_risks))
        if p.person is not None:
            condition |= Q(responsible=p.person)
    return Measure.objects.filter(condition).select_related("analysis__unit", "responsible")


def measure_get(p: Principal, pk: int) -> Measure:
    return get_object_or_404(measures_visible_to(p), pk=pk)


def overdue(measures: QuerySet[Measure], today: datetime.date) -> QuerySet[Measure]:
    open_statuses = [s.key for s in get_pack().measure_statuses if s.get("open")]
    return measures.filter(status__in=open_statuses, due_on__lt=today)


@dataclass
class Scope:
    """The systems an analysis covers and those it leaves out, with the reason (POL-3.23)."""

    in_scope: QuerySet[InformationSystem]
    excluded: QuerySet[InformationSystem]


def analysis_scope(analysis: SecurityAnalysis) -> Scope:
    systems = InformationSystem.objects.filter(unit=analysis.unit).exclude(
        status=InformationSystem.Status.DECOMMISSIONED
    )
    lowest = Q(classified=True, level_rank=0)
    return Scope(in_scope=systems.exclude(lowest), excluded=systems.filter(lowest))


@dataclass
class HeatCell:
    likelihood: Choice
    consequence: Choice
    level: Choice
    count: int = 0


@dataclass
class HeatMap:
    """The pack's matrix with the number of risks per cell: rows by likelihood, highest first."""

    rows: list[list[HeatCell]] = field(default_factory=list)
    total: int = 0


def heat_map(risks: QuerySet[Risk], *, residual: bool = False) -> HeatMap:
    """Count `risks` per cell, before treatment or (`residual`) after it, in one query.
    Risks without a residual assessment are counted at their original cell."""
    pack = get_pack()
    counts: dict[tuple[int, int], int] = {}
    if residual:
        assessed = risks.filter(residual_likelihood__isnull=False, residual_consequence__isnull=False)
        for row in assessed.values("residual_likelihood", "residual_consequence").annotate(n=Count("pk")):
            key = (row["residual_likelihood"], row["residual_consequence"])
            counts[key] = counts.get(key, 0) + row["n"]
        risks = risks.exclude(pk__in=assessed.values("pk"))
    for row in risks.values("likelihood", "consequence").annotate(n=Count("pk")):
        key = (row["likelihood"], row["consequence"])
        counts[key] = counts.get(key, 0) + row["n"]
    result = HeatMap(total=sum(counts.values()))
    for likelihood in reversed(pack.likelihood):
        result.rows.append(
            [
                HeatCell(
                    likelihood,
                    consequence,
                    pack.risk_level(int(likelihood.key), int(consequence.key)),
                    counts.get((int(likelihood.key), int(consequence.key)), 0),
                )
                for consequence in pack.consequence
            ]
        )
    return result
