"""Risks and measures through the API: every persona × own and other unit reads what the risk and
measure pages show, with the list pages' filters, and the åtgärdsansvarig reports their measure's
status through `risks.services.measure_set_status` as on the status page."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.organisation.tests.test_access_matrix import ALL
from lis.risks import services
from lis.risks.models import Measure
from lis.risks.tests.test_access_matrix import analysis_data  # noqa: F401  (the risk pages' matrix data)

FIELDS = {"cause": "c", "event": "e", "consequence_text": "k", "aspects": ["K"], "likelihood": 3, "consequence": 3}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0), tick=True):
        yield


@pytest.fixture
def data(analysis_data, amal, make_system, personas):  # noqa: F811
    """The risk pages' BUF analysis, and a VAF one with a risk and an overdue measure of the
    coordinator's."""
    vaf_system = make_system(unit="VAF", name="Socialtjänstsystem")
    vaf = services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 2, 1))
    vaf_risk = services.risk_create(actor=None, analysis=vaf, system=vaf_system, **FIELDS)
    vaf_measure = services.measure_save(
        actor=None,
        analysis=vaf,
        risks=[vaf_risk],
        title="Logga åtkomst",
        kind="technical",
        status="in_progress",
        responsible=personas["coordinator_vaf"].person,
        due_on=datetime.date(2026, 11, 1),
    )
    return {**analysis_data, "vaf_risk": vaf_risk, "vaf_measure": vaf_measure}


RISKS = ("risk", "vaf_risk")
MEASURES = ("measure", "vaf_measure")


def _page(data, persona: str, url: str) -> int:
    return data["personas"][persona].client().get(url).status_code


