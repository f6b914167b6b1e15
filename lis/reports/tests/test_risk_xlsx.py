"""The riskmatris as one workbook: Översikt, Del 1 – Systemförteckning, Del 2 – Riskanalys and
Åtgärder (issue 4, item 5), printable, with the sekretess marking and, for a narrower view, the
note that it is an extract (issue 9, items 4, 6 and 23)."""

from __future__ import annotations

import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.core.pack import get_pack
from lis.risks import services

from .risk_helpers import TODAY, add_risks, build_analysis, sheet_rows

SHEETS = ["Översikt", "Del 1 – Systemförteckning", "Del 2 – Riskanalys", "Åtgärder"]
OVERVIEW, DEL1, DEL2, MEASURES = SHEETS


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def analysis(amal, make_system, personas):
    return build_analysis(amal, make_system, personas)


def _workbook(client, analysis):
    response = client.get(reverse("reports:analysis_xlsx", args=[analysis.pk]))
    assert response.status_code == 200, response.status_code
    return response, openpyxl.load_workbook(io.BytesIO(response.content))


def test_it_lays_out_the_sheets_of_the_template(analysis, personas):
    response, workbook = _workbook(personas["unit_head_buf"].client(), analysis)
    assert response["Cache-Control"] == "no-store"
    assert "Riskmatris%20BUF%202023%E2%80%932026.xlsx" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    assert workbook.sheetnames == SHEETS
    assert {row["Namn"].value for row in sheet_rows(workbook[DEL1])} == {"Elevhälsa", "Skolplattform"}
    del2 = workbook[DEL2]
    assert del2["A1"].value == "Riskmatris del 2 – informationssäkerhetsanalys"
    block = {del2.cell(row=r, column=1).value: del2.cell(row=r, column=2).value for r in range(2, 8)}
    assert block["Kommun"] == "Åmåls kommun" and block["Förvaltning/bolag"] == "Barn- och utbildningsförvaltningen"
    assert block["Mandatperiod"] == "2023–2026" and block["Status"] == "Pågående"
    assert del2.freeze_panes == "B10" and del2.auto_filter.ref == "A9:R11"
    headers = [cell.value for cell in del2[9]]
    assert headers[:6] == ["System", "Hot", "Orsak", "Händelse", "Konsekvens", "Hotade aspekter"]
    assert headers[-4:] == ["Kvarstående sannolikhet", "Kvarstående konsekvens", "Kvarstående risknivå", "Åtgärder"]
    assert workbook[MEASURES].freeze_panes == "B10"


def test_it_writes_a_risk_row_with_its_level_in_colour(analysis, personas):
    _response, workbook = _workbook(personas["unit_head_buf"].client(), analysis)
    risks = {row["System"].value: row for row in sheet_rows(workbook[DEL2])}
    platform = risks["Skolplattform"]
    values = {header: cell.value for header, cell in platform.items()}
    assert values["Hot"] == "Nätfiske" and values["Hotade aspekter"] == "K R"
    assert values["Sannolikhet"] == "3 – Stor" and values["Konsekvensnivå"] == "4 – Allvarlig"
    assert values["Riskvärde"] == 12 and values["Risknivå"] == "Hög"
    assert values["Behandling"] == "Reducera" and values["Riskägare"]
    assert values["Kvarstående sannolikhet"] == "1 – Mycket liten" and values["Kvarstående risknivå"] == "Medelhög"
    assert values["Åtgärder"] == "Inför tvåfaktorsinloggning"
    assert platform["Risknivå"].fill.start_color.rgb == "FFEF6C00"
    assert platform["Risknivå"].font.color.rgb in ("FF000000", "FFFFFFFF")
    assert risks["Elevhälsa"]["Risknivå"].value == "Låg" and risks["Elevhälsa"]["Kvarstående risknivå"].value is None


def test_it_never_writes_a_formula(analysis, personas):
    _response, workbook = _workbook(personas["unit_head_buf"].client(), analysis)
    platform = next(row for row in sheet_rows(workbook[DEL2]) if row["System"].value == "Skolplattform")
    for header, text in [
        ("Händelse", "=obehörig loggar in"),
        ("Befintligt skydd", "+lösenordspolicy"),
        ("Motivering", "@MFA minskar sannolikheten"),
    ]:
        assert platform[header].value == text and platform[header].data_type == "s"


def test_it_lists_the_measures_with_the_overdue_flag(analysis, personas):
    _response, workbook = _workbook(personas["unit_head_buf"].client(), analysis)
    (measure,) = [{header: cell.value for header, cell in row.items()} for row in sheet_rows(workbook[MEASURES])]
    assert measure["Åtgärd"] == "Inför tvåfaktorsinloggning" and measure["Typ"] == "Teknisk"
    assert measure["Status"] == "Pågår" and measure["Klart senast"].date().isoformat() == "2026-10-01"
    assert measure["Försenad"] == "Ja" and measure["Åtgärdsansvarig"]
    assert measure["Behandlar riskerna"] == "Skolplattform: =obehörig loggar in"


