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
from collections import defaultdict

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lis.core import access
from lis.core.access import Principal
from lis.core.changelog import record_event
from lis.core.models import User
from lis.core.pack import Choice, get_pack
from lis.core.templatetags.lis import contrast
from lis.organisation.models import Person
from lis.risks import selectors
from lis.risks.models import Measure, Risk, SecurityAnalysis

from .register_xlsx import Cell, Export, SheetWriter, _user_label, new_workbook, write_register_sheet

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


_PERSON_FIELDS = ("first_name", "last_name", "protected_identity")  # what access.person_label reads
# What Del 2 shows of a risk, read as values (selectors.RISK_VALUES): at 10,000 risks,
# making a risk, system and owner object per row took as long as writing them.
# What Åtgärder reads of a measure (status_label and is_overdue: status and verified_at); the
# workbook fetches nothing else (a field left out would cost a query per row, which
# test_it_asks_as_many_queries_for_20_risks_as_for_2 catches).
MEASURE_FIELDS = ("title", "kind", "aspects", "responsible", "due_on", "status", "verified_at")


def _people(pks: QuerySet) -> dict[int, Person]:
    """The people whose ids `pks` (a values() queryset) gives, with what person_label reads, once
    each however many rows name them."""
    return {person.pk: person for person in Person.objects.filter(pk__in=pks).only(*_PERSON_FIELDS)}


def _risk_rows(p: Principal, analysis: SecurityAnalysis) -> tuple[QuerySet, dict[int, Person], dict[int, list[str]]]:
    """analysis_risks as selectors.RISK_VALUES, their owners, and the titles of each risk's measures in
    the order of its prefetch, in one query."""
    risks = analysis_risks(p, analysis).select_related(None).prefetch_related(None)
    titles: dict[int, list[str]] = defaultdict(list)
    links = (
        Measure.risks.through.objects.filter(risk__analysis=analysis)  # a dict: only the rows' risks are looked up
        .order_by("measure__due_on", "measure_id")
        .values_list("risk_id", "measure__title")
    )
    for risk_id, title in links.iterator(chunk_size=5000):
        titles[risk_id].append(title)
    return risks.values(*selectors.RISK_VALUES), _people(risks.order_by().values("owner")), titles


def _measure_rows(
    p: Principal, analysis: SecurityAnalysis
) -> tuple[QuerySet[Measure], dict[int, Person], dict[int, list[str]]]:
    """analysis_measures with only what Åtgärder shows, who is responsible for them, and each
    measure's visible risks as "system: händelse" in the order of its prefetch, in one query
    (the same rule as risks_visible_to)."""
    measures = analysis_measures(p, analysis).select_related(None).prefetch_related(None)
    treated: dict[int, list[str]] = defaultdict(list)
    links = (
        Measure.risks.through.objects.filter(measure__analysis=analysis)
        # risks_visible_to(p) as a condition on the join: SQLite's plan for "risk_id IN (all
        # visible risks)" tried every pair of the analysis's measures and the visible risks.
        .filter(access.system_filter(p, prefix="risk__system__"))
        .order_by("risk__system__name", "risk_id")
        .values_list("measure_id", "risk__system__name", "risk__event")
    )
    for measure_id, system, event in links.iterator(chunk_size=5000):
        treated[measure_id].append(f"{system}: {event}")
    return measures.only(*MEASURE_FIELDS), _people(measures.order_by().values("responsible")), treated


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


