"""Migration risks 0003: an analysis reported before versions existed keeps its decision as
version 1, with no content or PDF made up."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("risks", "0002_analysis_decision_summary"), ("plans", "0001_initial")]
AFTER = [("risks", "0003_analysis_version")]


@pytest.fixture
def executor():
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())  # the schema the other tests use


@pytest.mark.django_db(transaction=True)
def test_it_gives_a_reported_analysis_a_version_1_with_its_decision(amal, executor):
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    unit = apps.get_model("organisation", "OrgUnit").objects.get(short_name="BUF")
    period = apps.get_model("organisation", "MandatePeriod").objects.create(
        anchor="board", election_year=2022, starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2026, 12, 31)
    )
    decision = apps.get_model("plans", "Decision").objects.create(
        board_id=unit.governing_board_id,
        meeting_date=datetime.date(2026, 11, 10),
        paragraph=42,
        diary_year=2026,
        diary_serial=14,
        subject="Analys",
    )
    analyses = apps.get_model("risks", "SecurityAnalysis").objects
    reported = analyses.create(
        unit=unit, period=period, status="reported", started_on=datetime.date(2026, 2, 1), decision=decision
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    (version,) = apps.get_model("risks", "AnalysisVersion").objects.all()
    assert (version.analysis_id, version.number, version.decision_id) == (reported.pk, 1, decision.pk)
    assert version.content == {} and bytes(version.pdf) == b"" and version.pdf_sha256 == ""
