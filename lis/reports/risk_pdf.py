"""The report of one analysis to its nämnd or styrelse as PDF (issue 4, item 5; POL-3.15):
cover with the decision fields, summary, both heat maps, the risks from a chosen level up (each
with its orsak, händelse and konsekvens as labelled parts), and the measures. Tagged for
accessibility (PDF/UA-1), or archival (PDF/A-3u, also tagged).

Every page carries the sekretess marking. A proposal (`draft`, the beslutsunderlag for an
analysis not yet reported) says "Förslag" on every page and has no decision fields. Only what the
user may see is in it, and its cover says so when that is less than the whole analysis; the
number of queries does not grow with the risks.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from lis.core import access
from lis.core.changelog import record_event
from lis.core.models import User
from lis.core.pack import Choice, get_pack
from lis.core.pdf import render_pdf
from lis.organisation.models import Decision
from lis.risks import selectors
from lis.risks.models import Risk, SecurityAnalysis

from .risk_xlsx import analysis_measures, analysis_risks, extract_notice, names, secrecy_marking


def _per_level(risks: list[Risk]) -> list[tuple[Choice, int, int]]:
    """(level, risks before treatment, risks after) per level; a risk without a residual
    assessment counts at its original level, as in the heat map."""
    before = [risk.level.key for risk in risks]
    after = [(risk.residual_level or risk.level).key for risk in risks]
    return [(level, before.count(level.key), after.count(level.key)) for level in get_pack().risk_levels]


def render_report(
    *,
    user: User,
    analysis: SecurityAnalysis,
    min_level: str,
    archival: bool,
    draft: bool = False,
    decision: Decision | None = None,
) -> bytes:
    """The report (the caller has checked the user may see the analysis) with the risks at or
    above the level `min_level` (a pack risk level key; ValueError otherwise). A `draft` is
    marked "Förslag" on every page and shows no decision; otherwise the cover shows `decision`
    (the one the analysis was reported with), or blank fields to fill in by hand. Recorded in
    the change log."""
    pack = get_pack()
    rank = {level.key: index for index, level in enumerate(pack.risk_levels)}
    if min_level not in rank:
        raise ValueError(f"unknown risk level {min_level!r}")
    p = access.principal_for(user)
    today = access.today()
    risks = list(analysis_risks(p, analysis))
    measures = list(analysis_measures(p, analysis))
    visible = selectors.risks_visible_to(p).filter(analysis=analysis)
    scope = selectors.analysis_scope(analysis)
    kinds = names(pack.measure_types)
    if draft:
        decision = None
    context = {
        "municipality": pack.municipality_name,
        "analysis": analysis,
        "draft": draft,
        "marking": secrecy_marking(analysis),
        "extract": extract_notice(p, analysis),
        "decision": decision,
        "board": decision.board if decision else analysis.unit.governing_board,
        "participants": [
            access.person_label(p, person) for person in analysis.participants.order_by(*access.person_ordering(p))
        ],
        "systems_in_scope": scope.in_scope.filter(access.system_filter(p)).count(),
        "excluded": list(
            scope.excluded.filter(access.system_filter(p)).order_by("name").values_list("name", flat=True)
        ),
        "before": selectors.heat_map(visible),
        "after": selectors.heat_map(visible, residual=True),
        "per_level": _per_level(risks),
        "min_level": pack.risk_levels[rank[min_level]],
        "risks": [risk for risk in risks if rank[risk.level.key] >= rank[min_level]],
        "risk_total": len(risks),
        "threats": names(pack.threats),
        "treatments": names(pack.treatments),
        "aspects": names(pack.aspects),
        "measures": [
            {
                "measure": measure,
                "kind": kinds.get(measure.kind, measure.kind),
                "status": measure.status_label,
                "responsible": access.person_label(p, measure.responsible),
                "overdue": measure.is_overdue(today),
            }
            for measure in measures
        ],
        "open_measures": sum(1 for measure in measures if measure.is_open),
        "overdue_measures": sum(1 for measure in measures if measure.is_overdue(today)),
        "archival": archival,
        "printed": today,
    }
    pdf = render_pdf(render_to_string("reports/analysis_report.html", context), archival=archival)
    record_event(
        "export",
        user=user,
        obj=analysis,
        details={
            "format": "pdf/a-3u" if archival else "pdf/ua-1",
            "report": "analys",
            "level": min_level,
            "draft": draft,
        },
    )
    return pdf


def render_frozen_report(actor: User | None, analysis: SecurityAnalysis, decision: Decision) -> bytes:
    """The archival PDF/A of a reported version, registered with lis.risks.services: the whole
    analysis (the reporter sees all of it), every risk level, under its decision."""
    return render_report(
        user=actor,
        analysis=analysis,
        min_level=get_pack().risk_levels[0].key,
        archival=True,
        draft=False,
        decision=decision,
    )
