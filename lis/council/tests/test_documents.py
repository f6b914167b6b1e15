"""The justerade minnesanteckningar as an archival PDF/A: "Minnesanteckningar", the advice as
"Råd" and never a decision, secret items marked with their lagrum, the diarienummer line empty
(the PDF is frozen at justering, before the minutes are registered), and names as anyone may
read them."""

from __future__ import annotations

import io

import pypdf

from lis.council.documents import minutes_html, minutes_pdf

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


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_minutes_are_an_archival_pdf_a(db):
    reader = pypdf.PdfReader(io.BytesIO(minutes_pdf(CONTENT)))
    xmp = reader.xmp_metadata.stream.get_data()
    assert b'pdfaid:part="3"' in xmp  # PDF/A-3
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
    html = minutes_html(CONTENT)
    assert "Ola Ordförande" in html and "Rut Representant" in html
    assert "<dt>Diarienummer</dt><dd>&nbsp;</dd>" in html
    assert "Stående punkt" in html  # the item's kind, by name


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
