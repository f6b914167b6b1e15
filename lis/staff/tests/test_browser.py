"""An exception in a real browser (Chromium): a medarbetare asks for an exception, their chef
sees it under "Att besluta", grants it with a diarienummer, and the tjänsteanteckning and its
printable view show both names. axe on every page."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from lis.browser import UI
from lis.conftest import make_persona
from lis.core import access
from lis.organisation.models import Role
from lis.staff.models import PolicyException

pytestmark = pytest.mark.browser


def submit(ui: UI, name: str) -> None:
    with ui.page.expect_navigation():
        ui.page.get_by_role("button", name=name, exact=True).click()
    ui.check()


def test_a_medarbetare_asks_and_their_chef_grants(ui: UI, personas, amal):
    make_persona(amal, "chef_vaf", unit="VAF", roles=[(Role.UNIT_HEAD, "VAF", None)])
    page = ui.page
    until = access.today() + datetime.timedelta(days=60)

    ui.login("employee_vaf")
    ui.goto("/personal/")
    page.get_by_role("link", name="Begär undantag").click()
    ui.check()
    page.get_by_label("Informationskälla eller tjänst").fill("Diskussionsforumet Exempel")
    page.get_by_label("Varför det behövs i arbetet").fill("Följa hot mot verksamheten.")
    page.get_by_label("Behövs till och med").fill(until.isoformat())
    submit(ui, "Skicka till min chef")
    expect(page.locator("main")).to_contain_text("Väntar på beslut av medarbetarens chef")

    page.context.clear_cookies()
    ui.login("chef_vaf")
    ui.goto("/personal/")
    page.locator("#att-besluta").get_by_role("link").first.click()
    ui.check()
    page.get_by_role("link", name="Bevilja", exact=True).click()
    ui.check()
    page.get_by_label("Motivering").fill("Relevant för arbetsuppgiften.")
    page.get_by_label("Diarienummer").fill("VAN 2026/77")
    submit(ui, "Bevilja och spara tjänsteanteckningen")
    main = page.locator("main")
    expect(main).to_contain_text("Tjänsteanteckning")
    expect(main).to_contain_text("Employee Vaf Testsson")
    expect(main).to_contain_text("Chef Vaf Testsson")
    expect(main).to_contain_text("VAN 2026/77")
    page.get_by_role("link", name="Utskriftsvänlig version").click()
    ui.check()
    expect(page.locator("h1")).to_have_text("Tjänsteanteckning")
    assert PolicyException.objects.get().status == "granted"

    page.context.clear_cookies()
    ui.login("employee_vaf")
    ui.goto("/personal/")
    expect(page.locator("main")).to_contain_text("Beviljat")
