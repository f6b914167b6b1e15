"""Typst templates to PDF (issue 16): what a template prints is data, never markup; tagged
(PDF/UA-1), or archival and tagged (PDF/A-3a and PDF/UA-1); DejaVu Sans embedded."""

from __future__ import annotations

import datetime
import io
import re

import pypdf
import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from lis.core import typst_pdf

TEMPLATE = """\
#let d = json(bytes(sys.inputs.data))
#set document(title: d.title, author: "Åmåls kommun")
#set text(lang: sys.inputs.lang, font: "DejaVu Sans", fallback: false)
#for value in d.values [
  - #value
  - #strong(value)
]
"""
# Typst's markup and code, and HTML: each must print as written.
HOSTILE = [
    '#panic("x")',
    "*fet* _kursiv_ $x^2$",
    "<etikett> @ref",
    "bak\\snedstreck \\ och ] [ { }",
    'citat " och `kod`',
    "= Rubrik",
    "<b>x</b> &amp; <script>",
    '#include "/etc/passwd"',
    '#read("/etc/passwd")',
]


@pytest.fixture
def template(tmp_path, monkeypatch):
    """A template of its own, in a root of its own, with the values to print in a list."""
    path = tmp_path / "test.typ"
    monkeypatch.setattr(typst_pdf, "LIS_DIR", tmp_path)
    monkeypatch.setattr(typst_pdf, "template_path", lambda name: path)
    path.write_text(TEMPLATE)
    return path


def _render(values: list, *, archival: bool = False) -> tuple[pypdf.PdfReader, str]:
    pdf = typst_pdf.render_typst("core/test.typ", {"title": "Prov", "values": values}, archival=archival)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return reader, re.sub(r"[ \t]+", " ", "\n".join(page.extract_text() for page in reader.pages))


def test_it_prints_every_value_as_text_never_as_markup(template):
    _reader, text = _render(HOSTILE)
    for value in HOSTILE:
        assert text.count(value) == 2, value  # as text and in bold


def test_it_keeps_line_breaks_and_drops_other_control_characters(template):
    _reader, text = _render(["rad ett\r\nrad två\tslut\x00\x1b"])
    assert "rad ett\nrad två slut\ufffd\ufffd" in text


def test_it_prints_a_character_the_font_lacks_as_a_replacement_character(template):
    _reader, text = _render(["Hälsning 漢字 한 🦀 ¿Qué? Ω Sámi ŋ đ"], archival=True)  # PDF/A forbids a missing glyph
    assert "Hälsning \ufffd\ufffd \ufffd \ufffd ¿Qué? Ω Sámi ŋ đ" in text


def test_it_declares_pdf_ua_in_its_metadata(template):
    reader, _text = _render(["x"])
    xmp = reader.xmp_metadata.stream.get_data()
    assert b"<pdfuaid:part>1</pdfuaid:part>" in xmp and b"pdfaid:part" not in xmp
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "sv"
    assert reader.metadata.title == "Prov" and reader.metadata.author == "Åmåls kommun"


def test_it_declares_pdf_a_and_pdf_ua_for_the_archive(template):
    reader, _text = _render(["x"], archival=True)
    xmp = reader.xmp_metadata.stream.get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp and b"<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    assert b"<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_it_embeds_dejavu_sans_and_no_other_font(template):
    reader, _text = _render(["vanlig", "fet"])
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    assert len(fonts) == 2  # regular and bold
    for font in fonts:
        assert re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(-Bold)?", font["/BaseFont"]), font["/BaseFont"]
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_it_prints_in_the_active_language(template):
    with translation.override("en"):
        reader, text = _render([gettext_lazy("Sida")])
    assert reader.trailer["/Root"]["/Lang"] == "en" and "Page" in text


def test_it_takes_only_json_ready_data(template):
    with pytest.raises(TypeError, match="date"):
        _render([datetime.date(2026, 1, 1)])


def test_it_says_what_is_wrong_with_a_broken_template(template):
    template.write_text('#set document(title: "x")\n#let d = json(bytes(sys.inputs.data))\n#d.saknas')
    with pytest.raises(typst_pdf.TypstError, match="does not contain key"):
        _render(["x"])


def test_it_finds_a_template_in_its_apps_typst_directory():
    assert typst_pdf.template_path("reports/analysis_report.typ").parts[-3:] == (
        "reports",
        "typst",
        "analysis_report.typ",
    )
    for name in ("reports/saknas.typ", "okand/analysis_report.typ", "reports/../reports/typst/analysis_report.typ"):
        with pytest.raises(ValueError, match="no Typst template"):
            typst_pdf.template_path(name)
