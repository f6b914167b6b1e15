"""The job page of a document built by the worker (lis.core.jobs): progress while it is built,
the file when it is ready, the reason and a retry when it failed. Only the person who asked and
administrators see a job; anyone else gets a 404."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from . import jobs
from .models import BackgroundJob


def download_response(document: jobs.Document) -> HttpResponse:
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["Cache-Control"] = "no-store"
    return response


def prepared_page(request: HttpRequest, *, kind: str, params: dict, template: str, context: dict) -> HttpResponse:
    """The page of work whose Prepared data it shows (an import's dry run): the person's job for
    it, queued if need be (the job page shows its progress until it is done and then sends them
    back here with ?jobb=); once done, `template` with the data as `result` and when it was
    prepared as `prepared_at`."""
    job = jobs.request_prepared(user=request.user, kind=kind, params=params, job_id=request.GET.get(jobs.JOB_QUERY))
    prepared = jobs.prepared_of(job)
    if prepared is None:
        return redirect("core:job", pk=job.pk)
    return render(request, template, {**context, "result": prepared, "prepared_at": job.finished_at})


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole page, or (htmx polling) only its status region."""
    job = jobs.job_for(request.user, pk)
    if not job.is_finished and jobs.recover_stale_jobs(job_ids=[job.pk]):
        job = jobs.job_for(request.user, pk)
    if job.status == BackgroundJob.Status.DONE and job.result_size and job.requested_by_id == request.user.pk:
        url = jobs.shown_at(job)  # prepared data (an import's dry run) is shown on its own page
        if url is not None:
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = {
        "job": job,
        "label": jobs.kind_label(job.kind),
        "replaced_by": jobs.newer_job(job) if job.status == BackgroundJob.Status.DONE and not job.result_size else None,
        "owner": job.requested_by_id == request.user.pk,
        "summary": jobs.summary_of(job),
        "is_work": jobs.is_work(job.kind),
        "may_fetch": jobs.may_fetch(request.user, job),
        # Queued for a minute and not started: the worker (`manage.py worker`) may not be running.
        "waiting_long": job.status == BackgroundJob.Status.QUEUED
        and timezone.now() - job.created_at > datetime.timedelta(minutes=1),
    }
    template = "core/_job_status.html" if request.htmx else "core/job.html"
    return render(request, template, context)


@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = jobs.job_for(request.user, pk)
    document = jobs.document_of(job) if jobs.may_fetch(request.user, job) else None
    if document is None:
        raise Http404
    jobs.record_download(user=request.user, job=job)
    return download_response(document)


@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = jobs.retry(user=request.user, job=jobs.job_for(request.user, pk))
    return redirect("core:job", pk=job.pk)
