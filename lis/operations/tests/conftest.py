"""Fixtures of the driftinformation tests: a VAF system with a steward, an ansvarig chef and a user
group whose contact person is the VAF employee; an IT unit manager; now is 2026-12-01 10:00."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lis.conftest import make_persona
from lis.organisation.models import Role
from lis.systems import services as system_services

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=STOCKHOLM)
D = datetime.timedelta(days=1)
H = datetime.timedelta(hours=1)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(amal, personas):
    """The personas, plus an IT unit head, a steward and an ansvarig chef of the VAF system."""
    extra = {
        "it_head": make_persona(amal, "it_head", unit="IT", roles=[(Role.UNIT_HEAD, "IT", None)]),
        "steward": make_persona(amal, "steward", unit="VAF", roles=[]),
        "manager": make_persona(amal, "manager", unit="VAF", roles=[]),
        "steward_buf": make_persona(amal, "steward_buf", unit="BUF", roles=[]),
    }
    return personas | extra


@pytest.fixture
def systems(people, make_system):
    """A VAF system (steward, ansvarig chef, a user group whose contact is the VAF employee, and
    a consumer group whose contact is the steward), and a BUF system with its own steward."""
    vaf = make_system(
        "VAF",
        name="Hemtjänstplanering",
        system_steward=people["steward"].person,
        responsible_manager=people["manager"].person,
    )
    system_services.user_group_create(
        actor=None, system=vaf, kind="user", description="Hemtjänstpersonal", contact=people["employee_vaf"].person
    )
    system_services.user_group_create(
        actor=None, system=vaf, kind="consumer", description="Brukare", contact=people["steward"].person
    )
    system_services.user_group_create(actor=None, system=vaf, kind="user", description="Utan kontakt")
    buf = make_system("BUF", name="Elevregister", system_steward=people["steward_buf"].person)
    return {"vaf": vaf, "buf": buf}
