"""Permission-aware reads of the risk analysis, and the heat map."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from lis.core import access
from lis.core.access import Principal
from lis.core.pack import Choice, get_pack

from .models import Risk


def risks_visible_to(p: Principal) -> QuerySet[Risk]:
    """Risks of the systems the user may see (the same scope as the register)."""
    return Risk.objects.filter(access.system_filter(p, prefix="system__")).select_related("system", "analysis")


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
