"""The access matrix for the risk analysis: persona × page (POL-2.3). A unit's analysis is read by
the unit, its nämnd and the kommun-wide roles, and by whoever is named on one of its systems."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.organisation.tests.test_access_matrix import ALL
from lis.risks import services
from lis.risks.models import Measure, Risk, SecurityAnalysis


@pytest.fixture
def analysis_data(personas, amal, make_system):
    buf = make_system(unit="BUF", name="Skolplattform")
    stewarded = make_system(unit="BUF", name="Elevhälsa", system_steward=personas["employee_vaf"].person)
    analysis = services.analysis_start(actor=None, unit=amal["units"]["BUF"], started_on=datetime.date(2026, 2, 1))
    fields = {"cause": "c", "event": "e", "consequence_text": "k", "aspects": ["K"], "likelihood": 3, "consequence": 3}
    risk = services.risk_create(actor=None, analysis=analysis, system=buf, **fields)
    services.risk_create(actor=None, analysis=analysis, system=stewarded, **fields)
    measure = services.measure_save(
        actor=None,
        analysis=analysis,
        risks=[risk],
        title="Inför MFA",
        kind="technical",
        status="not_started",
        responsible=personas["employee_vaf"].person,
        due_on=datetime.date(2026, 6, 1),
    )
    return {"analysis": analysis, "risk": risk, "measure": measure, "buf": buf, "personas": personas}


READERS_ALL = {"strategist": 200, "administrator": 200, "it_manager": 200}
BUF_READERS = {**READERS_ALL, "unit_head_buf": 200, "board_member_bun": 200}
BUF_MANAGERS = {
    "strategist": 200,
    "administrator": 200,
    "unit_head_buf": 200,
    "it_manager": 403,
    "board_member_bun": 403,
}


def _analysis(name: str, query: str = ""):
    return lambda d: reverse(name, args=[d["analysis"].pk]) + query


PAGES = {
    "list": (lambda d: reverse("risks:analysis_list"), 200, dict.fromkeys(ALL, 200)),
    "start": (
        lambda d: reverse("risks:analysis_start"),
        403,
        {"strategist": 200, "administrator": 200, "unit_head_buf": 200, "coordinator_vaf": 200},
    ),
    # The employee is systemförvaltare of a BUF system and works on its risks.
    **{
        f"analysis_{tab}": (
            _analysis("risks:analysis_detail", f"?flik={tab}"),
            404,
            {**BUF_READERS, "employee_vaf": 200},
        )
        for tab in ("oversikt", "risker", "atgarder", "historik")
    },
    "threats": (_analysis("risks:threat_catalogue"), 404, {**BUF_READERS, "employee_vaf": 200}),
    "xlsx": (_analysis("reports:analysis_xlsx"), 404, {**BUF_READERS, "employee_vaf": 200}),
    "pdf": (_analysis("reports:analysis_pdf"), 404, {**BUF_READERS, "employee_vaf": 200}),
    "edit": (_analysis("risks:analysis_edit"), 404, {**BUF_MANAGERS, "employee_vaf": 403}),
    "risk_new": (_analysis("risks:risk_create"), 404, {**BUF_MANAGERS, "employee_vaf": 200}),
    "measure_new": (_analysis("risks:measure_create"), 404, {**BUF_MANAGERS, "employee_vaf": 403}),
    "risk": (lambda d: reverse("risks:risk_detail", args=[d["risk"].pk]), 404, BUF_READERS),
    "risk_edit": (lambda d: reverse("risks:risk_edit", args=[d["risk"].pk]), 404, BUF_MANAGERS),
    # The åtgärdsansvarig sees their measure and reports its status, but does not rewrite it.
    "measure_edit": (
        lambda d: reverse("risks:measure_edit", args=[d["measure"].pk]),
        404,
        {**BUF_MANAGERS, "employee_vaf": 403},
    ),
    "measure_status": (
        lambda d: reverse("risks:measure_status", args=[d["measure"].pk]),
        404,
        {**BUF_MANAGERS, "employee_vaf": 200},
    ),
    "heat_map": (lambda d: reverse("risks:heat_map"), 200, dict.fromkeys(ALL, 200)),
    "heat_map_unit": (lambda d: reverse("risks:heat_map") + f"?enhet={d['buf'].unit_id}", 404, BUF_READERS),
    "heat_map_system": (lambda d: reverse("risks:heat_map") + f"?system={d['buf'].pk}", 404, BUF_READERS),
    "risk_list": (lambda d: reverse("risks:risk_list") + "?s=3&k=3", 200, dict.fromkeys(ALL, 200)),
    "measure_list": (lambda d: reverse("risks:measure_list") + "?forsenad=1", 200, dict.fromkeys(ALL, 200)),
    "system_risks": (
        lambda d: reverse("systems:system_detail", args=[d["buf"].pk]) + "?flik=risker",
        404,
        BUF_READERS,
    ),
}
CASES = [(page, persona) for page in PAGES for persona in ALL]


@pytest.mark.parametrize(("page", "persona"), CASES, ids=[f"{p}-{q}" for p, q in CASES])
def test_it_grants_exactly_what_the_matrix_says(analysis_data, page, persona):
    url, default, grants = PAGES[page]
    response = analysis_data["personas"][persona].client().get(url(analysis_data))
    expected = grants.get(persona, default)
    assert response.status_code == expected, f"{persona} got {response.status_code} on {page}, expected {expected}"


@pytest.mark.parametrize("persona", ["coordinator_vaf", "board_member_bun", "it_manager", "employee_vaf"])
def test_it_refuses_writes_without_authority(analysis_data, persona):
    client = analysis_data["personas"][persona].client()
    analysis, risk, measure = analysis_data["analysis"], analysis_data["risk"], analysis_data["measure"]
    before = ChangeLogEntry.objects.count()
    responses = [
        client.post(reverse("risks:analysis_complete", args=[analysis.pk])),
        client.post(reverse("risks:analysis_edit", args=[analysis.pk]), {"started_on": "2026-02-02"}),
        client.post(reverse("risks:risk_edit", args=[risk.pk]), {"likelihood": "1", "consequence": "1"}),
        client.post(reverse("risks:measure_edit", args=[measure.pk]), {"title": "X", "kind": "technical"}),
        client.post(reverse("risks:measure_create", args=[analysis.pk]), {"title": "X", "kind": "technical"}),
        client.post(reverse("risks:risk_delete", args=[risk.pk])),
        client.post(reverse("risks:measure_delete", args=[measure.pk])),
    ]
    assert all(r.status_code in (403, 404) for r in responses), [r.status_code for r in responses]
    assert ChangeLogEntry.objects.count() == before
    assert SecurityAnalysis.objects.get(pk=analysis.pk).status == "ongoing"
    assert Risk.objects.get(pk=risk.pk).likelihood == 3
    assert Measure.objects.get().title == "Inför MFA"


def test_it_lets_a_named_steward_see_only_their_systems_risks(analysis_data):
    client = analysis_data["personas"]["employee_vaf"].client()
    content = client.get(reverse("risks:analysis_detail", args=[analysis_data["analysis"].pk]) + "?flik=risker")
    html = content.content.decode()
    assert "Elevhälsa" in html and "Skolplattform" not in html
