"""An E-råd meeting in a real browser (Chromium), from planning to registered minutes: planned,
the agenda drafted from the standing items and sent, attendance and minutes recorded, justering
refused when the same person tries twice, justerat by the chair and the justerare, registered
with a diarienummer, the PDF/A downloaded, and the minutes read by an ordinary employee with the
secret item's heading only. axe on every page."""

from __future__ import annotations

import datetime
import io
import re

import pypdf
import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from lis.browser import UI
from lis.council.models import Meeting, Minutes

pytestmark = pytest.mark.browser

SECRET_MINUTES = "Brandväggen i kommunhuset saknar loggning."


def submit(ui: UI, name: str) -> None:
    with ui.page.expect_navigation():
        ui.page.get_by_role("button", name=name, exact=True).click()
    ui.check()


def switch_user(ui: UI, username: str) -> None:
    ui.page.context.clear_cookies()
    ui.login(username)


def test_the_strategist_runs_a_meeting_from_invitation_to_registered_minutes(ui: UI, personas, make_system, amal):
    page = ui.page
    make_system(unit="VAF", name="Molnkartan", operating_model="saas")  # a standing item: no SUA assessment
    day = timezone.localdate() + datetime.timedelta(days=7)

    # 1. The säkerhetsstrateg plans the meeting.
    ui.login("strategist")
    ui.goto("/e-radet/")
    expect(page.get_by_role("heading", level=1)).to_have_text("E-rådet")
    page.get_by_role("link", name="Planera möte").click()
    ui.check()
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Börjar klockan").fill("13:00")
    page.get_by_label("Slutar klockan").fill("15:00")
    page.get_by_label("Plats").fill("Kommunhuset, sal A")
    submit(ui, "Planera mötet")
    expect(page.locator(".messages")).to_contain_text("Mötet är planerat.")
    meeting = Meeting.objects.get()

    # 2. The agenda from the standing items, linking to the live objects, and one item of our own.
    expect(page.get_by_text("Externt drivna system utan aktuell SUA-bedömning").first).to_be_visible()
    submit(ui, "Lägg till de stående punkterna")
    expect(page.locator(".messages")).to_contain_text("stående punkter lades till")
    expect(page.get_by_role("link", name="Molnkartan")).to_be_visible()
    page.get_by_role("link", name="Lägg till punkt").click()
    ui.check()
    page.get_by_label("Rubrik").fill("Sårbarhet i nätet")
    submit(ui, "Lägg till")
    submit(ui, "Skicka kallelse")
    expect(page.locator(".messages")).to_contain_text("Kallelsen med dagordningen är skickad")
    assert any(m.attachments for m in mail.outbox)  # the .ics invitation

    # 3. The meeting is held: attendance, minutes, a secret item, advice, the justerare.
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 30))), tick=True):
        switch_user(ui, "strategist")
        ui.goto(f"/e-radet/mote/{meeting.pk}/?flik=narvaro")
        page.get_by_role("link", name="Registrera närvaro").click()
        ui.check()
        submit(ui, "Registrera närvaron")
        expect(page.locator(".messages")).to_contain_text("Närvaron är registrerad")

        ui.goto(f"/e-radet/mote/{meeting.pk}/?flik=dagordning")
        page.get_by_role("link", name="Skriv minnesanteckning Sårbarhet i nätet").click()
        ui.check()
        page.get_by_label("Minnesanteckning").fill(SECRET_MINUTES)
        page.get_by_label("Punkten omfattas av sekretess").check()
        page.get_by_label("Lagrum").fill("OSL 18 kap. 8 §")
        submit(ui, "Spara")
        page.get_by_role("link", name=re.compile(r"^Skriv minnesanteckning Externt drivna")).click()
        page.get_by_label("Minnesanteckning").fill("Vatten och avlopp gör bedömningen före sommaren.")
        submit(ui, "Spara")
        page.get_by_role("link", name=re.compile(r"^Nytt råd Externt drivna")).click()
        ui.check()
        page.get_by_role("textbox", name=re.compile("^Råd")).fill(
            "Gör SUA-bedömningen av Molnkartan innan avtalet förlängs."
        )
        page.get_by_label("Till förvaltning/bolag").select_option(str(amal["units"]["VAF"].pk))
        page.get_by_label("Följs upp av").select_option(str(personas["coordinator_vaf"].person.pk))
        page.get_by_label("Följs upp senast").fill((day + datetime.timedelta(days=60)).isoformat())
        submit(ui, "Registrera rådet")
        expect(page.locator(".messages")).to_contain_text("Rådet är registrerat.")

        ui.goto(f"/e-radet/mote/{meeting.pk}/?flik=minnesanteckningar")
        page.get_by_role("link", name="Utse justerare").click()
        ui.check()
        page.get_by_label("Justerare").select_option(str(personas["representative_tff"].person.pk))
        submit(ui, "Utse")
        expect(page.locator(".messages")).to_contain_text("Justeraren är utsedd.")

        # 4. The chair justerar, and is refused when trying a second time (from a tab opened before).
        switch_user(ui, "it_manager")
        minutes_url = f"/e-radet/mote/{meeting.pk}/?flik=minnesanteckningar"
        ui.goto(minutes_url)
        other = page.context.new_page()
        other.goto(ui.url(minutes_url))
        submit(ui, "Justera minnesanteckningarna")
        expect(page.locator(".messages")).to_contain_text("Din justering är registrerad.")
        first, ui.page = ui.page, other
        submit(ui, "Justera minnesanteckningarna")
        expect(other.locator(".messages")).to_contain_text("Du har redan justerat minnesanteckningarna.")
        ui.page = first
        other.close()
        assert not Minutes.objects.exists()

        # 5. The justerare justerar: the minutes are frozen with their PDF/A.
        switch_user(ui, "representative_tff")
        ui.goto(minutes_url)
        expect(page.get_by_text(SECRET_MINUTES)).to_be_visible()  # a member reads everything
        submit(ui, "Justera minnesanteckningarna")
        expect(page.locator(".messages")).to_contain_text("Minnesanteckningarna är justerade och frysta")

        # 6. The strategist registers the diarienummer and downloads the PDF/A.
        switch_user(ui, "strategist")
        ui.goto(minutes_url)
        page.get_by_role("link", name="Diarieför").click()
        ui.check()
        page.get_by_label("Diarienummer").fill(f"{day.year}-00042")
        submit(ui, "Registrera diarienumret")
        expect(page.locator(".messages")).to_contain_text("Minnesanteckningarna är diarieförda.")
        expect(page.locator("main")).to_contain_text(f"{day.year}-00042")
        with page.expect_download() as download:
            page.get_by_role("link", name="Arkivexemplar (PDF/A)").click()
        reader = pypdf.PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
        assert b"<pdfaid:part>3</pdfaid:part>" in reader.xmp_metadata.stream.get_data()
        text = " ".join(p.extract_text() for p in reader.pages)
        assert "Minnesanteckningar" in text and "beslut" not in text.lower()

        # 7. An ordinary employee reads the justerade minutes: the secret item by its heading only.
        switch_user(ui, "employee_vaf")
        ui.goto("/e-radet/")
        page.get_by_role("link", name=f"Möte {day.isoformat()}").click()
        ui.check()
        expect(page.get_by_role("heading", name=re.compile("Sårbarhet i nätet"))).to_be_visible()
        expect(page.get_by_text("Bara rubriken visas.").first).to_be_visible()
        expect(page.locator("main")).not_to_contain_text(SECRET_MINUTES)
        expect(page.locator("main")).to_contain_text("Vatten och avlopp gör bedömningen före sommaren.")
        expect(page.get_by_role("link", name="Arkivexemplar (PDF/A)")).to_have_count(0)
        page.get_by_role("link", name="Dagordning").click()
        page.wait_for_load_state()
        ui.check()


