"""A handlingsplan in a real browser (Chromium): written, refused for an empty section, sent for
decision, decided and frozen with its PDF/A, and followed up. axe on every page."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from playwright.sync_api import expect

from lis.browser import UI
from lis.plans.models import ActionPlan
from lis.plans.services import policy_ensure_first_version

pytestmark = pytest.mark.browser

UNIT = "Barn- och utbildningsförvaltningen"


def test_a_unit_takes_its_plan_from_draft_to_decided_and_followed_up(ui: UI, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = ui.page
    ui.login("unit_head_buf")

    # 1. Start the plan and write one section only.
    ui.goto("/planer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Handlingsplaner")
    ui.check()
    page.get_by_role("link", name=f"Påbörja handlingsplan {UNIT}").click()
    ui.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Påbörja").click()
    expect(page.locator(".messages")).to_contain_text("Handlingsplanen är påbörjad.")
    ui.check()
    plan = ActionPlan.objects.get(unit__short_name="BUF")
    page.get_by_role("link", name="Ändra", exact=True).click()
    ui.check()
    page.get_by_label("Digitaliseringsbehov").fill("Digital skolvalsansökan.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.locator(".messages")).to_contain_text("Planen är sparad.")

    # 2. Refused: the other required sections are empty, and the message names them.
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka för beslut").click()
    expect(page.locator(".messages")).to_contain_text("Dessa avsnitt är tomma: Behov av administrativa åtgärder")
    expect(page.locator(".messages")).to_contain_text("Övergripande tidsplan")
    ui.check()

    page.get_by_role("link", name="Ändra", exact=True).click()
    page.get_by_label("Behov av administrativa åtgärder").fill("Behörighetsgenomgång varje termin.")
    page.get_by_label("Behov av tekniska skyddsåtgärder").fill("Tvåfaktorsinloggning.")
    page.get_by_label("Övergripande tidsplan").fill("Allt klart 2026.")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka för beslut").click()
    expect(page.locator(".messages")).to_contain_text("Planen är skickad för beslut.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("För beslut")
    ui.check()

    # 3. The nämnd's decision freezes the plan with its PDF/A.
    page.get_by_role("link", name="Registrera beslut").click()
    ui.check()
    page.get_by_label(re.compile("^Sammanträdesdatum")).fill("2026-11-18")
    page.get_by_label(re.compile("^Paragraf")).fill("77")
    page.get_by_label(re.compile("^Diarienummer")).fill("2026-00123")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.locator(".messages")).to_contain_text("Version 1 är fryst")
    expect(page.locator("#tab-panel")).to_contain_text("§ 77, dnr 2026-00123")
    ui.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF/A, version 1").click()
    reader = pypdf.PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert UNIT in text and "2026-00123" in text and "Behörighetsgenomgång varje termin." in text
    assert b"<pdfaid:part>3</pdfaid:part>" in reader.xmp_metadata.stream.get_data()
    plan.refresh_from_db()
    assert plan.status == "decided"

    # 4. A follow-up in the same mandatperiod.
    page.get_by_role("navigation", name="Flikar").get_by_role("link", name="Uppföljning").click()
    expect(page).to_have_url(re.compile(r"\?flik=uppfoljning$"))
    ui.check()
    page.get_by_role("link", name="Registrera uppföljning").click()
    ui.check()
    page.get_by_label(re.compile("^Sammanträdesdatum")).fill("2026-11-25")
    page.get_by_label(re.compile("^Paragraf")).fill("80")
    page.get_by_label(re.compile("^Diarienummer")).fill("2026-00123")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrera uppföljningen").click()
    expect(page.locator(".messages")).to_contain_text("Uppföljningen är registrerad")
    expect(page.locator("#tab-panel")).to_contain_text("§ 80")
    ui.check()
    assert plan.follow_ups.count() == 1


def test_the_strategist_publishes_a_policy_version_that_everyone_then_reads(ui: UI, personas, amal):
    policy_ensure_first_version()
    page = ui.page
    ui.login("strategist")
    ui.goto("/policy/")
    expect(page.locator(".facts")).to_contain_text("Beslutet om att anta versionen är inte registrerat i LIS än.")
    ui.check()
    page.get_by_role("link", name="Publicera en ny version").click()
    ui.check()
    page.get_by_label("Version").fill("2.0")
    page.get_by_label("Text").fill("# 1. Allmän information\nPolicyn gäller alla medarbetare.")
    page.get_by_label("Sammanträdesdatum").fill("2026-11-24")
    page.get_by_label("Paragraf (§)").fill("112")
    page.get_by_label("Diarienummer").fill("2026-00321")
    with page.expect_navigation():
        page.get_by_role("button", name="Publicera").click()
    expect(page.locator(".messages")).to_contain_text("Version 2.0 av policyn är publicerad och gäller nu.")
    expect(page.locator(".facts")).to_contain_text("Antagen av kommunfullmäktige 2026-11-24 § 112, dnr 2026-00321")
    ui.check()

    page.context.clear_cookies()
    ui.goto("/policy/versioner/")
    ui.check()
    page.get_by_role("link", name="1.0", exact=True).click()
    expect(page.locator(".notice")).to_contain_text("Gällande version är 2.0.")
    ui.check()