@pytest.mark.parametrize(("key", "persona"), [(k, p) for k in RISKS for p in ALL])
def test_it_reads_a_risk_exactly_as_the_page(data, api_client, key, persona):
    risk = data[key]
    expected = _page(data, persona, reverse("risks:risk_detail", args=[risk.pk]))
    response = api_client(data["personas"][persona].user, scope="read").get(f"/api/v1/risks/{risk.pk}/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["level"]["key"] and response.json()["system"]["id"] == risk.system_id


@pytest.mark.parametrize("persona", ALL)
def test_it_lists_the_risks_the_page_lists(data, api_client, persona):
    page = data["personas"][persona].client().get(reverse("risks:risk_list"))
    assert page.status_code == 200
    listed = {risk.pk for risk in page.context["page"].object_list}
    api = api_client(data["personas"][persona].user, scope="read").get("/api/v1/risks/?page_size=200")
    assert api.status_code == 200
    assert {row["id"] for row in api.json()["results"]} == listed


@pytest.mark.parametrize(("key", "persona"), [(k, p) for k in MEASURES for p in ALL])
def test_it_reads_a_measure_exactly_as_the_pages(data, api_client, key, persona):
    measure = data[key]
    client = api_client(data["personas"][persona].user, scope="read")
    response = client.get(f"/api/v1/measures/{measure.pk}/")
    listed = measure.pk in {row["id"] for row in client.get("/api/v1/measures/").json()["results"]}
    page = data["personas"][persona].client().get(reverse("risks:measure_list"))
    assert listed == (measure.pk in {m.pk for m in page.context["page"].object_list})
    assert response.status_code == (200 if listed else 404)


@pytest.mark.parametrize("query", ["forsenad=1", "mina=1", "enhet={VAF}", "enhet={BUF}"])
@pytest.mark.parametrize("persona", ["strategist", "coordinator_vaf", "employee_vaf", "unit_head_buf"])
def test_it_filters_measures_like_the_list_page(data, amal, api_client, persona, query):
    units = {key: amal["units"][key].pk for key in ("VAF", "BUF")}
    page_query = query.format(**units)
    api_query = page_query.replace("forsenad", "overdue").replace("mina", "mine").replace("enhet", "unit")
    page = data["personas"][persona].client().get(reverse("risks:measure_list") + "?" + page_query)
    response = api_client(data["personas"][persona].user, scope="read").get("/api/v1/measures/?" + api_query)
    assert response.status_code == page.status_code
    if page.status_code == 200:
        assert {row["id"] for row in response.json()["results"]} == {m.pk for m in page.context["page"].object_list}
        assert all(row["overdue"] for row in response.json()["results"]) or "overdue" not in api_query


def test_it_marks_an_overdue_measure(data, api_client):
    row = api_client(data["personas"]["coordinator_vaf"].user).get(f"/api/v1/measures/{data['vaf_measure'].pk}/")
    assert row.json()["overdue"] is True and row.json()["responsible"]["name"] == str(
        data["personas"]["coordinator_vaf"].person
    )


@pytest.mark.parametrize(("key", "persona"), [(k, p) for k in MEASURES for p in ALL])
def test_it_reports_a_measures_status_exactly_as_the_page(data, api_client, key, persona):
    measure = data[key]
    expected = _page(data, persona, reverse("risks:measure_status", args=[measure.pk]))
    user = data["personas"][persona].user
    response = api_client(user).post(
        f"/api/v1/measures/{measure.pk}/status/",
        {"status": "done", "completion_note": "MFA påslaget för alla konton."},
        format="json",
    )
    assert response.status_code == expected
    measure.refresh_from_db()
    assert (measure.status == "done") == (expected == 200)
    if expected == 200:
        assert measure.completed_by == user
        assert response.json()["completed_by"]["name"] == str(data["personas"][persona].person)
        entry = ChangeLogEntry.objects.filter(object_type="risks.measure", action="update").latest("sequence")
        assert entry.user == user


def test_the_responsible_person_reports_their_own_measure(data, api_client):
    """The employee is åtgärdsansvarig of a BUF measure: they report it but do not see the analysis."""
    client = api_client(data["personas"]["employee_vaf"].user)
    response = client.post(f"/api/v1/measures/{data['measure'].pk}/status/", {"status": "in_progress"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert client.get("/api/v1/measures/?mine=1").json()["results"][0]["id"] == data["measure"].pk


@pytest.mark.parametrize(
    ("language", "field", "body", "message"),
    [
        (
            "sv",
            "completion_note",
            {"status": "done"},
            "Beskriv hur åtgärden är genomförd eller bifoga underlag innan den markeras som genomförd.",
        ),
        ("sv", "status", {"status": "klar"}, "Välj en status ur listan."),
        ("en", "status", {"status": "klar"}, "Choose a status from the list."),
    ],
)
def test_it_rejects_a_bad_status_report_and_writes_nothing(data, api_client, language, field, body, message):
    measure = data["vaf_measure"]
    client = api_client(data["personas"]["coordinator_vaf"].user, language=language)
    client.get("/api/v1/parties/")  # the token's first use of the day writes its event
    before = ChangeLogEntry.objects.count()
    response = client.post(f"/api/v1/measures/{measure.pk}/status/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    measure.refresh_from_db()
    assert measure.status == "in_progress" and ChangeLogEntry.objects.count() == before


def test_it_answers_404_for_an_invisible_scope_like_the_page(data, amal, api_client):
    client = api_client(data["personas"]["coordinator_vaf"].user, scope="read")
    assert client.get(f"/api/v1/risks/?unit={amal['units']['BUF'].pk}").status_code == 404
    assert client.get(f"/api/v1/risks/?analysis={data['analysis'].pk}").status_code == 404
    assert client.get(f"/api/v1/measures/?unit={amal['units']['BUF'].pk}").status_code == 404
    assert client.get(f"/api/v1/risks/?system={data['vaf_risk'].system_id}").json()["results"][0]["id"] == (
        data["vaf_risk"].pk
    )


@pytest.mark.parametrize("rows", [5, 30])
def test_it_lists_in_a_flat_number_of_queries(data, api_client, django_assert_max_num_queries, personas, rows):
    analysis = data["analysis"]
    for i in range(rows):
        risk = services.risk_create(
            actor=None, analysis=analysis, system=data["buf"], owner=personas["hr"].person, **FIELDS
        )
        services.measure_save(
            actor=None,
            analysis=analysis,
            risks=[risk],
            title=f"Åtgärd {i}",
            kind="technical",
            status="done",
            completion_note="klart",
            responsible=personas["unit_head_buf"].person,
        )
    Measure.objects.update(completed_by=personas["strategist"].user, verified_by=personas["administrator"].user)
    client = api_client(personas["unit_head_buf"].user, scope="read")
    client.get("/api/v1/parties/")
    with django_assert_max_num_queries(9):
        risks = client.get("/api/v1/risks/?page_size=200").json()["results"]
    with django_assert_max_num_queries(9):
        measures = client.get("/api/v1/measures/?page_size=200").json()["results"]
    assert len(risks) == rows + 2 and len(measures) == rows + 1
