"""The continuity plan and the routines through their pages: printing for an outage, uploads
checked by content, Markdown that cannot carry script, and who may do what."""

from __future__ import annotations

import datetime
import io
import re

import pypdf
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lis.conftest import make_persona
from lis.core.models import ChangeLogEntry
from lis.organisation.tests.test_access_matrix import ALL
from lis.plans import services
from lis.plans.models import Routine

TODAY = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def it_plan(amal, personas):
    plan = services.continuity_plan_create(actor=None, owner_unit=amal["units"]["IT"], title="Handlingsplan IT")
    manager = personas["it_manager"].person
    manager.phone = "0532-170 00"
    manager.save()
    services.continuity_contact_save(actor=None, plan=plan, person=manager, role="IT-chef")
    return plan


def test_the_it_manager_fills_the_plan_and_prints_it_for_an_outage(it_plan, personas):
    client = personas["it_manager"].client()
    url = reverse("plans:continuity_detail", args=[it_plan.pk])
    response = client.post(
        reverse("plans:continuity_edit", args=[it_plan.pk]),
        {"title": it_plan.title, "review_due": "2027-11-01", "activation_conditions": "Avbrott över 4 timmar."},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("plans:continuity_step_create", args=[it_plan.pk]),
        {
            "section": "initial_activities",
            "order": "1",
            "text": "Larma IT-jouren",
            "responsible": personas["it_manager"].person.pk,
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Larma IT-jouren" in page and "0532-170 00" in page and "Avbrott över 4 timmar." in page
    pdf = client.get(reverse("plans:continuity_pdf", args=[it_plan.pk]))
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Larma IT-jouren" in text and "0532-170 00" in text and "Nästa granskning: 2027-11-01" in text
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]


def test_a_protected_contacts_name_and_phone_are_not_printed(it_plan, personas, amal):
    hidden = make_persona(amal, "skyddad", unit="IT", roles=[], protected=True).person
    hidden.phone = "070-000 00 00"
    hidden.save()
    services.continuity_contact_save(actor=None, plan=it_plan, person=hidden, role="Drifttekniker")
    page = personas["it_manager"].client().get(reverse("plans:continuity_detail", args=[it_plan.pk])).content.decode()
    assert "070-000 00 00" not in page and "Skyddad person" in page


def test_it_refuses_a_routine_upload_that_is_not_a_document(amal, personas):
    services.routines_ensure_required()
    routine = Routine.objects.get(key="incident_reporting")
    client = personas["strategist"].client()
    before = ChangeLogEntry.objects.count()
    fake = SimpleUploadedFile("rutin.pdf", b"MZ\x90\x00 program", content_type="application/pdf")
    response = client.post(reverse("plans:routine_edit", args=[routine.pk]), {"version": "1", "file": fake})
    assert response.status_code == 200
    assert "inte en PDF" in response.content.decode()
    assert ChangeLogEntry.objects.count() == before


def test_a_written_routine_is_shown_without_script(amal, personas):
    client = personas["coordinator_vaf"].client()
    response = client.post(
        reverse("plans:routine_create"),
        {
            "name": "Lokal rutin",
            "owner_unit": amal["units"]["VAF"].pk,
            "content": "## Syfte\n<script>alert(1)</script>[klicka](javascript:alert(2)) **viktigt**",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    article = re.search(r'<article class="routine-content">(.*?)</article>', page, re.S)[1]
    assert "<h2>Syfte</h2>" in article and "<strong>viktigt</strong>" in article
    assert "<script" not in article and "javascript:" not in article
    assert "<script>alert" not in page  # the history shows what was written, escaped


def test_every_employee_reads_the_routines_list_with_the_eight_required(personas):
    page = personas["employee_vaf"].client().get(reverse("plans:routine_list")).content.decode()
    assert page.count("Ej framtagen") == 8


CONTINUITY_READERS = {"strategist": 200, "administrator": 200, "it_manager": 200}
PAGES = {
    "continuity_list": (lambda d: reverse("plans:continuity_list"), 200, dict.fromkeys(ALL, 200)),
    "continuity": (lambda d: reverse("plans:continuity_detail", args=[d.pk]), 404, CONTINUITY_READERS),
    "continuity_pdf": (lambda d: reverse("plans:continuity_pdf", args=[d.pk]), 404, CONTINUITY_READERS),
    "continuity_edit": (
        lambda d: reverse("plans:continuity_edit", args=[d.pk]),
        404,
        {"strategist": 200, "administrator": 200, "it_manager": 200},
    ),
    "routines": (lambda d: reverse("plans:routine_list"), 200, dict.fromkeys(ALL, 200)),
    "routine_new": (
        lambda d: reverse("plans:routine_create"),
        403,
        {"strategist": 200, "administrator": 200, "unit_head_buf": 200, "coordinator_vaf": 200},
    ),
}
CASES = [(page, persona) for page in PAGES for persona in ALL]


@pytest.mark.parametrize(("page", "persona"), CASES, ids=[f"{p}-{q}" for p, q in CASES])
def test_it_grants_exactly_what_the_matrix_says(it_plan, personas, page, persona):
    url, default, grants = PAGES[page]
    assert personas[persona].client().get(url(it_plan)).status_code == grants.get(persona, default)


@pytest.mark.parametrize("persona", ["unit_head_buf", "coordinator_vaf", "board_member_bun", "employee_vaf", "hr"])
def test_it_refuses_continuity_and_routine_writes_without_authority(it_plan, personas, persona):
    services.routines_ensure_required()
    client = personas[persona].client()
    routine = Routine.objects.get(key="licence_management")
    before = ChangeLogEntry.objects.count()
    responses = [
        client.post(reverse("plans:continuity_edit", args=[it_plan.pk]), {"title": "X", "review_due": "2027-01-01"}),
        client.post(reverse("plans:routine_edit", args=[routine.pk]), {"name": "X", "version": "9"}),
    ]
    assert all(r.status_code in (403, 404) for r in responses), [r.status_code for r in responses]
    assert ChangeLogEntry.objects.count() == before


def test_it_saves_no_new_routine_when_its_upload_is_refused(amal, personas):
    client = personas["coordinator_vaf"].client()
    before = (Routine.objects.count(), ChangeLogEntry.objects.count())
    for _attempt in range(2):
        fake = SimpleUploadedFile("rutin.pdf", b"MZ\x90\x00 program", content_type="application/pdf")
        response = client.post(
            reverse("plans:routine_create"),
            {"name": "Rutin för loggning", "owner_unit": amal["units"]["VAF"].pk, "file": fake},
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "inte en PDF" in page and 'value="Rutin för loggning"' in page
    assert (Routine.objects.count(), ChangeLogEntry.objects.count()) == before


def test_it_asks_for_the_owning_unit_of_a_new_routine_and_keeps_what_was_typed(amal, personas):
    client = personas["coordinator_vaf"].client()
    before = (Routine.objects.count(), ChangeLogEntry.objects.count())
    response = client.post(
        reverse("plans:routine_create"),
        {"name": "Rutin för loggning", "owner_unit": "", "content": "## Syfte\nAll åtkomst loggas."},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ange vilken förvaltning eller enhet som äger rutinen." in page
    assert 'value="Rutin för loggning"' in page and "All åtkomst loggas." in page
    assert (Routine.objects.count(), ChangeLogEntry.objects.count()) == before


def test_it_shows_a_field_error_for_a_next_review_before_the_last_review(it_plan, personas):
    client = personas["it_manager"].client()
    before = ChangeLogEntry.objects.count()
    response = client.post(
        reverse("plans:continuity_edit", args=[it_plan.pk]),
        {"title": "Handlingsplan IT", "reviewed_on": "2026-11-01", "review_due": "2026-06-01"},
    )
    assert response.status_code == 200
    assert "Nästa granskning ska ligga efter den senaste granskningen." in response.content.decode()
    it_plan.refresh_from_db()
    assert it_plan.reviewed_on is None and ChangeLogEntry.objects.count() == before
