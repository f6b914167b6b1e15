"""The two commands and the demo around them: the port the demo prints is the port it runs on,
and the demo data can start afresh without reinstalling (issue 9, item 25)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
MAKE = shutil.which("make")

needs_make = pytest.mark.skipif(MAKE is None, reason="make saknas")


def dry_run(*args: str) -> list[str]:
    """The commands `make` would run, without running them."""
    result = subprocess.run([MAKE, "-n", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.splitlines()


def test_the_demo_loader_prints_the_port_it_is_given(db):
    out = StringIO()
    call_command("load_demo", port=8123, stdout=out)
    assert "http://127.0.0.1:8123/" in out.getvalue()
    assert ":8000" not in out.getvalue()


@needs_make
def test_make_run_passes_the_port_to_the_demo_loader_and_the_server():
    commands = dry_run("run", "PORT=8123")
    assert any("load_demo --port 8123" in line for line in commands)
    assert any("runserver 127.0.0.1:8123" in line for line in commands)


@needs_make
def test_make_demo_reset_deletes_the_database_and_uploads_but_keeps_the_virtual_environment(tmp_path):
    commands = dry_run("demo-reset", f"LIS_VAR_DIR={tmp_path}")
    removals = [line for line in commands if line.startswith("rm ")]
    assert any(f"{tmp_path}/lis.sqlite3" in line for line in removals)
    assert any(f"{tmp_path}/media" in line for line in removals)
    assert not any(".venv" in line for line in removals)
    assert any("manage.py migrate" in line for line in commands)
    assert any("load_demo" in line for line in commands)


@needs_make
def test_make_run_serves_the_demo_with_debug_off_and_keys_of_its_own(tmp_path):
    commands = dry_run("run", f"LIS_VAR_DIR={tmp_path}")
    server = next(line for line in commands if "runserver" in line)
    assert "LIS_DEBUG=0" in server and "127.0.0.1:" in server
    assert any(f"{tmp_path}/secret_key" in line for line in commands)
    assert any(f"{tmp_path}/changelog_keys" in line for line in commands)
    assert "LIS_DEBUG=1" in next(line for line in dry_run("run", "LIS_DEBUG=1") if "runserver" in line)


def test_static_files_are_served_with_debug_off(client):
    assert not settings.DEBUG
    response = client.get("/static/lis/lis.css")
    assert response.status_code == 200


def test_the_trial_uses_its_own_keys_under_var_when_they_exist(tmp_path):
    (tmp_path / "secret_key").write_text("s" * 60)
    (tmp_path / "changelog_keys").write_text("trial:" + "k" * 40 + "\n")
    script = "from django.conf import settings as s; print(s.SECRET_KEY[:3], list(s.LIS_CHANGELOG_KEYS), s.DEBUG)"
    env = {"PATH": "/usr/bin:/bin", "LIS_VAR_DIR": str(tmp_path), "LIS_DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "lis.settings.dev"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["sss", "['trial']", "False"]
