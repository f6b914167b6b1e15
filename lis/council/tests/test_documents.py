"""The justerade minnesanteckningar as an archival PDF/A, also tagged (PDF/UA): "Minnesanteckningar",
the advice as "Råd" and never a decision, secret items marked with their lagrum, the diarienummer
line empty (the PDF is frozen at justering, before the minutes are registered), names as anyone
may read them, and whatever was typed printed as written."""

from __future__ import annotations

import io
import re

import pypdf

from lis.council.documents import minutes_pdf

CONTENT = {
    "meeting": {
        "id": 1,
        "council": "E-rådet",
        "date": "2026-03-02",
        "starts": "13:00",
        "ends": "15:00",
        "location": "Kommunhuset",
        "link": "",
        "adjuster": "Rut Representant",
    },
    "attendance": [
        {
            "person": "Ola Ordförande",
            "seat": "E-rådets ordförande",
            "unit": "",
            "presence": "present",
            "presence_name": "Närvarande",
        },
        {
            "person": "Rut Representant",
            "seat": "E-rådsrepresentant",
            "unit": "Tekniska förvaltningen",
            "presence": "present",
            "presence_name": "Närvarande",
        },
    ],
    "items": [
        {
            "number": 1,
            "title": "Försenade åtgärder: Tekniska förvaltningen",
            "kind": "standing",
            "unit": "Tekniska förvaltningen",
            "description": "3 åtgärder är försenade.",
            "minutes": "Förvaltningen redogjorde för läget.",
            "secret": False,
            "secrecy_provision": "",
            "advice": [
                {
                    "text": "Prioritera loggningen",
                    "to": "Tekniska förvaltningen",
                    "follow_up_by": "Rut Representant",
                    "follow_up_on": "2026-06-01",
                }
            ],
        },
        {
            "number": 2,
            "title": "Sårbarhet i nätet",
            "kind": "member",
            "unit": "",
            "description": "",
            "minutes": "Brandväggen saknar loggning.",
            "secret": True,
            "secrecy_provision": "OSL 18 kap. 8 §",
            "advice": [],
        },
    ],
}


# Typst's markup and code, and HTML: each must print as written.
TYPED = '#panic("x") *fet* $x$ <b>x</b> ] [ bak\\snedstreck'


def text_of(pdf: bytes) -> str:
    return re.sub(r"[ \t]+", " ", " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages))


def test_the_minutes_are_an_archival_pdf_a_and_tagged(db):
    reader = pypdf.PdfReader(io.BytesIO(minutes_pdf(CONTENT)))
    xmp = reader.xmp_metadata.stream.get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp and b"<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    assert b"<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title == "Minnesanteckningar E-rådet 2026-03-02"


def test_they_say_minnesanteckningar_and_rad_and_never_beslut(db):
    text = text_of(minutes_pdf(CONTENT))
    assert "Minnesanteckningar" in text
    assert "Råd" in text and "Prioritera loggningen" in text
    assert "beslut" not in text.lower()


def test_a_secret_item_is_marked_with_its_lagrum(db):
    text = text_of(minutes_pdf(CONTENT))
    assert "Sårbarhet i nätet" in text
    assert "Sekretess enligt OSL 18 kap. 8 §" in text


def test_the_chair_comes_from_the_attendance_and_the_diarienummer_line_is_empty(db):
    text = text_of(minutes_pdf(CONTENT))
    assert "Ordförande Ola Ordförande" in text and "Justerare Rut Representant" in text
    assert "Justerare Rut Representant\nDiarienummer\nE-rådet är rådgivande" in text
    assert "Stående punkt, Tekniska förvaltningen" in text  # the item's kind, by name
    assert "Justerade elektroniskt av ordföranden Ola Ordförande och justeraren Rut Representant." in text


def test_an_empty_agenda_still_makes_a_document(db):
    text = text_of(minutes_pdf({**CONTENT, "items": [], "attendance": []}))
    assert "Dagordningen var tom." in text


def test_links_into_lis_keep_their_label_and_lose_the_address_on_paper(db):
    content = {
        **CONTENT,
        "items": [{**CONTENT["items"][0], "description": "1 system.\nMolnkartan: /e-radet/sua/ny/?system=1"}],
    }
    text = text_of(minutes_pdf(content))
    assert "Molnkartan" in text and "/e-radet/" not in text


def test_what_was_typed_prints_as_written(db):
    meeting = {**CONTENT["meeting"], "council": f"Rådet {TYPED}", "location": TYPED}
    item = {
        **CONTENT["items"][1],
        "title": TYPED,
        "description": f"Beskrivning {TYPED}",
        "minutes": f"Anteckning {TYPED}",
        "secrecy_provision": TYPED,
        "advice": [{**CONTENT["items"][0]["advice"][0], "text": f"Råd {TYPED}", "to": TYPED}],
    }
    attendance = [{**CONTENT["attendance"][0], "person": TYPED}]
    reader = pypdf.PdfReader(
        io.BytesIO(minutes_pdf({**CONTENT, "meeting": meeting, "items": [item], "attendance": attendance}))
    )
    text = re.sub(r"\s+", "", " ".join(page.extract_text() for page in reader.pages))  # a cell may wrap anywhere
    for expected in (
        f"Minnesanteckningar, Rådet {TYPED}",
        f"2. {TYPED}",
        f"Sekretess enligt {TYPED}",
        f"Beskrivning {TYPED}",
        f"Anteckning {TYPED}",
        f"Råd {TYPED}",
        f"Ordförande {TYPED}",
    ):
        assert re.sub(r"\s+", "", expected) in text, expected
    assert reader.metadata.title == f"Minnesanteckningar Rådet {TYPED} 2026-03-02"
