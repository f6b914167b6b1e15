"""Classification (POL-3.22–3.23): per aspect, max rule, four eyes, history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lis.classification import services
from lis.classification.models import Classification
from lis.core.models import ChangeLogEntry
from lis.systems import services as system_services


@pytest.fixture
def system_with_sets(make_system):
    system = make_system()
    a = system_services.information_set_create(actor=None, system=system, name="Akter")
    b = system_services.information_set_create(actor=None, system=system, name="Statistik")
    return system, a, b


def propose(actor, information_set, levels):
    values = dict(zip(["K", "R", "T"], levels.split(), strict=True))
    return services.classification_save(
        actor=actor, information_set=information_set, levels=values, motivation="Motivering", propose=True
    )


def test_it_takes_the_highest_approved_level_per_aspect(system_with_sets, personas):
    system, a, b = system_with_sets
    coordinator, strategist = personas["coordinator_vaf"].user, personas["strategist"].user
    services.classification_approve(actor=strategist, classification=propose(coordinator, a, "3 1 0"))
    system.refresh_from_db()
    assert not system.classified  # b is not classified yet
    services.classification_approve(actor=strategist, classification=propose(coordinator, b, "1 2 2"))
    system.refresh_from_db()
    assert system.levels == {"K": "3", "R": "2", "T": "2"} and system.classified and system.level_rank == 3


def test_it_refuses_the_proposer_approving_their_own_proposal(system_with_sets, personas):
    _system, a, _b = system_with_sets
    strategist = personas["strategist"].user
    proposal = propose(strategist, a, "1 1 1")
    with pytest.raises(ValidationError, match="kan inte fastställa"):
        services.classification_approve(actor=strategist, classification=proposal)
    assert Classification.objects.get(pk=proposal.pk).status == "proposed"


def test_it_refuses_approval_by_someone_without_authority(system_with_sets, personas):
    _system, a, _b = system_with_sets
    proposal = propose(personas["coordinator_vaf"].user, a, "1 1 1")
    with pytest.raises(PermissionDenied):
        services.classification_approve(actor=personas["unit_head_buf"].user, classification=proposal)


def test_it_keeps_the_old_classification_as_history_on_reclassification(system_with_sets, personas):
    system, a, b = system_with_sets
    coordinator, strategist = personas["coordinator_vaf"].user, personas["strategist"].user
    first = propose(coordinator, a, "2 2 2")
    services.classification_approve(actor=strategist, classification=first)
    second = propose(coordinator, a, "1 1 1")
    services.classification_approve(actor=strategist, classification=second)
    first.refresh_from_db()
    assert first.status == "superseded" and first.approved_by == strategist
    assert a.classifications.filter(status="approved").get() == second
    assert (
        ChangeLogEntry.objects.filter(
            object_type="classification.classification", object_id=str(first.pk), action="update"
        ).count()
        >= 2
    )


def test_it_marks_a_system_entirely_at_the_lowest_level_as_needing_no_risk_analysis(make_system, personas):
    system = make_system(name="Schema")
    s = system_services.information_set_create(actor=None, system=system, name="Scheman")
    services.classification_approve(
        actor=personas["strategist"].user, classification=propose(personas["coordinator_vaf"].user, s, "0 0 0")
    )
    system.refresh_from_db()
    assert system.needs_no_risk_analysis
    content = personas["strategist"].client().get(reverse("systems:system_list")).content.decode()
    assert "Schema" in content and "POL-3.23" in content


@pytest.mark.parametrize(
    ("levels", "motivation", "field"),
    [
        ({"K": "1", "R": "1"}, "m", "level_T"),
        ({"K": "1", "R": "1", "T": "9"}, "m", "level_T"),
        ({"K": "1", "R": "1", "T": "1"}, " ", "motivation"),
    ],
)
def test_it_rejects_an_incomplete_classification_naming_the_aspect(system_with_sets, levels, motivation, field):
    _system, a, _b = system_with_sets
    with pytest.raises(ValidationError) as caught:
        services.classification_save(actor=None, information_set=a, levels=levels, motivation=motivation)
    assert field in caught.value.message_dict
    assert not Classification.objects.exists()


def test_marking_a_classified_set_security_protected_drops_its_levels(system_with_sets, personas):
    system, a, b = system_with_sets
    coordinator, strategist = personas["coordinator_vaf"].user, personas["strategist"].user
    services.classification_approve(actor=strategist, classification=propose(coordinator, a, "3 3 3"))
    services.classification_approve(actor=strategist, classification=propose(coordinator, b, "1 1 1"))
    removal = services.information_set_mark_security_protected(actor=strategist, information_set=a)
    services.removal_approve(actor=coordinator, removal=removal)  # it lowers the level: four eyes
    system.refresh_from_db()
    assert system.levels == {"K": "1", "R": "1", "T": "1"} and system.classified
    assert not a.classifications.filter(status="approved").exists()


def test_it_does_not_classify_security_protected_information(system_with_sets):
    _system, a, _b = system_with_sets
    services.information_set_mark_security_protected(actor=None, information_set=a)
    with pytest.raises(ValidationError, match="POL-3.24"):
        services.classification_save(
            actor=None, information_set=a, levels={"K": "1", "R": "1", "T": "1"}, motivation="x"
        )


def test_it_returns_a_proposal_to_draft_with_a_reason(system_with_sets, personas):
    _system, a, _b = system_with_sets
    proposal = propose(personas["coordinator_vaf"].user, a, "1 1 1")
    services.classification_return(actor=personas["strategist"].user, classification=proposal, reason="Motivera T")
    proposal.refresh_from_db()
    assert proposal.status == "draft" and proposal.proposed_by is None
    assert ChangeLogEntry.objects.filter(event="classification_returned").exists()


def test_the_approval_works_through_the_pages(system_with_sets, personas):
    system, a, _b = system_with_sets
    coordinator = personas["coordinator_vaf"].client()
    response = coordinator.post(
        reverse("classification:classification_edit", args=[a.pk]),
        {"level_K": "2", "level_R": "1", "level_T": "1", "motivation": "Personuppgifter", "propose": "1"},
    )
    assert response.status_code == 302
    proposal = a.classifications.get()
    own = coordinator.post(reverse("classification:classification_approve", args=[proposal.pk]), follow=True)
    assert "kan inte fastställa" in own.content.decode()
    personas["strategist"].client().post(
        reverse("classification:classification_approve", args=[proposal.pk]), {"revision": proposal.revision}
    )
    proposal.refresh_from_db()
    assert proposal.status == "approved"
