"""The LMS import is applied by the worker (issue 15, item 5): the apply starts a job whose page
tells what was registered, or why nothing was; only its owner (and administrators) see it."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lis.core import jobs
from lis.core.models import BackgroundJob, ChangeLogEntry
from lis.training import lms, services
from lis.training.models import Completion

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def awareness(db):
    return services.course_create(actor=None, name="Informationssäkerhet", code="IS-GRUND", kind="awareness")


def _csv(rows) -> bytes:
    return ("\ufeff" + "\r\n".join(";".join(r) for r in [["E-post", "Kurskod", "Genomförd"], *rows]) + "\r\n").encode()


def _uploaded(client, data: bytes) -> str:
    response = client.post(reverse("training:import"), {"file": SimpleUploadedFile("lms.csv", data)})
    assert response.status_code == 302
    return response.url.rstrip("/").rsplit("/", 1)[1]


def test_it_applies_the_import_as_a_job_and_shows_what_it_did(personas, awareness):
    client = personas["hr"].client()
    token = _uploaded(client, _csv([["employee_vaf@test.invalid", "IS-GRUND", "2026-11-01"]]))
    response = client.post(reverse("training:import_apply"), {"token": token})
    job = BackgroundJob.objects.get(kind=lms.APPLY_JOB)
    assert response.status_code == 302 and response.url == reverse("core:job", args=[job.pk])
    assert job.status == BackgroundJob.Status.DONE and job.requested_by == personas["hr"].user
    page = client.get(response.url).content.decode()
    assert "Import av genomförda utbildningar" in page
    assert "Importen är genomförd: 1 ny genomförd utbildning." in page and "Fil: lms.csv" in page
    assert Completion.objects.get().person == personas["employee_vaf"].person
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404
    # Only the owner and administrators see the job.
    for key in ("strategist", "unit_head_buf", "employee_vaf"):
        assert personas[key].client().get(response.url).status_code == 404, key
    assert personas["administrator"].client().get(response.url).status_code == 200


def test_a_refused_file_writes_nothing_and_the_job_page_says_why(personas, awareness):
    client = personas["hr"].client()
    token = _uploaded(client, _csv([["employee_vaf@test.invalid", "IS-GRUND", "2026-11-01"]]))
    # Valid at the review; the stored file is then swapped for one naming an unknown course.
    data_path, _meta = lms.PENDING._paths(token)
    data_path.write_bytes(_csv([["employee_vaf@test.invalid", "OKAND", "2026-11-01"]]))
    before = ChangeLogEntry.objects.count()
    response = client.post(reverse("training:import_apply"), {"token": token})
    page = client.get(response.url).content.decode()
    assert "Importen genomfördes inte. Inget har ändrats." in page and "Rad 2" in page
    assert not Completion.objects.exists() and ChangeLogEntry.objects.count() == before


def test_the_job_checks_the_access_again_when_it_runs(personas, awareness):
    user = personas["unit_head_buf"].user
    token = lms.PENDING.store(
        _csv([["employee_vaf@test.invalid", "IS-GRUND", "2026-11-01"]]), user=user, filename="lms.csv"
    )
    job = jobs.request_document(user=user, kind=lms.APPLY_JOB, params={"token": token})
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.error_message == "Bara HR, säkerhetsstrategen och administratörer importerar från lärplattformen."
    assert not Completion.objects.exists()
