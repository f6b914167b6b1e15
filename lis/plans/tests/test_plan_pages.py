"""Handlingsplan pages: draft → för beslut → beslutad with its PDF/A, a new version, side-by-side
comparison and follow-up; and who may do what."""

from __future__ import annotations

import datetime
import io
import re

import pypdf
import pytest
import time_machine
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.organisation.tests.test_access_matrix import ALL
from lis.plans import services
from lis.plans.models import ActionPlan

TODAY = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)
FILLED = {
    "digitalisation_needs": "E-tjänst för skolval.",
    "administrative_measures": "Rutin för behörigheter.",
    "technical_measures": "Tvåfaktorsinloggning.",
    "timeline": "Klart under 2026.",
}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def plan(amal):
    return services.plan_start(actor=None, unit=amal["units"]["BUF"])


def _decision(**overrides):
    return {"meeting_date": "2026-11-20", "paragraph": "12", "diary_number": "2026-00031", **overrides}


def test_a_unit_takes_its_plan_from_draft_to_decided_and_followed_up(plan, personas):
    client = personas["unit_head_buf"].client()
    url = reverse("plans:plan_detail", args=[plan.pk])
    client.post(reverse("plans:plan_edit", args=[plan.pk]), {"digitalisation_needs": "E-tjänster"})
    response = client.post(reverse("plans:plan_submit", args=[plan.pk]), follow=True)
    assert "Dessa avsnitt är tomma: Behov av administrativa åtgärder" in response.content.decode()
    assert ActionPlan.objects.get(pk=plan.pk).status == "draft"

    client.post(reverse("plans:plan_edit", args=[plan.pk]), FILLED)
    client.post(reverse("plans:plan_submit", args=[plan.pk]))
    assert ActionPlan.objects.get(pk=plan.pk).status == "for_decision"
    board = plan.unit.governing_board_id
    response = client.post(reverse("plans:plan_decide", args=[plan.pk]), {"board": board, **_decision()})
    assert response.status_code == 302
    plan.refresh_from_db()
    version = plan.versions.get()
    assert plan.status == "decided" and version.decision.diary_number == "2026-00031"

    pdf = client.get(reverse("plans:version_pdf", args=[version.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Barn- och utbildningsförvaltningen" in text and "2026-00031" in text and "E-tjänst för skolval." in text
    assert b"<pdfaid:part>3</pdfaid:part>" in reader.xmp_metadata.stream.get_data()  # PDF/A-3
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]

    client.post(reverse("plans:plan_edit", args=[plan.pk]), {**FILLED, "digitalisation_needs": "Ny e-tjänst."})
    plan.refresh_from_db()
    assert (plan.status, plan.version) == ("draft", 2)
    compare = client.get(reverse("plans:plan_compare", args=[plan.pk]) + "?a=1&b=2").content.decode()
    assert "E-tjänst för skolval." in compare and "Ny e-tjänst." in compare and "ändrat" in compare

    response = client.post(
        reverse("plans:follow_up_create", args=[plan.pk]),
        {"followed_up_on": "2026-11-27", "board": board, **_decision(meeting_date="2026-11-27", paragraph="40")},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert plan.follow_ups.count() == 1
    assert "Uppföljning 2026-11-27" in client.get(url + "?flik=uppfoljning").content.decode()


def test_it_rejects_a_malformed_decision_and_freezes_nothing(plan, personas):
    services.plan_update(actor=None, plan=plan, sections=FILLED)
    services.plan_submit(actor=None, plan=plan)
    client = personas["unit_head_buf"].client()
    before = ChangeLogEntry.objects.count()
    response = client.post(
        reverse("plans:plan_decide", args=[plan.pk]),
        {"board": plan.unit.governing_board_id, **_decision(diary_number="31/2026")},
    )
    assert response.status_code == 200 and "diary_number" in response.context["form"].errors
    assert not plan.versions.exists() and ChangeLogEntry.objects.count() == before


READERS = {"strategist": 200, "administrator": 200, "it_manager": 200, "unit_head_buf": 200, "board_member_bun": 200}
MANAGERS = {"strategist": 200, "administrator": 200, "unit_head_buf": 200, "it_manager": 403, "board_member_bun": 403}
PAGES = {
    "list": (lambda plan: reverse("plans:plan_list"), 200, dict.fromkeys(ALL, 200)),
    "start": (
        lambda plan: reverse("plans:plan_start"),
        403,
        {"strategist": 200, "administrator": 200, "unit_head_buf": 200, "coordinator_vaf": 200},
    ),
    "detail": (lambda plan: reverse("plans:plan_detail", args=[plan.pk]), 404, READERS),
    "history": (lambda plan: reverse("plans:plan_detail", args=[plan.pk]) + "?flik=historik", 404, READERS),
    "edit": (lambda plan: reverse("plans:plan_edit", args=[plan.pk]), 404, MANAGERS),
    "draft_pdf": (lambda plan: reverse("plans:plan_draft_pdf", args=[plan.pk]), 404, READERS),
}
CASES = [(page, persona) for page in PAGES for persona in ALL]


@pytest.mark.parametrize(("page", "persona"), CASES, ids=[f"{p}-{q}" for p, q in CASES])
def test_it_grants_exactly_what_the_matrix_says(plan, personas, page, persona):
    url, default, grants = PAGES[page]
    response = personas[persona].client().get(url(plan))
    assert response.status_code == grants.get(persona, default)


@pytest.mark.parametrize("persona", ["coordinator_vaf", "board_member_bun", "it_manager", "employee_vaf"])
def test_it_refuses_plan_writes_through_the_pages(plan, personas, persona):
    client = personas[persona].client()
    before = ChangeLogEntry.objects.count()
    responses = [
        client.post(reverse("plans:plan_edit", args=[plan.pk]), FILLED),
        client.post(reverse("plans:plan_submit", args=[plan.pk])),
    ]
    assert all(r.status_code in (403, 404) for r in responses)
    assert ChangeLogEntry.objects.count() == before
