"""The register in a real browser (Chromium): register, classify, export and import a system.

Fixtures `browser` and `ui` come from lis/browser.py; `ui.goto`, `ui.login` and `ui.check` screenshot
each page to /tmp/lis-shots/ and fail on any WCAG 2.1 A/AA violation.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from lis.browser import UI
from lis.core.models import ChangeLogEntry
from lis.reports import register_xlsx
from lis.systems import services
from lis.systems.models import InformationSet, InformationSystem

pytestmark = pytest.mark.browser

SYSTEM_NAME = "Procapita Testsystem"
SET_NAME = "Journalanteckningar"
NEW_PLATFORM = "Azure Sverige Central"


def _sheet_row(path: Path, system_pk: int) -> dict[str, object]:
    """The exported row of one system, by column header."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[register_xlsx.SHEET_TITLE]
    headers = [cell.value for cell in sheet[register_xlsx.HEADER_ROW]]
    for row in sheet.iter_rows(min_row=register_xlsx.HEADER_ROW + 1, values_only=True):
        if row[0] == system_pk:
            return dict(zip(headers, row, strict=False))
    raise AssertionError(f"LIS-id {system_pk} saknas i exporten")


def _log_out(ui: UI) -> None:
    page = ui.page
    menu = page.locator(".user-menu details")
    menu.locator("summary").click()
    expect(menu).to_have_attribute("open", "")
    log_out = menu.get_by_role("button", name="Logga ut")
    expect(log_out).to_be_visible()
    colours = log_out.evaluate(
        "el => { const body = el.closest('.user-menu-body');"
        " return [getComputedStyle(el).color, getComputedStyle(body).backgroundColor]; }"
    )
    assert colours[0] != colours[1], f"Logga ut syns inte: {colours}"
    ui.check()
    with page.expect_navigation():
        log_out.click()
    ui.check()


