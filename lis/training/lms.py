"""Import of completions from the learning platform's export (.csv or .xlsx).

Columns are found by their Swedish headers, case and spacing ignored: "E-post", "Kurskod" and
"Genomförd" (YYYY-MM-DD, or an Excel date cell); other columns are ignored. A file is checked by
its content (size, a zip without macros and within the limits of lis.core.uploads for .xlsx,
UTF-8 text for .csv, ";" or "," sniffed). Like the register import: a dry run first, showing per
row a new completion, one already recorded, or an error; then the upload kept for its owner is
read and checked again and applied all or nothing (nothing is written if any row has an error)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core import access, jobs, uploads
from lis.core.models import User
from lis.organisation.models import Person

from . import services
from .models import Completion, Course

MAX_ROWS = 50_000
HEADER_SCAN_ROWS = 10
REVIEW_MAX_ROWS = 1000  # rows the review lists (all of them are counted)
HEADERS = {
    "email": ("e-post", "epost", "e-postadress", "e-mail", "email", "mejl"),
    "code": ("kurskod", "kurs-kod", "kurs kod", "kurs-id", "kursid"),
    "completed_on": ("genomförd", "genomförd datum", "genomförd den", "slutförd", "datum"),
}
COLUMN_NAMES = {"email": "E-post", "code": "Kurskod", "completed_on": "Genomförd"}


def max_upload_bytes() -> int:
    return uploads.spreadsheet_max_bytes()


class ImportFileError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


# --- reading ---------------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def check_file(data: bytes, filename: str = "") -> str:
    """'xlsx' or 'csv' from the content; ImportFileError for anything LIS will not read
    (lis.core.uploads' `check_spreadsheet`, shared with the register import)."""
    try:
        return uploads.check_spreadsheet(data, filename, max_bytes=max_upload_bytes(), allow_csv=True)
    except uploads.RefusedSpreadsheet as exc:
        raise ImportFileError([exc.message]) from exc


def _raw_rows(data: bytes, kind: str) -> list[list[Any]]:
    try:
        return uploads.read_table(data, kind, max_rows=MAX_ROWS + HEADER_SCAN_ROWS)
    except uploads.RefusedSpreadsheet as exc:
        raise ImportFileError([exc.message]) from exc


def _too_many() -> ImportFileError:
    return ImportFileError([_("Filen har fler än %(max)s rader. Dela upp den i flera filer.") % {"max": MAX_ROWS}])


@dataclass
class SheetRow:
    number: int
    email: Any
    code: Any
    completed_on: Any


def read_rows(data: bytes, kind: str) -> list[SheetRow]:
    raw = _raw_rows(data, kind)
    by_header = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
    for header_index, row in enumerate(raw[:HEADER_SCAN_ROWS]):  # noqa: B007 (used after the loop)
        found = {}
        for position, value in enumerate(row):
            key = by_header.get(_key(value)) if isinstance(value, str) else None
            if key and key not in found:
                found[key] = position
        if len(found) == len(HEADERS):
            break
        if found:
            missing = [COLUMN_NAMES[k] for k in HEADERS if k not in found]
            raise ImportFileError(
                [_("Kolumnen ”%(column)s” saknas i rubrikraden.") % {"column": name} for name in missing]
            )
    else:
        raise ImportFileError([_("Hittar ingen rubrikrad med kolumnerna ”E-post”, ”Kurskod” och ”Genomförd”.")])
    rows = []
    for offset, row in enumerate(raw[header_index + 1 :], start=header_index + 2):
        values = {key: _cell(row[pos]) if pos < len(row) else None for key, pos in found.items()}
        if all(v in (None, "") for v in values.values()):
            continue
        rows.append(SheetRow(number=offset, **values))
        if len(rows) > MAX_ROWS:
            raise _too_many()
    return rows


# --- planning --------------------------------------------------------------------------------


@dataclass
class RowResult:
    number: int
    email: str
    code: str
    completed_on: datetime.date | None = None
    person: Person | None = None
    course: Course | None = None
    exists: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        return "unchanged" if self.exists else "new"

    @property
    def action_label(self) -> str:
        return {
            "error": _("Fel"),
            "unchanged": _("Redan registrerad (oförändrad)"),
            "new": _("Ny genomförd utbildning"),
        }[self.action]


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def errors(self) -> list[str]:
        return [
            _("Rad %(row)s: %(message)s") % {"row": row.number, "message": message}
            for row in self.rows
            for message in row.errors
        ]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("new")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    def as_review(self, *, filename: str = "") -> dict[str, Any]:
        """What the review page shows, as JSON-ready data (the dry run runs on the worker and its
        page is rendered from this): the first REVIEW_MAX_ROWS rows, every error."""
        return {
            "filename": filename,
            "file_errors": [str(message) for message in self.file_errors],
            "errors": [str(message) for message in self.errors],
            "has_errors": self.has_errors,
            "row_count": len(self.rows),
            "created": self.created,
            "unchanged": self.unchanged,
            "rows": [
                {
                    "number": row.number,
                    "email": row.email,
                    "code": row.code,
                    "completed_on": row.completed_on.isoformat() if row.completed_on else "",
                    "action_label": str(row.action_label),
                    "errors": [str(message) for message in row.errors],
                }
                for row in self.rows[:REVIEW_MAX_ROWS]
            ],
        }


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def plan(rows: list[SheetRow]) -> list[RowResult]:
    """Check every row against the register: three queries whatever the number of rows."""
    today = access.today()
    emails = {str(r.email or "").strip().casefold() for r in rows}
    codes = {str(r.code or "").strip().casefold() for r in rows}
    people: dict[str, list[Person]] = {}
    for person in Person.objects.annotate(email_key=Lower("email")).filter(email_key__in=emails):
        people.setdefault(person.email_key, []).append(person)
    courses = {c.code.casefold(): c for c in Course.objects.annotate(k=Lower("code")).filter(k__in=codes)}
    person_ids = [p.pk for found in people.values() for p in found]
    existing = set(
        Completion.objects.filter(person_id__in=person_ids, course__in=list(courses.values())).values_list(
            "person_id", "course_id", "completed_on"
        )
    )
    seen: dict[tuple, int] = {}
    results = []
    for row in rows:
        email = str(row.email or "").strip()
        code = str(row.code or "").strip()
        result = RowResult(number=row.number, email=email, code=code)
        if not email:
            result.errors.append(_("E-post saknas."))
        else:
            found = [p for p in people.get(email.casefold(), [])]
            if not found:
                result.errors.append(_("E-post: ingen person i LIS har e-postadressen %(email)s.") % {"email": email})
            elif len(found) > 1:
                result.errors.append(_("E-post: flera personer har e-postadressen %(email)s.") % {"email": email})
            else:
                result.person = found[0]
                if result.person.ended_on is not None and result.person.ended_on <= today:
                    result.errors.append(
                        _("E-post: personen har slutat (%(date)s).") % {"date": result.person.ended_on}
                    )
        if not code:
            result.errors.append(_("Kurskod saknas."))
        else:
            result.course = courses.get(code.casefold())
            if result.course is None:
                result.errors.append(_("Kurskod: ingen kurs har koden %(code)s.") % {"code": code})
        raw = row.completed_on
        if raw in (None, ""):
            result.errors.append(_("Genomförd: datum saknas."))
        else:
            result.completed_on = _date(raw)
            if result.completed_on is None:
                result.errors.append(
                    _("Genomförd: ”%(value)s” är inget datum; skriv ÅÅÅÅ-MM-DD.") % {"value": str(raw)[:40]}
                )
            elif result.completed_on > today:
                result.errors.append(
                    _("Genomförd: datumet %(date)s ligger i framtiden.") % {"date": result.completed_on}
                )
        if result.person and result.course and result.completed_on:
            key = (result.person.pk, result.course.pk, result.completed_on)
            if key in seen:
                result.errors.append(_("Samma person, kurs och datum som rad %(row)s.") % {"row": seen[key]})
            else:
                seen[key] = row.number
                result.exists = key in existing
        results.append(result)
    return results


def run_import(
    data: bytes, *, user: User, filename: str, apply: bool, progress: Callable[[int, str], None] | None = None
) -> ImportResult:
    """The dry run (nothing written) or the all-or-nothing apply; both read and check the file.
    `progress(percent, message)` is told how far it has come (on the worker)."""
    report = progress or (lambda percent, message: None)
    report(5, _("Läser filen"))
    try:
        kind = check_file(data, filename)
        rows = read_rows(data, kind)
    except ImportFileError as exc:
        return ImportResult(file_errors=exc.messages)
    report(40, _("Kontrollerar raderna"))
    result = ImportResult(rows=plan(rows))
    if not rows:
        result.file_errors.append(_("Filen har inga rader under rubrikraden."))
    if not apply or result.has_errors:
        return result
    new = [
        (row.person, row.course, row.completed_on, _("%(file)s rad %(row)s") % {"file": filename, "row": row.number})
        for row in result.rows
        if row.action == "new"
    ]
    if not new:
        return result
    try:
        with transaction.atomic():
            services.completions_import(actor=user, rows=new, filename=filename, unchanged=result.unchanged)
    except ValidationError as exc:
        result.file_errors.extend(exc.messages)
        return result
    except PermissionDenied as exc:
        result.file_errors.append(str(exc) or _("Du har inte behörighet till detta."))
        return result
    result.applied = True
    return result


# The stored file between dry run and apply.
PENDING = uploads.PendingUploads("training-imports", ".bin")


# --- the dry run and the apply on the worker (lis.core.jobs; issue 15, item 5) -------------------

REVIEW_JOB = "training_import_review"
APPLY_JOB = "training_import_apply"


def _upload(user: User, params: dict[str, Any]) -> uploads.PendingUpload:
    """The person's stored upload named by params["token"], if they may still import."""
    from .selectors import can_import  # noqa: PLC0415

    if not can_import(access.principal_for(user)):
        raise jobs.JobFailed(_("Bara HR, säkerhetsstrategen och administratörer importerar från lärplattformen."))
    token = params.get("token")
    upload = PENDING.load(token if isinstance(token, str) else "", user=user)
    if upload is None:
        raise jobs.JobFailed(
            _(
                "Den uppladdade filen finns inte längre (den sparas i ett dygn). Ladda upp den igen och "
                "granska importen."
            )
        )
    return upload


def review_job(*, user: User, params: dict[str, Any], progress: jobs.Progress) -> jobs.Prepared:
    """The dry run of an LMS file, on the worker: params {"token"}. What the import would do and
    every problem, nothing written; the review page shows it."""
    upload = _upload(user, params)
    result = run_import(upload.data, user=user, filename=upload.filename, apply=False, progress=progress)
    return jobs.Prepared(result.as_review(filename=upload.filename))


def apply_job(*, user: User, params: dict[str, Any], progress: jobs.Progress) -> jobs.Summary:
    """The apply of a reviewed LMS file, on the worker: params {"token"}. Checks the person's
    access and re-reads and re-checks their stored upload, all or nothing."""
    upload = _upload(user, params)
    progress(10, _("Läser och kontrollerar filen"))
    result = run_import(upload.data, user=user, filename=upload.filename, apply=True)
    PENDING.discard(upload.token)  # used, applied or refused; an unexpected error keeps it for a retry
    overview = reverse("training:overview")
    if result.has_errors:
        return jobs.Summary.refused(
            _("Importen genomfördes inte. Inget har ändrats."),
            [*result.file_errors, *result.errors],
            link=reverse("training:import"),
        )
    if not result.applied:
        return jobs.Summary(
            heading=_("Inget ändrades: alla rader var redan registrerade."),
            link=overview,
            link_label=_("Till utbildningarna"),
        )
    created = ngettext(
        "Importen är genomförd: %(count)s ny genomförd utbildning.",
        "Importen är genomförd: %(count)s nya genomförda utbildningar.",
        result.created,
    ) % {"count": result.created}
    lines = [created]
    if result.unchanged:
        lines.append(
            ngettext(
                "%(count)s rad var redan registrerad.", "%(count)s rader var redan registrerade.", result.unchanged
            )
            % {"count": result.unchanged}
        )
    lines.append(_("Fil: %(name)s") % {"name": upload.filename})
    return jobs.Summary(
        heading=_("Importen är genomförd"), lines=tuple(lines), link=overview, link_label=_("Till utbildningarna")
    )


def register_jobs() -> None:
    """In TrainingConfig.ready(): the worker dry-runs and applies LMS files."""
    jobs.register_document(
        REVIEW_JOB,
        review_job,
        label=gettext_lazy("Granskning av importen av genomförda utbildningar"),
        shown_at=lambda params: reverse("training:import_review", args=[params["token"]]),
    )
    jobs.register_document(APPLY_JOB, apply_job, label=gettext_lazy("Import av genomförda utbildningar"), summary=True)
