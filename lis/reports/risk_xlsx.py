"""The riskmatris of one förvaltning's or bolag's analysis as an .xlsx in the municipal
template's layout (issue 4, item 5; POL-3.15, BIL1-1, BIL1-4): three sheets, "Del 1 –
Systemförteckning" (the unit's register, written by register_xlsx), "Del 2 – Riskanalys" (one
row per risk) and "Åtgärder" (one row per measure).

As in Del 1, the words of the sheets are the policy's Swedish and are not translated: they are
the template's layout. Only the risks and measures the user may see are written, and the number
of queries does not grow with them.
"""

from __future__ import annotations

import io

import openpyxl
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from lis.core import access
from lis.core.access import Principal
from lis.core.changelog import record_event
from lis.core.models import User
from lis.core.pack import Choice, get_pack
from lis.core.templatetags.lis import contrast
from lis.risks import selectors
from lis.risks.models import Measure, Risk, SecurityAnalysis

from .register_xlsx import Export, SheetWriter, _user_label, write_register_sheet

RISK_SHEET = "Del 2 – Riskanalys"
RISK_TITLE = "Riskmatris del 2 – informationssäkerhetsanalys"
MEASURE_SHEET = "Åtgärder"
YES, NO = "Ja", "Nej"
# (header, width, wrap)
RISK_COLUMNS = [
    ("System", 28, True),
    ("Hot", 22, True),
    ("Orsak", 36, True),
    ("Händelse", 36, True),
    ("Konsekvens", 36, True),
    ("Hotade aspekter", 14, False),
    ("Sannolikhet", 18, True),
    ("Konsekvensnivå", 18, True),
    ("Riskvärde", 10, False),
    ("Risknivå", 14, False),
    ("Befintligt skydd", 30, True),
    ("Riskägare", 22, True),
    ("Behandling", 14, False),
    ("Motivering", 36, True),
    ("Kvarstående sannolikhet", 18, True),
    ("Kvarstående konsekvens", 18, True),
    ("Kvarstående risknivå", 16, False),
    ("Åtgärder", 36, True),
]
LEVEL_COLUMN = 9
RESIDUAL_LEVEL_COLUMN = 16
MEASURE_COLUMNS = [
    ("Åtgärd", 36, True),
    ("Typ", 16, False),
    ("Skyddade aspekter", 14, False),
    ("Åtgärdsansvarig", 22, True),
    ("Klart senast", 14, False),
    ("Status", 14, False),
    ("Försenad", 10, False),
    ("Behandlar riskerna", 48, True),
]


def names(choices: list[Choice]) -> dict[str, str]:
    """A pack choice set as key → name."""
    return {str(c.key): c.name for c in choices}


def analysis_risks(p: Principal, analysis: SecurityAnalysis) -> QuerySet[Risk]:
    """The analysis's risks the user may see, with owners and measures, per system, highest first."""
    return (
        selectors.risks_visible_to(p)
        .filter(analysis=analysis)
        .select_related("owner")
        .prefetch_related(Prefetch("measures", Measure.objects.order_by("due_on", "pk")))
        .order_by("system__name", "-likelihood", "-consequence", "pk")
    )


def analysis_measures(p: Principal, analysis: SecurityAnalysis) -> QuerySet[Measure]:
    """The analysis's measures the user may see, each with the visible risks it treats."""
    return (
        selectors.measures_visible_to(p)
        .filter(analysis=analysis)
        .prefetch_related(Prefetch("risks", selectors.risks_visible_to(p).order_by("system__name", "pk")))
        .order_by("due_on", "pk")
    )


def _head(writer: SheetWriter, title: str, analysis: SecurityAnalysis, user: User, columns: list) -> None:
    writer.head(
        title,
        [
            ("Kommun", get_pack().municipality_name),
            ("Förvaltning/bolag", analysis.unit.name),
            ("Mandatperiod", str(analysis.period)),
            ("Status", analysis.get_status_display()),
            ("Datum", timezone.localdate()),
            ("Exporterad av", _user_label(user)),
        ],
        [header for header, _width, _wrap in columns],
    )


