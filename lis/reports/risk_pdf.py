"""The report of one analysis to its nämnd or styrelse as PDF (issue 4, item 5; POL-3.15):
cover with the decision fields, summary, both heat maps, the risks from a chosen level up (each
with its orsak, händelse and konsekvens as labelled parts), and the measures. Typeset with Typst
(lis.core.typst_pdf): tagged for accessibility (PDF/UA-1), or archival (PDF/A-3a, also PDF/UA-1).

Every page carries the sekretess marking. A proposal (`draft`, the beslutsunderlag for an
analysis not yet reported) says "Förslag" on every page and has no decision fields. Only what the
user may see is in it, and its cover says so when that is less than the whole analysis; the
number of queries does not grow with the risks.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lis.core import access
from lis.core.changelog import record_event
from lis.core.models import User
from lis.core.pack import Choice, get_pack
from lis.core.templatetags.lis import contrast
from lis.core.typst_pdf import render_typst
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


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _level(level: Choice) -> dict[str, str]:
    return {"name": level.name, "colour": level["colour"], "text": contrast(level["colour"])}


def _heat_map(heat_map: selectors.HeatMap, caption: str) -> dict[str, Any]:
    return {
        "caption": f"{caption} ({ngettext('%(n)s risk', '%(n)s risker', heat_map.total) % {'n': heat_map.total}})",
        "consequences": [f"{cell.consequence.key} {cell.consequence.name}" for cell in heat_map.rows[0]],
        "rows": [
            {
                "likelihood": f"{row[0].likelihood.key} {row[0].likelihood.name}",
                "cells": [{"count": cell.count, "level": _level(cell.level)} for cell in row],
            }
            for row in heat_map.rows
        ],
    }


def _labels() -> dict[str, str]:
    """The template's fixed words, in the active language."""
    return {
        "page": _("Sida"),
        "of": _("av"),
        "proposal": _("Förslag"),
        "heading": _("Informationssäkerhetsanalys"),
        "proposal_subtitle": _("Förslag till nämnden eller styrelsen (beslutsunderlag)"),
        "unit": _("Förvaltning/bolag"),
        "period": _("Mandatperiod"),
        "status": _("Status"),
        "board": _("Nämnd/styrelse"),
        "meeting_date": _("Sammanträdesdatum"),
        "paragraph": _("Paragraf"),
        "diary_number": _("Diarienummer"),
        "secrecy": _("Sekretess"),
        "printed": _("Utskriven"),
        "archival": _("arkivexemplar, PDF/A"),
        "summary": _("Sammanfattning"),
        "participants": _("Deltagare"),
        "per_level": _("Risker per nivå"),
        "risk_level": _("Risknivå"),
        "before": _("Före behandling"),
        "after": _("Efter behandling"),
        "excluded": _("System som inte analyseras"),
        "excluded_reason": _("Lägsta nivån i alla aspekter; omfattas inte av riskanalysen (POL-3.23)"),
        "heat_map": _("Riskkarta"),
        "heat_map_corner": _("Sannolikhet \\ konsekvens"),
        "cause": _("Orsak"),
        "event": _("Händelse"),
        "consequence": _("Konsekvens"),
        "aspects": _("Aspekter"),
        "assessment": _("Bedömning"),
        "treatment": _("Behandling"),
        "residual": _("Kvarstående"),
        "not_assessed": _("ej bedömd"),
        "measures": _("Åtgärder"),
        "no_risks": _("Inga risker på den nivån."),
        "responsible": _("Åtgärdsansvarig"),
        "due_on": _("Klart senast"),
        "overdue": _("Försenad"),
        "no_measures": _("Inga åtgärder."),
    }


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
    kinds, threats, treatments = names(pack.measure_types), names(pack.threats), names(pack.treatments)
    if draft:
        decision = None
    board = decision.board if decision else analysis.unit.governing_board
    participants = [
        access.person_label(p, person) for person in analysis.participants.order_by(*access.person_ordering(p))
    ]
    systems_in_scope = scope.in_scope.filter(access.system_filter(p)).count()
    open_measures = sum(1 for measure in measures if measure.is_open)
    overdue_measures = sum(1 for measure in measures if measure.is_overdue(today))
    listed = [risk for risk in risks if rank[risk.level.key] >= rank[min_level]]
    data = {
        "title": _("Informationssäkerhetsanalys %(unit)s %(period)s")
        % {"unit": analysis.unit.name, "period": analysis.period},
        "description": _("Rapport till nämnd eller styrelse (POL-3.15)"),
        "municipality": pack.municipality_name,
        "unit": analysis.unit.name,
        "period": str(analysis.period),
        "period_dates": f"{_date(analysis.period.starts_on)} – {_date(analysis.period.ends_on)}",
        "status": analysis.get_status_display(),
        "draft": draft,
        "marking": secrecy_marking(analysis),
        "extract": extract_notice(p, analysis),
        "board": board.name if board else None,
        "decision": {
            "meeting_date": _date(decision.meeting_date),
            "paragraph": f"§ {decision.paragraph}",
            "diary_number": decision.diary_number,
        }
        if decision
        else None,
        "printed": _date(today),
        "archival": archival,
        "summary": analysis.summary,
        "facts": [
            ngettext("%(n)s system omfattas av analysen.", "%(n)s system omfattas av analysen.", systems_in_scope)
            % {"n": systems_in_scope},
            ngettext("%(n)s risk är bedömd.", "%(n)s risker är bedömda.", len(risks)) % {"n": len(risks)},
            ngettext("%(n)s åtgärd.", "%(n)s åtgärder.", len(measures)) % {"n": len(measures)}
            + " "
            + _("Pågående eller ej påbörjade: %(open)s. Försenade: %(overdue)s.")
            % {"open": open_measures, "overdue": overdue_measures},
            *([f"{_('Deltagare')}: {', '.join(participants)}"] if participants else []),
        ],
        "per_level": [
            {"level": level.name, "before": before, "after": after} for level, before, after in _per_level(risks)
        ],
        "excluded": list(
            scope.excluded.filter(access.system_filter(p)).order_by("name").values_list("name", flat=True)
        ),
        "heat_maps": [
            _heat_map(selectors.heat_map(visible), _("Före behandling")),
            _heat_map(selectors.heat_map(visible, residual=True), _("Efter behandling (kvarstående risk)")),
        ],
        "risks_heading": _("Risker på nivån %(level)s eller högre") % {"level": pack.risk_levels[rank[min_level]].name},
        "risks_count": ngettext("%(n)s risk.", "%(n)s risker.", len(listed)) % {"n": len(listed)},
        "risks": [
            {
                "system": risk.system.name,
                "threat": threats.get(risk.threat, risk.threat) if risk.threat else "",
                "cause": risk.cause,
                "event": risk.event,
                "consequence": risk.consequence_text,
                "aspects": " ".join(risk.aspects),
                "assessment": f"{risk.likelihood} × {risk.consequence}",
                "level": _level(risk.level),
                "treatment": treatments.get(risk.treatment) or "–",
                "motivation": risk.treatment_motivation,
                "residual": f"{risk.residual_likelihood} × {risk.residual_consequence}" if risk.residual_level else "",
                "residual_level": _level(risk.residual_level) if risk.residual_level else None,
                "measures": [measure.title for measure in risk.measures.all()],
            }
            for risk in listed
        ],
        "aspects": ", ".join(f"{key} = {name}" for key, name in names(pack.aspects).items()),
        "measures": [
            {
                "title": measure.title,
                "kind": kinds.get(measure.kind, measure.kind),
                "responsible": access.person_label(p, measure.responsible) or "–",
                "due_on": _date(measure.due_on) or "–",
                "overdue": measure.is_overdue(today),
                "status": measure.status_label,
            }
            for measure in measures
        ],
        "labels": _labels(),
    }
    pdf = render_typst("reports/analysis_report.typ", data, archival=archival)
    record_event(
        "export",
        user=user,
        obj=analysis,
        details={
            "format": "pdf/a-3a+ua-1" if archival else "pdf/ua-1",
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
