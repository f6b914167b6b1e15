"""People from the HR system: the export of employees (.csv or .xlsx) read, checked and applied.

Columns are found by their Swedish headers, case and spacing ignored: "Anställningsnummer"
(required), "Förnamn", "Efternamn", "E-post", "Enhetskod", "Chef" (the chef's anställningsnummer),
"Slutdatum" (YYYY-MM-DD or an Excel date; empty while still employed) and "Skyddad identitet"
(ja/nej/1/0/x/empty). A column that is missing is left alone in LIS; an empty cell leaves the
value in LIS, except "Chef" (empty: no chef named by HR) and "Skyddad identitet".

A row is matched to a person by anställningsnummer, else by e-mail (case ignored; the number is
then set). Each row is planned as create, update (field from → to), end, unchanged or error;
with `end_missing`, people with an anställningsnummer in LIS who are not in the file end today.
The dry run writes nothing; the apply checks everything again and writes all or nothing
through the organisation services (so the change log records each change), managers in a
second pass after everyone exists, and one `hr_sync` event with the counts. From the UI both run
on the background worker (lis.core.jobs; issue 15, item 5): the dry run's Prepared data is shown
by the review page, the apply's Summary by the job page.

Skyddad identitet (POL-3.30): protection from the file is set, never lifted (HR lifts it by hand
in LIS), and the plan shows such a person only by pseudonym, without names or e-mail."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis.core import access, jobs, uploads
from lis.core.changelog import record_event
from lis.core.models import User

from . import services
from .models import OrgUnit, Person

MAX_ROWS = 50_000
HEADER_SCAN_ROWS = 10
REVIEW_MAX_ROWS = 2000  # rows of the plan the review lists (the summary counts them all)
HEADERS = {
    "employee_number": ("anställningsnummer", "anställningsnr", "anst.nr", "anstnr", "personalnummer"),
    "first_name": ("förnamn",),
    "last_name": ("efternamn",),
    "email": ("e-post", "epost", "e-postadress", "e-mail", "email"),
    "unit_code": ("enhetskod", "enhets-kod", "enhet kod"),
    "manager": ("chef", "chefens anställningsnummer", "närmaste chef"),
    "ended_on": ("slutdatum", "anställningen slutar", "slutar"),
    "protected": ("skyddad identitet", "skyddad"),
}
# The file's own headers, in Swedish whatever the user's language (the HR export uses them).
COLUMN_NAMES = {
    "employee_number": "Anställningsnummer",
    "first_name": "Förnamn",
    "last_name": "Efternamn",
    "email": "E-post",
    "unit_code": "Enhetskod",
    "manager": "Chef",
    "ended_on": "Slutdatum",
    "protected": "Skyddad identitet",
}
YES = {"ja", "j", "1", "x", "true", "sant"}
NO = {"", "nej", "n", "0", "false", "falskt"}

PENDING = uploads.PendingUploads("hr-sync", ".bin")


def may_sync(p: access.Principal) -> bool:
    """Administrators and HR bring people in from the HR system."""
    return p.is_superuser or p.has_role("administrator") or p.has_role("hr")


def max_upload_bytes() -> int:
    return uploads.spreadsheet_max_bytes()


# --- reading ---------------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _text(value: Any) -> str:
    """A cell as text; an Excel number 1007.0 is "1007"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    return str(value).strip()


class ImportFileError(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def _too_many() -> ImportFileError:
    return ImportFileError([_("Filen har fler än %(max)s rader. Dela upp den i flera filer.") % {"max": MAX_ROWS}])


def check_file(data: bytes, filename: str = "") -> str:
    """'xlsx' or 'csv' from the content (lis.core.uploads' `check_spreadsheet`, as every import)."""
    try:
        return uploads.check_spreadsheet(data, filename, max_bytes=max_upload_bytes(), allow_csv=True)
    except uploads.RefusedSpreadsheet as exc:
        raise ImportFileError([exc.message]) from exc


def _raw_rows(data: bytes, kind: str) -> list[list[Any]]:
    try:
        return uploads.read_table(data, kind, max_rows=MAX_ROWS + HEADER_SCAN_ROWS)
    except uploads.RefusedSpreadsheet as exc:
        raise ImportFileError([exc.message]) from exc


@dataclass
class SheetRow:
    number: int
    values: dict[str, Any]


def read_rows(data: bytes, kind: str) -> tuple[list[SheetRow], set[str]]:
    """The rows under the header row, and which columns the file has."""
    raw = _raw_rows(data, kind)
    by_header = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
    for header_index, row in enumerate(raw[:HEADER_SCAN_ROWS]):  # noqa: B007 (used after the loop)
        found: dict[str, int] = {}
        for position, value in enumerate(row):
            key = by_header.get(_key(value)) if isinstance(value, str) else None
            if key and key not in found:
                found[key] = position
        if "employee_number" in found:
            break
        if len(found) >= 2:
            raise ImportFileError(
                [_("Kolumnen ”%(column)s” saknas i rubrikraden.") % {"column": COLUMN_NAMES["employee_number"]}]
            )
    else:
        raise ImportFileError([_("Hittar ingen rubrikrad med kolumnen ”Anställningsnummer”.")])
    rows = []
    for offset, row in enumerate(raw[header_index + 1 :], start=header_index + 2):
        values = {key: row[pos] if pos < len(row) else None for key, pos in found.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        rows.append(SheetRow(number=offset, values=values))
        if len(rows) > MAX_ROWS:
            raise _too_many()
    return rows, set(found)


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value)) if len(_text(value)) == 10 else None
    except ValueError:
        return None


