"""Issue 13: the demo register has platforms, consultations and user-group contacts."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from lis.systems.models import InformationSystem, Platform, UserGroup

TODAY = datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)


@pytest.fixture
def demo_data(db, amal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=False):
        call_command("load_demo", stdout=StringIO())
        yield


def test_the_demo_has_platforms_procurement_and_contacts(demo_data):
    assert Platform.objects.filter(name="Microsoft SQL Server").exists()
    assert Platform.objects.filter(kind="device", devices_in_use__gt=0).count() >= 3
    assert Platform.objects.filter(lifecycle="phase_out", systems__isnull=False).exists()
    assert InformationSystem.objects.filter(it_consulted_on__isnull=False).count() >= 5
    assert InformationSystem.objects.filter(status="procurement", it_consulted_on__isnull=True).exists()
    assert UserGroup.objects.filter(contact__user__username="medarbetare").exists()
    assert UserGroup.objects.filter(contact__isnull=False).count() >= 3
