"""Fixtures of the staff tests: the policy's personas plus the chefs the exception flow needs.

VAF gets a förvaltningschef (chef_vaf), and an enhet under VAF gets its own enhetschef
(chef_enhet) with one medarbetare (employee_enhet): the enhetschef's own chef is chef_vaf."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lis.conftest import make_persona
from lis.organisation import services as org_services
from lis.organisation.models import OrgUnit, Role

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=STOCKHOLM)
TODAY = NOW.date()


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def people(now, amal, personas):
    enhet = org_services.unit_create(
        actor=None, name="Bygglovsenheten", short_name="BYGG", kind=OrgUnit.Kind.UNIT, parent=amal["units"]["VAF"]
    )
    amal["units"]["BYGG"] = enhet
    extra = {
        "chef_vaf": make_persona(amal, "chef_vaf", unit="VAF", roles=[(Role.UNIT_HEAD, "VAF", None)]),
        "chef_enhet": make_persona(amal, "chef_enhet", unit="BYGG", roles=[(Role.UNIT_HEAD, "BYGG", None)]),
        "employee_enhet": make_persona(amal, "employee_enhet", unit="BYGG", roles=[]),
        "employee_buf": make_persona(amal, "employee_buf", unit="BUF", roles=[]),
    }
    return {**personas, **extra}