def test_it_records_the_export(analysis, personas):
    _workbook(personas["unit_head_buf"].client(), analysis)
    assert ChangeLogEntry.objects.filter(action="event", event="export", object_type="risks.securityanalysis").exists()


def test_it_gives_a_steward_only_their_systems_risks(analysis, personas):
    _response, workbook = _workbook(personas["employee_vaf"].client(), analysis)
    assert [row["System"].value for row in sheet_rows(workbook[DEL2])] == ["Elevhälsa"]
    assert sheet_rows(workbook[MEASURES]) == []  # the measure treats only a risk they cannot see


def test_it_gives_nothing_to_a_user_who_cannot_see_the_analysis(analysis, personas):
    url = reverse("reports:analysis_xlsx", args=[analysis.pk])
    assert personas["coordinator_vaf"].client().get(url).status_code == 404
    assert personas["unit_head_buf"].client().post(url).status_code == 405


def test_it_asks_as_many_queries_for_20_risks_as_for_2(analysis, personas, make_system):
    client = personas["strategist"].client()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _workbook(client, analysis)
        return len(captured)

    before = queries()
    add_risks(analysis, make_system, 18)
    assert queries() == before


def _texts(sheet) -> list[str]:
    return [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_it_says_on_the_first_sheet_that_a_narrower_view_is_an_extract(analysis, personas):
    _response, workbook = _workbook(personas["employee_vaf"].client(), analysis)
    assert workbook.sheetnames[0] == OVERVIEW
    assert "Utdrag: visar 1 av 2 system, 1 av 2 risker och 0 av 1 åtgärd som du har behörighet att se." in _texts(
        workbook[OVERVIEW]
    )
    for persona in ("unit_head_buf", "strategist"):
        _response, workbook = _workbook(personas[persona].client(), analysis)
        assert not any(text.startswith("Utdrag") for text in _texts(workbook[OVERVIEW]))


def test_it_carries_the_secrecy_marking_in_the_header_of_every_sheet(analysis, personas):
    client = personas["unit_head_buf"].client()
    _response, workbook = _workbook(client, analysis)
    default = get_pack().secrecy_marking
    assert default == "Uppgifterna kan omfattas av sekretess enligt OSL 18 kap. 8 §"
    assert [workbook[name].oddHeader.center.text for name in SHEETS] == [default] * 4
    assert default in _texts(workbook[OVERVIEW])

    # Through the service, which moves the data head: the cached workbook is built anew.
    services.analysis_update(actor=None, analysis=analysis, secrecy_marking="Sekretess & OSL 18:8")
    _response, workbook = _workbook(client, analysis)
    assert [workbook[name].oddHeader.center.text for name in SHEETS] == ["Sekretess && OSL 18:8"] * 4


def test_it_prints_every_sheet_landscape_fitted_to_the_width_with_repeated_headers(analysis, personas):
    _response, workbook = _workbook(personas["unit_head_buf"].client(), analysis)
    for name in SHEETS:
        sheet = workbook[name]
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # One page wide is the file format's default, which XlsxWriter leaves out.
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.oddFooter.right.text == "Sida &P av &N"
    assert workbook[DEL1].print_title_rows == "$7:$7"
    assert workbook[DEL2].print_title_rows == "$9:$9" and workbook[MEASURES].print_title_rows == "$9:$9"


def test_it_has_a_sheet_with_both_heat_maps_that_name_the_levels(analysis, personas):
    _response, workbook = _workbook(personas["unit_head_buf"].client(), analysis)
    rows = [[cell.value for cell in row] for row in workbook[OVERVIEW].iter_rows()]
    titles = [row[0] for row in rows]
    before = titles.index("Riskkarta före behandling (2 risker)")
    after = titles.index("Riskkarta efter behandling (kvarstående risk) (2 risker)")
    assert rows[before + 1][:2] == ["Sannolikhet \\ konsekvens", "1 – Försumbar"]
    likelihood_3 = rows[before + 3]  # rows run from the highest likelihood (4) down
    assert likelihood_3[0] == "3 – Stor" and likelihood_3[4] == "Hög: 1" and likelihood_3[1] == "Medelhög: 0"
    assert rows[after + 5][4] == "Medelhög: 1" and rows[after + 5][1] == "Låg: 1"  # likelihood 1
    cell = workbook[OVERVIEW].cell(row=before + 4, column=5)
    assert cell.value == "Hög: 1" and cell.fill.start_color.rgb == "FFEF6C00"
