"""The dry run of an LMS import runs on the worker (issue 15, item 5: imports of thousands of rows
never hold a web worker): the review address queues it and shows the job page until it is done,
the job page then sends its owner back to the review, which is rendered from the stored result
and says when it was made. Others never see it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lis.core import jobs
from lis.core.models import BackgroundJob
from lis.training import lms, services
from lis.training.models import Completion

Status = BackgroundJob.Status
DONE_ON = "2024-05-02"  # a day in the past, whatever day the tests run


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def awareness(db):
    return services.course_create(actor=None, name="Informationssäkerhet", code="IS-GRUND", kind="awareness")


@pytest.fixture
def queue(settings):
    """After the call, jobs go on the real database queue (django-tasks-db), not run at once."""

    def on() -> None:
        settings.LIS_JOBS_BACKEND = "database"

    return on


def _csv(*rows: tuple[str, str, str]) -> bytes:
    lines = [("E-post", "Kurskod", "Genomförd"), *rows]
    return ("\ufeff" + "\r\n".join(";".join(r) for r in lines) + "\r\n").encode()


def _uploaded(client, data: bytes) -> str:
    response = client.post(reverse("training:import"), {"file": SimpleUploadedFile("lms.csv", data)})
    assert response.status_code == 302
    return response.url.rstrip("/").rsplit("/", 1)[1]


def _review_url(token: str) -> str:
    return reverse("training:import_review", args=[token])


def _queued_review(client, data: bytes, queue) -> tuple[str, BackgroundJob]:
    token = _uploaded(client, data)
    queue()
    response = client.get(_review_url(token))
    job = BackgroundJob.objects.get(kind=lms.REVIEW_JOB)
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    return token, job


def test_it_runs_the_dry_run_on_the_worker_and_shows_the_review_from_its_result(personas, awareness, queue):
    client = personas["hr"].client()
    token, job = _queued_review(client, _csv(("employee_vaf@test.invalid", "IS-GRUND", DONE_ON)), queue)
    assert job.status == Status.QUEUED and job.params["token"] == token
    assert not Completion.objects.exists()
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "Granskning av importen av genomförda utbildningar" in page and "I kö" in page

    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == Status.DONE and job.progress == 100
    back = f"{_review_url(token)}?jobb={job.pk}"
    # The job page sends its owner to the review: a redirect, or HX-Redirect while polling.
    assert client.get(reverse("core:job", args=[job.pk]))["Location"] == back
    polled = client.get(reverse("core:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == back

    review = client.get(back)
    text = review.content.decode()
    assert review.status_code == 200
    assert "1 rad lästes." in text and "Nya: 1. Redan registrerade: 0." in text
    assert "Ny genomförd utbildning" in text and DONE_ON in text and "employee_vaf@test.invalid" in text
    assert "Genomför importen" in text and f'value="{token}"' in text
    assert "Granskningen gjordes" in text and "Fil: lms.csv" in text
    assert not Completion.objects.exists()  # a dry run writes nothing
    assert BackgroundJob.objects.filter(kind=lms.REVIEW_JOB).count() == 1


def test_it_shows_the_prepared_review_even_when_others_have_written_since(personas, awareness, queue):
    # The review the job page sends the person to is the one prepared, with its errors, not a new
    # dry run that would send them back to wait.
    client = personas["hr"].client()
    rows = [("employee_vaf@test.invalid", "IS-GRUND", DONE_ON), ("employee_vaf@test.invalid", "IS-NY", DONE_ON)]
    token, job = _queued_review(client, _csv(*rows), queue)
    jobs.run_job.call(job.pk)
    services.course_create(actor=None, name="Ny kurs", code="IS-NY", kind="awareness")

    text = client.get(f"{_review_url(token)}?jobb={job.pk}").content.decode()
    assert "Filen kan inte importeras" in text and "Rad 3: Kurskod: ingen kurs har koden IS-NY." in text
    assert "Ladda upp en rättad fil" in text and "Genomför importen" not in text
    assert BackgroundJob.objects.filter(kind=lms.REVIEW_JOB).count() == 1
    # Without the job's number, the review is of the data as it is now: a new dry run.
    assert client.get(_review_url(token)).status_code == 302
    assert BackgroundJob.objects.filter(kind=lms.REVIEW_JOB).count() == 2


def test_it_never_shows_another_persons_prepared_review(personas, awareness, queue):
    data = _csv(("employee_vaf@test.invalid", "IS-GRUND", DONE_ON))
    owner = personas["hr"].client()
    token, job = _queued_review(owner, data, queue)
    jobs.run_job.call(job.pk)
    other = personas["strategist"].client()
    mine = _uploaded(other, data)
    assert other.get(f"{_review_url(token)}?jobb={job.pk}").status_code == 404  # the upload is not theirs
    # An administrator may look at the job (to help) but is not sent to the owner's review.
    page = personas["administrator"].client().get(reverse("core:job", args=[job.pk]))
    assert page.status_code == 200 and "Arbetet är klart." in page.content.decode()
    # A forged number falls back to a dry run of the person's own upload.
    assert other.get(f"{_review_url(mine)}?jobb={job.pk}").status_code == 302
    assert BackgroundJob.objects.filter(kind=lms.REVIEW_JOB, requested_by=personas["strategist"].user).exists()


def test_the_dry_run_job_rechecks_that_the_person_may_import(personas, awareness):
    # The view refuses a chef who is not HR; a dry run queued for one (as if their role was
    # removed after they uploaded) is refused by the worker too.
    user = personas["unit_head_buf"].user
    token = lms.PENDING.store(_csv(("employee_vaf@test.invalid", "IS-GRUND", DONE_ON)), user=user, filename="l.csv")
    job = jobs.request_document(user=user, kind=lms.REVIEW_JOB, params={"token": token})
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.error_message == "Bara HR, säkerhetsstrategen och administratörer importerar från lärplattformen."
    page = personas["unit_head_buf"].client().get(reverse("core:job", args=[job.pk])).content.decode()
    assert "Arbetet kunde inte slutföras" in page and "Försök igen" in page