def test_it_registers_classifies_exports_and_imports_a_system(ui: UI, personas, vendor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the import's stored uploads; the live server shares the settings
    page = ui.page

    # 1. Register a system, first with an empty form.
    ui.login("coordinator_vaf")
    ui.goto("/system/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Informationssystem")
    page.get_by_role("link", name="Registrera system").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera informationssystem")
    ui.check()

    before = InformationSystem.objects.count()
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Formuläret innehåller fel")
    expect(summary.get_by_role("link", name="Namn:")).to_be_visible()
    expect(summary.get_by_role("link", name="Förvaltning/bolag:")).to_be_visible()
    ui.check()
    assert InformationSystem.objects.count() == before

    page.get_by_label(re.compile("^Namn")).fill(SYSTEM_NAME)
    page.get_by_label("Förvaltning/bolag").select_option(label="Välfärds- och arbetsmarknadsförvaltningen")
    page.get_by_label("Driftsform").select_option(label="Molntjänst (SaaS)")
    page.get_by_label("Systemägare").select_option(label=vendor.name)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page).to_have_url(re.compile(r"/system/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(SYSTEM_NAME)
    expect(page.locator(".messages")).to_contain_text(f"{SYSTEM_NAME} är registrerat.")
    ui.check()
    assert InformationSystem.objects.count() == before + 1
    system = InformationSystem.objects.get(name=SYSTEM_NAME)
    assert system.unit.short_name == "VAF"
    assert system.system_owner == vendor
    assert system.operating_model == "saas"

    # 2. An information set, classified and proposed; its proposer cannot approve it.
    tabs = page.get_by_role("navigation", name="Flikar")
    tabs.get_by_role("link", name="Informationsmängder").click()
    expect(page).to_have_url(re.compile(r"\?flik=informationsmangder$"))
    expect(page.locator("#tab-panel section.tab-content")).to_have_attribute("aria-label", "Informationsmängder")
    ui.check()
    page.locator("#tab-panel").get_by_role("link", name="Ny informationsmängd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny informationsmängd")
    ui.check()
    page.get_by_label("Namn").fill(SET_NAME)
    page.get_by_label("Beskrivning").fill("Anteckningar i ärenden om ekonomiskt bistånd.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.locator(".messages")).to_contain_text("Informationsmängden är sparad.")
    expect(page.locator("#tab-panel").get_by_role("heading", name=SET_NAME)).to_be_visible()
    ui.check()
    information_set = InformationSet.objects.get(system=system, name=SET_NAME)

    page.locator("#tab-panel").get_by_role("link", name=f"Klassa {SET_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Klassa {SET_NAME}")
    ui.check()
    page.get_by_label("Konfidentialitet (K)").select_option(label="2 – Betydande")
    page.get_by_label("Riktighet (R)").select_option(label="1 – Måttlig")
    page.get_by_label("Tillgänglighet (T)").select_option(label="1 – Måttlig")
    page.get_by_label("Motivering").fill("Uppgifter om enskildas ekonomi och hälsa omfattas av sekretess.")
    with page.expect_navigation():
        page.get_by_role("button", name="Föreslå för fastställande").click()
    expect(page).to_have_url(re.compile(rf"/system/{system.pk}/\?flik=klassning$"))
    expect(page.locator(".messages")).to_contain_text("Klassningen är föreslagen")
    proposal = page.locator("#tab-panel .classification-proposed")
    expect(proposal).to_contain_text("Föreslagen")
    expect(proposal).to_contain_text("K2 R1 T1")
    ui.check()

    # The proposer is told why they cannot approve it, instead of a button that would refuse.
    expect(proposal.get_by_role("button", name="Fastställ")).to_have_count(0)
    expect(proposal).to_contain_text("kan därför inte fastställa den själv")
    assert information_set.classifications.get().status == "proposed"

    # 3. Someone else approves it.
    _log_out(ui)
    expect(page).to_have_url(re.compile(r"/logga-in/"))
    ui.login("strategist")
    ui.goto(f"/system/{system.pk}/")
    page.get_by_role("navigation", name="Flikar").get_by_role("link", name="Klassning").click()
    expect(page).to_have_url(re.compile(r"\?flik=klassning$"))
    expect(page.locator("#tab-panel section.tab-content")).to_have_attribute("aria-label", "Klassning")
    ui.check()
    with page.expect_navigation():
        page.locator("#tab-panel .classification-proposed").get_by_role("button", name="Fastställ").click()
    expect(page.locator(".messages")).to_contain_text("Klassningen är fastställd.")
    approved = page.locator("#tab-panel .classification-approved")
    expect(approved).to_contain_text("Fastställd")
    expect(approved).to_contain_text("fastställd av Strategist")
    levels = page.locator("main > p .levels")
    expect(levels).to_have_text("K2 R1 T1")
    expect(levels.locator("abbr").first).to_have_attribute("title", "Konfidentialitet: Betydande")
    ui.check()
    system.refresh_from_db()
    assert system.levels == {"K": "2", "R": "1", "T": "1"}
    assert system.classified

    # 4. Export the register from the list page.
    ui.goto("/system/")
    row = page.locator("table.systems tbody tr", has_text=SYSTEM_NAME)
    expect(row).to_contain_text("K2 R1 T1")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exportera till Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    values = _sheet_row(exported, system.pk)
    assert values["Namn"] == SYSTEM_NAME
    assert values["Förvaltning/bolag"] == "Välfärds- och arbetsmarknadsförvaltningen"
    assert values["Systemägare"] == vendor.name
    assert values["Driftsform"] == "Molntjänst (SaaS)"
    assert (values["K"], values["R"], values["T"]) == (2, 1, 1)
    assert values["Klassning fastställd"] == "Ja"
    assert not values["Plattform"]

    # 5. Change the platform in Excel and import the file: dry run first, then for real.
    platform = services.platform_create(actor=None, name=NEW_PLATFORM, kind="other")
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook[register_xlsx.SHEET_TITLE]
    headers = [cell.value for cell in sheet[register_xlsx.HEADER_ROW]]
    platform_column = headers.index("Plattform") + 1
    for number in range(register_xlsx.HEADER_ROW + 1, sheet.max_row + 1):
        if sheet.cell(number, 1).value == system.pk:
            sheet.cell(number, platform_column).value = NEW_PLATFORM
    edited = tmp_path / "andrad-forteckning.xlsx"
    workbook.save(edited)

    page.get_by_role("link", name="Importera från Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importera förteckning från Excel")
    ui.check()
    page.get_by_label("Excel-fil").set_input_files(edited)
    with page.expect_navigation():
        page.get_by_role("button", name="Granska importen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska importen")
    expect(page.locator("main")).to_contain_text("Ändras: 1")
    review_row = page.locator("table tbody tr", has_text=SYSTEM_NAME)
    expect(review_row).to_contain_text("Ändras: Plattform")
    ui.check()
    system.refresh_from_db()
    assert not system.platforms.exists()  # the dry run wrote nothing

    with page.expect_navigation():
        page.get_by_role("button", name="Genomför importen").click()
    # The worker applies it (at once under test settings); its job page tells what it did.
    expect(page).to_have_url(re.compile(r"/dokument/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Import till förteckningen över informationssystem")
    expect(page.locator("main")).to_contain_text("Importen är genomförd: 0 nya system och 1 ändrat system.")
    ui.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Till informationssystemen").click()
    expect(page).to_have_url(ui.url("/system/"))
    page.locator("table.systems").get_by_role("link", name=SYSTEM_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SYSTEM_NAME)
    facts = page.locator("dl.facts").first
    expect(facts.locator("dt", has_text="Plattformar")).to_be_visible()
    expect(facts).to_contain_text(NEW_PLATFORM)
    ui.check()

    system.refresh_from_db()
    assert list(system.platforms.all()) == [platform]
    assert not any((tmp_path / "media").rglob("*.xlsx")), "the applied upload is discarded"
    entry = ChangeLogEntry.objects.filter(
        object_type="systems.informationsystem", object_id=str(system.pk), action=ChangeLogEntry.Action.UPDATE
    ).first()
    assert entry is not None
    assert entry.user == personas["strategist"].user
    assert entry.changes["platforms"] == [[], [platform.pk]]
