"""Long documents on the worker (issue 15, item 5): a job's life from queue to file, who may see
it, the cache that gives a finished document at once until the data changes, failures in Swedish
with a retry, and jobs whose worker went away. The real worker process is in test_jobs_worker.py;
here the database queue is worked by calling the task the way the worker does."""

from __future__ import annotations

import datetime
import socket
import subprocess
import sys

import pytest
from django.urls import reverse
from django.utils import timezone

from lis.core import jobs
from lis.core.models import BackgroundJob
from lis.organisation import services as organisation_services

Status = BackgroundJob.Status
CALLS: list[dict] = []
FAILURES: list[Exception] = []


def echo_builder(*, user, params, progress):
    """A document that says who asked and with what; fails with FAILURES[0] while there is one."""
    CALLS.append({"user": user.username, "params": params})
    progress(40, "Halvvägs")
    # The progress is written as the builder goes, for the job page to show.
    job = BackgroundJob.objects.filter(kind="test.echo", status=Status.RUNNING).get()
    assert (job.progress, job.progress_message) == (40, "Halvvägs")
    if FAILURES:
        raise FAILURES.pop(0)
    return jobs.Document(
        content=f"{user.username}:{params}".encode(), filename="eko.txt", content_type="text/plain; charset=utf-8"
    )


jobs.register_document("test.echo", echo_builder, label="Ekodokument")


@pytest.fixture(autouse=True)
def _clean():
    CALLS.clear()
    FAILURES.clear()
    yield
    CALLS.clear()
    FAILURES.clear()


@pytest.fixture
def queue(settings):
    """Documents go on the real database queue (django-tasks-db), not run at once."""
    settings.LIS_JOBS_BACKEND = "database"


def work(job: BackgroundJob) -> BackgroundJob:
    """What the worker does with the job's queued task."""
    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    return job


def test_a_document_is_queued_then_built_by_the_worker_and_offered_on_its_page(personas, queue):
    strategist = personas["strategist"]
    job = jobs.request_document(user=strategist.user, kind="test.echo", params={"n": 1})
    assert job.status == Status.QUEUED and CALLS == []
    task = jobs.run_job.using(backend="database").get_backend().get_result(job.task_id)
    assert task.status.name == "READY" and task.args == [job.pk]

    client = strategist.client()
    page = client.get(reverse("core:job", args=[job.pk]))
    assert page.status_code == 200
    assert "I kö" in page.content.decode() and 'hx-trigger="every 2s"' in page.content.decode()
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404

    job = work(job)
    assert job.status == Status.DONE and job.progress == 100 and job.attempts == 1
    assert job.started_at <= job.finished_at and job.error_message == ""
    page = client.get(reverse("core:job", args=[job.pk]), headers={"HX-Request": "true"})
    text = page.content.decode()
    assert "Dokumentet är klart" in text and "hx-trigger" not in text and "<html" not in text
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download.content == b"strategist:{'n': 1}"
    assert download["Content-Disposition"] == 'attachment; filename="eko.txt"'
    assert download["Cache-Control"] == "no-store"


def test_it_records_what_the_document_was_built_from(personas):
    from lis.core import changelog
    from lis.core.pack import get_pack

    job = jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={})
    assert job.data_head == changelog.data_head()
    assert job.pack_version == get_pack().version
    assert job.built_on == timezone.localdate() and job.language == "sv"
    assert job.requested_by == personas["strategist"].user and job.kind == "test.echo"


