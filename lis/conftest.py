"""Shared test fixtures: Åmål's reference organisation and personas for the policy's roles."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from lis.core.models import User
from lis.organisation import services
from lis.organisation.models import Board, OrgUnit, Person, Role
from lis.organisation.reference import load_reference_organisation

PASSWORD = "ett-långt-testlösenord"
START = datetime.date(2024, 1, 1)


@dataclass
class Persona:
    """A logged-in user holding one or more of the policy's roles."""

    key: str
    user: User
    person: Person

    def client(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client


@pytest.fixture
def amal(db):
    """Åmåls kommun's reference organisation (boards and units), as `load_reference` loads it."""
    load_reference_organisation()
    return {
        "units": {u.short_name: u for u in OrgUnit.objects.all()},
        "boards": {b.short_name: b for b in Board.objects.all()},
    }


def make_persona(
    amal,
    key: str,
    *,
    unit: str | None,
    roles: list[tuple[str, str | None, str | None]],
    protected: bool = False,
    kind: str = "employee",
) -> Persona:
    user = User.objects.create_user(username=key, password=PASSWORD, first_name=key.title(), last_name="Test")
    person = services.person_create(
        actor=None,
        first_name=key.replace("_", " ").title(),
        last_name="Testsson",
        unit=amal["units"][unit] if unit else None,
        kind=kind,
        email=f"{key}@test.invalid",
        user=user,
        protected_identity=protected,
    )
    for role, unit_key, board_key in roles:
        services.role_assign(
            actor=None,
            person=person,
            role=role,
            starts_on=START,
            unit=amal["units"][unit_key] if unit_key else None,
            board=amal["boards"][board_key] if board_key else None,
        )
    return Persona(key=key, user=user, person=person)


PERSONA_SPECS: dict[str, dict] = {
    "strategist": {"unit": "KSF", "roles": [(Role.SECURITY_STRATEGIST, None, None)]},
    "administrator": {"unit": "IT", "roles": [(Role.ADMINISTRATOR, None, None)]},
    "it_manager": {"unit": "IT", "roles": [(Role.IT_MANAGER, None, None), (Role.COUNCIL_CHAIR, None, None)]},
    "hr": {"unit": "PE", "roles": [(Role.HR, None, None)]},
    "unit_head_buf": {"unit": "BUF", "roles": [(Role.UNIT_HEAD, "BUF", None)]},
    "coordinator_vaf": {"unit": "VAF", "roles": [(Role.SECURITY_COORDINATOR, "VAF", None)]},
    "representative_tff": {"unit": "TFF", "roles": [(Role.COUNCIL_REPRESENTATIVE, "TFF", None)]},
    "board_member_bun": {"unit": None, "kind": "elected", "roles": [(Role.BOARD_MEMBER, None, "BUN")]},
    "employee_vaf": {"unit": "VAF", "roles": []},
}


@pytest.fixture
def personas(amal) -> dict[str, Persona]:
    """One persona per role of the policy, each in its own unit (see PERSONA_SPECS)."""
    return {key: make_persona(amal, key, **spec) for key, spec in PERSONA_SPECS.items()}


@pytest.fixture
def vendor(db):
    """An external party: systemägare and avtalspart of the test systems."""
    from lis.systems import services as system_services

    return system_services.party_create(
        actor=None, name="Leverantören AB", kind="external", organisation_number="556677-8899"
    )


@pytest.fixture
def make_system(amal, vendor):
    """Registers a system in a unit (default VAF) through the service."""
    from lis.systems import services as system_services

    def make(unit: str = "VAF", name: str = "Verksamhetssystem", **fields):
        values = {
            "unit": amal["units"][unit],
            "name": name,
            "system_owner": vendor,
            "operating_model": "saas",
            **fields,
        }
        return system_services.system_create(actor=None, **values)

    return make


# Browser-test fixtures, registered once for the whole suite (one Playwright, one Chromium).
from lis.browser import browser, ui  # noqa: E402, F401
