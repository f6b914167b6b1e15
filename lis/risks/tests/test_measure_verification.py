"""Issue 9 item 20: a measure due in the past is confirmed first; genomförd needs a comment or an
evidence file, and someone else (the risk owner, the unit's chef or samordnare) verifies it;
unverified completions show as such in the measure lists, the plan and the reports."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lis.classification import services as classification_services
from lis.plans import services as plan_services
from lis.reports.risk_xlsx import MEASURE_SHEET, export_analysis
from lis.risks import services
from lis.risks.models import Measure
from lis.systems import services as system_services

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def vaf(personas, make_system, amal):
    system = make_system(
        responsible_manager=personas["coordinator_vaf"].person, system_steward=personas["employee_vaf"].person
    )
    information_set = system_services.information_set_create(actor=None, system=system, name="Akter")
    classification_services.classification_approve(
        actor=personas["strategist"].user,
        classification=classification_services.classification_save(
            actor=None,
            information_set=information_set,
            levels={"K": "3", "R": "2", "T": "2"},
            motivation="m",
            propose=True,
        ),
    )
    analysis = services.analysis_start(actor=None, unit=amal["units"]["VAF"])
    risk = services.risk_create(
        actor=None,
        analysis=analysis,
        system=system,
        cause="behörigheter tas inte bort",
        event="obehöriga läser personakter",
        consequence_text="sekretess röjs",
        aspects=["K"],
        likelihood=3,
        consequence=3,
        owner=personas["employee_vaf"].person,
    )
    return {"analysis": analysis, "risk": risk, "client": personas["coordinator_vaf"].client()}


def measure_post(vaf, **overrides):
    return {
        "title": "Behörighetsgenomgång varje termin",
        "kind": "administrative",
        "status": "in_progress",
        "due_on": "2027-03-31",
        "risks": [vaf["risk"].pk],
        **overrides,
    }


def create_url(vaf) -> str:
    return reverse("risks:measure_create", args=[vaf["analysis"].pk])


def test_it_asks_before_saving_an_open_measure_due_in_the_past(vaf):
    response = vaf["client"].post(create_url(vaf), measure_post(vaf, due_on="2026-11-01"))
    page = response.content.decode()
    assert response.status_code == 200 and not Measure.objects.exists()
    assert "2026-11-01, har redan passerat" in page and "Spara ändå" in page
    token = re.search(r'name="spara_anda" value="([0-9a-f]+)"', page).group(1)
    response = vaf["client"].post(create_url(vaf), measure_post(vaf, due_on="2026-11-01", spara_anda=token))
    assert response.status_code == 302 and Measure.objects.get().due_on == datetime.date(2026, 11, 1)


def test_it_does_not_ask_for_a_future_date_or_a_completed_measure(vaf):
    assert vaf["client"].post(create_url(vaf), measure_post(vaf)).status_code == 302
    done = measure_post(vaf, status="done", due_on="2026-10-01", completion_note="Genomgången gjord i oktober.")
    assert vaf["client"].post(create_url(vaf), done).status_code == 302


def test_it_refuses_genomford_without_a_comment_or_evidence_and_writes_nothing(vaf):
    response = vaf["client"].post(create_url(vaf), measure_post(vaf, status="done"))
    assert response.status_code == 200 and not Measure.objects.exists()
    assert "Beskriv hur åtgärden är genomförd eller bifoga underlag" in response.content.decode()
    assert response.context["form"].errors["completion_note"]


def test_it_keeps_evidence_under_its_own_name_and_gives_it_back_as_an_attachment(vaf, settings):
    assert 'enctype="multipart/form-data"' in vaf["client"].get(create_url(vaf)).content.decode()
    evidence = SimpleUploadedFile("protokoll genomgång.pdf", PDF, content_type="application/pdf")
    response = vaf["client"].post(create_url(vaf), measure_post(vaf, status="done", evidence=evidence))
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert measure.evidence.name.startswith("measures/") and "protokoll" not in measure.evidence.name
    assert (measure.evidence_name, measure.evidence_type) == ("protokoll genomgång.pdf", "pdf")
    download = vaf["client"].get(reverse("risks:measure_evidence", args=[measure.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content == PDF


def test_it_refuses_evidence_that_is_not_a_document_and_stores_nothing(vaf, settings):
    fake = SimpleUploadedFile("protokoll.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = vaf["client"].post(create_url(vaf), measure_post(vaf, status="done", evidence=fake))
    assert response.status_code == 200 and not Measure.objects.exists()
    assert "inte en PDF" in response.content.decode()
    media = settings.MEDIA_ROOT / "measures"
    assert not media.exists() or not any(media.iterdir())


def test_it_lets_someone_else_verify_a_completion_but_not_the_one_who_completed_it(vaf, personas):
    owner = personas["employee_vaf"]
    vaf["client"].post(create_url(vaf), measure_post(vaf, responsible=owner.person.pk))
    measure = Measure.objects.get()
    # The åtgärdsansvarig (also the risk owner) reports it genomförd, with a comment.
    response = owner.client().post(
        reverse("risks:measure_status", args=[measure.pk]),
        {"status": "done", "completion_note": "Alla behörigheter är genomgångna och tio är borttagna."},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.completed_by == owner.user and measure.awaits_verification
    listing = owner.client().get(reverse("risks:measure_list")).content.decode()
    assert "Ej verifierad" in listing and reverse("risks:measure_verify", args=[measure.pk]) not in listing

    refused = owner.client().post(reverse("risks:measure_verify", args=[measure.pk]), follow=True)
    assert "kan inte verifiera den själv" in refused.content.decode()
    measure.refresh_from_db()
    assert measure.verified_at is None

    vaf["client"].post(reverse("risks:measure_verify", args=[measure.pk]))  # the unit's samordnare
    measure.refresh_from_db()
    assert measure.verified_by == personas["coordinator_vaf"].user and not measure.awaits_verification


def test_it_takes_back_a_verification_when_the_completion_changes(vaf, personas):
    measure = services.measure_save(
        actor=personas["coordinator_vaf"].user,
        analysis=vaf["analysis"],
        risks=[vaf["risk"]],
        title="Behörighetsgenomgång",
        kind="administrative",
        status="done",
        completion_note="Gjort.",
    )
    assert not services.measure_verify(actor=personas["employee_vaf"].user, measure=measure).awaits_verification
    services.measure_set_status(
        actor=personas["coordinator_vaf"].user, measure=measure, status="done", completion_note="Gjort igen, bättre."
    )
    measure.refresh_from_db()
    assert measure.verified_at is None and measure.awaits_verification


def test_it_shows_unverified_completions_in_the_lists_the_plan_and_the_report(vaf, personas, amal):
    done = measure_post(vaf, status="done", completion_note="Genomgången gjord.")
    vaf["client"].post(create_url(vaf), done)
    measure = Measure.objects.get()
    listing = vaf["client"].get(reverse("risks:measure_list")).content.decode()
    assert "Ej verifierad" in listing and "Genomgången gjord." in listing
    owner_view = personas["employee_vaf"].client().get(reverse("risks:measure_list")).content.decode()
    assert reverse("risks:measure_verify", args=[measure.pk]) in owner_view
    plan = plan_services.plan_start(actor=None, unit=amal["units"]["VAF"])
    sections = plan_services.plan_content(plan)["sections"]
    statuses = {m["title"]: m["status_name"] for section in sections for m in section.get("measures", [])}
    assert statuses == {measure.title: "Genomförd, ej verifierad"}
    export = export_analysis(user=personas["coordinator_vaf"].user, analysis=vaf["analysis"])
    sheet = openpyxl.load_workbook(io.BytesIO(export.content))[MEASURE_SHEET]
    assert "Genomförd, ej verifierad" in {cell.value for row in sheet.iter_rows() for cell in row}

    services.measure_verify(actor=personas["employee_vaf"].user, measure=measure)
    assert Measure.objects.get().status_label == "Genomförd"


@pytest.mark.parametrize(("persona", "status"), [("unit_head_buf", 404), ("board_member_bun", 404), ("hr", 404)])
def test_it_keeps_evidence_and_verification_to_those_who_see_the_measure(vaf, personas, persona, status):
    evidence = SimpleUploadedFile("protokoll.pdf", PDF, content_type="application/pdf")
    vaf["client"].post(create_url(vaf), measure_post(vaf, status="done", evidence=evidence))
    measure = Measure.objects.get()
    client = personas[persona].client()
    assert client.get(reverse("risks:measure_evidence", args=[measure.pk])).status_code == status
    assert client.post(reverse("risks:measure_verify", args=[measure.pk])).status_code == status
    measure.refresh_from_db()
    assert measure.verified_at is None


def test_it_refuses_verification_to_someone_who_sees_the_measure_but_may_not_verify(vaf, personas):
    services.measure_save(
        actor=personas["coordinator_vaf"].user,
        analysis=vaf["analysis"],
        risks=[vaf["risk"]],
        title="Loggkontroll",
        kind="administrative",
        status="done",
        completion_note="Gjord.",
    )
    measure = Measure.objects.get()
    response = personas["it_manager"].client().post(reverse("risks:measure_verify", args=[measure.pk]))
    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.verified_at is None


def test_it_keeps_and_serves_evidence_under_the_extension_of_its_detected_type(vaf):
    evidence = SimpleUploadedFile("protokoll.docx", PDF, content_type="application/octet-stream")
    assert vaf["client"].post(create_url(vaf), measure_post(vaf, status="done", evidence=evidence)).status_code == 302
    measure = Measure.objects.get()
    assert (measure.evidence_name, measure.evidence_type) == ("protokoll.pdf", "pdf")
    assert measure.evidence.name.startswith("measures/") and measure.evidence.name.endswith(".pdf")
    download = vaf["client"].get(reverse("risks:measure_evidence", args=[measure.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="protokoll.pdf"'


def test_it_refuses_evidence_with_macros_as_a_field_error_and_stores_nothing(vaf, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    evidence = SimpleUploadedFile("protokoll.docx", buffer.getvalue(), content_type="application/octet-stream")
    response = vaf["client"].post(create_url(vaf), measure_post(vaf, status="done", evidence=evidence))
    assert response.status_code == 200 and not Measure.objects.exists()
    assert "Dokumentet innehåller makron" in response.context["form"].errors["evidence"][0]
    media = settings.MEDIA_ROOT / "measures"
    assert not media.exists() or not any(media.iterdir())
