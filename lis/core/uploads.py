"""Uploaded files. Documents (routines, evidence of completed measures) are checked by their
content, never their name, stored under a name LIS chooses with the extension of their detected
type and always served as a download. Every zip container LIS opens (Word, OpenDocument, the
Excel import) is checked here against one set of limits before any member is read, and every
member is read with a bound."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
import uuid
import xml.sax
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import defusedxml.sax
import openpyxl
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

# --- zip containers --------------------------------------------------------------------------

MAX_ZIP_MEMBERS = 1_000
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # all members together, as their directory declares
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024  # smaller members may pack better without harm
ZIP_MAGIC = b"PK\x03\x04"
ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    KeyError,
    ValueError,
    NotImplementedError,
    zlib.error,
)


class UnsafeArchive(Exception):
    """A zip container too large or too densely packed to open; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def open_archive(data: bytes) -> zipfile.ZipFile:
    """`data` as a zip, after checking what its directory declares: the number of members, their
    total uncompressed size and each one's compression ratio. Raises UnsafeArchive for a bomb and
    zipfile.BadZipFile for encrypted members, repeated names or anything else broken. zipfile never
    inflates a member past its declared size (a lie fails the CRC check), so the declared sizes
    bound every read."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        _check_members(archive.infolist())
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnsafeArchive(
            _("Filen innehåller fler än %(max)s delar och läses inte in.")
            % {"max": f"{MAX_ZIP_MEMBERS:,}".replace(",", "\u00a0")}
        )
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise UnsafeArchive(
            _("Filen packas upp till mer än %(max)s och läses inte in.")
            % {"max": filesizeformat(MAX_UNCOMPRESSED_BYTES)}
        )
    for member in members:
        if member.file_size > RATIO_CHECKED_FROM and member.file_size > MAX_COMPRESSION_RATIO * member.compress_size:
            raise UnsafeArchive(
                _("Filen är ovanligt hårt packad (mer än %(ratio)s gånger) och läses inte in.")
                % {"ratio": MAX_COMPRESSION_RATIO}
            )
    if any(member.flag_bits & 0x1 for member in members):
        raise zipfile.BadZipFile("encrypted member")
    names = [member.filename.casefold() for member in members]
    if len(set(names)) != len(names):
        raise zipfile.BadZipFile("repeated member name")  # readers disagree on which one counts


def read_member(archive: zipfile.ZipFile, name: str, limit: int | None = None) -> bytes:
    """At most `limit` bytes (all members' limit by default) of member `name`; BadZipFile when it
    holds more."""
    limit = MAX_UNCOMPRESSED_BYTES if limit is None else limit
    with archive.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise zipfile.BadZipFile(f"{name} is larger than {limit} bytes")
    return data


def has_office_macros(archive: zipfile.ZipFile) -> bool:
    """Whether an Office Open XML file (DOCX, XLSX) carries VBA: a vbaProject part, or content
    types that declare one or a macro-enabled document."""
    names = {name.casefold(): name for name in archive.namelist()}
    if any(name.endswith("vbaproject.bin") for name in names):
        return True
    content_types = names.get("[content_types].xml")
    if content_types is None:
        return False
    declared = read_member(archive, content_types).lower()
    return b"macroenabled" in declared or b"vbaproject" in declared


class _Found(Exception):
    """Stops scanning an XML member at the first element that matches."""


class _Scanner(xml.sax.handler.ContentHandler):
    def __init__(self, matches: Callable[[tuple[str | None, str], Any], bool]):
        super().__init__()
        self.matches = matches

    def startElementNS(self, name, qname, attrs):  # noqa: N802 (the SAX interface)
        if self.matches(name, attrs):
            raise _Found


def xml_member_has(archive: zipfile.ZipFile, name: str, matches: Callable[[tuple[str | None, str], Any], bool]) -> bool:
    """Whether any element of XML member `name` matches: `matches((namespace, local name),
    attributes)`, attributes keyed by (namespace, local name). Streams the member through a
    defused parser (no entities, no external references), so memory stays small whatever its
    size; BadZipFile when it is not well-formed XML."""
    parser = defusedxml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setContentHandler(_Scanner(matches))
    try:
        with archive.open(name) as member:
            parser.parse(member)
    except _Found:
        return True
    except (xml.sax.SAXException, DefusedXmlException) as exc:
        raise zipfile.BadZipFile(f"{name} is not acceptable XML") from exc
    return False


# --- documents -------------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
ODF_MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
ODF_SCRIPT = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
ODF_MACRO_DIRECTORIES = ("basic/", "scripts/")  # StarBasic libraries; Python, JavaScript, BeanShell
ODF_MACRO_URLS = ("vnd.sun.star.script:", "macro:")
OOXML_EXTERNAL = "External"


class RefusedDocument(Exception):
    """A document of a type LIS keeps but with content it refuses; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _macros() -> RefusedDocument:
    return RefusedDocument(_("Dokumentet innehåller makron och tas inte emot. Spara det utan makron och försök igen."))


def detect_document_type(data: bytes) -> str:
    """'pdf', 'docx' or 'odt' from the content itself, never the file name; '' for anything else
    or a broken file. Raises RefusedDocument for a zip bomb, macros, or (DOCX) a part that LIS
    would fetch from outside the file."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith(ZIP_MAGIC):
        return ""
    try:
        with open_archive(data) as archive:
            names = {name.casefold(): name for name in archive.namelist()}
            if "mimetype" in names and read_member(archive, names["mimetype"], 100).strip() == ODT_MIMETYPE:
                _check_odt(archive, names)
                return "odt"
            if "[content_types].xml" in names and "word/document.xml" in names:
                _check_docx(archive, names)
                return "docx"
    except UnsafeArchive as exc:
        raise RefusedDocument(exc.message) from exc
    except ARCHIVE_ERRORS:
        return ""
    return ""


def _check_odt(archive: zipfile.ZipFile, names: dict[str, str]) -> None:
    """No StarBasic or script libraries, none listed in the manifest, and no event or link that
    runs a macro (even one installed with the office suite)."""
    if any(name.startswith(ODF_MACRO_DIRECTORIES) for name in names):
        raise _macros()

    def lists_macros(name, attrs) -> bool:
        path = attrs.get((ODF_MANIFEST, "full-path"), "")
        return name == (ODF_MANIFEST, "file-entry") and path.casefold().lstrip("./").startswith(ODF_MACRO_DIRECTORIES)

    def runs_macros(name, attrs) -> bool:
        return name == (ODF_SCRIPT, "event-listener") or any(
            value.strip().casefold().startswith(ODF_MACRO_URLS) for value in attrs.values()
        )

    if "meta-inf/manifest.xml" in names and xml_member_has(archive, names["meta-inf/manifest.xml"], lists_macros):
        raise _macros()
    if any(
        name in names and xml_member_has(archive, names[name], runs_macros) for name in ("content.xml", "styles.xml")
    ):
        raise _macros()


def _check_docx(archive: zipfile.ZipFile, names: dict[str, str]) -> None:
    """No VBA, and no relationship whose target is outside the file (an attached template, a
    linked picture or frame, a hyperlink): the word processor would fetch or offer it."""
    if has_office_macros(archive):
        raise _macros()

    def external(name, attrs) -> bool:
        return name[1] == "Relationship" and attrs.get((None, "TargetMode"), "").strip() == OOXML_EXTERNAL

    if any(name.endswith(".rels") and xml_member_has(archive, original, external) for name, original in names.items()):
        raise RefusedDocument(
            _(
                "Dokumentet hämtar innehåll utanför filen (till exempel en mall, en bild eller en "
                "länk på en annan adress) och tas inte emot. Ta bort de externa länkarna och försök igen."
            )
        )


def document_name(name: str, kind: str) -> str:
    """The uploader's file name, without directories, with the extension of the detected type:
    a PDF uploaded as "x.docx" is "x.pdf"."""
    stem = Path(Path(name).name).stem.strip() or kind
    return f"{stem[:190]}.{kind}"


def too_large(size: int) -> str | None:
    """The message for a file over the limit (checked before it is read), or None."""
    return _("Filen är större än 10 MB.") if size > MAX_DOCUMENT_BYTES else None


def store_document(instance: models.Model, field_name: str, upload: tuple[str, bytes]) -> dict[str, Any]:
    """Check `upload` (file name, content) and store it in `instance`'s file field `field_name`;
    the values of `<field_name>`, `<field_name>_name` and `<field_name>_type` that point to it.
    Bad content is a field error and nothing is stored."""
    name, data = upload
    message = too_large(len(data))
    kind = ""
    if message is None:
        try:
            kind = detect_document_type(data)
        except RefusedDocument as exc:
            message = exc.message
    if message is None and not kind:
        message = _("Filen är inte en PDF-, Word- (DOCX) eller OpenDocument-fil (ODT).")
    if message is not None:
        raise ValidationError({field_name: message})
    field = instance._meta.get_field(field_name)
    shown = document_name(name, kind)
    # upload_to gives a random name of LIS's own; the extension is the detected type's.
    stored = field.storage.save(f"{field.generate_filename(instance, shown)}.{kind}", ContentFile(data))
    return {field_name: stored, f"{field_name}_name": shown, f"{field_name}_type": kind}


def document_response(file: models.fields.files.FieldFile, *, kind: str, name: str) -> HttpResponse:
    """A stored document as an attachment under its original name with the extension of its type,
    never rendered inline."""
    with file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(True, document_name(name, kind))
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- an import's file between its dry run and its apply -----------------------------------------

PENDING_TTL_SECONDS = 24 * 3600
PENDING_TOKEN_RE = re.compile(r"[0-9a-f]{32}")


@dataclass
class PendingUpload:
    token: str
    data: bytes
    filename: str


@dataclass(frozen=True)
class PendingUploads:
    """Uploaded import files kept for their owner between the dry run and the apply (at most a
    day): under MEDIA_ROOT/`folder`, readable only by the server, found by an unguessable token
    that only its owner can use. The apply reads and checks the file again."""

    folder: str
    suffix: str

    def directory(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.folder

    def _paths(self, token: str) -> tuple[Path, Path]:
        return self.directory() / f"{token}{self.suffix}", self.directory() / f"{token}.json"

    @staticmethod
    def _write_private(path: Path, content: bytes) -> None:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)

    def _purge_stale(self) -> None:
        cutoff = time.time() - PENDING_TTL_SECONDS
        for path in self.directory().glob("*"):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
            except OSError:
                continue

    def store(self, data: bytes, *, user, filename: str) -> str:
        """Keep `data` for `user`; the token to find it by."""
        self.directory().mkdir(parents=True, exist_ok=True, mode=0o700)
        self._purge_stale()
        token = uuid.uuid4().hex
        data_path, meta_path = self._paths(token)
        self._write_private(data_path, data)
        meta = {"user": user.pk, "filename": Path(filename).name[:200], "stored": time.time()}
        self._write_private(meta_path, json.dumps(meta).encode())
        return token

    def load(self, token: str, *, user) -> PendingUpload | None:
        """The upload behind `token` if it exists, is fresh and belongs to `user`; else None."""
        if not isinstance(token, str) or not PENDING_TOKEN_RE.fullmatch(token):
            return None
        data_path, meta_path = self._paths(token)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or meta.get("user") != user.pk:
                return None
            if time.time() - float(meta.get("stored", 0)) > PENDING_TTL_SECONDS:
                self.discard(token)
                return None
            return PendingUpload(token=token, data=data_path.read_bytes(), filename=str(meta.get("filename", "")))
        except (OSError, ValueError, TypeError):
            return None

    def discard(self, token: str) -> None:
        if not isinstance(token, str) or not PENDING_TOKEN_RE.fullmatch(token):
            return
        for path in self._paths(token):
            path.unlink(missing_ok=True)


# --- spreadsheets for the imports ---------------------------------------------------------------

REFUSED_SPREADSHEET_SUFFIXES = frozenset({".xls", ".xlsm", ".xlsb", ".xltm", ".xlam", ".xlt"})


def spreadsheet_max_bytes() -> int:
    """The largest import file LIS reads (`LIS_IMPORT_MAX_BYTES`, 5 MB unless set)."""
    return int(getattr(settings, "LIS_IMPORT_MAX_BYTES", 5 * 1024 * 1024))


class RefusedSpreadsheet(Exception):
    """An import file LIS will not read; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _broken_workbook() -> RefusedSpreadsheet:
    return RefusedSpreadsheet(_("Filen kunde inte läsas som en Excel-arbetsbok."))


def check_spreadsheet(
    data: bytes, filename: str = "", *, max_bytes: int | None = None, allow_csv: bool = False, not_xlsx_hint: str = ""
) -> str:
    """'xlsx' (or, with `allow_csv`, 'csv') from the content of an uploaded import file, or
    RefusedSpreadsheet: too large, a macro-enabled or old Excel file by its name, a zip that is
    unsafe (the limits above), has macros or is no workbook, or (csv) not UTF-8 text.
    `not_xlsx_hint` is added to the message for a file that is no workbook when csv is not
    allowed."""
    limit = spreadsheet_max_bytes() if max_bytes is None else max_bytes
    if len(data) > limit:
        raise RefusedSpreadsheet(
            _("Filen är för stor (%(size)s). Den får vara högst %(max)s.")
            % {"size": filesizeformat(len(data)), "max": filesizeformat(limit)}
        )
    suffix = Path(filename).suffix
    if suffix.lower() in REFUSED_SPREADSHEET_SUFFIXES:
        raise RefusedSpreadsheet(
            (
                _("Filen är en makroaktiverad eller äldre Excel-fil (%(suffix)s). Spara den som .xlsx eller .csv.")
                if allow_csv
                else _(
                    "Filen är en makroaktiverad eller äldre Excel-fil (%(suffix)s). Spara den som "
                    "Excel-arbetsbok (.xlsx) och försök igen."
                )
            )
            % {"suffix": suffix}
        )
    if data.startswith(ZIP_MAGIC):
        try:
            with open_archive(data) as archive:
                names = {name.casefold() for name in archive.namelist()}
                macros = has_office_macros(archive)
        except UnsafeArchive as exc:
            raise RefusedSpreadsheet(exc.message) from exc
        except ARCHIVE_ERRORS as exc:
            raise _broken_workbook() from exc
        if macros:
            raise RefusedSpreadsheet(
                _("Arbetsboken innehåller makron och läses inte in. Spara den som Excel-arbetsbok utan makron (.xlsx).")
            )
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            raise _broken_workbook()
        return "xlsx"
    if not allow_csv:
        message = _("Filen är ingen Excel-arbetsbok (.xlsx).")
        raise RefusedSpreadsheet(f"{message} {not_xlsx_hint}".strip())
    if b"\x00" in data:
        raise RefusedSpreadsheet(_("Filen är varken en Excel-arbetsbok (.xlsx) eller en textfil (.csv)."))
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RefusedSpreadsheet(
            _("Textfilen är inte sparad som UTF-8. Spara den som CSV UTF-8 och försök igen.")
        ) from exc
    return "csv"


def read_table(data: bytes, kind: str, *, max_rows: int) -> list[list[Any]]:
    """The cells of an import file `check_spreadsheet` accepted, row by row: the first sheet of a
    .xlsx (values, not formulas), or a .csv in UTF-8 (with or without BOM) separated by ";" or
    ",". Raises RefusedSpreadsheet (in the user's language) for an unreadable file or one with
    more than `max_rows` rows."""
    too_many = RefusedSpreadsheet(_("Filen har fler än %(max)s rader. Dela upp den i flera filer.") % {"max": max_rows})
    if kind != "xlsx":
        text = data.decode("utf-8-sig")
        sample = text[:4096]
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=";,").delimiter
        except csv.Error:
            first = sample.splitlines()[0] if sample else ""
            delimiter = ";" if first.count(";") >= first.count(",") else ","
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as exc:
            raise RefusedSpreadsheet(_("Textfilen kunde inte läsas som CSV: %(error)s") % {"error": exc}) from exc
        if len(rows) > max_rows:
            raise too_many
        return rows
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds of exception for a broken file
        raise RefusedSpreadsheet(_("Filen kunde inte läsas som en Excel-arbetsbok.")) from exc
    try:
        if not workbook.worksheets:
            raise RefusedSpreadsheet(_("Arbetsboken har inget blad."))
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > max_rows:
                raise too_many
        return rows
    except RefusedSpreadsheet:
        raise
    except Exception as exc:
        raise RefusedSpreadsheet(_("Filen kunde inte läsas som en Excel-arbetsbok.")) from exc
    finally:
        workbook.close()
