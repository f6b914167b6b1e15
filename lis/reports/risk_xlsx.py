"""The riskmatris of one förvaltning's or bolag's analysis as an .xlsx in the municipal
template's layout (issue 4, item 5; POL-3.15, BIL1-1, BIL1-4): an overview ("Översikt": what the
workbook is, whether it is an extract of what the user may see, and both heat maps, before and
after treatment), "Del 1 – Systemförteckning" (the unit's register, written by register_xlsx),
"Del 2 – Riskanalys" (one row per risk) and "Åtgärder" (one row per measure). Every sheet
carries the sekretess marking in its page header and prints landscape, fitted to the width.

As in Del 1, the words of the sheets are the policy's Swedish and are not translated: they are
the template's layout. Only the risks and measures the user may see are written, and the number
of queries does not grow with them.
"""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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

from .register_xlsx import DATE_FORMAT, Export, SheetWriter, _user_label, write_register_sheet

OVERVIEW_SHEET = "Översikt"
OVERVIEW_TITLE = "Riskmatris – informationssäkerhetsanalys"
HEAT_MAP_CORNER = "Sannolikhet \\ konsekvens"
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


def secrecy_marking(analysis: SecurityAnalysis) -> str:
    """The sekretess marking of the analysis's documents: the author's own, or the pack's."""
    return analysis.secrecy_marking.strip() or get_pack().secrecy_marking


def extract_notice(p: Principal, analysis: SecurityAnalysis) -> str:
    """Empty when the user sees all of the analysis; otherwise the sentence saying that what
    they download is an extract, with how much of it they may see."""
    if p.sees_everything:
        return ""
    in_scope = selectors.analysis_scope(analysis).in_scope
    systems = (in_scope.filter(access.system_filter(p)).count(), in_scope.count())
    risks = (selectors.risks_visible_to(p).filter(analysis=analysis).count(), analysis.risks.count())
    measures = (selectors.measures_visible_to(p).filter(analysis=analysis).count(), analysis.measures.count())
    if all(shown == total for shown, total in (systems, risks, measures)):
        return ""
    return _("Utdrag: visar %(systems)s, %(risks)s och %(measures)s som du har behörighet att se.") % {
        "systems": ngettext("%(shown)s av %(total)s system", "%(shown)s av %(total)s system", systems[1])
        % {"shown": systems[0], "total": systems[1]},
        "risks": ngettext("%(shown)s av %(total)s risk", "%(shown)s av %(total)s risker", risks[1])
        % {"shown": risks[0], "total": risks[1]},
        "measures": ngettext("%(shown)s av %(total)s åtgärd", "%(shown)s av %(total)s åtgärder", measures[1])
        % {"shown": measures[0], "total": measures[1]},
    }


def _block(analysis: SecurityAnalysis, user: User) -> list[tuple[str, object]]:
    return [
        ("Kommun", get_pack().municipality_name),
        ("Förvaltning/bolag", analysis.unit.name),
        ("Mandatperiod", str(analysis.period)),
        ("Status", analysis.get_status_display()),
        ("Datum", timezone.localdate()),
        ("Exporterad av", _user_label(user)),
    ]


def _head(writer: SheetWriter, title: str, analysis: SecurityAnalysis, user: User, columns: list) -> None:
    writer.head(title, _block(analysis, user), [header for header, _width, _wrap in columns])


def _level_cell(writer: SheetWriter, level: Choice, text: str | None = None) -> WriteOnlyCell:
    """The level's name (or `text` naming it) on its colour, in black or white, whichever reads better."""
    colour = level.get("colour")
    argb = "FF" + colour.lstrip("#").upper()
    return writer.cell(
        level.name if text is None else text,
        fill=PatternFill(fill_type="solid", start_color=argb, end_color=argb),
        font=Font(bold=True, color="FF" + contrast(colour).lstrip("#").upper()),
        alignment=Alignment(vertical="top"),
    )