# --- planning --------------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class RowPlan:
    number: int | None  # the row in the file; None for a person missing from the file
    employee_number: str
    person: Person | None = None
    label: str = ""
    protected: bool = False
    values: dict[str, Any] = field(default_factory=dict)  # what person_create/person_update get
    manager_number: str | None = None  # None: leave; "": no chef named by HR
    manager_change: Change | None = None
    ends_on: datetime.date | None = None
    skipped: bool = False
    new: bool = False  # no person in LIS at planning time: one is created
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def change(self, name: str, label: str, before: Any, after: Any, shown_before: str, shown_after: str) -> None:
        """Plan `name` from `before` to `after` (shown as given; hidden for a protected person)."""
        if before == after:
            return
        self.values[name] = after
        if self.protected and name in ("first_name", "last_name", "email"):
            shown_before = shown_after = _("(skyddad uppgift)")
        self.changes.append(Change(name, label, shown_before or "–", shown_after or "–"))

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        if self.skipped:
            return "unchanged"
        if self.ends_on is not None:
            return "end"
        if self.new:
            return "create"
        return "update" if self.changes else "unchanged"

    @property
    def action_label(self) -> str:
        return {
            "error": _("Fel"),
            "end": _("Slutar"),
            "create": _("Ny person"),
            "update": _("Ändras"),
            "unchanged": _("Har slutat – läggs inte till") if self.skipped else _("Oförändrad"),
        }[self.action]

    @property
    def where(self) -> str:
        if self.number is None:
            return _("Saknas i filen")
        return _("Rad %(row)s") % {"row": self.number}

    def line(self) -> str:
        """One line of the plan, in Swedish, with no name of a protected person."""
        head = f"{self.where} ({self.employee_number or '–'}, {self.label}): {self.action_label}"
        if self.errors:
            return f"{head}: " + " ".join(self.errors)
        details = [f"{c.label} {c.before} → {c.after}" for c in self.changes]
        if self.action == "end":
            details.append(_("slutdatum %(date)s") % {"date": self.ends_on.isoformat()})
        return f"{head}: " + "; ".join(details) if details else head


@dataclass
class SyncResult:
    rows: list[RowPlan] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def errors(self) -> list[str]:
        return [f"{row.where}: {message}" for row in self.rows for message in row.errors]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": self.count("create"),
            "updated": self.count("update"),
            "ended": self.count("end"),
            "unchanged": self.count("unchanged"),
            "errors": self.count("error") + len(self.file_errors),
        }

    @property
    def writes(self) -> bool:
        return any(row.action in ("create", "update", "end") for row in self.rows)

    def summary(self) -> str:
        return (
            _(
                "Personer från HR-systemet: %(created)s nya, %(updated)s ändrade, %(ended)s slutar, "
                "%(unchanged)s oförändrade, %(errors)s fel."
            )
            % self.counts
        )

    def as_review(self, *, filename: str = "") -> dict[str, Any]:
        """What the review page shows, as JSON-ready data (the dry run runs on the worker and its
        page is rendered from this): the first REVIEW_MAX_ROWS rows of the plan, every error.
        Only what is shown is kept: a protected person by pseudonym, without the planned values."""
        return {
            "filename": filename,
            "file_errors": [str(message) for message in self.file_errors],
            "errors": [str(message) for message in self.errors],
            "has_errors": self.has_errors,
            "writes": self.writes,
            "summary": self.summary(),
            "rows": [
                {
                    "number": row.number,
                    "employee_number": row.employee_number,
                    "label": str(row.label),
                    "action_label": str(row.action_label),
                    "ends_on": row.ends_on.isoformat() if row.ends_on else "",
                    "errors": [str(message) for message in row.errors],
                    "changes": [
                        {"label": str(c.label), "before": str(c.before), "after": str(c.after)} for c in row.changes
                    ],
                }
                for row in self.rows[:REVIEW_MAX_ROWS]
            ],
        }


