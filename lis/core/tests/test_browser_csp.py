"""The Content-Security-Policy in a real browser (Chromium): the main pages, as a few personas,
load and work (htmx search, confirm before delete) without a single CSP or Permissions-Policy
complaint in the console (issue 10, item 12). Every other browser test fails on such a complaint
too (lis.browser.UI.check); these also visit pages without UI.check in between."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lis.browser import UI
from lis.risks import services as risk_services
from lis.risks.tests.test_risks import risk_fields
from lis.systems import services as system_services

pytestmark = pytest.mark.browser


def visit(ui: UI, paths: list[str]) -> None:
    for path in paths:
        response = ui.page.goto(ui.url(path))
        assert response is not None and response.status == 200, path
        ui.page.wait_for_load_state("networkidle")


@pytest.fixture
def scene(amal, personas, make_system):
    system = make_system(name="Journalsystem")
    system_services.information_set_create(actor=None, system=system, name="Akter")
    analysis = risk_services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 3, 1))
    risk = risk_services.risk_create(actor=None, analysis=analysis, **risk_fields(system, likelihood=4, consequence=4))
    return {"system": system, "analysis": analysis, "risk": risk}


def main_pages(scene) -> list[str]:
    system = reverse("systems:system_detail", args=[scene["system"].pk])
    return [
        reverse("core:home"),
        reverse("organisation:unit_list"),
        reverse("organisation:person_list"),
        reverse("organisation:role_list"),
        reverse("systems:system_list"),
        system,
        system + "?flik=informationsmangder",
        system + "?flik=klassning",
        system + "?flik=risker",
        system + "?flik=historik",
        reverse("risks:analysis_list"),
        reverse("risks:analysis_detail", args=[scene["analysis"].pk]),
        reverse("risks:risk_detail", args=[scene["risk"].pk]),
        reverse("risks:heat_map"),
        reverse("risks:risk_list") + "?s=4&k=4",
        reverse("risks:measure_list"),
        reverse("plans:plan_list"),
        reverse("plans:continuity_list"),
        reverse("plans:routine_list"),
        reverse("compliance:overview"),
        reverse("core:notifications"),
        reverse("policy:current"),
    ]


@pytest.mark.parametrize("persona", ["strategist", "coordinator_vaf"])
def test_it_shows_the_main_pages_without_a_csp_violation(ui: UI, scene, persona):
    visit(ui, [reverse("core:login")])
    ui.login(persona)
    pages = main_pages(scene) + ([reverse("core:changelog")] if persona == "strategist" else [])
    visit(ui, pages)
    # The pack's colours still reach the heat map through the stylesheet.
    visit(ui, [reverse("risks:heat_map")])
    cell = ui.page.locator("table.heat-map td.risk-level-3").first
    expect(cell).to_have_css("background-color", "rgb(183, 28, 28)")
    assert ui.complaints == []


def test_it_searches_and_confirms_a_delete_without_a_csp_violation(ui: UI, scene):
    page = ui.page
    ui.login("coordinator_vaf")

    # htmx narrows the register as one types.
    visit(ui, [reverse("systems:system_list")])
    with page.expect_response(lambda response: "q=Journal" in response.url):
        page.locator("#id_q").fill("Journal")
    expect(page.locator("#results")).to_contain_text("Journalsystem")

    # confirm.js asks before the delete form is sent; "Avbryt" keeps the information set.
    visit(ui, [reverse("systems:system_detail", args=[scene["system"].pk]) + "?flik=informationsmangder"])
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Ta bort Akter").click()
    assert questions == ["Ta bort informationsmängden och dess klassningar?"]
    expect(page.get_by_role("button", name="Ta bort Akter")).to_be_visible()
    assert ui.complaints == []