def _level_cell(writer: SheetWriter, level: Choice) -> WriteOnlyCell:
    """The level's name on its colour, in black or white, whichever reads better."""
    colour = level.get("colour")
    argb = "FF" + colour.lstrip("#").upper()
    return writer.cell(
        level.name,
        fill=PatternFill(fill_type="solid", start_color=argb, end_color=argb),
        font=Font(bold=True, color="FF" + contrast(colour).lstrip("#").upper()),
        alignment=Alignment(vertical="top"),
    )


def _scale(value: int | None, scale: dict[str, str]) -> str:
    return f"{value} – {scale.get(str(value), '')}" if value is not None else ""


def export_analysis(*, user: User, analysis: SecurityAnalysis) -> Export:
    """The unit's riskmatris (the caller has checked the user may see the analysis): Del 1 for
    its register, Del 2 for the risks, and the measures. Recorded in the change log."""
    pack = get_pack()
    p = access.principal_for(user)
    likelihood, consequence = names(pack.likelihood), names(pack.consequence)
    threats, treatments = names(pack.threats), names(pack.treatments)
    kinds, statuses = names(pack.measure_types), names(pack.measure_statuses)
    today = access.today()
    workbook = openpyxl.Workbook(write_only=True)
    write_register_sheet(workbook, user=user, p=p, unit=analysis.unit)

    writer = SheetWriter(workbook, RISK_SHEET, [width for _header, width, _wrap in RISK_COLUMNS])
    _head(writer, RISK_TITLE, analysis, user, RISK_COLUMNS)
    wrap = [wrap for _header, _width, wrap in RISK_COLUMNS]
    for risk in analysis_risks(p, analysis):
        residual = risk.residual_level
        styled = {LEVEL_COLUMN: _level_cell(writer, risk.level)}
        if residual is not None:
            styled[RESIDUAL_LEVEL_COLUMN] = _level_cell(writer, residual)
        values = [
            risk.system.name,
            threats.get(risk.threat, ""),
            risk.cause,
            risk.event,
            risk.consequence_text,
            " ".join(risk.aspects),
            _scale(risk.likelihood, likelihood),
            _scale(risk.consequence, consequence),
            risk.likelihood * risk.consequence,
            None,  # styled
            risk.existing_protection,
            access.person_label(p, risk.owner),
            treatments.get(risk.treatment, ""),
            risk.treatment_motivation,
            _scale(risk.residual_likelihood, likelihood),
            _scale(risk.residual_consequence, consequence),
            None,  # styled
            "; ".join(m.title for m in risk.measures.all()),
        ]
        writer.row(values, wrap, styled)
    risk_count = writer.finish()

    writer = SheetWriter(workbook, MEASURE_SHEET, [width for _header, width, _wrap in MEASURE_COLUMNS])
    _head(writer, MEASURE_SHEET, analysis, user, MEASURE_COLUMNS)
    wrap = [wrap for _header, _width, wrap in MEASURE_COLUMNS]
    for measure in analysis_measures(p, analysis):
        values = [
            measure.title,
            kinds.get(measure.kind, measure.kind),
            " ".join(measure.aspects),
            access.person_label(p, measure.responsible),
            measure.due_on,
            statuses.get(measure.status, measure.status),
            YES if measure.is_overdue(today) else NO,
            "; ".join(f"{r.system.name}: {r.event}" for r in measure.risks.all()),
        ]
        writer.row(values, wrap)
    measure_count = writer.finish()

    buffer = io.BytesIO()
    workbook.save(buffer)
    record_event(
        "export",
        user=user,
        obj=analysis,
        details={"format": "xlsx", "report": "riskmatris", "risks": risk_count, "measures": measure_count},
    )
    unit = analysis.unit.short_name or analysis.unit.name
    return Export(content=buffer.getvalue(), filename=f"Riskmatris {unit} {analysis.period}.xlsx", rows=risk_count)
