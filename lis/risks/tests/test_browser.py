"""The analysis in a real browser (Chromium): a risk from the threat catalogue, a measure, both
heat maps, the report to the nämnd, and the riskmatris as .xlsx and PDF. axe on every page."""

from __future__ import annotations

import re

import openpyxl
import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lis.browser import UI
from lis.risks.models import Measure, Risk, SecurityAnalysis

pytestmark = pytest.mark.browser

UNIT = "Barn- och utbildningsförvaltningen"
SYSTEM = "Skolplattform Test"


def _heat_cell(page, caption: str, label: str):
    table = page.locator("table.heat-map", has=page.locator("caption", has_text=caption))
    return table.get_by_role("link", name=label)


def test_it_runs_an_analysis_and_hands_the_board_its_documents(ui: UI, personas, make_system, tmp_path):
    make_system(unit="BUF", name=SYSTEM, responsible_manager=personas["unit_head_buf"].person)
    page = ui.page
    ui.login("unit_head_buf")

    # 1. Start the unit's analysis for the current mandatperiod.
    ui.goto("/risker/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Informationssäkerhetsanalys")
    page.get_by_role("link", name=f"Påbörja analys {UNIT}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Påbörja informationssäkerhetsanalys")
    ui.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Påbörja").click()
    expect(page.locator(".messages")).to_contain_text("Analysen är påbörjad.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(UNIT)
    expect(page.locator("table.heat-map caption").first).to_contain_text("0 risker")
    ui.check()
    analysis = SecurityAnalysis.objects.get(unit__short_name="BUF")

    # 2. A risk from the threat catalogue.
    page.get_by_role("link", name="Ny risk", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny risk")
    ui.check()
    page.get_by_role("link", name="Nätfiske").click()
    expect(page.get_by_label("Orsak – på grund av …")).to_have_value(re.compile("luras lämna ut"))
    expect(page.get_by_label("Konfidentialitet (K)")).to_be_checked()
    ui.check()
    page.get_by_label(re.compile("^System")).select_option(label=SYSTEM)
    page.get_by_label(re.compile("^Sannolikhet")).select_option(label="3 – Stor")
    page.get_by_label(re.compile(r"^Konsekvens \(nivå\)")).select_option(label="4 – Allvarlig")
    page.get_by_label("Riskbehandling").select_option(label="Reducera")
    page.get_by_label("Motivering av behandlingen").fill("Tvåfaktorsinloggning minskar sannolikheten.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.locator(".messages")).to_contain_text("Risken är sparad.")
    expect(page.locator("dl.facts")).to_contain_text("Hög")
    ui.check()
    risk = Risk.objects.get(analysis=analysis)

    # 3. Treat it with a measure.
    page.get_by_role("link", name="Ny åtgärd för risken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny åtgärd")
    expect(page.get_by_label(re.compile(SYSTEM))).to_be_checked()
    ui.check()
    page.get_by_label(re.compile(r"^Åtgärd \(")).fill("Inför tvåfaktorsinloggning")
    page.get_by_label(re.compile("^Typ")).select_option(label="Teknisk")
    page.get_by_label("Klart senast").fill("2027-03-31")
    page.get_by_label(re.compile("^Status")).select_option(label="Pågår")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.locator(".messages")).to_contain_text("Åtgärden är sparad.")
    expect(page.locator("table.measures")).to_contain_text("Inför tvåfaktorsinloggning")
    ui.check()
    assert list(Measure.objects.get(analysis=analysis).risks.all()) == [risk]

    # 4. Reassess after the measure: the risk moves in the heat map after treatment.
    ui.goto(f"/risker/risk/{risk.pk}/andra/")
    ui.check()
    page.get_by_label("Kvarstående sannolikhet").select_option(label="1 – Mycket liten")
    page.get_by_label("Kvarstående konsekvens").select_option(label="4 – Allvarlig")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    ui.goto(f"/risker/analys/{analysis.pk}/")
    expect(_heat_cell(page, "Före behandling", "1 risk på nivån Hög")).to_be_visible()
    expect(_heat_cell(page, "Efter behandling", "1 risk på nivån Medelhög")).to_be_visible()
    ui.check()
    _heat_cell(page, "Efter behandling", "1 risk på nivån Medelhög").click()
    expect(page.locator("table.risks")).to_contain_text(risk.event)
    ui.check()

    # 5. Complete the analysis and report it to the nämnd; a malformed diarienummer is refused.
    ui.goto(f"/risker/analys/{analysis.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Markera som klar").click()
    expect(page.locator(".messages")).to_contain_text("Analysen är markerad som klar.")
    ui.check()
    page.get_by_role("link", name="Rapportera till nämnden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportera analysen till nämnden")
    ui.check()
    page.get_by_label(re.compile("^Sammanträdesdatum")).fill("2026-12-15")
    page.get_by_label(re.compile(r"^Paragraf")).fill("42")
    page.get_by_label(re.compile("^Diarienummer")).fill("BUN 14")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.locator(".error-summary")).to_contain_text("till exempel 2026-00014")
    expect(page.locator(".error-summary")).to_contain_text("efter dagens datum")
    ui.check()
    page.get_by_label(re.compile("^Sammanträdesdatum")).fill(timezone.localdate().isoformat())
    page.get_by_label(re.compile("^Diarienummer")).fill("2026-00014")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.locator(".messages")).to_contain_text("Version 1 av analysen är fryst")
    expect(page.locator("table")).to_contain_text("§ 42, dnr 2026-00014")
    ui.check()

    # 6. The riskmatris as .xlsx and the report as PDF, opened and read.
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Riskmatris (Excel)").click()
    xlsx_path = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(xlsx_path)
    workbook = openpyxl.load_workbook(xlsx_path)
    assert workbook.sheetnames == ["Översikt", "Del 1 – Systemförteckning", "Del 2 – Riskanalys", "Åtgärder"]
    risk_cells = [str(c) for row in workbook["Del 2 – Riskanalys"].iter_rows(values_only=True) for c in row if c]
    assert risk.event in risk_cells and "Hög" in risk_cells
    measure_cells = [str(c) for row in workbook["Åtgärder"].iter_rows(values_only=True) for c in row if c]
    assert "Inför tvåfaktorsinloggning" in measure_cells

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Rapport (PDF)").click()
    pdf_path = tmp_path / pdf_download.value.suggested_filename
    pdf_download.value.save_as(pdf_path)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(pdf_path).pages)
    text = re.sub(r"\s+", " ", text)
    for expected in (UNIT, "2026-00014", "§ 42", "Inför tvåfaktorsinloggning", SYSTEM):
        assert expected in text, f"{expected!r} saknas i PDF:en"
