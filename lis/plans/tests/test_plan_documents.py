"""The plans as documents: a draft handlingsplan printed as a proposal (beslutsunderlag) marked
"Förslag" on every page, and no table row split across two pages in the frozen PDF/A or the
continuity plan's printout (issue 9, items 12 and 17)."""

from __future__ import annotations

import datetime
import io
import re

import pypdf
import pytest
import time_machine
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.plans import documents, services
from lis.risks import services as risk_services

TODAY = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)
FILLED = {
    "digitalisation_needs": "E-tjänst för skolval.",
    "administrative_measures": "Rutin för behörigheter.",
    "technical_measures": "Tvåfaktorsinloggning.",
    "timeline": "Klart under 2026.",
}
LONG = " ".join(["lång text som bryts på flera rader"] * 8)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def plan(amal):
    return services.plan_start(actor=None, unit=amal["units"]["BUF"])


def _pages(content: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def _split(pages: list[str], count: int) -> list[int]:
    """The rows n whose first word (START<n>) and last word (SLUT<n>) first appear on different
    pages (a plan repeats the titles later, in its tidsplan)."""

    def page_of(word: str) -> int:
        return next(index for index, text in enumerate(pages) if word in text)

    return [n for n in range(count) if page_of(f"START{n:02d} ") != page_of(f" SLUT{n:02d}")]


def _text(n: int, scale: int = 1) -> str:
    """Row n's text: long enough to wrap over several lines, and of varying length."""
    return f"START{n:02d} {' '.join(['ord'] * (20 + n * 7 % 45) * scale)} SLUT{n:02d}"


def _measures(amal, personas, count: int) -> None:
    """`count` measures in BUF's analysis, each with a title long enough to wrap in the table."""
    analysis = risk_services.analysis_start(actor=None, unit=amal["units"]["BUF"], started_on=datetime.date(2026, 2, 1))
    for n in range(count):
        risk_services.measure_save(
            actor=None,
            analysis=analysis,
            title=_text(n),
            kind="technical",
            status="in_progress",
            responsible=personas["unit_head_buf"].person,
            due_on=datetime.date(2026, 12, 15),
        )


def test_it_prints_a_draft_plan_as_a_proposal_marked_on_every_page(plan, personas):
    client = personas["unit_head_buf"].client()
    client.post(reverse("plans:plan_edit", args=[plan.pk]), {**FILLED, "digitalisation_needs": LONG * 20})
    page = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    url = reverse("plans:plan_draft_pdf", args=[plan.pk])
    assert f'href="{url}"' in page

    response = client.get(url)
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store"
    assert "%28f%C3%B6rslag%29.pdf" in response["Content-Disposition"]
    pages = _pages(response.content)
    assert len(pages) > 1 and all("Förslag" in text for text in pages)
    text = " ".join(pages)
    assert "Förslag till beslut (utkast)" in text and "Beslutas av Barn- och utbildningsnämnden" in text
    assert "Sammanträdesdatum" not in text and "Diarienummer" not in text
    assert ChangeLogEntry.objects.filter(event="export", object_type="plans.actionplan").exists()


def test_it_offers_the_proposal_until_the_plan_is_decided(plan, personas):
    client = personas["unit_head_buf"].client()
    client.post(reverse("plans:plan_edit", args=[plan.pk]), FILLED)
    client.post(reverse("plans:plan_submit", args=[plan.pk]))
    url = reverse("plans:plan_draft_pdf", args=[plan.pk])
    board_member = personas["board_member_bun"].client()
    assert f'href="{url}"' in board_member.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Förslag till beslut (för beslut)" in " ".join(_pages(board_member.get(url).content))

    services.plan_decide(
        actor=None,
        plan=plan,
        render_pdf=lambda plan, content, decision: b"%PDF-1.7 test",
        board=plan.unit.governing_board,
        meeting_date=datetime.date(2026, 11, 20),
        paragraph=12,
        diary_number="2026-00031",
    )
    assert url not in client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert client.get(url).status_code == 404
    assert personas["coordinator_vaf"].client().get(url).status_code == 404


def test_the_frozen_plan_never_splits_a_table_row_across_pages(plan, amal, personas):
    _measures(amal, personas, 30)
    services.plan_update(actor=None, plan=plan, sections=FILLED)
    services.plan_submit(actor=None, plan=plan)
    version = services.plan_decide(
        actor=None,
        plan=plan,
        render_pdf=documents.plan_pdf,
        board=plan.unit.governing_board,
        meeting_date=datetime.date(2026, 11, 20),
        paragraph=12,
        diary_number="2026-00031",
    )
    pages = _pages(bytes(version.pdf))
    assert len(pages) > 2 and "Förslag" not in " ".join(pages)
    assert _split(pages, 30) == []


def test_the_continuity_printout_never_splits_a_table_row_across_pages(amal, personas):
    plan = services.continuity_plan_create(actor=None, owner_unit=amal["units"]["IT"], title="Handlingsplan IT")
    for n in range(30):
        services.continuity_step_save(
            actor=None,
            plan=plan,
            section="initial_activities",
            order=n + 1,
            text=_text(n, scale=3),
            responsible=personas["it_manager"].person,
        )
    response = personas["it_manager"].client().get(reverse("plans:continuity_pdf", args=[plan.pk]))
    pages = _pages(response.content)
    assert len(pages) > 2 and _split(pages, 30) == []


# Typst's markup and code, and HTML: each must print as written.
TYPED = '#panic("x") *fet* $x$ <b>x</b> ] [ bak\\snedstreck'


def _compact(content: bytes) -> str:
    """The text without white space: a table cell may wrap anywhere."""
    return re.sub(r"\s+", "", " ".join(_pages(content)))


def _xmp(content: bytes) -> bytes:
    return pypdf.PdfReader(io.BytesIO(content)).xmp_metadata.stream.get_data()


def _decided(plan, amal, personas):
    risk_services.measure_save(
        actor=None,
        analysis=risk_services.analysis_start(
            actor=None, unit=amal["units"]["BUF"], started_on=datetime.date(2026, 2, 1)
        ),
        title=f"Åtgärd {TYPED}",
        kind="technical",
        status="in_progress",
        responsible=personas["unit_head_buf"].person,
        due_on=datetime.date(2026, 12, 15),
    )
    services.plan_update(actor=None, plan=plan, sections={**FILLED, "digitalisation_needs": f"Behov {TYPED}"})
    services.plan_submit(actor=None, plan=plan)
    return services.plan_decide(
        actor=None,
        plan=plan,
        render_pdf=documents.plan_pdf,
        board=plan.unit.governing_board,
        meeting_date=datetime.date(2026, 11, 20),
        paragraph=12,
        diary_number="2026-00031",
    )


def test_the_frozen_plan_is_archival_and_tagged_and_prints_what_was_typed_as_written(plan, amal, personas):
    pdf = bytes(_decided(plan, amal, personas).pdf)
    xmp = _xmp(pdf)
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp and b"<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    assert b"<pdfuaid:part>1</pdfuaid:part>" in xmp
    text = _compact(pdf)
    for expected in (f"Behov {TYPED}", f"Åtgärd {TYPED}", "Sammanträdesdatum2026-11-20", "Paragraf§12"):
        assert re.sub(r"\s+", "", expected) in text, expected


def test_the_proposal_is_tagged_and_prints_what_was_typed_as_written(plan, personas):
    client = personas["unit_head_buf"].client()
    client.post(reverse("plans:plan_edit", args=[plan.pk]), {**FILLED, "administrative_measures": f"Rutin {TYPED}"})
    pdf = client.get(reverse("plans:plan_draft_pdf", args=[plan.pk])).content
    xmp = _xmp(pdf)
    assert b"<pdfuaid:part>1</pdfuaid:part>" in xmp and b"pdfaid:part" not in xmp
    assert re.sub(r"\s+", "", f"Rutin {TYPED}") in _compact(pdf)


def test_the_continuity_printout_is_tagged_and_prints_what_was_typed_as_written(amal, personas):
    plan = services.continuity_plan_create(actor=None, owner_unit=amal["units"]["IT"], title=f"Plan {TYPED}")
    services.continuity_step_save(
        actor=None,
        plan=plan,
        section="initial_activities",
        order=1,
        text=f"Steg {TYPED}",
        responsible=personas["it_manager"].person,
    )
    services.continuity_contact_save(actor=None, plan=plan, person=personas["it_manager"].person, role=f"Roll {TYPED}")
    response = personas["it_manager"].client().get(reverse("plans:continuity_pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    xmp = reader.xmp_metadata.stream.get_data()
    assert b"<pdfuaid:part>1</pdfuaid:part>" in xmp and b"pdfaid:part" not in xmp
    assert reader.metadata.title == f"Plan {TYPED}"
    text = _compact(response.content)
    for expected in (f"Plan {TYPED}", f"Steg {TYPED}", f"Roll {TYPED}", "Sida 1 av 1"):
        assert re.sub(r"\s+", "", expected) in text, expected
