"""The slow documents on the worker (issue 15, item 5): the links queue a job and lead to its
page, give the finished file at once while nothing changed, and the worker checks again what
the person who asked may see."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from lis.core import jobs
from lis.core.models import BackgroundJob
from lis.organisation import services as organisation_services
from lis.organisation.models import RoleAssignment
from lis.reports import documents

from .risk_helpers import TODAY, build_analysis, pdf_text

Status = BackgroundJob.Status


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def analysis(amal, make_system, personas):
    return build_analysis(amal, make_system, personas)


@pytest.fixture
def queue(settings):
    settings.LIS_JOBS_BACKEND = "database"


def test_the_report_link_queues_a_job_and_leads_to_its_page(analysis, personas, queue):
    client = personas["unit_head_buf"].client()
    response = client.get(reverse("reports:analysis_pdf", args=[analysis.pk]) + "?niva=low&arkiv=1")
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    assert job.kind == documents.ANALYSIS_PDF and job.status == Status.QUEUED
    assert job.params == {"analysis": analysis.pk, "level": "low", "archival": True, "_access": job.params["_access"]}
    page = client.get(response["Location"]).content.decode()
    assert "Rapport till nämnden (PDF)" in page and "I kö" in page

    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == Status.DONE and job.result_filename.endswith("(arkiv).pdf")
    # The link now gives the finished file at once, and so does the job page.
    again = client.get(reverse("reports:analysis_pdf", args=[analysis.pk]) + "?niva=low&arkiv=1")
    assert again.status_code == 200 and again["Content-Type"] == "application/pdf"
    assert BackgroundJob.objects.count() == 1
    _reader, text = pdf_text(client.get(reverse("core:job_download", args=[job.pk])).content)
    assert "Skolplattform" in text


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (lambda a: reverse("reports:analysis_xlsx", args=[a.pk]), documents.ANALYSIS_XLSX),
        (lambda a: reverse("reports:register_export") + f"?enhet={a.unit_id}", documents.REGISTER),
        (lambda a: reverse("reports:register_export"), documents.REGISTER),
    ],
)
def test_the_excel_links_are_built_by_the_worker_too(analysis, personas, queue, url, kind):
    client = personas["strategist"].client()
    response = client.get(url(analysis))
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and job.kind == kind
    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == Status.DONE and job.result_filename.endswith(".xlsx")
    assert job.result_content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_worker_checks_again_what_the_person_may_see(analysis, personas, queue):
    head = personas["unit_head_buf"]
    response = head.client().get(reverse("reports:analysis_pdf", args=[analysis.pk]))
    assert response.status_code == 302
    job = BackgroundJob.objects.get()
    # Before the worker gets to it, the unit head's role ends.
    assignment = RoleAssignment.objects.get(person=head.person)
    organisation_services.role_assignment_end(
        actor=None, assignment=assignment, ends_on=TODAY.date() - datetime.timedelta(days=1)
    )
    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert (
        job.error_message
        == "Du har inte längre tillgång till det som dokumentet gäller, eller så finns det inte längre."
    )
    assert job.result_size is None


def test_nobody_else_gets_a_persons_finished_document(analysis, personas):
    url = reverse("reports:analysis_pdf", args=[analysis.pk])
    assert personas["unit_head_buf"].client().get(url).status_code == 200
    assert personas["employee_vaf"].client().get(url).status_code == 200  # built for them, with what they see
    mine, theirs = BackgroundJob.objects.order_by("pk")
    assert mine.requested_by == personas["unit_head_buf"].user and theirs.requested_by == personas["employee_vaf"].user
    assert personas["employee_vaf"].client().get(reverse("core:job_download", args=[mine.pk])).status_code == 404
    assert personas["coordinator_vaf"].client().get(url).status_code == 404  # not their analysis: no job at all
    assert BackgroundJob.objects.count() == 2


def test_a_link_that_asks_for_an_unknown_level_queues_nothing(analysis, personas, queue):
    response = personas["strategist"].client().get(reverse("reports:analysis_pdf", args=[analysis.pk]) + "?niva=x")
    assert response.status_code == 404 and not BackgroundJob.objects.exists()
