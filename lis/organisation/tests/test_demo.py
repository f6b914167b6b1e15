"""The demo dataset: invented, idempotent, and never in production."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from lis.core.models import ChangeLogEntry, User
from lis.organisation.demo import load_demo
from lis.organisation.models import Person, Role, RoleAssignment


def test_it_loads_invented_people_for_every_role_and_changes_nothing_the_second_time(db):
    logins = load_demo()
    assert {"strateg", "admin", "hr", "medarbetare"} <= {username for username, _ in logins}
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    assert not Person.objects.exclude(email__endswith="@demo.invalid").exists()
    counts = (Person.objects.count(), User.objects.count(), ChangeLogEntry.objects.count())
    load_demo()
    assert (Person.objects.count(), User.objects.count(), ChangeLogEntry.objects.count()) == counts


def test_it_refuses_to_load_demo_data_with_production_settings(db, settings):
    settings.LIS_ENVIRONMENT = "production"
    with pytest.raises(ImproperlyConfigured, match="produktion"):
        load_demo()
    assert not Person.objects.exists()


def test_the_command_prints_how_to_log_in(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "demo-lis-2026" in out and "strateg" in out and "påhittade" in out
