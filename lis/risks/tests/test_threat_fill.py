"""Issue 9 item 11: choosing a threat from "Hot ur katalogen" in the risk form fills in the
risk's texts and aspects, through the pages (and in place with threat-fill.js)."""

from __future__ import annotations

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse

from lis.risks import services
from lis.risks.models import Risk


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def buf(personas, make_system, amal):
    system = make_system(unit="BUF", name="Skolplattform")
    analysis = services.analysis_start(actor=None, unit=amal["units"]["BUF"])
    return {"system": system, "analysis": analysis, "client": personas["unit_head_buf"].client()}


def textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, name
    return html.unescape(found.group(1)).strip()


def checked(page: str, name: str) -> set[str]:
    return set(re.findall(rf'<input type="checkbox" name="{name}" value="([^"]+)"[^>]*checked', page))


def selected(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    found = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return found.group(1) if found else ""


def test_it_fills_the_form_from_the_threat_chosen_in_the_catalogue(buf):
    url = reverse("risks:risk_create", args=[buf["analysis"].pk])
    page = buf["client"].get(f"{url}?hot=phishing&system={buf['system'].pk}").content.decode()
    assert selected(page, "threat") == "phishing"
    assert textarea(page, "cause") == "en användare luras lämna ut sina inloggningsuppgifter"
    assert textarea(page, "event") == "en obehörig loggar in i systemet"
    assert textarea(page, "consequence_text") == "känslig information röjs eller ändras"
    assert checked(page, "aspects") == {"K", "R"}
    assert selected(page, "system") == str(buf["system"].pk)


def test_it_fills_the_texts_when_a_threat_is_chosen_in_the_form_without_javascript(buf):
    url = reverse("risks:risk_create", args=[buf["analysis"].pk])
    response = buf["client"].post(
        url,
        {
            "system": buf["system"].pk,
            "threat": "ransomware",
            "cause": "",
            "likelihood": "3",
            "existing_protection": "Antivirus på alla klienter",
            "fill_threat": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Risk.objects.exists()
    assert textarea(page, "cause") == "bristande skydd mot skadlig kod"
    assert textarea(page, "event") == "systemets data krypteras av en angripare"
    assert textarea(page, "consequence_text") == "verksamheten står still och information kan gå förlorad"
    assert checked(page, "aspects") == {"R", "T"}
    # What was typed stays, and no errors are shown for what is not filled in yet.
    assert selected(page, "likelihood") == "3" and selected(page, "system") == str(buf["system"].pk)
    assert textarea(page, "existing_protection") == "Antivirus på alla klienter"
    assert "Formuläret innehåller fel" not in page


def test_it_gives_the_script_each_threats_texts_and_a_button_for_those_without_it(buf):
    page = buf["client"].get(reverse("risks:risk_create", args=[buf["analysis"].pk])).content.decode()
    assert 'data-cause="bristande skydd mot skadlig kod"' in page
    assert 'data-aspects="K R"' in page
    assert 'name="fill_threat"' in page and "Fyll i från hotet" in page
    assert "lis/threat-fill.js" in page
