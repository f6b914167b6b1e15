"""Content-Security-Policy, Permissions-Policy and no-store (issue 10, item 12)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from lis.risks import services as risk_services
from lis.risks.tests.test_risks import risk_fields
from lis.systems import services as system_services

LIS_DIR = Path(__file__).resolve().parents[2]
INLINE = re.compile(r"""style=|<style|\son[a-z]+=|<script(?![^>]*\ssrc=)|javascript:""", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.mark.django_db
def test_it_sends_a_content_security_policy_that_refuses_inline_script_and_style():
    policy = directives(Client().get(reverse("core:login")))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value or "nonce" in value for values in policy.values() for value in values)


def test_it_sends_a_restrictive_permissions_policy(personas):
    response = personas["strategist"].client().get(reverse("core:home"))
    features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "fullscreen", "display-capture"):
        assert features[feature] == "()"


def test_it_forbids_caching_every_response_to_a_signed_in_user(personas, make_system):
    system = make_system()
    client = personas["coordinator_vaf"].client()
    pages = (reverse("core:home"), reverse("systems:system_detail", args=[system.pk]), reverse("core:risk_level_css"))
    for url in pages:
        assert client.get(url)["Cache-Control"] == "no-store", url
    redirect = client.post(reverse("systems:system_edit", args=[system.pk]), {})
    assert redirect["Cache-Control"] == "no-store"
    assert client.get("/finns-inte/")["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_it_leaves_caching_of_anonymous_responses_to_the_view():
    response = Client().get(reverse("core:risk_level_css"))
    assert "Cache-Control" not in response


@pytest.mark.django_db
def test_it_serves_the_packs_risk_level_colours_as_classes_to_anyone():
    response = Client().get(reverse("core:risk_level_css"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    assert ".risk-level-0 { background-color: #2e7d32; color: #ffffff; }" in css
    assert ".risk-level-1 { background-color: #f9a825; color: #000000; }" in css
    assert ".risk-level-3 { background-color: #b71c1c; color: #ffffff; }" in css


def test_it_colours_risk_levels_and_heat_maps_with_classes_not_style_attributes(amal, personas, make_system):
    analysis = risk_services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 3, 1))
    risk = risk_services.risk_create(
        actor=None, analysis=analysis, **risk_fields(make_system(), likelihood=4, consequence=4)
    )
    client = personas["strategist"].client()
    for url in (
        reverse("risks:heat_map"),
        reverse("risks:analysis_detail", args=[analysis.pk]),
        reverse("risks:risk_detail", args=[risk.pk]),
        reverse("risks:risk_list") + "?s=4&k=4",
    ):
        html = client.get(url).content.decode()
        assert "risk-level-3" in html, url
        assert not INLINE.search(html), (url, INLINE.search(html))


def test_it_asks_before_deleting_through_data_confirm_not_an_inline_handler(personas, make_system):
    system = make_system()
    system_services.information_set_create(actor=None, system=system, name="Akter")
    url = reverse("systems:system_detail", args=[system.pk]) + "?flik=informationsmangder"
    html = personas["coordinator_vaf"].client().get(url).content.decode()
    assert 'data-confirm="Ta bort informationsmängden och dess klassningar?"' in html
    assert not INLINE.search(html)


def test_it_keeps_inline_script_style_and_event_handlers_out_of_every_browser_template():
    offenders = [
        f"{path.relative_to(LIS_DIR)}:{number}"
        for path in LIS_DIR.rglob("templates/**/*.html")  # PDFs are typeset with Typst, not from HTML
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if INLINE.search(line)
    ]
    assert offenders == []
