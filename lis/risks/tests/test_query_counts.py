"""The analysis pages ask the database the same number of times however many risks and measures
there are (the benchmark measures the time on a large kommun)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.risks import services


@pytest.fixture
def grow(amal, make_system, personas):
    analysis = services.analysis_start(actor=None, unit=amal["units"]["BUF"], started_on=datetime.date(2026, 2, 1))
    owner = personas["unit_head_buf"].person

    def add(count: int) -> None:
        for n in range(count):
            system = make_system(unit="BUF", name=f"System {analysis.risks.count()}-{n}")
            risk = services.risk_create(
                actor=None,
                analysis=analysis,
                system=system,
                cause="c",
                event=f"händelse {n}",
                consequence_text="k",
                aspects=["K"],
                likelihood=1 + n % 4,
                consequence=1 + (n * 3) % 4,
                owner=owner,
                residual_likelihood=1,
                residual_consequence=1,
            )
            services.measure_save(
                actor=None,
                analysis=analysis,
                risks=[risk],
                title=f"Åtgärd {n}",
                kind="technical",
                status="not_started",
                responsible=owner,
                due_on=datetime.date(2026, 1, 1),
            )

    return analysis, add


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["strategist", "unit_head_buf"])
def test_the_analysis_pages_do_not_ask_more_with_more_risks(grow, personas, persona):
    analysis, add = grow
    client = personas[persona].client()
    urls = [
        reverse("risks:analysis_list"),
        *(
            reverse("risks:analysis_detail", args=[analysis.pk]) + f"?flik={t}"
            for t in ("oversikt", "risker", "atgarder")
        ),
        reverse("risks:heat_map") + f"?enhet={analysis.unit_id}",
        reverse("risks:risk_list") + "?s=1&k=1",
        reverse("risks:measure_list") + "?forsenad=1",
    ]
    add(2)
    small = {url: _queries(client, url) for url in urls}
    add(8)
    large = {url: _queries(client, url) for url in urls}
    assert small == large
