"""The forced password change in a real browser (Chromium, axe-core on every page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lis.browser import UI
from lis.organisation import services as organisation_services

pytestmark = pytest.mark.browser

TEMPORARY_PASSWORD = "Tillfälligt-lösen-från-IT"


def test_it_takes_a_new_login_through_the_password_change_to_the_start_page(ui: UI, personas, amal):
    person = organisation_services.person_create(
        actor=None, first_name="Nyanställd", last_name="Andersson", unit=amal["units"]["VAF"], kind="employee"
    )
    organisation_services.person_login_create(
        actor=personas["administrator"].user, person=person, username="ny.andersson", password=TEMPORARY_PASSWORD
    )
    page = ui.page
    ui.login("ny.andersson", TEMPORARY_PASSWORD)
    expect(page).to_have_url(ui.url("/losenord/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Byt lösenord")

    page.locator("#id_old_password").fill(TEMPORARY_PASSWORD)
    page.locator("#id_new_password1").fill("aaaaaaaaaaaa")
    page.locator("#id_new_password2").fill("aaaaaaaaaaaa")
    with page.expect_navigation():
        page.get_by_role("button", name="Byt lösenord").click()
    ui.check()
    expect(page.locator("body")).to_contain_text("upprepningar eller följder")

    page.locator("#id_old_password").fill(TEMPORARY_PASSWORD)
    page.locator("#id_new_password1").fill("Sommarkväll-vid-Vänern")
    page.locator("#id_new_password2").fill("Sommarkväll-vid-Vänern")
    with page.expect_navigation():
        page.get_by_role("button", name="Byt lösenord").click()
    ui.check()
    expect(page).to_have_url(ui.url("/"))
    expect(page.locator("body")).to_contain_text("Ditt lösenord är bytt.")