def _level_cell(writer: SheetWriter, level: Choice, text: str | None = None) -> Cell:
    """The level's name (or `text` naming it) on its colour, in black or white, whichever reads better."""
    colour = level.get("colour")
    return writer.cell(
        level.name if text is None else text,
        pattern=1,
        bg_color=colour,
        bold=True,
        font_color=contrast(colour),
        valign="top",
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
    left = {"align": "left", "valign": "top", "text_wrap": True}
    writer.append([writer.cell(OVERVIEW_TITLE, bold=True, font_size=14)])
    for label, value in [*_block(analysis, user), ("Sekretess", marking)]:
        writer.append([writer.cell(label, bold=True), writer.cell(value, **left)])
    if notice:
        writer.append([writer.cell(notice, bold=True)])
    visible = selectors.risks_visible_to(p).filter(analysis=analysis)
    for caption, heat_map in [
        ("Riskkarta före behandling", selectors.heat_map(visible)),
        ("Riskkarta efter behandling (kvarstående risk)", selectors.heat_map(visible, residual=True)),
    ]:
        writer.append([])
        count = ngettext("%(count)s risk", "%(count)s risker", heat_map.total) % {"count": heat_map.total}
        writer.append([writer.cell(f"{caption} ({count})", bold=True, font_size=12)])
        writer.append(
            [writer.cell(HEAT_MAP_CORNER, bold=True, **writer.header_fill, **left)]
            + [writer.cell(f"{c.key} – {c.name}", bold=True, **writer.header_fill, **left) for c in pack.consequence]
        )
        for row in heat_map.rows:
            likelihood = row[0].likelihood
            writer.append(
                [writer.cell(f"{likelihood.key} – {likelihood.name}", bold=True, **left)]
                + [_level_cell(writer, cell.level, f"{cell.level.name}: {cell.count}") for cell in row]
            )


def export_analysis(*, user: User, analysis: SecurityAnalysis) -> Export:
    """The unit's riskmatris (the caller has checked the user may see the analysis): the
    overview with both heat maps, Del 1 for its register, Del 2 for the risks, and the
    measures. Recorded in the change log."""
    p = access.principal_for(user)
    today = access.today()
    marking = secrecy_marking(analysis)
    with new_workbook() as (workbook, buffer):
        _write_overview(
            workbook, p=p, user=user, analysis=analysis, marking=marking, notice=extract_notice(p, analysis)
        )
        write_register_sheet(workbook, user=user, p=p, unit=analysis.unit, marking=marking)
        risk_count = _write_risks(workbook, p=p, user=user, analysis=analysis, marking=marking)
        measure_count = _write_measures(workbook, p=p, user=user, analysis=analysis, marking=marking, today=today)
    record_event(
        "export",
        user=user,
        obj=analysis,
        details={"format": "xlsx", "report": "riskmatris", "risks": risk_count, "measures": measure_count},
    )
    unit = analysis.unit.short_name or analysis.unit.name
    return Export(content=buffer.getvalue(), filename=f"Riskmatris {unit} {analysis.period}.xlsx", rows=risk_count)


def _write_risks(workbook, *, p: Principal, user: User, analysis: SecurityAnalysis, marking: str) -> int:
    """Del 2, one row per risk; the number of risks."""
    pack = get_pack()
    likelihood, consequence = names(pack.likelihood), names(pack.consequence)
    threats, treatments = names(pack.threats), names(pack.treatments)
    writer = SheetWriter(workbook, RISK_SHEET, [width for _header, width, _wrap in RISK_COLUMNS], marking=marking)
    _head(writer, RISK_TITLE, analysis, user, RISK_COLUMNS)
    wrap = [wrap for _header, _width, wrap in RISK_COLUMNS]
    risks, owners, measures = _risk_rows(p, analysis)
    level_cells: dict[str, Cell] = {}

    def level_cell(likelihood: int | None, consequence: int | None) -> Cell | None:
        """As Risk.level and Risk.residual_level: none unless both are assessed."""
        if likelihood is None or consequence is None:
            return None
        level = pack.risk_level(likelihood, consequence)
        if level.key not in level_cells:
            level_cells[level.key] = _level_cell(writer, level)
        return level_cells[level.key]

    for risk in risks.iterator(chunk_size=2000):
        styled = {LEVEL_COLUMN: level_cell(risk["likelihood"], risk["consequence"])}
        residual = level_cell(risk["residual_likelihood"], risk["residual_consequence"])
        if residual is not None:
            styled[RESIDUAL_LEVEL_COLUMN] = residual
        values = [
            risk["system__name"],
            threats.get(risk["threat"], ""),
            risk["cause"],
            risk["event"],
            risk["consequence_text"],
            " ".join(risk["aspects"]),
            _scale(risk["likelihood"], likelihood),
            _scale(risk["consequence"], consequence),
            risk["likelihood"] * risk["consequence"],
            None,  # styled
            risk["existing_protection"],
            access.person_label(p, owners.get(risk["owner_id"])),
            treatments.get(risk["treatment"], ""),
            risk["treatment_motivation"],
            _scale(risk["residual_likelihood"], likelihood),
            _scale(risk["residual_consequence"], consequence),
            None,  # styled
            "; ".join(measures.get(risk["pk"], [])),
        ]
        writer.row(values, wrap, styled)
    return writer.finish()


def _write_measures(
    workbook, *, p: Principal, user: User, analysis: SecurityAnalysis, marking: str, today: datetime.date
) -> int:
    """Åtgärder, one row per measure; the number of measures."""
    kinds = names(get_pack().measure_types)
    writer = SheetWriter(workbook, MEASURE_SHEET, [width for _header, width, _wrap in MEASURE_COLUMNS], marking=marking)
    _head(writer, MEASURE_SHEET, analysis, user, MEASURE_COLUMNS)
    wrap = [wrap for _header, _width, wrap in MEASURE_COLUMNS]
    measures, responsible, risks = _measure_rows(p, analysis)
    for measure in measures.iterator(chunk_size=2000):
        values = [
            measure.title,
            kinds.get(measure.kind, measure.kind),
            " ".join(measure.aspects),
            access.person_label(p, responsible.get(measure.responsible_id)),
            measure.due_on,
            measure.status_label,
            YES if measure.is_overdue(today) else NO,
            "; ".join(risks.get(measure.pk, [])),
        ]
        writer.row(values, wrap)
    return writer.finish()
