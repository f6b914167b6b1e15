"""Two-step verification in a real browser (Chromium, axe-core and the CSP check on every page):
a security key through Chromium's virtual authenticator (a real WebAuthn ceremony, signed by the
browser), and the authenticator app for a strateg whom the setting requires it of."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from lis.browser import UI
from lis.core.models import ChangeLogEntry
from lis.core.tests.test_mfa import totp

pytestmark = pytest.mark.browser


def test_a_security_key_is_added_and_then_logs_in(ui: UI, personas):
    page = ui.page
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    ui.login("employee_vaf")
    page.locator(".user-menu summary").click()
    page.get_by_role("link", name="Tvåstegsverifiering").click()
    ui.check()
    page.get_by_role("link", name="Lägg till säkerhetsnyckel").click()
    ui.check()
    page.get_by_label("Namn på nyckeln").fill("Blå nyckel")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrera nyckel").click()
    ui.check()
    expect(page.locator("body")).to_contain_text("Säkerhetsnyckeln är tillagd.")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    expect(page.get_by_role("cell", name="Blå nyckel")).to_be_visible()

    page.context.clear_cookies()
    ui.login("employee_vaf")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifiera inloggningen")
    with page.expect_navigation():
        page.get_by_role("button", name="Använd säkerhetsnyckel").click()
    ui.check()
    expect(page).to_have_url(ui.url("/"))
    assert ChangeLogEntry.objects.filter(event="login").first().changes["mfa"] == "webauthn"


@override_settings(LIS_MFA_REQUIRED_ROLES=frozenset({"security_strategist"}))
def test_a_strategist_must_add_an_app_before_anything_else(ui: UI, personas):
    page = ui.page
    ui.login("strategist")
    expect(page).to_have_url(ui.url("/tvastegsverifiering/"))
    expect(page.locator("body")).to_contain_text("Din roll kräver tvåstegsverifiering")
    page.get_by_role("link", name="Lägg till autentiseringsapp").click()
    ui.check()
    expect(page.get_by_role("img", name="QR-kod för autentiseringsappen")).to_be_visible()
    assert page.locator("img.qr-code").evaluate("img => img.naturalWidth") > 0
    secret = page.locator(".totp-secret").inner_text()
    page.get_by_label("Kod från appen").fill(totp(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Lägg till").click()
    ui.check()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    ui.goto("/system/")

    page.context.clear_cookies()
    ui.login("strategist")
    page.get_by_label("Kod").fill(totp(secret, time.time() + 30))
    with page.expect_navigation():
        page.get_by_role("button", name="Verifiera").click()
    ui.check()
    expect(page).to_have_url(ui.url("/"))
