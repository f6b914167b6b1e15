"""The system page's tabs: the register's own and those higher apps register (classification,
risks, council), in one order, each panel drawn by the app that owns it."""

from __future__ import annotations

import re

from django.urls import reverse


def tab_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="tabs".*?</nav>', html, re.DOTALL)
    return [
        re.sub(r"<[^>]+>|\s+", " ", label).strip()
        for label in re.findall(r"<a[^>]*>(.*?)</a>", nav.group(0), re.DOTALL)
    ]


def test_it_shows_the_registered_tabs_in_the_designed_order(personas, make_system):
    system = make_system(operating_model="saas")
    client = personas["strategist"].client()
    html = client.get(reverse("systems:system_detail", args=[system.pk])).content.decode()
    assert tab_labels(html) == [
        "Översikt",
        "Informationsmängder",
        "Klassning",
        "Roller",
        "Avtal",
        "Risker",
        "SUA",
        "Drift",
        "Historik",
    ]


def test_it_leaves_out_the_sua_tab_of_a_system_run_by_the_it_unit(personas, make_system):
    system = make_system(operating_model="on_premises")
    html = personas["strategist"].client().get(reverse("systems:system_detail", args=[system.pk])).content.decode()
    assert "SUA" not in tab_labels(html)


def test_it_draws_each_registered_tab_with_its_owners_panel(personas, make_system):
    system = make_system(operating_model="saas")
    client = personas["strategist"].client()
    url = reverse("systems:system_detail", args=[system.pk])
    assert "Ny informationsmängd" in client.get(url + "?flik=informationsmangder").content.decode()
    assert "Säkerhetsskyddad upphandling (SUA)" in client.get(url + "?flik=sua").content.decode()
    panel = client.get(url + "?flik=risker", headers={"HX-Request": "true", "HX-Target": "tab-panel"})
    assert "<html" not in panel.content.decode()
