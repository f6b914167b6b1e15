"""Regression tests for a security review: identities, säkerhetsskydd and appointments."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lis.classification import services as classification_services
from lis.conftest import make_persona
from lis.organisation import services as organisation_services
from lis.organisation.models import Role
from lis.systems import services


@pytest.fixture
def protected_coordinator(amal):
    persona = make_persona(amal, "hemlig", unit="VAF", roles=[(Role.SECURITY_COORDINATOR, "VAF", None)], protected=True)
    persona.user.first_name, persona.user.last_name = "Hemlig", "Gömdsson"
    persona.user.save()
    return persona


def test_a_protected_proposers_name_is_not_shown_on_the_classification_tab(
    protected_coordinator, personas, make_system
):
    system = make_system()
    information_set = services.information_set_create(actor=None, system=system, name="Akter")
    classification_services.classification_save(
        actor=protected_coordinator.user,
        information_set=information_set,
        levels={"K": "1", "R": "1", "T": "1"},
        motivation="m",
        propose=True,
    )
    page = personas["strategist"].client().get(reverse("systems:system_detail", args=[system.pk]) + "?flik=klassning")
    content = page.content.decode()
    assert "Gömdsson" not in content and protected_coordinator.person.pseudonym in content


def test_a_protected_persons_login_is_masked_in_the_change_log(personas, amal):
    person = organisation_services.person_create(
        actor=personas["hr"].user,
        first_name="Greta",
        last_name="Gömd",
        unit=amal["units"]["VAF"],
        protected_identity=True,
    )
    organisation_services.person_login_create(
        actor=personas["administrator"].user, person=person, username="greta.g", password="ett-bra-långt-lösenord"
    )
    content = personas["it_manager"].client().get(reverse("core:changelog")).content.decode()
    assert "Gömd" not in content and "greta.g" not in content


def test_content_removed_for_säkerhetsskydd_is_not_shown_in_history(make_system, personas):
    system = make_system()
    information_set = services.information_set_create(
        actor=None, system=system, name="Plan", description="HEMLIGT-INNEHALL-123"
    )
    classification_services.information_set_mark_security_protected(
        actor=personas["coordinator_vaf"].user, information_set=information_set
    )
    content = (
        personas["strategist"]
        .client()
        .get(reverse("systems:system_detail", args=[system.pk]) + "?flik=historik")
        .content.decode()
    )
    assert "HEMLIGT-INNEHALL-123" not in content


def test_a_steward_cannot_appoint_themself_responsible_manager(make_system, personas):
    steward = personas["employee_vaf"]
    system = make_system(unit="BUF", system_steward=steward.person)
    with pytest.raises(PermissionDenied):
        services.system_update(actor=steward.user, system=system, responsible_manager=steward.person)
    system.refresh_from_db()
    assert system.responsible_manager is None


def test_a_unit_head_cannot_end_the_strategists_kommun_wide_role(personas, amal):
    head = make_persona(amal, "chef_ksf", unit="KSF", roles=[(Role.UNIT_HEAD, "KSF", None)])
    with pytest.raises(ValidationError, match="inte kan avsluta"):
        organisation_services.person_end(
            actor=head.user, person=personas["strategist"].person, ended_on=datetime.date(2026, 12, 1)
        )
    assert personas["strategist"].person.roles.get().ends_on is None


def test_a_unit_head_can_edit_their_own_förvaltning(personas, amal):
    unit = amal["units"]["BUF"]
    response = (
        personas["unit_head_buf"]
        .client()
        .post(reverse("organisation:unit_edit", args=[unit.pk]), {"name": unit.name, "short_name": "BUF2"})
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.short_name == "BUF2" and unit.kind == "administration"


def test_hr_is_not_offered_efterlevnad(personas):
    content = personas["hr"].client().get("/").content.decode()
    assert f'href="{reverse("compliance:overview")}"' not in content
