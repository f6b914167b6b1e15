"""The dry run of a register import runs on the worker (issue 15, item 5: imports of thousands of
rows never hold a web worker): the review address queues it and shows the job page until it is
done, the job page then sends its owner back to the review, which is rendered from the stored
result and says when it was made. Others never see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lis.core import jobs
from lis.core.models import BackgroundJob, ChangeLogEntry
from lis.reports import imports, register_xlsx
from lis.systems import services as system_services

from .helpers import edited, export, token_of, upload

Status = BackgroundJob.Status


@pytest.fixture
def queue(settings):
    """After the call, jobs go on the real database queue (django-tasks-db), not run at once
    (the exports the tests edit are made before)."""

    def on() -> None:
        settings.LIS_JOBS_BACKEND = "database"

    return on


def _review_url(token: str) -> str:
    return reverse("reports:register_import_review", args=[token])


def _queued_review(client, content: bytes, queue) -> tuple[str, BackgroundJob]:
    token = token_of(upload(client, content))
    queue()
    response = client.get(_review_url(token))
    job = BackgroundJob.objects.get(kind=imports.REGISTER_IMPORT_REVIEW)
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    return token, job


def test_it_runs_the_dry_run_on_the_worker_and_shows_the_review_from_its_result(register, personas, queue):
    client = personas["coordinator_vaf"].client()
    vaf = register["vaf"]
    content = edited(export(client), {(vaf.pk, "Beskrivning"): "Ny beskrivning"})
    token, job = _queued_review(client, content, queue)
    assert job.status == Status.QUEUED and job.params["token"] == token
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "Granskning av importen till förteckningen över informationssystem" in page and "I kö" in page

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
    assert "Ändras: Beskrivning" in text and "Nya: 0. Ändras: 1." in text
    assert "Genomför importen" in text and "Granskningen gjordes" in text
    assert "Fil: forteckning.xlsx" in text
    vaf.refresh_from_db()
    assert vaf.description != "Ny beskrivning"  # a dry run writes nothing
    assert not ChangeLogEntry.objects.filter(event="import").exists()
    assert BackgroundJob.objects.filter(kind=imports.REGISTER_IMPORT_REVIEW).count() == 1


def test_it_shows_the_prepared_review_even_when_others_have_written_since(register, personas, queue):
    # In a busy kommun the data head moves all the time: the review the job page sends the
    # person to is the one prepared, not a new dry run that would send them back to wait.
    client = personas["coordinator_vaf"].client()
    token, job = _queued_review(client, export(client), queue)
    jobs.run_job.call(job.pk)
    system_services.system_update(actor=personas["strategist"].user, system=register["buf"], description="Ändrad")
    assert client.get(f"{_review_url(token)}?jobb={job.pk}").status_code == 200
    assert BackgroundJob.objects.filter(kind=imports.REGISTER_IMPORT_REVIEW).count() == 1
    # Without the job's number, the review is of the data as it is now: a new dry run.
    assert client.get(_review_url(token)).status_code == 302
    assert BackgroundJob.objects.filter(kind=imports.REGISTER_IMPORT_REVIEW).count() == 2


def test_it_never_shows_another_persons_prepared_review(register, personas, queue, settings):
    owner = personas["strategist"].client()
    token, job = _queued_review(owner, export(owner), queue)
    jobs.run_job.call(job.pk)
    other = personas["coordinator_vaf"].client()
    settings.LIS_JOBS_BACKEND = "default"
    mine = token_of(upload(other, export(other)))
    queue()
    assert other.get(f"{_review_url(token)}?jobb={job.pk}").status_code == 404  # the upload is not theirs
    # An administrator may look at the job (to help) but is not sent to the owner's review.
    page = personas["administrator"].client().get(reverse("core:job", args=[job.pk]))
    assert page.status_code == 200 and "Arbetet är klart." in page.content.decode()
    # A forged number falls back to a dry run of the person's own upload.
    assert other.get(f"{_review_url(mine)}?jobb={job.pk}").status_code == 302
    assert BackgroundJob.objects.filter(
        kind=imports.REGISTER_IMPORT_REVIEW, requested_by=personas["coordinator_vaf"].user
    ).exists()


def test_the_dry_run_job_rechecks_that_the_person_may_import(register, personas):
    # The view refuses an employee without a unit to manage; a dry run queued for one (as if
    # their role was removed after they uploaded) is refused by the worker too.
    employee = personas["employee_vaf"].user
    token = register_xlsx.PENDING.store(export(personas["strategist"].client()), user=employee, filename="x.xlsx")
    job = jobs.request_document(user=employee, kind=imports.REGISTER_IMPORT_REVIEW, params={"token": token})
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.error_message == "Du behöver ansvara för en förvaltning eller ett bolag för att importera system."
    page = personas["employee_vaf"].client().get(reverse("core:job", args=[job.pk])).content.decode()
    assert "Arbetet kunde inte slutföras" in page and "Försök igen" in page
