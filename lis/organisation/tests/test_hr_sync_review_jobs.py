"""The dry run of an inläsning from the HR system runs on the worker (issue 15, item 5: files of
thousands of people never hold a web worker): the review address queues it (with whether people
missing from the file end) and shows the job page until it is done, the job page then sends its
owner back to the review, which is rendered from the stored result and says when it was made.
Others never see it, and it keeps no name of a person with skyddad identitet."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lis.core import jobs
from lis.core.models import BackgroundJob
from lis.organisation import hr_sync, services
from lis.organisation.models import Person

Status = BackgroundJob.Status
HEADER = "Anställningsnummer;Förnamn;Efternamn;E-post;Enhetskod;Chef;Slutdatum;Skyddad identitet"
CECILIA = "2003;Cecilia;Ceder;cecilia@test.invalid;BUF-100;2001;;"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def anna(amal):
    return services.person_create(
        actor=None,
        first_name="Anna",
        last_name="Andersson",
        email="anna@test.invalid",
        unit=amal["units"]["VAF"],
        employee_number="2001",
    )


@pytest.fixture
def queue(settings):
    """After the call, jobs go on the real database queue (django-tasks-db), not run at once."""

    def on() -> None:
        settings.LIS_JOBS_BACKEND = "database"

    return on


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _uploaded(client, data: bytes, **extra) -> str:
    """The review's address (with ?slut=1 when people missing from the file are to end)."""
    response = client.post(reverse("organisation:hr_sync"), {"file": SimpleUploadedFile("hr.csv", data), **extra})
    assert response.status_code == 302
    return response.url


def _token(url: str) -> str:
    return url.split("?")[0].rstrip("/").rsplit("/", 1)[1]


def _queued_review(client, data: bytes, queue, **extra) -> tuple[str, BackgroundJob]:
    url = _uploaded(client, data, **extra)
    queue()
    response = client.get(url)
    job = BackgroundJob.objects.get(kind=hr_sync.REVIEW_JOB)
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    return url, job


def test_it_runs_the_dry_run_on_the_worker_and_shows_the_review_from_its_result(personas, anna, queue):
    client = personas["hr"].client()
    url, job = _queued_review(client, _csv(CECILIA), queue, end_missing="on")
    assert url.endswith("?slut=1")
    assert job.status == Status.QUEUED
    assert job.params == {"token": _token(url), "end_missing": True, "_access": job.params["_access"]}
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "Granskning av inläsningen från HR-systemet" in page and "I kö" in page

    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == Status.DONE and job.progress == 100
    back = f"{url}&jobb={job.pk}"  # the review keeps ?slut=1
    # The job page sends its owner to the review: a redirect, or HX-Redirect while polling.
    assert client.get(reverse("core:job", args=[job.pk]))["Location"] == back
    polled = client.get(reverse("core:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == back

    review = client.get(back)
    text = review.content.decode()
    assert review.status_code == 200
    assert "Personer från HR-systemet: 1 nya, 0 ändrade, 1 slutar" in text
    assert "Personer som saknas i filen avslutas." in text and "Saknas i filen" in text
    assert "Cecilia Ceder" in text and "Chef: – → 2001" in text
    assert "Genomför inläsningen" in text and 'name="end_missing" value="1"' in text
    assert "Granskningen gjordes" in text and "Fil: hr.csv" in text
    # A dry run writes nothing.
    assert not Person.objects.filter(employee_number="2003").exists()
    anna.refresh_from_db()
    assert anna.ended_on is None
    assert BackgroundJob.objects.filter(kind=hr_sync.REVIEW_JOB).count() == 1


def test_it_shows_the_prepared_review_even_when_others_have_written_since(personas, anna, queue):
    client = personas["hr"].client()
    url, job = _queued_review(client, _csv(CECILIA), queue, end_missing="on")
    jobs.run_job.call(job.pk)
    services.person_update(actor=None, person=anna, first_name="Annika")
    assert client.get(f"{url}&jobb={job.pk}").status_code == 200
    assert BackgroundJob.objects.filter(kind=hr_sync.REVIEW_JOB).count() == 1
    # Whether people missing from the file end is part of the review: without ?slut=1 it is another.
    assert client.get(f"{url.split('?')[0]}?jobb={job.pk}").status_code == 302
    assert not BackgroundJob.objects.get(kind=hr_sync.REVIEW_JOB, pk__gt=job.pk).params["end_missing"]
    # Without the job's number, the review is of the data as it is now: a new dry run.
    assert client.get(url).status_code == 302
    assert BackgroundJob.objects.filter(kind=hr_sync.REVIEW_JOB).count() == 3


def test_it_never_shows_another_persons_prepared_review_nor_keeps_protected_names(personas, anna, queue):
    owner = personas["hr"].client()
    url, job = _queued_review(owner, _csv(CECILIA, "2005;Hemlig;Hemligsson;hemlig@test.invalid;BUF-100;;;ja"), queue)
    jobs.run_job.call(job.pk)
    stored = bytes(BackgroundJob.objects.values_list("result", flat=True).get(pk=job.pk)).decode()
    assert "Skyddad person (ny)" in stored and "Cecilia" in stored
    for secret in ("Hemlig", "hemlig@"):
        assert secret not in stored
    other = personas["administrator"].client()  # who may read HR files too
    assert other.get(f"{url}?jobb={job.pk}").status_code == 404  # the upload is not theirs
    # An administrator may look at the job (to help) but is not sent to the owner's review.
    page = other.get(reverse("core:job", args=[job.pk]))
    assert page.status_code == 200 and "Arbetet är klart." in page.content.decode()
    # A forged number falls back to a dry run of the person's own upload.
    mine = _uploaded(other, _csv(CECILIA))
    assert other.get(f"{mine}?jobb={job.pk}").status_code == 302
    assert BackgroundJob.objects.filter(kind=hr_sync.REVIEW_JOB, requested_by=personas["administrator"].user).exists()


def test_the_dry_run_job_rechecks_that_the_person_may_read_hr_files(personas, anna):
    # The view refuses a samordnare; a dry run queued for one (as if their HR role was removed
    # after they uploaded) is refused by the worker too.
    user = personas["coordinator_vaf"].user
    token = hr_sync.PENDING.store(_csv(CECILIA), user=user, filename="hr.csv")
    job = jobs.request_document(user=user, kind=hr_sync.REVIEW_JOB, params={"token": token, "end_missing": False})
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.error_message == "Bara administratörer och HR läser in personer från HR-systemet."
    page = personas["coordinator_vaf"].client().get(reverse("core:job", args=[job.pk])).content.decode()
    assert "Arbetet kunde inte slutföras" in page and "Försök igen" in page