def _scale(value: int | None, scale: dict[str, str]) -> str:
    return f"{value} – {scale.get(str(value), '')}" if value is not None else ""


def _write_overview(
    workbook, *, p: Principal, user: User, analysis: SecurityAnalysis, marking: str, notice: str
) -> None:
    """What the workbook is and whose view it shows, then both heat maps: each cell names its
    level in words, with the number of risks; the colour only repeats the level."""
    pack = get_pack()
    writer = SheetWriter(workbook, OVERVIEW_SHEET, [26] + [18] * len(pack.consequence), marking=marking)
    bold, left = Font(bold=True), Alignment(horizontal="left", vertical="top", wrap_text=True)
    writer.append([writer.cell(OVERVIEW_TITLE, font=Font(bold=True, size=14))])
    for label, value in [*_block(analysis, user), ("Sekretess", marking)]:
        number_format = DATE_FORMAT if isinstance(value, datetime.date) else None
        writer.append([writer.cell(label, font=bold), writer.cell(value, number_format=number_format, alignment=left)])
    if notice:
        writer.append([writer.cell(notice, font=bold)])
    visible = selectors.risks_visible_to(p).filter(analysis=analysis)
    for caption, heat_map in [
        ("Riskkarta före behandling", selectors.heat_map(visible)),
        ("Riskkarta efter behandling (kvarstående risk)", selectors.heat_map(visible, residual=True)),
    ]:
        writer.append([])
        count = ngettext("%(count)s risk", "%(count)s risker", heat_map.total) % {"count": heat_map.total}
        writer.append([writer.cell(f"{caption} ({count})", font=Font(bold=True, size=12))])
        writer.append(
            [writer.cell(HEAT_MAP_CORNER, font=bold, fill=writer.header_fill, alignment=left)]
            + [
                writer.cell(f"{c.key} – {c.name}", font=bold, fill=writer.header_fill, alignment=left)
                for c in pack.consequence
            ]
        )
        for row in heat_map.rows:
            likelihood = row[0].likelihood
            writer.append(
                [writer.cell(f"{likelihood.key} – {likelihood.name}", font=bold, alignment=left)]
                + [_level_cell(writer, cell.level, f"{cell.level.name}: {cell.count}") for cell in row]
            )


def export_analysis(*, user: User, analysis: SecurityAnalysis) -> Export:
    """The unit's riskmatris (the caller has checked the user may see the analysis): the
    overview with both heat maps, Del 1 for its register, Del 2 for the risks, and the
    measures. Recorded in the change log."""
    pack = get_pack()
    p = access.principal_for(user)
    likelihood, consequence = names(pack.likelihood), names(pack.consequence)
    threats, treatments = names(pack.threats), names(pack.treatments)
    kinds = names(pack.measure_types)
    today = access.today()
    marking = secrecy_marking(analysis)
    workbook = openpyxl.Workbook(write_only=True)
    _write_overview(workbook, p=p, user=user, analysis=analysis, marking=marking, notice=extract_notice(p, analysis))
    write_register_sheet(workbook, user=user, p=p, unit=analysis.unit, marking=marking)

    writer = SheetWriter(workbook, RISK_SHEET, [width for _header, width, _wrap in RISK_COLUMNS], marking=marking)
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

    writer = SheetWriter(workbook, MEASURE_SHEET, [width for _header, width, _wrap in MEASURE_COLUMNS], marking=marking)
    _head(writer, MEASURE_SHEET, analysis, user, MEASURE_COLUMNS)
    wrap = [wrap for _header, _width, wrap in MEASURE_COLUMNS]
    for measure in analysis_measures(p, analysis):
        values = [
            measure.title,
            kinds.get(measure.kind, measure.kind),
            " ".join(measure.aspects),
            access.person_label(p, measure.responsible),
            measure.due_on,
            measure.status_label,
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
