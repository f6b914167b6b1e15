"""Issue 9 item 15: a classification proposal tells those who may approve it, the register
filters what waits, and the proposer sees why they cannot approve it themselves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lis.classification import services
from lis.core.models import Notification
from lis.systems import services as system_services

LEVELS = {"level_K": "3", "level_R": "2", "level_T": "2", "motivation": "Personuppgifter om brukare"}


@pytest.fixture
def system(make_system, personas):
    system = make_system(name="Verksamhetssystem socialtjänst", responsible_manager=personas["employee_vaf"].person)
    system_services.information_set_create(actor=None, system=system, name="Personakter")
    return system


def propose(persona, system):
    information_set = system.information_sets.get()
    response = persona.client().post(
        reverse("classification:classification_edit", args=[information_set.pk]), LEVELS | {"propose": "1"}
    )
    assert response.status_code == 302
    return information_set.classifications.get(status="proposed")


def test_it_notifies_those_who_may_approve_a_proposal_but_not_the_proposer(personas, system):
    propose(personas["coordinator_vaf"], system)
    notified = {n.recipient for n in Notification.objects.all()}
    assert notified == {personas["employee_vaf"].user}  # the ansvarig chef; the samordnare proposed
    notification = Notification.objects.get()
    assert "Personakter" in notification.message and notification.link.endswith("?flik=klassning")


def test_it_notifies_the_security_strategist_when_nobody_else_may_approve(personas, make_system):
    system = make_system(name="Trygghetslarm")
    system_services.information_set_create(actor=None, system=system, name="Larmloggar")
    propose(personas["coordinator_vaf"], system)
    assert {n.recipient for n in Notification.objects.all()} == {personas["strategist"].user}


def test_it_lists_the_systems_whose_classification_waits_for_approval(personas, system, make_system):
    make_system(name="Trygghetslarm")
    propose(personas["coordinator_vaf"], system)
    page = personas["coordinator_vaf"].client().get(reverse("systems:system_list") + "?klassad=vantar")
    content = page.content.decode()
    assert "Väntar på fastställande" in content
    assert "Verksamhetssystem socialtjänst" in content and "Trygghetslarm" not in content


def test_it_shows_the_proposer_why_they_cannot_approve_instead_of_the_button(personas, system):
    classification = propose(personas["coordinator_vaf"], system)
    url = reverse("systems:system_detail", args=[system.pk]) + "?flik=klassning"
    approve = reverse("classification:classification_approve", args=[classification.pk])
    own = personas["coordinator_vaf"].client().get(url).content.decode()
    assert approve not in own and "kan därför inte fastställa den själv" in own
    other = personas["employee_vaf"].client().get(url).content.decode()
    assert approve in other and "kan därför inte fastställa den själv" not in other
    services.classification_approve(actor=personas["employee_vaf"].user, classification=classification)