def test_the_job_page_polls_its_status_while_the_job_is_unfinished(personas, queue):
    job = jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={})
    client = personas["strategist"].client()
    fragment = client.get(reverse("core:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert f'hx-get="{reverse("core:job", args=[job.pk])}"' in fragment
    assert '<progress id="job-progress' in fragment and "<script" not in fragment


def test_the_job_page_says_when_no_worker_has_started_the_job_within_a_minute(personas, queue, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    job = jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={})
    client = personas["strategist"].client()
    hint = "Ingen arbetsprocess har börjat på jobbet ännu"
    assert hint not in client.get(reverse("core:job", args=[job.pk])).content.decode()
    time_machine.shift(61)
    assert hint in client.get(reverse("core:job", args=[job.pk])).content.decode()


def test_another_person_cannot_see_download_or_retry_your_job(personas, queue):
    job = work(jobs.request_document(user=personas["coordinator_vaf"].user, kind="test.echo", params={}))
    for persona in ("strategist", "employee_vaf", "unit_head_buf"):
        client = personas[persona].client()
        assert client.get(reverse("core:job", args=[job.pk])).status_code == 404
        assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404
        assert client.post(reverse("core:job_retry", args=[job.pk])).status_code == 404
    assert personas["coordinator_vaf"].client().get(reverse("core:job_download", args=[job.pk])).status_code == 200
    assert personas["strategist"].client().get(reverse("core:job", args=[job.pk + 1000])).status_code == 404


def test_an_administrator_may_see_and_download_but_not_rerun_anothers_job(personas, queue):
    FAILURES.append(RuntimeError("boom"))
    failed = work(jobs.request_document(user=personas["coordinator_vaf"].user, kind="test.echo", params={"a": 1}))
    done = work(jobs.request_document(user=personas["coordinator_vaf"].user, kind="test.echo", params={"a": 2}))
    client = personas["administrator"].client()
    assert client.get(reverse("core:job", args=[done.pk])).status_code == 200
    assert client.get(reverse("core:job_download", args=[done.pk])).content == b"coordinator_vaf:{'a': 2}"
    page = client.get(reverse("core:job", args=[failed.pk])).content.decode()
    assert "Dokumentet kunde inte skapas" in page and reverse("core:job_retry", args=[failed.pk]) not in page
    assert client.post(reverse("core:job_retry", args=[failed.pk])).status_code == 404


def test_asking_twice_gives_the_finished_document_at_once(personas):
    user = personas["strategist"].user
    first = jobs.request_document(user=user, kind="test.echo", params={"n": 1})
    again = jobs.request_document(user=user, kind="test.echo", params={"n": 1})
    assert again.pk == first.pk and again.status == Status.DONE
    assert len(CALLS) == 1


def test_asking_again_while_it_is_queued_gives_the_same_job(personas, queue):
    user = personas["strategist"].user
    first = jobs.request_document(user=user, kind="test.echo", params={"n": 1})
    assert jobs.request_document(user=user, kind="test.echo", params={"n": 1}).pk == first.pk
    assert BackgroundJob.objects.count() == 1


def test_a_change_through_a_service_moves_the_data_head_and_the_document_is_built_anew(personas, amal):
    user = personas["strategist"].user
    first = jobs.request_document(user=user, kind="test.echo", params={})
    organisation_services.unit_update(actor=None, unit=amal["units"]["VAF"], name="Vatten och avfall (ny)")
    second = jobs.request_document(user=user, kind="test.echo", params={})
    assert second.pk != first.pk and second.data_head != first.data_head
    assert len(CALLS) == 2
    # The older file is replaced by the newer one; its page points there.
    first.refresh_from_db()
    assert first.result_size is None and jobs.document_of(first) is None
    page = personas["strategist"].client().get(reverse("core:job", args=[first.pk])).content.decode()
    assert "ersatts av en nyare version" in page and reverse("core:job", args=[second.pk]) in page
    # And the newer one is reused until the data moves again.
    assert jobs.request_document(user=user, kind="test.echo", params={}).pk == second.pk


def test_an_event_such_as_a_download_does_not_invalidate_the_cache(personas):
    user = personas["strategist"].user
    first = jobs.request_document(user=user, kind="test.echo", params={})
    personas["strategist"].client().get(reverse("core:job_download", args=[first.pk]))
    assert jobs.request_document(user=user, kind="test.echo", params={}).pk == first.pk


def test_the_cache_is_per_person_parameters_and_day(personas, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC))
    strategist, coordinator = personas["strategist"].user, personas["coordinator_vaf"].user
    jobs.request_document(user=strategist, kind="test.echo", params={"n": 1})
    jobs.request_document(user=coordinator, kind="test.echo", params={"n": 1})
    jobs.request_document(user=strategist, kind="test.echo", params={"n": 2})
    assert len(CALLS) == 3
    jobs.request_document(user=strategist, kind="test.echo", params={"n": 1})
    assert len(CALLS) == 3
    time_machine.move_to(datetime.datetime(2026, 3, 3, 10, tzinfo=datetime.UTC))
    jobs.request_document(user=strategist, kind="test.echo", params={"n": 1})
    assert len(CALLS) == 4


def test_a_failed_job_shows_a_swedish_message_and_can_be_retried(personas, queue):
    FAILURES.append(jobs.JobFailed("Analysen saknar risker."))
    client = personas["strategist"].client()
    job = work(jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={}))
    assert job.status == Status.FAILED and job.error_message == "Analysen saknar risker."
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "Dokumentet kunde inte skapas" in page and "Analysen saknar risker." in page
    assert reverse("core:job_retry", args=[job.pk]) in page and "Försök igen" in page
    assert "hx-trigger" not in page
    # Asking again does not hand back the failure.
    assert jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={}).pk != job.pk

    response = client.post(reverse("core:job_retry", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.error_message == "" and job.progress == 0
    job = work(job)
    assert job.status == Status.DONE
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 200


def test_an_unexpected_error_is_shown_in_swedish_without_its_details(personas, queue, caplog):
    FAILURES.append(RuntimeError("intern detalj: /srv/hemlig/sökväg"))
    job = work(jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={}))
    assert job.status == Status.FAILED
    assert job.error_message.startswith("Dokumentet kunde inte skapas på grund av ett fel i LIS.")
    assert "hemlig" not in job.error_message
    assert "intern detalj" in caplog.text  # the traceback goes to the log


def test_a_builder_that_loses_access_fails_with_a_message_that_says_so(personas, queue):
    from django.http import Http404

    FAILURES.append(Http404())
    job = work(jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={}))
    assert job.status == Status.FAILED
    assert job.error_message == str(jobs.NO_LONGER_ACCESSIBLE)


