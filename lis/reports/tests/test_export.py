"""Export of the register as a riskmatris del 1 workbook (issue 3, item 5)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.systems import services

from .helpers import XLSX, data_rows, export, headers, load, row_of


def test_it_exports_the_register_laid_out_as_riskmatris_del_1(register, personas, amal):
    with time_machine.travel(datetime.datetime(2026, 3, 14, 23, 30, tzinfo=datetime.UTC)):  # 15 March in Sweden
        response = personas["strategist"].client().get(reverse("reports:register_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert 'filename="forteckning-kommun-2026-03-15.xlsx"' in response["Content-Disposition"]
    sheet = load(response.content)
    assert sheet["A1"].value == "Riskmatris del 1 – förteckning över informationssystem"
    assert sheet["A1"].font.bold
    assert [(sheet[f"A{r}"].value, sheet[f"B{r}"].value) for r in (2, 3, 5)] == [
        ("Kommun", "Åmåls kommun"),
        ("Förvaltning/bolag", "Hela kommunen"),
        ("Exporterad av", "Strategist Test (strategist)"),
    ]
    assert sheet["A4"].value == "Datum"
    assert sheet["B4"].value == datetime.datetime(2026, 3, 15) and sheet["B4"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "C8"
    assert sheet.auto_filter.ref == "A7:Y9"
    assert list(headers(sheet)) == [
        "LIS-id",
        "Namn",
        "Beskrivning",
        "Status",
        "Förvaltning/bolag",
        "Systemägare",
        "Leverantör",
        "Utvecklare",
        "Systemansvarig",
        "Ansvarig chef",
        "Systemförvaltare",
        "Förvaltare utsedd",
        "Driftsform",
        "Användare",
        "Brukare",
        "Personuppgifter",
        "Känsliga personuppgifter",
        "Sekretess",
        "Lagrum",
        "Plattform",
        "Taggar",
        "K",
        "R",
        "T",
        "Klassning fastställd",
    ]
    assert all(cell.font.bold and cell.fill.fill_type == "solid" for cell in sheet[7])
    assert sheet.column_dimensions["C"].width == 48 and sheet.column_dimensions["A"].width == 8

    rows = {row["LIS-id"]: row for row in data_rows(sheet)}
    vaf, buf = register["vaf"], register["buf"]
    assert rows[vaf.pk] == {
        "LIS-id": vaf.pk,
        "Namn": "Treserva",
        "Beskrivning": "Verksamhetssystem för socialtjänsten.\nAkter och beslut.",
        "Status": "I drift",
        "Förvaltning/bolag": "Välfärds- och arbetsmarknadsförvaltningen",
        "Systemägare": "Leverantören AB",
        "Leverantör": "Molnbolaget AB",
        "Utvecklare": None,
        "Systemansvarig": "Välfärds- och arbetsmarknadsnämnden",
        # The strategist may not know who has a skyddad identitet (POL-3.30).
        "Ansvarig chef": f"Skyddad person {register['protected'].pk}",
        "Systemförvaltare": "Employee Vaf Testsson",
        "Förvaltare utsedd": datetime.datetime(2024, 3, 1),
        "Driftsform": "Molntjänst (SaaS)",
        "Användare": "Chefer; Handläggare (Skriv, ~120)",
        "Brukare": "Inga brukare",
        "Personuppgifter": "Ja",
        "Känsliga personuppgifter": "Ja",
        "Sekretess": "Ja",
        "Lagrum": "26 kap. 1 § OSL",
        "Plattform": "Webb",
        "Taggar": "omsorg, socialtjänst",
        "K": 3,
        "R": 2,
        "T": 1,
        "Klassning fastställd": "Ja",
    }
    assert rows[buf.pk]["Brukare"] == "Elever (~1200)"
    assert rows[buf.pk]["Systemansvarig"] == "Barn- och utbildningsnämnden"  # the förvaltning's nämnd
    assert (rows[buf.pk]["K"], rows[buf.pk]["Klassning fastställd"]) == (None, "Nej")
    row = row_of(sheet, vaf.pk)
    assert sheet.cell(row=row, column=12).number_format == "yyyy-mm-dd"
    assert sheet.cell(row=row, column=3).alignment.wrap_text


def test_it_shows_the_real_name_to_who_may_see_protected_identities(register, personas):
    rows = data_rows(load(export(personas["administrator"].client())))
    assert {row["Ansvarig chef"] for row in rows} == {"Hemlig Chef", None}


def test_it_exports_one_unit_only(register, personas, amal):
    client = personas["strategist"].client()
    response = client.get(reverse("reports:register_export") + f"?enhet={amal['units']['BUF'].pk}")
    assert 'filename="forteckning-buf-' in response["Content-Disposition"]
    sheet = load(response.content)
    assert sheet["B3"].value == "Barn- och utbildningsförvaltningen"
    assert [row["Namn"] for row in data_rows(sheet)] == ["Skolplattformen"]


def test_it_exports_only_what_the_user_may_see(register, personas, amal):
    client = personas["coordinator_vaf"].client()
    sheet = load(export(client))
    assert [row["Namn"] for row in data_rows(sheet)] == ["Treserva"]
    assert sheet["B3"].value == "Alla system du har behörighet att se"
    assert client.get(reverse("reports:register_export") + f"?enhet={amal['units']['BUF'].pk}").status_code == 404
    assert client.get(reverse("reports:register_export") + "?enhet=x1").status_code == 404
    # The systemförvaltare of a VAF system sees that system, and nothing else.
    assert [row["Namn"] for row in data_rows(load(export(personas["employee_vaf"].client())))] == ["Treserva"]
    assert data_rows(load(export(personas["board_member_bun"].client())))[0]["Namn"] == "Skolplattformen"


def test_it_records_the_export_in_the_change_log(register, personas, amal):
    export(personas["unit_head_buf"].client(), f"?enhet={amal['units']['BUF'].pk}")
    entry = ChangeLogEntry.objects.filter(action="event", event="export").get()
    assert entry.user == personas["unit_head_buf"].user
    assert entry.changes == {"format": "xlsx", "report": "register", "unit": amal["units"]["BUF"].pk, "rows": 1}


def test_it_keeps_text_that_looks_like_a_formula_as_text(make_system, personas):
    make_system(name='=HYPERLINK("http://x.invalid","klicka")', description="+46 70 123")
    sheet = load(export(personas["strategist"].client()))
    cell = sheet.cell(row=8, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


@pytest.mark.parametrize("persona", ["strategist", "coordinator_vaf"])
def test_it_keeps_the_export_query_count_flat(make_system, personas, vendor, persona):
    client = personas[persona].client()
    client.get(reverse("reports:register_export"))  # warm up the session and the pack

    def add(count: int, start: int) -> None:
        for index in range(start, start + count):
            system = make_system(
                name=f"System {index}",
                supplier=vendor,
                developer=vendor,
                system_steward=personas["employee_vaf"].person,
            )
            services.user_group_create(actor=None, system=system, kind="user", description="Alla")
            services.user_group_create(actor=None, system=system, kind="consumer", description="Invånare")

    add(3, 0)
    with CaptureQueriesContext(connection) as few:
        assert len(data_rows(load(client.get(reverse("reports:register_export")).content))) == 3
    add(17, 3)
    with CaptureQueriesContext(connection) as many:
        assert len(data_rows(load(client.get(reverse("reports:register_export")).content))) == 20
    assert len(many.captured_queries) == len(few.captured_queries)
