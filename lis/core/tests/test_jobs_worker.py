"""The real worker (issue 15, items 5 and 7): `manage.py worker` in a process of its own works the
database queue (django-tasks-db), and a job whose worker is killed in the middle of it is
finished by the next worker. On SQLite the test database (in memory) is copied to a file the
worker can open and read back from it; on PostgreSQL the worker uses the test database."""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.conf import settings
from django.db import connection

from lis.core import jobs
from lis.core.models import BackgroundJob, User

ROOT = Path(settings.BASE_DIR)
Status = BackgroundJob.Status
pytestmark = pytest.mark.django_db(transaction=True)


def gated_builder(*, user, params, progress):
    """Waits, reporting progress, until the file params["gate"] exists; then the document."""
    gate = Path(params["gate"])
    while not gate.exists():
        progress(10, "Väntar på grinden")
        time.sleep(0.05)
    return jobs.Document(content=b"genom grinden", filename="grind.txt", content_type="text/plain")


jobs.register_document("test.gated", gated_builder, label="Grinddokument")

# The worker process: the settings of the tests, the gated kind registered as above, then the
# real `manage.py worker` on the database queue.
WORKER_SCRIPT = """
import sys, django
django.setup()
from lis.core.tests.test_jobs_worker import gated_builder  # registers "test.gated"
from django.core.management import call_command
call_command("worker", *sys.argv[1:])
"""


class Database:
    """Where the worker process finds the test's data, and how the test reads a job back."""

    def __init__(self, tmp_path: Path):
        self.sqlite_file = tmp_path / "worker.sqlite3" if connection.vendor == "sqlite" else None

    def hand_over(self) -> str:
        """The DATABASE_URL for the worker, with everything written so far."""
        if self.sqlite_file is None:
            s = connection.settings_dict
            user, password = quote(s["USER"] or "", safe=""), quote(s["PASSWORD"] or "", safe="")
            return f"postgres://{user}:{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        connection.ensure_connection()
        target = sqlite3.connect(self.sqlite_file)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{self.sqlite_file}"

    def job(self, pk: int) -> dict:
        if self.sqlite_file is None:
            return BackgroundJob.objects.values().get(pk=pk)
        with sqlite3.connect(self.sqlite_file, timeout=20) as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT * FROM core_backgroundjob WHERE id = ?", (pk,)).fetchone()
            return dict(row)


def start_worker(url: str, *args: str) -> subprocess.Popen:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "lis.settings.test",
        "DATABASE_URL": url,
        "LIS_VAR_DIR": os.environ.get("LIS_VAR_DIR", str(ROOT / "var")),
        "LIS_JOBS_BACKEND": "database",
        "LIS_JOBS_HEARTBEAT_SECONDS": "0.5",
    }
    command = [sys.executable, "-c", WORKER_SCRIPT, "--backend", "database", "--no-reload", "--no-startup-delay"]
    return subprocess.Popen(  # noqa: S603 - our own worker
        [*command, "--interval", "0.1", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def wait_for(predicate, *, seconds: float = 60, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if process is not None and process.poll() is not None:
            raise AssertionError(process.stdout.read().decode(errors="replace")[-3000:])
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def queue(settings):
    settings.LIS_JOBS_BACKEND = "database"


def test_a_real_worker_builds_the_register_export_from_the_database_queue(personas, make_system, queue, tmp_path):
    make_system(name="Ekonomisystemet")
    job = jobs.request_document(user=personas["strategist"].user, kind="register_xlsx", params={"unit": None})
    assert job.status == Status.QUEUED
    database = Database(tmp_path)
    worker = start_worker(database.hand_over(), "--batch")
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output.decode(errors="replace")[-3000:]
    row = database.job(job.pk)
    assert row["status"] == Status.DONE, row["error_message"]
    assert row["progress"] == 100 and row["result_filename"].startswith("forteckning-kommun-")
    sheet = openpyxl.load_workbook(io.BytesIO(bytes(row["result"])))["Del 1 – Systemförteckning"]
    assert "Ekonomisystemet" in [cell.value for cell in sheet["B"]]


def test_a_job_survives_its_worker_being_killed_in_the_middle(amal, queue, tmp_path):
    user = User.objects.create_user(username="bestallare", password="x" * 20)
    gate = tmp_path / "grind"
    job = jobs.request_document(user=user, kind="test.gated", params={"gate": str(gate)})
    database = Database(tmp_path)
    url = database.hand_over()

    first = start_worker(url)
    try:
        row = wait_for(
            lambda: (r := database.job(job.pk))["status"] == Status.RUNNING and r["progress"] == 10 and r, process=first
        )
        assert row["attempts"] == 1 and row["worker"].endswith(f":{first.pid}")
        # The heartbeat thread keeps writing signs of life while the builder works.
        beat = row["heartbeat_at"]
        wait_for(lambda: database.job(job.pk)["heartbeat_at"] != beat, seconds=10, process=first)
    finally:
        first.send_signal(signal.SIGKILL)  # no clean shutdown: the job is left "running"
        first.wait(timeout=10)
    assert database.job(job.pk)["status"] == Status.RUNNING

    gate.touch()
    second = start_worker(url)
    try:
        row = wait_for(lambda: (r := database.job(job.pk))["status"] == Status.DONE and r, process=second)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=10)
    assert row["attempts"] == 2 and row["worker"].endswith(f":{second.pid}")
    assert bytes(row["result"]) == b"genom grinden" and row["progress"] == 100


@pytest.mark.skipif(shutil.which("make") is None, reason="make saknas")
def test_make_run_starts_the_worker_beside_the_server_and_stops_it_with_the_server():
    result = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S607
    script = result.stdout
    assert "manage.py worker --no-reload & worker=$!" in script
    assert "trap 'kill $worker" in script and "EXIT" in script
    assert script.index("manage.py worker") < script.index("manage.py runserver")
