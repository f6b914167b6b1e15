"""Four eyes that cannot be bypassed (issue 10, items 1 and 2): an approval names the exact
proposal it approves, and removing or säkerhetsskydd-marking a set that lowers the system's
level needs the same approval as a classification."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lis.classification import services
from lis.classification.models import Classification, InformationSetRemoval
from lis.core.models import Notification
from lis.systems import services as system_services
from lis.systems.models import InformationSet

LEVELS = {"K": "3", "R": "3", "T": "3"}
LOW = {"K": "1", "R": "1", "T": "1"}


def _levels(text: str) -> dict[str, str]:
    return dict(zip(["K", "R", "T"], text.split(), strict=True))


def _post_proposal(client, information_set, levels: str):
    values = {f"level_{aspect}": level for aspect, level in _levels(levels).items()}
    return client.post(
        reverse("classification:classification_edit", args=[information_set.pk]),
        {**values, "motivation": "Motivering", "propose": "1"},
    )


def _approved(information_set, levels: dict[str, str], *, proposer, approver) -> Classification:
    proposal = services.classification_save(
        actor=proposer, information_set=information_set, levels=levels, motivation="Motivering", propose=True
    )
    return services.classification_approve(actor=approver, classification=proposal)


def _detail(system, tab: str = "klassning") -> str:
    return reverse("systems:system_detail", args=[system.pk]) + f"?flik={tab}"


# --- item 1: an approval names what the approver saw ----------------------------------------------


def test_it_refuses_an_approval_of_a_proposal_changed_after_the_approver_opened_the_page(make_system, personas):
    system = make_system()
    information_set = system_services.information_set_create(actor=None, system=system, name="Akter")
    proposer, approver = personas["coordinator_vaf"].client(), personas["strategist"].client()
    assert _post_proposal(proposer, information_set, "3 3 3").status_code == 302
    proposal = information_set.classifications.get()
    page = approver.get(_detail(system)).content.decode()
    seen = re.search(r'name="revision" value="(\d+)"', page).group(1)

    assert _post_proposal(proposer, information_set, "0 0 0").status_code == 302
    assert information_set.classifications.get().pk == proposal.pk  # the same id, new content
    response = approver.post(
        reverse("classification:classification_approve", args=[proposal.pk]), {"revision": seen}, follow=True
    )

    content = response.content.decode()
    assert "Förslaget har ändrats sedan du öppnade sidan" in content
    assert "K0 R0 T0" in re.sub(r"\s+", " ", content)  # the page shows the current proposal
    proposal.refresh_from_db()
    system.refresh_from_db()
    assert proposal.status == "proposed" and proposal.approved_by is None
    assert system.levels == {} and not system.classified


def test_it_approves_the_proposal_the_approver_saw(make_system, personas):
    system = make_system()
    information_set = system_services.information_set_create(actor=None, system=system, name="Akter")
    _post_proposal(personas["coordinator_vaf"].client(), information_set, "2 1 1")
    approver = personas["strategist"].client()
    page = approver.get(_detail(system)).content.decode()
    seen = re.search(r'name="revision" value="(\d+)"', page).group(1)
    proposal = information_set.classifications.get()
    approver.post(reverse("classification:classification_approve", args=[proposal.pk]), {"revision": seen})
    proposal.refresh_from_db()
    assert proposal.status == "approved"


def test_it_refuses_an_approval_naming_no_proposal(make_system, personas):
    system = make_system()
    information_set = system_services.information_set_create(actor=None, system=system, name="Akter")
    _post_proposal(personas["coordinator_vaf"].client(), information_set, "2 1 1")
    proposal = information_set.classifications.get()
    personas["strategist"].client().post(reverse("classification:classification_approve", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_it_makes_a_proposal_returned_and_proposed_again_a_new_proposal(make_system, personas):
    system = make_system()
    information_set = system_services.information_set_create(actor=None, system=system, name="Akter")
    coordinator, strategist = personas["coordinator_vaf"].user, personas["strategist"].user
    seen = services.classification_save(
        actor=coordinator, information_set=information_set, levels=LEVELS, motivation="m", propose=True
    )
    services.classification_return(actor=strategist, classification=seen, reason="Motivera")
    services.classification_propose(actor=coordinator, classification=seen)
    with pytest.raises(ValidationError, match="har ändrats"):
        services.classification_approve(actor=strategist, classification=seen)
    current = Classification.objects.get(pk=seen.pk)
    assert current.revision > seen.revision
    services.classification_approve(actor=strategist, classification=current)
    assert Classification.objects.get(pk=seen.pk).status == "approved"


# --- item 2: removing what holds the level up -----------------------------------------------------


@pytest.fixture
def high_and_low(make_system, personas):
    """A system whose systemförvaltare (employee_vaf) has a high and a low set, both fastställda."""
    steward = personas["employee_vaf"]
    system = make_system(system_steward=steward.person)
    strategist = personas["strategist"].user
    high = system_services.information_set_create(actor=steward.user, system=system, name="Journaler")
    _approved(high, LEVELS, proposer=steward.user, approver=strategist)
    low = system_services.information_set_create(actor=steward.user, system=system, name="Scheman")
    _approved(low, LOW, proposer=steward.user, approver=strategist)
    system.refresh_from_db()
    assert system.levels == LEVELS
    return system, high, low


def test_it_keeps_the_level_until_someone_else_approves_removing_the_high_set(high_and_low, personas):
    system, high, _low = high_and_low
    steward = personas["employee_vaf"]
    response = steward.client().post(
        reverse("classification:information_set_delete", args=[system.pk, high.pk]), follow=True
    )
    assert "väntar på att en annan behörig person godkänner" in response.content.decode()
    assert InformationSet.objects.filter(pk=high.pk).exists()
    system.refresh_from_db()
    assert system.levels == LEVELS
    removal = InformationSetRemoval.objects.get(information_set=high)
    assert removal.proposed_by == steward.user

    own = steward.client().post(reverse("classification:removal_approve", args=[removal.pk]))
    assert own.status_code in (403, 404)
    assert InformationSet.objects.filter(pk=high.pk).exists()

    page = personas["coordinator_vaf"].client().get(_detail(system, "informationsmangder")).content.decode()
    assert reverse("classification:removal_approve", args=[removal.pk]) in page
    personas["coordinator_vaf"].client().post(reverse("classification:removal_approve", args=[removal.pk]))
    assert not InformationSet.objects.filter(pk=high.pk).exists()
    system.refresh_from_db()
    assert system.levels == LOW


def test_it_refuses_the_proposer_approving_their_own_removal(high_and_low, personas):
    _system, high, _low = high_and_low
    coordinator = personas["coordinator_vaf"].user  # may approve classifications of the system
    removal = services.information_set_delete(actor=coordinator, information_set=high)
    with pytest.raises(ValidationError, match="kan inte godkänna"):
        services.removal_approve(actor=coordinator, removal=removal)
    assert InformationSet.objects.filter(pk=high.pk).exists()
    with pytest.raises(PermissionDenied):
        services.removal_approve(actor=personas["employee_vaf"].user, removal=removal)


def test_it_makes_marking_the_high_set_security_protected_a_removal_proposal(high_and_low, personas):
    system, high, _low = high_and_low
    steward = personas["employee_vaf"].user
    removal = services.information_set_mark_security_protected(actor=steward, information_set=high)
    high.refresh_from_db()
    system.refresh_from_db()
    assert removal.action == "security_protected" and not high.security_protected and system.levels == LEVELS
    services.removal_approve(actor=personas["strategist"].user, removal=removal)
    high.refresh_from_db()
    system.refresh_from_db()
    assert high.security_protected and system.levels == LOW
    assert not InformationSetRemoval.objects.exists()


def test_it_notifies_the_approvers_of_a_removal_proposal_but_not_the_proposer(high_and_low, personas):
    _system, high, _low = high_and_low
    Notification.objects.all().delete()
    services.information_set_delete(actor=personas["employee_vaf"].user, information_set=high)
    assert {n.recipient for n in Notification.objects.all()} == {personas["coordinator_vaf"].user}


def test_it_removes_a_set_at_once_when_that_does_not_lower_the_level(high_and_low, personas):
    system, _high, low = high_and_low
    assert services.information_set_delete(actor=personas["employee_vaf"].user, information_set=low) is None
    assert not InformationSet.objects.filter(pk=low.pk).exists()
    system.refresh_from_db()
    assert system.levels == LEVELS and system.classified


def test_it_returns_a_removal_proposal_and_keeps_the_set(high_and_low, personas):
    system, high, _low = high_and_low
    removal = services.information_set_delete(actor=personas["employee_vaf"].user, information_set=high)
    response = (
        personas["coordinator_vaf"]
        .client()
        .post(
            reverse("classification:removal_return", args=[removal.pk]), {"reason": "Journalerna finns kvar i systemet"}
        )
    )
    assert response.status_code == 302
    assert not InformationSetRemoval.objects.exists() and InformationSet.objects.filter(pk=high.pk).exists()
    system.refresh_from_db()
    assert system.levels == LEVELS


def test_it_refuses_a_second_removal_proposal_for_the_same_set(high_and_low, personas):
    _system, high, _low = high_and_low
    steward = personas["employee_vaf"].user
    services.information_set_delete(actor=steward, information_set=high)
    with pytest.raises(ValidationError, match="väntar redan"):
        services.information_set_mark_security_protected(actor=steward, information_set=high)
    assert InformationSetRemoval.objects.get().action == "delete"
