"""The start page as each person's work list, in a real browser (Chromium): a medarbetare finds
their own places from it and asks for an exception; their chef finds the request on their start
page and grants it; IT-enheten plans maintenance on a system whose user group the medarbetare is
contact person for, and the medarbetare then sees it on their start page. axe on every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lis.browser import UI
from lis.conftest import make_persona
from lis.core import access
from lis.organisation.models import Role
from lis.staff.models import PolicyException
from lis.systems import services as system_services

pytestmark = pytest.mark.browser


def submit(ui: UI, name: str) -> None:
    with ui.page.expect_navigation():
        ui.page.get_by_role("button", name=name, exact=True).click()
    ui.check()


def worklist(ui: UI):
    return ui.page.get_by_role("region", name="Att göra")


def test_a_medarbetare_and_their_chef_work_from_the_start_page(ui: UI, personas, amal, make_system):
    page = ui.page
    make_persona(amal, "chef_vaf", unit="VAF", roles=[(Role.UNIT_HEAD, "VAF", None)])
    system = make_system("VAF", name="Hemtjänstplanering", system_steward=personas["coordinator_vaf"].person)
    system_services.user_group_create(
        actor=None, system=system, kind="user", description="Hemtjänstpersonal", contact=personas["employee_vaf"].person
    )

    # 1. The medarbetare: nothing waits yet; their own places are one click away.
    ui.login("employee_vaf")
    expect(worklist(ui)).to_contain_text("Just nu väntar inget på dig i LIS.")
    everyone = page.get_by_role("region", name="För alla medarbetare")
    for name in ("Policyn", "Så hanterar du information", "Driftinformation", "Min utbildning", "Mina undantag"):
        expect(everyone.get_by_role("link", name=name)).to_be_visible()
    everyone.get_by_role("link", name="Så hanterar du information").click()
    ui.check()
    expect(page.locator("main")).to_contain_text("Detta får du inte göra")
    ui.goto("/")
    everyone.get_by_role("link", name="Mina undantag").click()
    ui.check()
    page.get_by_role("link", name="Begär undantag").click()
    ui.check()
    page.get_by_label("Informationskälla eller tjänst").fill("Diskussionsforumet Exempel")
    page.get_by_label("Varför det behövs i arbetet").fill("Följa hot mot verksamheten.")
    page.get_by_label("Behövs till och med").fill((access.today() + datetime.timedelta(days=60)).isoformat())
    submit(ui, "Skicka till min chef")

    # 2. The chef finds the request on their start page and grants it.
    page.context.clear_cookies()
    ui.login("chef_vaf")
    expect(worklist(ui).get_by_role("heading", name="Det du ansvarar för")).to_be_visible()
    worklist(ui).get_by_role("link", name="1 undantag väntar på ditt beslut.").click()
    ui.check()
    page.get_by_role("link", name="Bevilja", exact=True).click()
    ui.check()
    page.get_by_label("Motivering").fill("Relevant för arbetsuppgiften.")
    submit(ui, "Bevilja och spara tjänsteanteckningen")
    assert PolicyException.objects.get().status == "granted"
    ui.goto("/")
    expect(worklist(ui)).not_to_contain_text("väntar på ditt beslut")

    # 3. IT-enheten plans maintenance on the system and notifies its users' contact persons.
    start = (timezone.localtime() + datetime.timedelta(days=8)).replace(hour=18, minute=0, second=0, microsecond=0)
    page.context.clear_cookies()
    ui.login("it_manager")
    ui.goto(f"/system/{system.pk}/?flik=drift")
    page.get_by_role("link", name="Planera underhåll").click()
    ui.check()
    page.get_by_label("Rubrik").fill("Uppdatering av planeringen")
    page.get_by_label("Börjar").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Förväntad påverkan").fill("Planeringen går inte att använda under kvällen.")
    submit(ui, "Spara planeringen")
    submit(ui, "Avisera")

    # 4. The medarbetare sees the planned work on their start page and follows it.
    page.context.clear_cookies()
    ui.login("employee_vaf")
    line = worklist(ui).get_by_role("link", name="Uppdatering av planeringen")
    expect(line).to_be_visible()
    line.click()
    ui.check()
    expect(page.locator("main")).to_contain_text("Planeringen går inte att använda under kvällen.")
