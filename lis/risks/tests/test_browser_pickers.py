"""Issue 9 items 11 and 19 in a real browser: the threat chosen in the risk form fills its texts
in place, and analysis participants are picked from a list that filters as one types. axe on
both pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lis.browser import UI
from lis.organisation import services as organisation_services
from lis.risks import services

pytestmark = pytest.mark.browser


def test_it_fills_the_risk_from_the_threat_chosen_in_the_form(ui: UI, personas, make_system, amal):
    make_system(unit="BUF", name="Skolplattform", responsible_manager=personas["unit_head_buf"].person)
    analysis = services.analysis_start(actor=None, unit=amal["units"]["BUF"])
    page = ui.page
    ui.login("unit_head_buf")
    ui.goto(f"/risker/analys/{analysis.pk}/risk/ny/")
    expect(page.get_by_role("button", name="Fyll i från hotet")).to_be_hidden()
    page.get_by_label("Orsak – på grund av …").fill("")
    page.get_by_label("Hot ur katalogen").select_option(label="Nätfiske")
    expect(page.get_by_label("Orsak – på grund av …")).to_have_value(re.compile("luras lämna ut"))
    expect(page.get_by_label("Händelse – inträffar …")).to_have_value("en obehörig loggar in i systemet")
    expect(page.get_by_label("Konfidentialitet (K)")).to_be_checked()
    expect(page.get_by_label("Tillgänglighet (T)")).not_to_be_checked()
    # A text the user has written is kept when another threat is chosen; the rest follows.
    page.get_by_label("Händelse – inträffar …").fill("Egen beskrivning av händelsen")
    page.get_by_label("Hot ur katalogen").select_option(label="Utpressningsvirus")
    expect(page.get_by_label("Orsak – på grund av …")).to_have_value("bristande skydd mot skadlig kod")
    expect(page.get_by_label("Händelse – inträffar …")).to_have_value("Egen beskrivning av händelsen")
    expect(page.get_by_label("Tillgänglighet (T)")).to_be_checked()
    ui.check()


def test_it_filters_the_participants_as_one_types(ui: UI, personas, amal):
    for first, last in (("Anna", "Ek"), ("Bertil", "Lind"), ("Cecilia", "Ek")):
        organisation_services.person_create(actor=None, first_name=first, last_name=last, unit=amal["units"]["BUF"])
    analysis = services.analysis_start(actor=None, unit=amal["units"]["BUF"])
    page = ui.page
    ui.login("unit_head_buf")
    ui.goto(f"/risker/analys/{analysis.pk}/andra/")
    page.get_by_label("Filtrera listan").fill("ek")
    expect(page.get_by_role("checkbox", name=re.compile("^Anna Ek"))).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("^Bertil Lind"))).to_be_hidden()
    page.get_by_role("checkbox", name=re.compile("^Cecilia Ek")).check()
    expect(page.locator(".picker-filter [aria-live]")).to_contain_text("Valda: 1")
    ui.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    assert [p.first_name for p in analysis.participants.all()] == ["Cecilia"]