def _label(person: Person | None, first: str, last: str, protected: bool) -> str:
    if protected:
        return person.pseudonym if person is not None else _("Skyddad person (ny)")
    if person is not None:
        return str(person)
    return f"{first} {last}".strip() or "–"


def plan(rows: list[SheetRow], columns: set[str], *, end_missing: bool = False) -> list[RowPlan]:
    """Check every row against LIS in a fixed number of queries."""
    today = access.today()
    numbers = {_text(r.values.get("employee_number")) for r in rows} - {""}
    emails = {_text(r.values.get("email")).casefold() for r in rows} - {""}
    by_number = {
        p.employee_number: p
        for p in Person.objects.select_related("unit", "manager").filter(employee_number__in=numbers)
    }
    by_email: dict[str, list[Person]] = {}
    for person in Person.objects.select_related("unit", "manager").annotate(k=Lower("email")).filter(k__in=emails):
        by_email.setdefault(person.k, []).append(person)
    codes = {_text(r.values.get("unit_code")).casefold() for r in rows} - {""}
    units = {u.code.casefold(): u for u in OrgUnit.objects.annotate(k=Lower("code")).filter(k__in=codes)}
    manager_numbers = {_text(r.values.get("manager")) for r in rows} - {""}
    known_numbers = set(
        Person.objects.filter(employee_number__in=manager_numbers).values_list("employee_number", flat=True)
    )

    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    plans: list[RowPlan] = []
    for row in rows:
        v = row.values
        number = _text(v.get("employee_number"))
        first, last, email = _text(v.get("first_name")), _text(v.get("last_name")), _text(v.get("email"))
        result = RowPlan(number=row.number, employee_number=number)
        plans.append(result)
        errors = result.errors
        # Skyddad identitet first: everything below is shown with it in mind.
        protected_raw = _text(v.get("protected")).casefold() if "protected" in columns else None
        row_protected: bool | None = None
        if protected_raw is not None:
            if protected_raw in YES:
                row_protected = True
            elif protected_raw in NO:
                row_protected = False
            else:
                errors.append(
                    _("Skyddad identitet: ”%(value)s” är varken ja eller nej.") % {"value": protected_raw[:20]}
                )
        if not number:
            errors.append(_("Anställningsnummer saknas."))
        elif number in seen_numbers:
            errors.append(
                _("Anställningsnummer: %(number)s finns redan på rad %(row)s.")
                % {"number": number, "row": seen_numbers[number]}
            )
        else:
            seen_numbers[number] = row.number
        person = by_number.get(number) if number else None
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("E-post: ”%(value)s” är ingen giltig e-postadress.") % {"value": email[:80]})
                email = ""
        if email:
            if email.casefold() in seen_emails:
                errors.append(_("E-post: samma e-postadress som rad %(row)s.") % {"row": seen_emails[email.casefold()]})
            else:
                seen_emails[email.casefold()] = row.number
            if person is None and number:
                found = by_email.get(email.casefold(), [])
                if len(found) > 1:
                    errors.append(_("E-post: flera personer i LIS har den e-postadressen; rätta dem i LIS först."))
                elif found and found[0].employee_number and found[0].employee_number != number:
                    errors.append(
                        _("E-post: e-postadressen tillhör en person med anställningsnummer %(other)s i LIS.")
                        % {"other": found[0].employee_number}
                    )
                elif found:
                    person = found[0]
        result.person = person
        result.new = person is None
        result.protected = bool(row_protected) or bool(person and person.protected_identity)
        result.label = _label(person, first, last, result.protected)
        if person is not None and person.protected_identity and row_protected is False:
            errors.append(
                _(
                    "Skyddad identitet: personen har skyddad identitet i LIS men inte i filen. Skyddet tas inte "
                    "bort från en fil; HR tar bort det för hand i LIS."
                )
            )
        # Unit, chef and end date.
        code = _text(v.get("unit_code"))
        unit = None
        if code:
            unit = units.get(code.casefold())
            if unit is None:
                errors.append(_("Enhetskod: ingen enhet i LIS har koden %(code)s.") % {"code": code})
            elif not unit.is_active:
                errors.append(_("Enhetskod: enheten med koden %(code)s har upphört.") % {"code": code})
        elif person is None and "unit_code" in columns:
            errors.append(_("Enhetskod saknas: en ny medarbetare måste höra till en enhet."))
        if "manager" in columns:
            chef = _text(v.get("manager"))
            if chef and chef == number:
                errors.append(_("Chef: personen kan inte vara sin egen chef."))
            elif chef and chef not in known_numbers and chef not in numbers:
                errors.append(
                    _("Chef: anställningsnummer %(number)s finns varken i LIS eller i filen.") % {"number": chef}
                )
            else:
                result.manager_number = chef
        ends_on = None
        raw_end = v.get("ended_on")
        if _text(raw_end):
            ends_on = _date(raw_end)
            if ends_on is None:
                errors.append(
                    _("Slutdatum: ”%(value)s” är inget datum; skriv ÅÅÅÅ-MM-DD.") % {"value": _text(raw_end)[:40]}
                )
        if person is None:
            if not first or not last:
                errors.append(_("Förnamn och Efternamn behövs för en ny person."))
            if "unit_code" not in columns:
                errors.append(_("Enhetskod saknas: en ny medarbetare måste höra till en enhet."))
        if errors:
            continue

        # The plan: what changes, from → to.
        change = result.change
        current = person or Person()
        change(
            "employee_number", _("Anställningsnummer"), current.employee_number, number, current.employee_number, number
        )
        if first:
            change("first_name", _("Förnamn"), current.first_name, first, current.first_name, first)
        if last:
            change("last_name", _("Efternamn"), current.last_name, last, current.last_name, last)
        if email and email.casefold() != (current.email or "").casefold():
            change("email", _("E-post"), current.email, email, current.email, email)
        if unit is not None:
            before_unit = current.unit if current.unit_id else None
            change(
                "unit",
                _("Enhet"),
                before_unit,
                unit,
                (before_unit.code or before_unit.name) if before_unit else "",
                unit.code,
            )
        if row_protected and not current.protected_identity:
            change("protected_identity", _("Skyddad identitet"), False, True, _("nej"), _("ja"))
        if result.manager_number is not None:
            before_chef = current.manager.employee_number if current.manager_id else ""
            if result.manager_number != before_chef or (current.manager_id and not before_chef):
                shown = before_chef or (_("(utan anställningsnummer)") if current.manager_id else "–")
                result.manager_change = Change("manager", _("Chef"), shown, result.manager_number or "–")
                result.changes.append(result.manager_change)
        if ends_on is not None:
            if person is None and ends_on <= today:
                result.skipped = True  # left before LIS knew of them: nothing to add
                result.changes, result.values, result.manager_change = [], {}, None
            elif current.ended_on is None or (current.ended_on > today and current.ended_on != ends_on):
                result.ends_on = ends_on

    if end_missing:
        in_file = {row.employee_number for row in plans} | {
            row.person.employee_number for row in plans if row.person is not None
        }
        missing = (
            Person.objects.exclude(employee_number="")
            .exclude(employee_number__in=in_file - {""})
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
            .order_by("employee_number")
        )
        for person in missing:
            plans.append(
                RowPlan(
                    number=None,
                    employee_number=person.employee_number,
                    person=person,
                    protected=person.protected_identity,
                    label=_label(person, "", "", person.protected_identity),
                    ends_on=today,
                )
            )
    return plans


