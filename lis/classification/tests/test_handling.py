"""Issue 13 item 6: handling advice per classification level (POL-3.21), on its own page for
every employee and wherever a level appears."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from lis.classification import services
from lis.core.pack import get_pack
from lis.systems import services as system_services

LEVELS = {"K": "2", "R": "1", "T": "1"}


@pytest.mark.parametrize(
    "key",
    [
        "strategist",
        "administrator",
        "it_manager",
        "hr",
        "unit_head_buf",
        "coordinator_vaf",
        "representative_tff",
        "board_member_bun",
        "employee_vaf",
    ],
)
def test_every_persona_reads_the_handling_page(personas, key):
    response = personas[key].client().get(reverse("handling:advice"))
    assert response.status_code == 200
    html = response.content.decode()
    pack = get_pack()
    for level in pack.levels:
        assert f'id="niva-{level.key}"' in html and level.name in html
        for item in pack.handling_for(level.key).may + pack.handling_for(level.key).must_not:
            assert item in html.replace("&#x27;", "'")
    assert "Detta får du göra" in html and "Detta får du inte göra" in html
    assert "säkra meddelanden" in html and "POL-3.21" in html
    assert "POL-3.24" in html and "biträdande signalskyddschef" in html


def test_the_page_needs_a_login(client, db):
    assert client.get(reverse("handling:advice")).status_code in (302, 403)


def test_the_tag_shows_nothing_for_an_unknown_level(db):
    html = Template("{% load handling %}{% handling_advice 'X' %}").render(Context({}))
    assert html.strip() == ""
    html = Template("{% load handling %}{% handling_advice '2' compact=True %}").render(Context({}))
    assert "Så hanteras informationen" in html and reverse("handling:advice") in html


@pytest.fixture
def classified(make_system, personas):
    system = make_system(responsible_manager=personas["employee_vaf"].person)
    information_set = system_services.information_set_create(actor=None, system=system, name="Personakter")
    classification = services.classification_save(
        actor=personas["employee_vaf"].user,
        information_set=information_set,
        levels=LEVELS,
        motivation="Personuppgifter",
        propose=True,
    )
    services.classification_approve(actor=personas["coordinator_vaf"].user, classification=classification)
    system.refresh_from_db()
    return system, information_set


def test_the_system_page_and_the_information_set_show_the_advice(classified, personas):
    system, _information_set = classified
    client = personas["coordinator_vaf"].client()
    advice = get_pack().handling_for("2")
    html = client.get(reverse("systems:system_detail", args=[system.pk])).content.decode()
    assert "Så hanteras informationen" in html and advice.must_not[0] in html
    sets = client.get(reverse("systems:system_detail", args=[system.pk]), {"flik": "informationsmangder"})
    assert advice.must_not[0] in sets.content.decode()


def test_the_classification_form_explains_every_level(make_system, personas):
    system = make_system()
    information_set = system_services.information_set_create(actor=None, system=system, name="Akter")
    html = (
        personas["coordinator_vaf"]
        .client()
        .get(reverse("classification:classification_edit", args=[information_set.pk]))
        .content.decode()
    )
    assert "Vad nivån betyder för hanteringen" in html
    for level in get_pack().levels:
        for item in get_pack().handling_for(level.key).must_not:
            assert item in html
