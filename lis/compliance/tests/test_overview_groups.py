"""The Efterlevnad page at a large kommun (issue 16): the rules run once per change and are kept
(lis.core.rules.current_results), and the findings of one requirement in one förvaltning are listed up to
SHOWN_PER_GROUP, the rest counted with a link that lists them all."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.compliance import views
from lis.core import rules
from lis.core.rules import Finding
from lis.risks import services as risk_services


@pytest.fixture(autouse=True)
def _fresh():
    rules.forget_results()
    yield
    rules.forget_results()


@pytest.fixture
def overdue_measures(amal):
    analysis = risk_services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 3, 1))
    for index in range(views.SHOWN_PER_GROUP + 3):
        risk_services.measure_save(
            actor=None,
            analysis=analysis,
            risks=[],
            title=f"Försenad åtgärd {index}",
            kind="technical",
            aspects=["T"],
            status="in_progress",
            due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
        )
    return analysis


def _lines(page: str) -> int:
    return page.count("Brist nummer")


def test_it_lists_a_few_findings_per_requirement_and_unit_and_all_on_request(personas, amal, monkeypatch):
    vaf = amal["units"]["VAF"]
    many = [Finding(message=f"Brist nummer {n}", unit=vaf) for n in range(views.SHOWN_PER_GROUP + 3)]
    monkeypatch.setattr(rules, "_RULES", {**rules._RULES, "POL-3.31": [*rules._RULES["POL-3.31"], lambda: many]})
    client = personas["strategist"].client()
    page = client.get(reverse("compliance:overview")).content.decode()
    assert _lines(page) == views.SHOWN_PER_GROUP
    assert f"{views.SHOWN_PER_GROUP} av {views.SHOWN_PER_GROUP + 3} avvikelser visas." in page
    start = page.index("?visa=")
    link = page[start : page.index('"', start)].replace("&amp;", "&")
    full = client.get(reverse("compliance:overview") + link.split("#")[0]).content.decode()
    assert _lines(full) == views.SHOWN_PER_GROUP + 3


def test_the_rules_run_once_until_something_changes(personas, overdue_measures):
    client = personas["strategist"].client()
    url = reverse("compliance:overview")
    client.get(url)
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    risk_services.measure_save(
        actor=None,
        analysis=overdue_measures,
        risks=[],
        title="Ännu en försenad åtgärd",
        kind="technical",
        aspects=["T"],
        status="in_progress",
        due_on=datetime.date(2026, 2, 1),
    )
    with CaptureQueriesContext(connection) as changed:
        page = client.get(url).content.decode()
    assert len(again) < len(changed)  # kept: no rule's query ran the second time
    assert "Kontrollerat kl." in page
