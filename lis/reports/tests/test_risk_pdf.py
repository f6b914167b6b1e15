"""The report of an analysis to the nämnd: a tagged PDF (PDF/UA-1) and an archival PDF/A-3a, also
PDF/UA-1 (issue 4, item 5), typeset with Typst (issue 16)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.classification import services as classification_services
from lis.core.models import ChangeLogEntry
from lis.risks import services
from lis.systems import services as system_services

from .risk_helpers import TODAY, add_risks, build_analysis, pdf_text


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def analysis(amal, make_system, personas):
    return build_analysis(amal, make_system, personas)


def _url(analysis, query: str = "") -> str:
    return reverse("reports:analysis_pdf", args=[analysis.pk]) + query


def _report(client, analysis, query: str = ""):
    response = client.get(_url(analysis, query))
    assert response.status_code == 200, response.status_code
    return (response, *pdf_text(response.content))


def test_it_is_a_tagged_pdf_in_swedish(analysis, personas):
    response, reader, text = _report(personas["unit_head_buf"].client(), analysis)
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store"
    assert "Informationss%C3%A4kerhetsanalys%20BUF%202023%E2%80%932026.pdf" in response["Content-Disposition"]
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "sv"
    assert reader.metadata.title == "Informationssäkerhetsanalys Barn- och utbildningsförvaltningen 2023–2026"
    assert reader.metadata.author == "Åmåls kommun"
    assert b"<pdfuaid:part>1</pdfuaid:part>" in reader.xmp_metadata.stream.get_data()
    pages = len(reader.pages)
    assert pages > 1 and all(f"Sida {n} av {pages}" in text for n in range(1, pages + 1))  # in the footer
    assert ChangeLogEntry.objects.filter(event="export", object_type="risks.securityanalysis").exists()


def test_it_sums_up_the_analysis(analysis, personas, amal, make_system):
    services.analysis_update(actor=None, analysis=analysis, summary="Skolans system är <b>utsatta</b>.")
    unused = make_system(unit="BUF", name="Matsedeln")
    information_set = system_services.information_set_create(actor=None, system=unused, name="Menyer")
    proposal = classification_services.classification_save(
        actor=personas["strategist"].user,
        information_set=information_set,
        levels={"K": "0", "R": "0", "T": "0"},
        motivation="Offentlig information.",
        propose=True,
    )
    classification_services.classification_approve(actor=personas["administrator"].user, classification=proposal)
    _response, _reader, text = _report(personas["strategist"].client(), analysis)
    assert "Åmåls kommun" in text and "Informationssäkerhetsanalys" in text
    assert "Barn- och utbildningsförvaltningen" in text and "2023-01-01 – 2026-12-31" in text
    assert "Skolans system är <b>utsatta</b>." in text  # the user's text, as text
    assert "2 system omfattas av analysen." in text and "2 risker är bedömda." in text
    assert "omfattas inte av riskanalysen (POL-3.23): Matsedeln." in text
    assert "1 åtgärd. Pågående eller ej påbörjade: 1. Försenade: 1." in text
    assert "Hög 1 0" in text and "Medelhög 0 1" in text and "Låg 1 1" in text  # per level before/after
    assert "Före behandling (2 risker)" in text and "Efter behandling (kvarstående risk) (2 risker)" in text
    assert "Inför tvåfaktorsinloggning (Teknisk)" in text and "Klart senast: 2026-10-01 (Försenad)" in text


def test_it_lists_the_risks_from_the_chosen_level(analysis, personas):
    client = personas["unit_head_buf"].client()
    _response, _reader, default = _report(client, analysis)  # from Hög, the second-highest level
    assert "Risker på nivån Hög eller högre" in default
    assert "=obehörig loggar in" in default and "journaler försvinner" not in default
    assert "Behandling: Reducera (@MFA minskar sannolikheten)" in default and "Kvarstående: 1 × 4 Medelhög" in default
    _response, _reader, low = _report(client, analysis, "?niva=low")
    assert "=obehörig loggar in" in low and "journaler försvinner" in low
    _response, _reader, extreme = _report(client, analysis, "?niva=extreme")
    assert "=obehörig loggar in" not in extreme and "Inga risker på den nivån." in extreme
    assert client.get(_url(analysis, "?niva=okand")).status_code == 404


def test_it_marks_an_unreported_analysis_as_a_proposal_then_prints_the_decision(analysis, personas, make_system):
    add_risks(analysis, make_system, 6)  # more than one page
    client = personas["board_member_bun"].client()
    _response, reader, text = _report(client, analysis)
    assert len(reader.pages) > 1 and all("Förslag" in page.extract_text() for page in reader.pages)
    assert "Förslag till nämnden eller styrelsen (beslutsunderlag)" in text
    assert "Nämnd/styrelse Barn- och utbildningsnämnden" in text
    assert "Sammanträdesdatum" not in text and "Paragraf" not in text and "Diarienummer" not in text
    services.analysis_complete(actor=None, analysis=analysis)
    services.analysis_report(
        actor=None,
        analysis=analysis,
        board=analysis.unit.governing_board,
        meeting_date=datetime.date(2026, 11, 28),
        paragraph=112,
        diary_number="2026-00014",
    )
    _response, reader, text = _report(client, analysis)
    assert "Barn- och utbildningsnämnden" in text and not any("Förslag" in page.extract_text() for page in reader.pages)
    assert "Sammanträdesdatum 2026-11-28" in text and "Paragraf § 112" in text and "Diarienummer 2026-00014" in text


def test_it_makes_an_archival_pdf_a(analysis, personas):
    response, reader, text = _report(personas["unit_head_buf"].client(), analysis, "?arkiv=1")
    assert "%28arkiv%29.pdf" in response["Content-Disposition"]
    xmp = reader.xmp_metadata.stream.get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp and b"<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    assert b"<pdfuaid:part>1</pdfuaid:part>" in xmp  # and still accessible
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "arkivexemplar, PDF/A" in text


def test_it_embeds_its_font(analysis, personas):
    for query in ("", "?arkiv=1"):
        _response, reader, _text = _report(personas["unit_head_buf"].client(), analysis, query)
        fonts = {
            font.get_object()["/BaseFont"]: font.get_object()
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
        }
        assert {re.sub(r"^/[A-Z]{6}\+", "", name) for name in fonts} == {"DejaVuSans", "DejaVuSans-Bold"}
        for font in fonts.values():
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor


def test_it_prints_what_users_typed_as_text(analysis, personas, make_system):
    typed = '#panic("x") *fet* $x$ <etikett> @ref bak\\snedstreck ] [ "citat" <b>x</b>'
    system = make_system(unit="BUF", name=f"System {typed}")
    services.analysis_update(actor=None, analysis=analysis, summary=f"Sammanfattning {typed}", secrecy_marking=typed)
    services.risk_create(
        actor=None,
        analysis=analysis,
        system=system,
        cause=f"Orsak {typed}",
        event=typed,
        consequence_text=typed,
        aspects=["K"],
        likelihood=4,
        consequence=4,
        treatment="reduce",
        treatment_motivation=typed,
    )
    _response, reader, text = _report(personas["unit_head_buf"].client(), analysis)
    for expected in (f"Sammanfattning {typed}", f"System {typed}", f"Orsak {typed}", f"Reducera ({typed})"):
        assert expected in text, expected
    assert all(typed in re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages)  # the marking


def test_it_shows_a_steward_only_their_systems_risks(analysis, personas):
    _response, _reader, text = _report(personas["employee_vaf"].client(), analysis, "?niva=low")
    assert "journaler försvinner" in text and "obehörig loggar in" not in text
    assert "1 risk är bedömd." in text and "Inför tvåfaktorsinloggning" not in text


def test_it_gives_nothing_to_a_user_who_cannot_see_the_analysis(analysis, personas):
    assert personas["coordinator_vaf"].client().get(_url(analysis)).status_code == 404
    assert personas["unit_head_buf"].client().post(_url(analysis)).status_code == 405


def test_it_asks_as_many_queries_for_20_risks_as_for_2(analysis, personas, make_system):
    client = personas["strategist"].client()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _report(client, analysis, "?niva=low")
        return len(captured)

    before = queries()
    add_risks(analysis, make_system, 18)
    assert queries() == before


def test_it_prints_the_secrecy_marking_on_every_page(analysis, personas, make_system):
    add_risks(analysis, make_system, 6)
    client = personas["unit_head_buf"].client()
    _response, reader, _text = _report(client, analysis)
    default = "Uppgifterna kan omfattas av sekretess enligt OSL 18 kap. 8 §"
    assert len(reader.pages) > 1
    assert all(default in re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages)

    # Through the service, which moves the data head: the cached report is built anew.
    services.analysis_update(actor=None, analysis=analysis, secrecy_marking="Sekretess <enligt> OSL 18:8")
    _response, reader, _text = _report(client, analysis)
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    assert all("Sekretess <enligt> OSL 18:8" in page and default not in page for page in pages)


def test_it_says_on_the_cover_that_a_narrower_view_is_an_extract(analysis, personas):
    _response, reader, _text = _report(personas["employee_vaf"].client(), analysis, "?niva=low")
    cover = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "Utdrag: visar 1 av 2 system, 1 av 2 risker och 0 av 1 åtgärd som du har behörighet att se." in cover
    for persona in ("unit_head_buf", "strategist"):
        _response, _reader, text = _report(personas[persona].client(), analysis)
        assert "Utdrag" not in text


def test_it_presents_orsak_handelse_and_konsekvens_as_labelled_parts(analysis, personas):
    _response, _reader, text = _report(personas["unit_head_buf"].client(), analysis)
    assert "Skolplattform – Nätfiske Orsak en lärare luras Händelse =obehörig loggar in" in text
    assert "Konsekvens elevuppgifter röjs" in text and "På grund av" not in text


def test_it_never_splits_a_listed_risk_across_pages(analysis, personas, make_system):
    platform = make_system(unit="BUF", name="Lärplattform")
    for n in range(20):
        risk = services.risk_create(
            actor=None,
            analysis=analysis,
            system=platform,
            cause=f"START{n:02d} " + " ".join(["orsak"] * (30 + n * 17 % 60)),
            event="händelse",
            consequence_text="konsekvens",
            aspects=["K"],
            likelihood=4,
            consequence=4,
        )
        # The item ends with the risk's measures; the measures are listed again further on.
        services.measure_save(
            actor=None, analysis=analysis, risks=[risk], title=f"SLUT{n:02d}", kind="technical", status="in_progress"
        )
    _response, reader, _text = _report(personas["unit_head_buf"].client(), analysis)
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    assert len(pages) > 2

    def page_of(word: str) -> int:
        return next(index for index, text in enumerate(pages) if word in text)

    assert [n for n in range(20) if page_of(f"START{n:02d} ") != page_of(f"SLUT{n:02d}")] == []