# --- applying --------------------------------------------------------------------------------


def _apply(result: SyncResult, *, actor: User | None, filename: str) -> None:
    for row in result.rows:
        if row.skipped:
            continue
        if row.person is None:
            row.person = services.person_create(actor=actor, kind=Person.Kind.EMPLOYEE, **row.values)
        elif row.values:
            services.person_update(actor=actor, person=row.person, **row.values)
    # Second pass: chefs, now that everyone in the file exists.
    wanted = {row.manager_number for row in result.rows if row.manager_change and row.manager_number}
    chefs = {p.employee_number: p for p in Person.objects.filter(employee_number__in=wanted)}
    for row in result.rows:
        if row.manager_change is not None:
            chef = chefs.get(row.manager_number) if row.manager_number else None
            services.person_update(actor=actor, person=row.person, manager=chef)
    for row in result.rows:
        if row.ends_on is not None:
            services.person_end(actor=actor, person=row.person, ended_on=row.ends_on)
    record_event(
        "hr_sync",
        user=actor,
        details={"file": filename[:200], **{k: v for k, v in result.counts.items() if k != "errors"}},
        user_name=None if actor is not None else "sync_people",
    )


def run_sync(
    data: bytes,
    *,
    actor: User | None,
    filename: str,
    apply: bool,
    end_missing: bool = False,
    progress: Callable[[int, str], None] | None = None,
) -> SyncResult:
    """The dry run (nothing written) or the all-or-nothing apply; both read and check the file.
    `actor` None is the operator's command line; a user must be an administrator or HR.
    `progress(percent, message)` is told how far it has come (on the worker)."""
    if actor is not None:
        access.require(
            may_sync(access.principal_for(actor)),
            _("Bara administratörer och HR läser in personer från HR-systemet."),
        )
    report = progress or (lambda percent, message: None)
    report(5, _("Läser filen"))
    try:
        kind = check_file(data, filename)
        rows, columns = read_rows(data, kind)
    except ImportFileError as exc:
        return SyncResult(file_errors=exc.messages)
    report(40, _("Kontrollerar raderna"))
    result = SyncResult(rows=plan(rows, columns, end_missing=end_missing))
    if not rows:
        result.file_errors.append(_("Filen har inga rader under rubrikraden."))
    if not apply or result.has_errors or not result.writes:
        return result
    try:
        with transaction.atomic():
            _apply(result, actor=actor, filename=filename)
    except ValidationError as exc:
        result.file_errors.extend(exc.messages)
        return result
    except PermissionDenied as exc:
        result.file_errors.append(str(exc) or _("Du har inte behörighet till detta."))
        return result
    result.applied = True
    return result


