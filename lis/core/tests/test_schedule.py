"""The worker's schedule (lis.core.jobs.register_schedule, `manage.py worker`): reminders and
legal incident deadlines run on their own, each at its interval, and one failing run does not
stop the others."""

from __future__ import annotations

import threading

import pytest

from lis.core import jobs
from lis.core.management.commands import worker


@pytest.fixture
def own_schedule(monkeypatch):
    monkeypatch.setattr(jobs, "_SCHEDULE", {})
    return jobs


def test_the_apps_put_reminders_and_legal_deadlines_on_the_schedule():
    names = {item.name: item.every_seconds for item in jobs.schedule()}
    assert names == {"reminders": 15 * 60, "legal_reminders": 5 * 60, "incident_deadlines": 5 * 60}


def test_the_worker_runs_each_item_when_due_and_survives_a_failure(own_schedule, monkeypatch, db):
    runs: list[str] = []
    stopped = threading.Event()

    def broken():
        runs.append("broken")
        raise RuntimeError("SMTP down")

    def reminders():
        runs.append("reminders")
        if runs.count("reminders") == 2:
            stopped.set()

    own_schedule.register_schedule("broken", 0, broken)
    own_schedule.register_schedule("reminders", 0, reminders)
    monkeypatch.setattr(worker.threading.Event, "wait", lambda self, timeout=None: self.is_set())
    worker._run_schedule(stopped)
    assert runs.count("reminders") == 2 and runs.count("broken") == 2


def test_an_item_is_not_run_again_before_its_interval(own_schedule, monkeypatch, db):
    runs: list[str] = []
    stopped = threading.Event()
    rounds = iter(range(3))
    own_schedule.register_schedule("hourly", 3600, lambda: runs.append("hourly"))

    def wait(self, timeout=None):
        if next(rounds, None) is None:
            self.set()
        return self.is_set()

    monkeypatch.setattr(worker.threading.Event, "wait", wait)
    worker._run_schedule(stopped)
    assert runs == ["hourly"]
