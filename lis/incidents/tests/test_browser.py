"""An incident in a real browser (Chromium): a medarbetare reports it on a phone (390×844) in
one form and gets its number; the säkerhetsstrateg triages it as a personal-data breach, sees
the 72-hour clock with its exact local expiry, records the notification to IMY, and closes the
incident with a lesson learned. axe on every page, and no page wider than the phone."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lis.browser import UI
from lis.incidents.models import Incident, ReportSent

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def submit(ui: UI, name: str) -> None:
    with ui.page.expect_navigation():
        ui.page.get_by_role("button", name=name, exact=True).click()
    ui.check()


def switch_user(ui: UI, username: str) -> None:
    ui.page.context.clear_cookies()
    ui.login(username)


def fits_the_phone(ui: UI) -> None:
    assert ui.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "sidan är bredare än telefonen"
    )


def swedish(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    return f"senast {DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year} kl. {local:%H:%M}"


def test_a_medarbetare_reports_on_a_phone_and_the_strategist_handles_it_to_the_end(ui: UI, personas):
    page = ui.page

    # 1. The medarbetare reports on a phone, from the start page, in one form.
    page.set_viewport_size(PHONE)
    ui.login("employee_vaf")
    fits_the_phone(ui)
    page.get_by_role("link", name="Rapportera en incident").first.click()
    ui.check()
    fits_the_phone(ui)
    expect(page.locator(".incident-instruction")).to_contain_text("Koppla bort datorn")
    page.get_by_label("Vad har hänt?").fill("Jag skickade en lista med elevers personnummer till fel mottagare.")
    page.get_by_label("Ja", exact=True).check()
    submit(ui, "Skicka rapporten")
    fits_the_phone(ui)
    incident = Incident.objects.get()
    expect(page.locator(".receipt-number")).to_contain_text(incident.number)
    page.get_by_role("link", name="Mina rapporter").click()
    ui.check()
    fits_the_phone(ui)
    expect(page.get_by_role("link", name=incident.number)).to_be_visible()

    # 2. The säkerhetsstrateg triages it as a personal-data breach.
    page.set_viewport_size({"width": 1280, "height": 900})
    switch_user(ui, "strategist")
    ui.goto("/incidenter/")
    page.get_by_role("link", name=incident.number).click()
    ui.check()
    page.get_by_role("link", name="Bedöm", exact=True).click()
    ui.check()
    page.get_by_label("Kategori").select_option(label="Informationsförlust/-läckage")
    page.get_by_label("Allvarlighet").select_option(label="Hög")
    submit(ui, "Spara bedömningen")
    expect(page.locator(".messages")).to_contain_text("Bedömningen är sparad")

    # 3. The GDPR clock: 72 hours from when it was noticed, shown in local time.
    gdpr = page.locator("section.clock", has_text="Dataskyddsförordningen")
    gdpr.get_by_label("Ja", exact=True).check()
    with page.expect_navigation():
        gdpr.get_by_role("button", name="Spara svaret").click()
    ui.check()
    gdpr = page.locator("section.clock", has_text="Dataskyddsförordningen")
    expect(gdpr).to_contain_text(swedish(incident.noticed_at + datetime.timedelta(hours=72)))
    expect(gdpr).to_contain_text("Pågår")

    # 4. The notification to IMY is recorded as sent.
    gdpr.get_by_role("link", name="Registrera anmälan som skickad").click()
    ui.check()
    page.get_by_label("Kanal").fill("IMY:s e-tjänst")
    page.get_by_label("Mottagarens referens").fill("IMY-2026-123")
    submit(ui, "Registrera som skickad")
    expect(page.locator(".messages")).to_contain_text("Anmälan är registrerad som skickad")
    expect(page.locator("section.clock", has_text="Dataskyddsförordningen")).to_contain_text("Rapporterad")
    assert ReportSent.objects.get().reference == "IMY-2026-123"

    # The material for IMY, and the statistics.
    page.locator("section.clock", has_text="Dataskyddsförordningen").get_by_role(
        "link", name="Underlag för rapporten"
    ).click()
    ui.check()
    expect(page.locator(".document")).to_contain_text("Kategorier av registrerade")
    ui.goto("/incidenter/statistik/")
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("Informationsförlust/-läckage")
    ui.goto(f"/incidenter/{incident.pk}/")

    # 5. Resolved, then closed with a lesson learned.
    page.get_by_role("link", name="Ändra status").click()
    ui.check()
    page.get_by_label("Ny status").select_option(label="Åtgärdad")
    submit(ui, "Spara")
    page.get_by_role("link", name="Ändra status").click()
    ui.check()
    page.get_by_label("Ny status").select_option(label="Avslutad")
    page.get_by_label("Lärdomar").fill("Dubbelkolla mottagaren innan listor med personnummer skickas.")
    submit(ui, "Spara")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avslutad")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED and "Dubbelkolla" in incident.lessons_learned

    # 6. The reporter sees it closed, and nothing of the handling.
    page.set_viewport_size(PHONE)
    switch_user(ui, "employee_vaf")
    ui.goto(f"/incidenter/{incident.pk}/")
    fits_the_phone(ui)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avslutad")
    expect(page.get_by_text("IMY-2026-123")).to_have_count(0)


def test_a_samordnare_finds_the_system_by_searching_on_the_phone(ui: UI, personas, make_system):
    page = ui.page
    make_system("VAF", name="Ekonomisystemet")
    make_system("VAF", name="Fakturaportalen")
    page.set_viewport_size(PHONE)
    ui.login("coordinator_vaf")
    ui.goto("/incidenter/rapportera/")
    fits_the_phone(ui)
    page.get_by_label("Sök på systemets namn").fill("faktura")
    expect(page.get_by_label("Fakturaportalen")).to_be_visible()
    expect(page.get_by_label("Ekonomisystemet")).to_have_count(0)
    ui.check()
    fits_the_phone(ui)
    page.get_by_label("Fakturaportalen").check()
    page.get_by_label("Vad har hänt?").fill("Portalen visar andras fakturor.")
    page.get_by_label("Vet inte", exact=True).last.check()
    with page.expect_navigation():
        page.get_by_label("Hur når vi dig?").press("Enter")  # Enter sends the report, not the search
    ui.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack, din rapport är skickad")
    incident = Incident.objects.get()
    assert [s.name for s in incident.systems.all()] == ["Fakturaportalen"]