# --- the dry run and the apply on the worker (lis.core.jobs; issue 15, item 5) -------------------

REVIEW_JOB = "hr_sync_review"
APPLY_JOB = "hr_sync_apply"


def _upload(user: User, params: dict[str, Any]) -> uploads.PendingUpload:
    """The person's stored upload named by params["token"], if they may still read HR files."""
    if not may_sync(access.principal_for(user)):
        raise jobs.JobFailed(_("Bara administratörer och HR läser in personer från HR-systemet."))
    token = params.get("token")
    upload = PENDING.load(token if isinstance(token, str) else "", user=user)
    if upload is None:
        raise jobs.JobFailed(
            _(
                "Den uppladdade filen finns inte längre (den sparas i ett dygn). Ladda upp den igen och "
                "granska inläsningen."
            )
        )
    return upload


def review_url(token: str, *, end_missing: bool) -> str:
    """The review of an upload; `?slut=1` when people missing from the file are to end."""
    url = reverse("organisation:hr_sync_review", args=[token])
    return url + ("?slut=1" if end_missing else "")


def review_job(*, user: User, params: dict[str, Any], progress: jobs.Progress) -> jobs.Prepared:
    """The dry run of an HR file, on the worker: params {"token", "end_missing"}. What the
    inläsning would do and every problem, nothing written; the review page shows it."""
    upload = _upload(user, params)
    result = run_sync(
        upload.data,
        actor=user,
        filename=upload.filename,
        apply=False,
        end_missing=params.get("end_missing") is True,
        progress=progress,
    )
    return jobs.Prepared(result.as_review(filename=upload.filename))


def apply_job(*, user: User, params: dict[str, Any], progress: jobs.Progress) -> jobs.Summary:
    """The apply of a reviewed HR file, on the worker: params {"token", "end_missing"}. Checks
    the person's access and re-reads and re-checks their stored upload, all or nothing."""
    upload = _upload(user, params)
    progress(10, _("Läser och kontrollerar filen"))
    result = run_sync(
        upload.data, actor=user, filename=upload.filename, apply=True, end_missing=params.get("end_missing") is True
    )
    PENDING.discard(upload.token)  # used, applied or refused; an unexpected error keeps it for a retry
    if result.has_errors:
        return jobs.Summary.refused(
            _("Inläsningen genomfördes inte. Inget har ändrats."),
            [*result.file_errors, *result.errors],
            link=reverse("organisation:hr_sync"),
        )
    people = reverse("organisation:person_list")
    if not result.applied:
        return jobs.Summary(
            heading=_("Inget ändrades: LIS stämmer redan med filen."), link=people, link_label=_("Till personerna")
        )
    return jobs.Summary(
        heading=_("Inläsningen är genomförd"),
        lines=(result.summary(), _("Fil: %(name)s") % {"name": upload.filename}),
        link=people,
        link_label=_("Till personerna"),
    )


def register_jobs() -> None:
    """In OrganisationConfig.ready(): the worker dry-runs and applies HR files."""
    jobs.register_document(
        REVIEW_JOB,
        review_job,
        label=gettext_lazy("Granskning av inläsningen från HR-systemet"),
        shown_at=lambda params: review_url(params["token"], end_missing=params.get("end_missing") is True),
    )
    jobs.register_document(
        APPLY_JOB, apply_job, label=gettext_lazy("Inläsning av personer från HR-systemet"), summary=True
    )