def test_an_external_system_gets_its_sua_assessment_raised_in_the_council(ui: UI, personas, make_system):
    page = ui.page
    system = make_system(unit="VAF", name="Molnkartan", operating_model="saas")
    day = timezone.localdate() + datetime.timedelta(days=14)
    ui.login("strategist")
    ui.goto("/e-radet/")
    page.get_by_role("link", name="Planera möte").click()
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Börjar klockan").fill("09:00")
    page.get_by_label("Slutar klockan").fill("11:00")
    page.get_by_label("Plats").fill("Kommunhuset")
    submit(ui, "Planera mötet")

    # The system page's SUA tab says the assessment is missing and offers to record it.
    ui.goto(f"/system/{system.pk}/")
    page.get_by_role("link", name="SUA", exact=True).click()
    expect(page.locator("#tab-panel")).to_contain_text("Saknas")
    ui.check()
    page.get_by_role("link", name="Registrera SUA-bedömning").click()
    ui.check()
    page.get_by_label("Säkerhetsskyddsavtal behövs").check()
    page.get_by_label("Nivå på säkerhetsskyddsavtal").select_option("3")
    page.get_by_role("textbox", name=re.compile("^Beslut ")).fill("Säkerhetsskyddsavtal nivå 3 i upphandlingen.")
    page.get_by_label("Beslutat av").select_option(str(personas["strategist"].person.pk))
    submit(ui, "Registrera bedömningen")
    expect(page.locator(".messages")).to_contain_text("SUA-bedömningen är registrerad.")
    page.get_by_role("link", name="Ta upp i E-rådet").click()
    ui.check()
    submit(ui, "Sätt upp på dagordningen")
    expect(page.locator(".messages")).to_contain_text("Bedömningen står på mötets dagordning.")
    expect(page.get_by_role("heading", name=re.compile("SUA-bedömning: Molnkartan"))).to_be_visible()

    ui.goto("/e-radet/sua/")
    expect(page.locator("main")).to_contain_text("Alla externt drivna system har en aktuell bedömning.")
    page.get_by_role("link", name="Visa alla externt drivna system").click()
    ui.check()
    expect(page.get_by_role("row", name=re.compile("Molnkartan"))).to_contain_text("Gjord")
    ui.goto(f"/e-radet/ar/{day.year}/")
    expect(page.locator("main")).to_contain_text("Minst per år")
    ui.goto(f"/system/{system.pk}/?flik=sua")
    expect(page.locator("#tab-panel")).to_contain_text("Gjord för nuvarande driftsform")
