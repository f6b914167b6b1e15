"""Analyses, handlingsplaner and Efterlevnad through the API (read only): every persona × own and
other unit sees exactly what the pages show, in a flat number of queries."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from lis.core import access
from lis.organisation.tests.test_access_matrix import ALL
from lis.plans import services as plan_services
from lis.plans.models import ActionPlan
from lis.risks import services as risk_services

FIELDS = {"cause": "c", "event": "e", "consequence_text": "k", "aspects": ["K"], "likelihood": 3, "consequence": 3}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0), tick=True):
        yield


@pytest.fixture
def data(personas, amal, make_system):
    buf_system = make_system(unit="BUF", name="Skolplattform")
    stewarded = make_system(unit="BUF", name="Elevhälsa", system_steward=personas["employee_vaf"].person)
    vaf_system = make_system(unit="VAF", name="Socialtjänstsystem")
    analyses = {}
    for key, systems in (("BUF", [buf_system, stewarded]), ("VAF", [vaf_system])):
        analysis = risk_services.analysis_start(
            actor=None, unit=amal["units"][key], started_on=datetime.date(2026, 2, 1)
        )
        for system in systems:
            risk = risk_services.risk_create(actor=None, analysis=analysis, system=system, **FIELDS)
            risk_services.measure_save(
                actor=None,
                analysis=analysis,
                risks=[risk],
                title="Åtgärd",
                kind="technical",
                status="not_started",
                due_on=datetime.date(2026, 6, 1),
            )
        analyses[key] = analysis
    plans = {key: plan_services.plan_start(actor=None, unit=amal["units"][key]) for key in ("BUF", "VAF")}
    ActionPlan.objects.filter(pk=plans["BUF"].pk).update(status=ActionPlan.Status.FOR_DECISION)
    plan_services.plan_decide(
        actor=None,
        plan=plans["BUF"],
        board=amal["units"]["BUF"].governing_board,
        meeting_date=datetime.date(2026, 11, 20),
        paragraph=12,
        diary_number="2026-00031",
        render_pdf=lambda plan, content, decision: b"%PDF-1.7 test",
    )
    return {"analyses": analyses, "plans": plans, "personas": personas, "amal": amal}


def _page(data, persona: str, url: str) -> int:
    return data["personas"][persona].client().get(url).status_code


CASES = [(unit, persona) for unit in ("BUF", "VAF") for persona in ALL]
IDS = [f"{u}-{p}" for u, p in CASES]


@pytest.mark.parametrize(("unit", "persona"), CASES, ids=IDS)
def test_it_reads_an_analysis_exactly_as_the_page(data, api_client, unit, persona):
    analysis = data["analyses"][unit]
    expected = _page(data, persona, reverse("risks:analysis_detail", args=[analysis.pk]))
    client = api_client(data["personas"][persona].user, scope="read")
    response = client.get(f"/api/v1/analyses/{analysis.pk}/")
    assert response.status_code == expected
    listed = {row["id"] for row in client.get("/api/v1/analyses/").json()["results"]}
    assert (analysis.pk in listed) == (expected == 200)
    if expected == 200:
        body = response.json()
        assert "risks" not in body and body["unit"]["id"] == analysis.unit_id
        page = (
            data["personas"][persona]
            .client()
            .get(reverse("risks:analysis_detail", args=[analysis.pk]) + "?flik=risker")
        )
        assert body["risk_count"] == page.context["page"].paginator.count
        assert body["measure_count"] == body["overdue_count"]  # every measure is due 2026-06-01


def test_the_systemforvaltare_counts_only_the_risks_they_see(data, api_client):
    body = api_client(data["personas"]["employee_vaf"].user).get(f"/api/v1/analyses/{data['analyses']['BUF'].pk}/")
    assert body.json()["risk_count"] == 1 and body.json()["measure_count"] == 1


@pytest.mark.parametrize(("unit", "persona"), CASES, ids=IDS)
def test_it_reads_a_plan_exactly_as_the_page(data, api_client, unit, persona):
    plan = data["plans"][unit]
    expected = _page(data, persona, reverse("plans:plan_detail", args=[plan.pk]))
    client = api_client(data["personas"][persona].user, scope="read")
    response = client.get(f"/api/v1/plans/{plan.pk}/")
    assert response.status_code == expected
    listed = {row["id"] for row in client.get("/api/v1/plans/").json()["results"]}
    assert (plan.pk in listed) == (expected == 200)
    if expected == 200:
        body = response.json()
        assert body["period"]["name"] == str(plan.period)
        if unit == "BUF":
            assert body["status"] == "decided" and body["decided_version"] == 1
            assert body["decision"]["meeting_date"] == "2026-11-20" and body["decision"]["paragraph"] == 12
            assert body["decision"]["board"]["id"] == data["amal"]["units"]["BUF"].governing_board_id
        else:
            assert body["status"] == "draft" and body["decision"] is None


@pytest.mark.parametrize("persona", ALL)
def test_it_shows_compliance_exactly_as_the_page(data, api_client, persona):
    page = data["personas"][persona].client().get(reverse("compliance:overview"))
    response = api_client(data["personas"][persona].user, scope="read").get("/api/v1/compliance/")
    assert response.status_code == page.status_code
    if page.status_code != 200:
        assert response.json()["detail"]
        return
    body = response.json()
    assert body["met_count"] == page.context["met_count"]
    assert body["checked_count"] == page.context["checked_count"]
    on_page = sorted(
        (group.requirement.id, str(finding.message), finding.unit.pk if finding.unit else None, finding.link)
        for _unit, groups in page.context["by_unit"]
        for group in groups
        for finding in group.findings
    )
    # The page lists a few findings per requirement and unit (the API all): here there are few.
    assert all(group.total == len(group.findings) for _unit, groups in page.context["by_unit"] for group in groups)
    in_api = sorted(
        (row["requirement"], finding["message"], finding["unit"]["id"] if finding["unit"] else None, finding["link"])
        for row in body["results"]
        for finding in row["findings"]
    )
    assert in_api == on_page
    assert {row["requirement"] for row in body["results"] if not row["checked"]} == {
        result.requirement.id for result in page.context["unchecked"]
    }


def test_it_shows_a_unit_its_own_findings_only(data, api_client):
    p = access.principal_for(data["personas"]["coordinator_vaf"].user)
    body = api_client(data["personas"]["coordinator_vaf"].user).get("/api/v1/compliance/").json()
    units = {f["unit"]["id"] for row in body["results"] for f in row["findings"] if f["unit"]}
    assert units and all(p.can_view_unit(data["amal"]["units"]["VAF"].__class__.objects.get(pk=pk)) for pk in units)
    assert data["amal"]["units"]["BUF"].pk not in units


@pytest.mark.parametrize("rows", [2, 6])
def test_it_lists_analyses_and_plans_in_a_flat_number_of_queries(
    data, amal, api_client, django_assert_max_num_queries, rows
):
    for index in range(rows):
        period_start = datetime.date(2010 - 4 * index, 2, 1)
        with time_machine.travel(datetime.datetime.combine(period_start, datetime.time(10)), tick=False):
            risk_services.analysis_start(actor=None, unit=amal["units"]["BUF"], started_on=period_start)
    client = api_client(data["personas"]["strategist"].user, scope="read")
    client.get("/api/v1/parties/")
    with django_assert_max_num_queries(8):
        analyses = client.get("/api/v1/analyses/?page_size=200").json()["results"]
    with django_assert_max_num_queries(8):
        plans = client.get("/api/v1/plans/?page_size=200").json()["results"]
    assert len(analyses) == rows + 2 and len(plans) == 2
