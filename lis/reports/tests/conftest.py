"""Fixtures for the Excel tests: a private MEDIA_ROOT, a populated register, workbook helpers."""

from __future__ import annotations

import datetime

import pytest

from lis.classification import services as classification_services
from lis.organisation import services as organisation_services
from lis.systems import services


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # does not exist yet: the import creates it
    return settings.MEDIA_ROOT


@pytest.fixture
def register(personas, amal, vendor, make_system):
    """A small register: a complete, classified VAF system and a bare BUF one."""
    cloud = services.party_create(actor=None, name="Molnbolaget AB", kind="external")
    protected = organisation_services.person_create(
        actor=None, first_name="Hemlig", last_name="Chef", unit=amal["units"]["VAF"], protected_identity=True
    )
    vaf = make_system(
        unit="VAF",
        name="Treserva",
        description="Verksamhetssystem för socialtjänsten.\nAkter och beslut.",
        status="operational",
        supplier=cloud,
        accountable_board=amal["boards"]["VAN"],
        responsible_manager=protected,
        system_steward=personas["employee_vaf"].person,
        steward_appointed_on=datetime.date(2024, 3, 1),
        operating_model="saas",
        personal_data=True,
        sensitive_personal_data=True,
        secrecy=True,
        secrecy_provision="26 kap. 1 § OSL",
        platforms=[services.platform_create(actor=None, name="Webb", kind="other")],
        tags="omsorg, socialtjänst",
        no_consumers=True,
    )
    services.user_group_create(
        actor=None, system=vaf, kind="user", description="Handläggare", access_level="Skriv", approximate_size=120
    )
    services.user_group_create(actor=None, system=vaf, kind="user", description="Chefer")
    information_set = services.information_set_create(actor=None, system=vaf, name="Personakter")
    proposal = classification_services.classification_save(
        actor=personas["strategist"].user,
        information_set=information_set,
        levels={"K": "3", "R": "2", "T": "1"},
        motivation="Känsliga personuppgifter.",
        propose=True,
    )
    classification_services.classification_approve(actor=personas["administrator"].user, classification=proposal)
    buf = make_system(unit="BUF", name="Skolplattformen", operating_model="")
    services.user_group_create(actor=None, system=buf, kind="consumer", description="Elever", approximate_size=1200)
    vaf.refresh_from_db()
    return {"vaf": vaf, "buf": buf, "cloud": cloud, "protected": protected, "vendor": vendor}