def test_a_deactivated_account_gets_no_document(personas, queue):
    user = personas["strategist"].user
    job = jobs.request_document(user=user, kind="test.echo", params={})
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    job = work(job)
    assert job.status == Status.FAILED and "inte längre aktivt" in job.error_message and CALLS == []


def test_a_task_that_finds_its_job_already_taken_does_nothing(personas, queue):
    job = work(jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={}))
    jobs.run_job.call(job.pk)  # a second delivery of the same task
    assert len(CALLS) == 1
    jobs.run_job.call(job.pk + 1000)  # a job that is gone


def test_an_unknown_kind_is_refused_when_asked_for(personas):
    with pytest.raises(KeyError):
        jobs.request_document(user=personas["strategist"].user, kind="finns.inte", params={})


# --- a worker that went away --------------------------------------------------------------


def running(job: BackgroundJob, *, worker: str, heartbeat: datetime.datetime, attempts: int = 1) -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, worker=worker, heartbeat_at=heartbeat, attempts=attempts, progress=30
    )


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    process.wait()
    return process.pid


def test_a_job_whose_worker_has_been_silent_too_long_is_queued_again(personas, queue, settings):
    job = jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={})
    now = timezone.now()
    running(job, worker="annan-server:4242", heartbeat=now - datetime.timedelta(seconds=30))
    assert jobs.recover_stale_jobs() == 0  # still alive as far as anyone can tell
    running(
        job, worker="annan-server:4242", heartbeat=now - datetime.timedelta(seconds=settings.LIS_JOBS_STALE_SECONDS + 1)
    )
    assert jobs.recover_stale_jobs() == 1
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.worker == "" and "avbröts" in job.progress_message
    job = work(job)
    assert job.status == Status.DONE and job.attempts == 2


def test_a_job_whose_worker_process_on_this_machine_is_gone_is_queued_again_at_once(personas, queue):
    job = jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={})
    running(job, worker=f"{socket.gethostname()}:{dead_pid()}", heartbeat=timezone.now())
    assert jobs.recover_stale_jobs() == 1
    assert work(job).status == Status.DONE


def test_the_job_page_queues_again_a_job_whose_worker_is_gone(personas, queue):
    job = jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={})
    running(job, worker=f"{socket.gethostname()}:{dead_pid()}", heartbeat=timezone.now())
    page = personas["strategist"].client().get(reverse("core:job", args=[job.pk])).content.decode()
    assert "I kö igen" in page
    job.refresh_from_db()
    assert job.status == Status.QUEUED


def test_a_job_that_keeps_losing_its_worker_fails_in_the_end(personas, queue, settings):
    job = jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={})
    running(
        job,
        worker=f"{socket.gethostname()}:{dead_pid()}",
        heartbeat=timezone.now(),
        attempts=settings.LIS_JOBS_MAX_ATTEMPTS,
    )
    assert jobs.recover_stale_jobs() == 0
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert f"avbröts {settings.LIS_JOBS_MAX_ATTEMPTS} gånger" in job.error_message


def test_a_live_worker_on_this_machine_keeps_its_job(personas, queue):
    job = jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={})
    running(job, worker=jobs.worker_name(), heartbeat=timezone.now())
    assert jobs.recover_stale_jobs() == 0


def test_a_finished_worker_of_a_replaced_attempt_cannot_overwrite_the_job(personas, queue):
    job = jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={})
    jobs._claim(job.pk, "gammal:1")
    BackgroundJob.objects.filter(pk=job.pk).update(worker="ny:2")  # recovered and claimed anew
    jobs._finish(job, "gammal:1", jobs.Document(b"gammalt", "x.txt", "text/plain"))
    job.refresh_from_db()
    assert job.status == Status.RUNNING and job.result_size is None


def test_finished_jobs_are_removed_after_the_days_they_are_kept(personas, queue, settings, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 10, 10, tzinfo=datetime.UTC))
    old = work(jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={"n": 1}))
    waiting = jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={"n": 2})
    time_machine.move_to(
        datetime.datetime(2026, 1, 10, 10, tzinfo=datetime.UTC)
        + datetime.timedelta(days=settings.LIS_JOBS_KEEP_DAYS, hours=1)
    )
    recent = work(jobs.request_document(user=personas["strategist"].user, kind="test.echo", params={"n": 3}))
    assert jobs.prune_jobs() == 1
    assert set(BackgroundJob.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}
    assert personas["strategist"].client().get(reverse("core:job", args=[old.pk])).status_code == 404


def test_a_file_built_with_roles_since_taken_away_is_not_handed_out_again(personas):
    from lis.organisation import services as organisation_services

    strategist = personas["strategist"]
    job = jobs.request_document(user=strategist.user, kind="test.echo", params={})
    client = strategist.client()
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 200
    assignment = strategist.person.roles.get()
    organisation_services.role_assignment_end(
        actor=None, assignment=assignment, ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404
    assert "Din behörighet har ändrats" in client.get(reverse("core:job", args=[job.pk])).content.decode()
