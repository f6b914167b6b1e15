"""The sekretess marking of an analysis's documents (issue 9, item 6): the pack's by default,
the author's own when they write one on the analysis's edit form, printed on every page of the
report and in the page header of every sheet of the riskmatris."""

from __future__ import annotations

import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.core.pack import get_pack
from lis.risks.models import SecurityAnalysis

from .risk_helpers import TODAY, build_analysis, pdf_text


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def analysis(amal, make_system, personas):
    return build_analysis(amal, make_system, personas)


def _edit(client, analysis, marking: str):
    return client.post(
        reverse("risks:analysis_edit", args=[analysis.pk]),
        {"started_on": "2026-02-01", "summary": "", "secrecy_marking": marking},
    )


def _markings(client, analysis) -> tuple[list[str], list[str]]:
    """The marking's text on each page of the report, and in each sheet's page header."""
    reader, _text = pdf_text(client.get(reverse("reports:analysis_pdf", args=[analysis.pk])).content)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("reports:analysis_xlsx", args=[analysis.pk])).content)
    )
    return [" ".join(page.extract_text().split()) for page in reader.pages], [
        sheet.oddHeader.center.text for sheet in workbook.worksheets
    ]


def test_the_author_changes_the_marking_of_the_analysis_s_documents(analysis, personas):
    client = personas["unit_head_buf"].client()
    form = client.get(reverse("risks:analysis_edit", args=[analysis.pk])).content.decode()
    assert 'name="secrecy_marking"' in form and get_pack().secrecy_marking in form  # the default, as help

    response = _edit(client, analysis, "  Sekretess enligt OSL 18 kap. 8 § och 21 kap. 7 §  ")
    assert response.status_code == 302
    marking = "Sekretess enligt OSL 18 kap. 8 § och 21 kap. 7 §"
    assert SecurityAnalysis.objects.get(pk=analysis.pk).secrecy_marking == marking
    assert ChangeLogEntry.objects.filter(object_type="risks.securityanalysis", action="update").exists()
    pages, headers = _markings(client, analysis)
    assert all(marking in page for page in pages) and headers == [marking] * 4

    assert _edit(client, analysis, "").status_code == 302  # empty: the pack's marking again
    pages, headers = _markings(client, analysis)
    assert all(get_pack().secrecy_marking in page for page in pages)
    assert headers == [get_pack().secrecy_marking] * 4


def test_it_rejects_a_marking_too_long_for_a_page_header(analysis, personas):
    response = _edit(personas["unit_head_buf"].client(), analysis, "x" * 201)
    assert response.status_code == 200
    assert response.context["form"].errors["secrecy_marking"]
    assert SecurityAnalysis.objects.get(pk=analysis.pk).secrecy_marking == ""


def test_the_service_refuses_a_marking_that_does_not_fit_a_page_header_and_writes_nothing(analysis, personas):
    from django.core.exceptions import ValidationError

    from lis.risks import services as risk_services

    for marking in ("x" * 201, "Första raden\nandra raden"):
        with pytest.raises(ValidationError) as error:
            risk_services.analysis_update(actor=personas["strategist"].user, analysis=analysis, secrecy_marking=marking)
        assert "secrecy_marking" in error.value.message_dict
        analysis.refresh_from_db()
        assert analysis.secrecy_marking == ""


def test_it_shortens_a_marking_that_would_not_fit_excel_s_page_header(analysis, personas):
    """Every "&" is doubled in a page header and Excel allows 255 characters: a 200-character
    marking of ampersands is cut short, never in the middle of an "&&", rather than dropped."""
    SecurityAnalysis.objects.filter(pk=analysis.pk).update(secrecy_marking="Sekretess " + "&" * 190)
    _pages, headers = _markings(personas["unit_head_buf"].client(), analysis)
    for header in headers:
        assert header.startswith("Sekretess &&&&") and header.endswith("&&…") and len(header) <= 253
