"""Uploaded documents (routines, evidence of completed measures): checked by their content, never
their name, stored under a name LIS chooses and always served as a download."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


def detect_document_type(data: bytes) -> str:
    """'pdf', 'docx' or 'odt' from the content itself, never the file name; '' otherwise."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith(b"PK\x03\x04"):
        return ""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    return ""  # macros: not a document we keep
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError):
        return ""
    return ""


def too_large(size: int) -> str | None:
    """The message for a file over the limit (checked before it is read), or None."""
    return _("Filen är större än 10 MB.") if size > MAX_DOCUMENT_BYTES else None


def store_document(instance: models.Model, field_name: str, upload: tuple[str, bytes]) -> dict[str, Any]:
    """Check `upload` (file name, content) and store it in `instance`'s file field `field_name`;
    the values of `<field_name>`, `<field_name>_name` and `<field_name>_type` that point to it.
    Bad content is a field error and nothing is stored."""
    name, data = upload
    message = too_large(len(data))
    kind = detect_document_type(data) if message is None else ""
    if message is None and not kind:
        message = _("Filen är inte en PDF-, Word- (DOCX) eller OpenDocument-fil (ODT).")
    if message is not None:
        raise ValidationError({field_name: message})
    field = instance._meta.get_field(field_name)
    stored = field.storage.save(field.generate_filename(instance, name), ContentFile(data))
    return {field_name: stored, f"{field_name}_name": Path(name).name[:200], f"{field_name}_type": kind}


def document_response(file: models.fields.files.FieldFile, *, kind: str, name: str) -> HttpResponse:
    """A stored document as an attachment under its original name, never rendered inline."""
    with file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
