"""The shell and the organisation register in a real browser (Chromium), with axe-core on every page.

Fixtures `browser` and `ui` come from lis/browser.py; `ui.goto`, `ui.login` and `ui.check` screenshot
each page to /tmp/lis-shots/ and fail on any WCAG 2.1 A/AA violation.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lis.browser import UI
from lis.organisation.models import Person

pytestmark = pytest.mark.browser

POLICY_PATH = "/policy/"


def test_it_lets_the_strategist_browse_the_whole_organisation(ui: UI, personas):
    page = ui.page
    ui.login("strategist")
    expect(page).to_have_url(ui.url("/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Organisation").click()
    expect(page).to_have_url(ui.url("/organisation/"))
    ui.check()
    table = page.locator("table.tree")
    for name in (
        "Barn- och utbildningsförvaltningen",
        "Välfärds- och arbetsmarknadsförvaltningen",
        "Stadsnät i Åmål AB",
    ):
        expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()

    table.get_by_role("link", name="Barn- och utbildningsförvaltningen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Barn- och utbildningsförvaltningen")
    ui.check()

    # The tab is swapped in by htmx: a marker set on this document must survive the click.
    page.evaluate("window.lisNoReload = true")
    page.locator("#tab-panel").get_by_role("link", name="Historik").click()
    expect(page).to_have_url(re.compile(r"\?flik=historik$"))
    expect(page.locator("#tab-panel a[aria-current=page]")).to_have_text("Historik")
    expect(page.locator("#tab-panel section.tab-content")).to_have_attribute("aria-label", "Historik")
    assert page.evaluate("window.lisNoReload") is True
    ui.check()

    ui.goto("/organisation/personer/")
    results = page.locator("#results")
    expect(results.get_by_role("link", name=re.compile("Strategist"))).to_be_visible()
    page.evaluate("window.lisNoReload = true")
    page.get_by_label("Sök på namn, befattning eller enhet").fill("Coordinator")
    expect(page).to_have_url(re.compile(r"[?&]q=Coordinator"))
    expect(results.get_by_role("link", name=re.compile("Coordinator Vaf"))).to_be_visible()
    expect(results.get_by_role("link", name=re.compile("Strategist"))).to_have_count(0)
    assert page.evaluate("window.lisNoReload") is True
    ui.check()

    ui.goto("/efterlevnad/")
    expect(page.get_by_text("POL-3.4").first).to_be_visible()

    ui.goto("/historik/")
    expect(page.locator("table.history td", has_text=re.compile(r"^Inloggning")).first).to_be_visible()


def test_it_shows_a_coordinator_only_their_own_forvaltning(ui: UI, personas, amal):
    page = ui.page
    ui.login("coordinator_vaf")
    expect(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Historik")).to_have_count(0)

    ui.goto("/organisation/")
    main = page.locator("main")
    expect(main.get_by_role("link", name="Välfärds- och arbetsmarknadsförvaltningen", exact=True)).to_be_visible()
    expect(main.get_by_text("Barn- och utbildningsförvaltningen")).to_have_count(0)

    ui.goto(f"/organisation/enheter/{amal['units']['BUF'].pk}/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    expect(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Historik")).to_have_count(0)


def test_it_creates_a_person_through_the_form(ui: UI, personas):
    page = ui.page
    ui.login("coordinator_vaf")
    before = Person.objects.count()

    ui.goto("/organisation/personer/ny/")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Formuläret innehåller fel")
    expect(summary.get_by_role("link", name=re.compile("Förnamn"))).to_be_visible()
    ui.check()
    assert Person.objects.count() == before

    page.get_by_label("Förnamn").fill("Greta")
    page.get_by_label("Efternamn").fill("Grön")
    page.get_by_label("Befattning").fill("Socialsekreterare")
    page.get_by_label("Enhet").select_option(label="Välfärds- och arbetsmarknadsförvaltningen")
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page).to_have_url(re.compile(r"/organisation/personer/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("Personen har lagts till.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Greta")
    ui.check()
    assert Person.objects.count() == before + 1


def test_it_rejects_a_wrong_password_and_publishes_the_policy(ui: UI, personas):
    page = ui.page
    ui.goto("/logga-in/")
    expect(page.get_by_role("link", name=re.compile("policy", re.IGNORECASE)).first).to_be_visible()

    page.locator("#id_username").fill("strategist")
    page.locator("#id_password").fill("fel-lösenord-helt-enkelt")
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_contain_text("Fel användarnamn eller lösenord")
    expect(page).to_have_url(re.compile(r"/logga-in/"))
    ui.check()

    # Without logging in, from the footer of the login page.
    page.locator("footer").get_by_role("link").first.click()
    expect(page).to_have_url(ui.url(POLICY_PATH))
    ui.check()

    # And from the footer of the pages a logged-in user sees (ui.check asserts it on every page).
    ui.login("employee_vaf")
    for path in ("/organisation/personer/", "/aviseringar/"):
        ui.goto(path)
        expect(page.locator(f"footer a[href='{POLICY_PATH}']")).to_be_visible()
    page.locator(f"footer a[href='{POLICY_PATH}']").click()
    expect(page).to_have_url(ui.url(POLICY_PATH))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    ui.check()
