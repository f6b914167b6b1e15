"""The job page in a real browser (Chromium): the export link leads to the job page, which
follows the job by itself (htmx, no inline script) and offers the file when the worker is done."""

from __future__ import annotations

import re

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lis.browser import UI
from lis.core import jobs
from lis.core.models import BackgroundJob

pytestmark = pytest.mark.browser


def test_the_job_page_follows_the_job_and_offers_the_file(ui: UI, personas, make_system, settings, tmp_path):
    settings.LIS_JOBS_BACKEND = "database"  # queued, and worked below as the worker would
    make_system(name="Ekonomisystemet")
    ui.login("strategist")
    ui.goto(reverse("reports:register_export"))
    job = BackgroundJob.objects.get()
    assert ui.page.url.endswith(reverse("core:job", args=[job.pk]))
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Förteckningen över informationssystem (Excel)")
    expect(ui.page.locator("progress")).to_be_visible()

    jobs.run_job.call(job.pk)
    link = ui.page.get_by_role("link", name=re.compile("Ladda ner forteckning-kommun-"))
    expect(link).to_be_visible(timeout=15_000)  # the next poll brings it
    ui.check()
    with ui.page.expect_download() as download:
        link.click()
    path = tmp_path / "forteckning.xlsx"
    download.value.save_as(path)
    names = [cell.value for cell in openpyxl.load_workbook(path)["Del 1 – Systemförteckning"]["B"]]
    assert "Ekonomisystemet" in names
