"""The main pages on a phone (390 px wide) over the demo data: nothing makes the page scroll
sideways, and the header with the menu leaves the screen to the content (issue 9, item 22)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from lis.browser import UI
from lis.organisation.demo import DEMO_PASSWORD
from lis.plans.models import ActionPlan
from lis.risks.models import SecurityAnalysis
from lis.systems.models import InformationSystem

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TODAY = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=True):
        call_command("load_demo", stdout=StringIO())
        yield


# The elements that stick out on the right, outside the boxes that scroll on their own.
STICKING_OUT = """() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node && out.length < 5; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest(".table-scroll, .main-nav ul, .sub-nav ul")) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const box = node.nodeType === Node.TEXT_NODE ? range.getBoundingClientRect() : node.getBoundingClientRect();
        if (box.right > innerWidth + 0.5) {
            out.push((node.outerHTML || node.textContent).slice(0, 120));
        }
    }
    return out;
}"""


def assert_fits_a_phone(ui: UI) -> None:
    width = ui.page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        sticking_out = "\n".join(ui.page.evaluate(STICKING_OUT))
        pytest.fail(f"{ui.page.url} är {width} px bred i en vy som är {PHONE['width']} px:\n{sticking_out}")


def visit_on_a_phone(ui: UI, username: str, paths: list[str]) -> None:
    ui.page.set_viewport_size(PHONE)
    ui.login(username, DEMO_PASSWORD)
    # The header and the menu take a fifth of the screen at most, not half of it.
    top = ui.page.evaluate("document.querySelector('main').getBoundingClientRect().top")
    assert top <= PHONE["height"] / 4, f"sidhuvudet är {top} px högt på en telefon"
    expect(ui.page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Start")).to_be_attached()
    assert_fits_a_phone(ui)
    for path in paths:
        ui.goto(path)
        assert_fits_a_phone(ui)


def test_it_fits_the_strategists_pages_on_a_phone(ui: UI, demo):
    system = InformationSystem.objects.filter(unit__short_name="VAF").order_by("pk").first()
    analysis = SecurityAnalysis.objects.get(unit__short_name="VAF")
    plan = ActionPlan.objects.get(unit__short_name="BUF")
    visit_on_a_phone(
        ui,
        "strateg",
        [
            reverse("organisation:unit_list"),
            reverse("organisation:person_list"),
            reverse("organisation:role_list"),
            reverse("systems:system_list"),
            reverse("systems:system_detail", args=[system.pk]),
            reverse("risks:analysis_list"),
            reverse("risks:analysis_detail", args=[analysis.pk]),
            reverse("risks:heat_map"),
            reverse("risks:measure_list"),
            reverse("plans:plan_detail", args=[plan.pk]),
            reverse("plans:routine_list"),
            reverse("compliance:overview"),
            reverse("core:changelog"),
        ],
    )


def test_it_fits_the_coordinators_and_the_employees_pages_on_a_phone(ui: UI, demo):
    analysis = SecurityAnalysis.objects.get(unit__short_name="VAF")
    visit_on_a_phone(
        ui,
        "samordnare.vaf",
        [
            reverse("systems:system_list"),
            reverse("risks:analysis_detail", args=[analysis.pk]),
            reverse("risks:measure_list"),
            reverse("compliance:overview"),
        ],
    )
    ui.page.context.clear_cookies()
    visit_on_a_phone(ui, "medarbetare", [reverse("risks:measure_list"), reverse("policy:current")])


def test_it_fits_the_board_members_pages_on_a_phone(ui: UI, demo):
    analysis = SecurityAnalysis.objects.get(unit__short_name="BUF")
    plan = ActionPlan.objects.get(unit__short_name="BUF")
    visit_on_a_phone(
        ui,
        "ledamot.bun",
        [reverse("risks:analysis_detail", args=[analysis.pk]), reverse("plans:plan_detail", args=[plan.pk])],
    )
