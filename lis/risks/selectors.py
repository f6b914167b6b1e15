"""Permission-aware reads of the risk analysis, and the heat map."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lis.core import access, changelog
from lis.core.access import Principal
from lis.core.pack import Choice, get_pack
from lis.organisation.models import Person
from lis.systems.models import InformationSystem

from .models import AnalysisVersion, Measure, Risk, SecurityAnalysis


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
    return SecurityAnalysis.objects.filter(condition).select_related("unit", "period")


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


# --- what a report says, and the versions reported ----------------------------------------

ARCHIVE = Principal(user=None, person=None)  # names as anyone may read them (POL-3.30)


def _names(choices) -> dict[str, str]:
    return {str(choice.key): choice.name for choice in choices}


# A risk's fields as plain values, with its system's name (the content of a reported version,
# the riskmatris): at thousands of risks, a model object per row costs more than the query.
RISK_VALUES = (
    "pk",
    "system__name",
    "threat",
    "cause",
    "event",
    "consequence_text",
    "aspects",
    "likelihood",
    "consequence",
    "existing_protection",
    "owner_id",
    "treatment",
    "treatment_motivation",
    "residual_likelihood",
    "residual_consequence",
)


def analysis_content(analysis: SecurityAnalysis) -> dict[str, Any]:
    """Everything the report to the nämnd says about the analysis as it is now: the systems in
    scope and those excluded, every risk with all its fields and the pack's names, the measures,
    the summary and the participants. This is what a reported version freezes, and what is
    compared to tell whether the analysis has changed since. Keys and names, never objects."""
    pack = get_pack()
    threats, aspects, treatments = _names(pack.threats), _names(pack.aspects), _names(pack.treatments)
    likelihood, consequence = _names(pack.likelihood), _names(pack.consequence)
    kinds, statuses = _names(pack.measure_types), _names(pack.measure_statuses)
    scope = analysis_scope(analysis)

    def level(likelihood_value, consequence_value) -> dict[str, str] | None:
        if likelihood_value is None or consequence_value is None:
            return None
        found = pack.risk_level(likelihood_value, consequence_value)
        return {"key": found.key, "name": found.name}

    # Plain values, not model instances, and the risk–measure links in one query: an analysis
    # holds thousands of risks and measures, and this runs for every report and comparison.
    links = list(Measure.risks.through.objects.filter(measure__analysis=analysis).values_list("risk_id", "measure_id"))
    measures_of: dict[int, list[int]] = {}
    risks_of: dict[int, list[int]] = {}
    for risk_id, measure_id in links:
        measures_of.setdefault(risk_id, []).append(measure_id)
        risks_of.setdefault(measure_id, []).append(risk_id)
    risks = list(
        Risk.objects.filter(analysis=analysis)
        .order_by("system__name", "pk")
        .values(*RISK_VALUES, "system_id", "assessed_at")
    )
    measures = list(
        Measure.objects.filter(analysis=analysis)
        .order_by("due_on", "pk")
        .values("pk", "title", "description", "kind", "aspects", "responsible_id", "due_on", "status")
    )
    people = Person.objects.in_bulk(
        {r["owner_id"] for r in risks if r["owner_id"]} | {m["responsible_id"] for m in measures if m["responsible_id"]}
    )
    labels = {pk: access.person_label(ARCHIVE, person) for pk, person in people.items()}
    return {
        "unit": analysis.unit.name,
        "period": str(analysis.period),
        "started_on": analysis.started_on.isoformat(),
        "summary": analysis.summary.strip(),
        "secrecy_marking": analysis.secrecy_marking,
        "participants": sorted(access.person_label(ARCHIVE, person) for person in analysis.participants.all()),
        "systems": [{"id": s.pk, "name": s.name} for s in scope.in_scope.order_by("name", "pk")],
        "excluded": [{"id": s.pk, "name": s.name} for s in scope.excluded.order_by("name", "pk")],
        "risks": [
            {
                "id": r["pk"],
                "system": r["system_id"],
                "system_name": r["system__name"],
                "threat": r["threat"],
                "threat_name": threats.get(r["threat"], ""),
                "cause": r["cause"],
                "event": r["event"],
                "consequence_text": r["consequence_text"],
                "aspects": list(r["aspects"]),
                "aspect_names": [aspects.get(key, key) for key in r["aspects"]],
                "likelihood": r["likelihood"],
                "likelihood_name": likelihood.get(str(r["likelihood"]), ""),
                "consequence": r["consequence"],
                "consequence_name": consequence.get(str(r["consequence"]), ""),
                "level": level(r["likelihood"], r["consequence"]),
                "existing_protection": r["existing_protection"],
                "owner": labels.get(r["owner_id"], ""),
                "treatment": r["treatment"],
                "treatment_name": treatments.get(r["treatment"], ""),
                "treatment_motivation": r["treatment_motivation"],
                "residual_likelihood": r["residual_likelihood"],
                "residual_consequence": r["residual_consequence"],
                "residual_level": level(r["residual_likelihood"], r["residual_consequence"]),
                "assessed_on": timezone.localdate(r["assessed_at"]).isoformat(),
                "measures": sorted(measures_of.get(r["pk"], ())),
            }
            for r in risks
        ],
        "measures": [
            {
                "id": m["pk"],
                "title": m["title"],
                "description": m["description"],
                "kind": m["kind"],
                "kind_name": kinds.get(m["kind"], m["kind"]),
                "aspects": list(m["aspects"]),
                "aspect_names": [aspects.get(key, key) for key in m["aspects"]],
                "responsible": labels.get(m["responsible_id"], ""),
                "due_on": m["due_on"].isoformat() if m["due_on"] else "",
                "status": m["status"],
                "status_name": statuses.get(m["status"], m["status"]),
                "risks": sorted(risks_of.get(m["pk"], ())),
            }
            for m in measures
        ],
    }


def latest_version(analysis: SecurityAnalysis) -> AnalysisVersion | None:
    """The last reported version; its content (every risk, large) is read only when used."""
    return analysis.versions.defer("pdf", "content").select_related("decision__board").order_by("-number").first()


def reported_ids(analysis: SecurityAnalysis, kind: str, candidates: list[int]) -> set[int]:
    """Which of `candidates` (risk or measure ids, `kind` "risks" or "measures") were in the last
    reported version and so stay: what the nämnd was told is not removed. A version reported
    before LIS kept its content protects every one."""
    version = latest_version(analysis)
    if version is None:
        return set()
    if not version.content:
        return set(candidates)
    return {item["id"] for item in version.content[kind]} & set(candidates)


def changed_since_report(analysis: SecurityAnalysis, version: AnalysisVersion | None) -> bool:
    """Whether the live analysis differs from what was last reported. A version reported
    before LIS kept the content cannot be compared and counts as changed."""
    if version is None:
        return False
    # Building the content reads every risk and measure (0.7 s for 3,500 risks), and every
    # analysis page asks; the answer can only change with a recorded write, a new day (scope)
    # or another pack, so it is kept until the change log's head moves.
    key = f"lis:analysis-changed:{version.pk}:{changelog.head_hash()}:{access.today()}:{get_pack().version}"
    changed = cache.get(key)
    if changed is None:
        content = version.content  # read now, only when not kept
        changed = not content or content != analysis_content(analysis)
        cache.set(key, changed, 24 * 3600)
    return changed


def sees_whole_analysis(p: Principal, analysis: SecurityAnalysis) -> bool:
    """Whether the user may see every system the analysis covers (and so the whole report)."""
    if p.sees_everything:
        return True
    systems = InformationSystem.objects.filter(Q(unit=analysis.unit) | Q(risks__analysis=analysis))
    return not systems.exclude(access.system_filter(p)).exists()


def version_get(p: Principal, pk: int) -> AnalysisVersion:
    """A reported version, for a user who may see the whole analysis; 403 for others who see
    the analysis (the frozen copy shows every system), 404 for the rest."""
    version = get_object_or_404(
        AnalysisVersion.objects.select_related("analysis__unit", "analysis__period", "decision__board"),
        pk=pk,
        analysis__in=analyses_visible_to(p),
    )
    access.require(sees_whole_analysis(p, version.analysis))
    return version


def default_report_level() -> str:
    """The report lists the risks the nämnd must see, from the second-highest level up, unless
    the user chooses another level (a report of every risk of a large förvaltning takes long)."""
    levels = get_pack().risk_levels
    return levels[max(0, len(levels) - 2)].key
