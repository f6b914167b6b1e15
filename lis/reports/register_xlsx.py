"""Riskmatris del 1 as an Excel workbook: export of the register and import of the same layout
(issue 3, item 5; BIL1-2, BIL1-3).

The sheet "Del 1 – Systemförteckning" (rows are 1-based):

    1   Riskmatris del 1 – förteckning över informationssystem
    2   Kommun              <the pack's municipality_name>
    3   Förvaltning/bolag   <the unit, or the whole kommun>
    4   Datum               <today in Europe/Stockholm, a real date>
    5   Exporterad av       <full name (username)>
    6   (empty)
    7   the column headers (HEADER_ROW): COLUMNS, one column per pack aspect, "Klassning fastställd"
    8…  one row per system

The words of the sheet are the policy's Swedish and are not translated: they are the file
format, and the import recognises the columns by these headers. Messages to the user go through
gettext.

Import reads the same layout (the header row is found by its "LIS-id" and "Namn" cells, so a
user may add or remove rows above it). Every row is compared with what an export of the current
system would say, cell by cell: a cell that reads the same is no change, so export → import →
export changes nothing. Changed cells are resolved (names of units, parties, boards, people,
driftsform, status, Ja/Nej, dates) and written through `lis.systems.services`, which check
permission, validate and write the change log. The dry run runs exactly the same code inside a
transaction that is rolled back, so it reports every problem the real run would meet; the real
run is all-or-nothing. Classification (K/R/T…, "Klassning fastställd") and the user and brukare
groups are read-only here: they change through their own pages and workflow; a difference is
reported as a notice, not imported.
"""

from __future__ import annotations

import contextlib
import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

import openpyxl
import xlsxwriter
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.format import Format

from lis.core import access, uploads
from lis.core.access import Principal
from lis.core.changelog import dry_run as changelog_dry_run
from lis.core.changelog import record_event
from lis.core.models import User
from lis.core.pack import get_pack
from lis.organisation.models import Board, OrgUnit, Person
from lis.organisation.selectors import active_q, people_choices
from lis.systems import selectors, services
from lis.systems.forms import top_units
from lis.systems.models import InformationSystem, Party, Platform, UserGroup

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "Del 1 – Systemförteckning"
TITLE = "Riskmatris del 1 – förteckning över informationssystem"
HEADER_BLOCK = ("Kommun", "Förvaltning/bolag", "Datum", "Exporterad av")
HEADER_ROW = 7
FREEZE = f"C{HEADER_ROW + 1}"  # the header row, LIS-id and Namn stay in view
DATE_FORMAT = "yyyy-mm-dd"
ROWS_PER_PROGRESS = 500  # how often a background export reports how far it has come
PAPER_A4 = 9  # the paper size code in SpreadsheetML
DIGIT_PIXELS = 7  # the width of a digit in the default font (Calibri 11), which column widths count in
HEADER_MAX = 253  # Excel's 255 characters of a page header, less the "&C" that centres it
# Written with XlsxWriter (openpyxl, which reads, took three times as long to write; issue 16):
# in memory, and no string is ever taken for a formula, number or link.
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
YES, NO = "Ja", "Nej"
NO_CONSUMERS = "Inga brukare"
WHOLE_KOMMUN = "Hela kommunen"
VISIBLE_PART = "Alla system du har behörighet att se"

MAX_ROWS = 20_000
HEADER_SCAN_ROWS = 30
MAX_LISTED_CELLS = 20


def max_upload_bytes() -> int:
    return uploads.spreadsheet_max_bytes()


# --- the columns -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    wrap: bool = False
    imported: bool = True  # False: shown only; a difference on import is a notice


BASE_COLUMNS = (
    Column("id", "LIS-id", 8),
    Column("name", "Namn", 28, wrap=True),
    Column("description", "Beskrivning", 48, wrap=True),
    Column("status", "Status", 16),
    Column("unit", "Förvaltning/bolag", 30, wrap=True),
    Column("system_owner", "Systemägare", 24, wrap=True),
    Column("supplier", "Leverantör", 24, wrap=True),
    Column("developer", "Utvecklare", 24, wrap=True),
    Column("accountable_board", "Systemansvarig", 30, wrap=True),
    Column("responsible_manager", "Ansvarig chef", 22, wrap=True),
    Column("system_steward", "Systemförvaltare", 22, wrap=True),
    Column("steward_appointed_on", "Förvaltare utsedd", 12),
    Column("operating_model", "Driftsform", 22, wrap=True),
    Column("users", "Användare", 40, wrap=True, imported=False),
    Column("consumers", "Brukare", 40, wrap=True),  # only "Inga brukare" is imported (no_consumers)
    Column("personal_data", "Personuppgifter", 15),
    Column("sensitive_personal_data", "Känsliga personuppgifter", 13),
    Column("secrecy", "Sekretess", 11),
    Column("secrecy_provision", "Lagrum", 24, wrap=True),
    Column("platforms", "Plattform", 20, wrap=True),  # POL-3.29: platform names, ", "-separated
    Column("tags", "Taggar", 24, wrap=True),
)
CLASSIFIED_COLUMN = Column("classified", "Klassning fastställd", 12, imported=False)
HEADERS = {c.key: c.header for c in BASE_COLUMNS} | {CLASSIFIED_COLUMN.key: CLASSIFIED_COLUMN.header}
# The columns an import cannot do without: everything it writes.
REQUIRED_KEYS = tuple(c.key for c in BASE_COLUMNS if c.imported)
# Service field → the column its value comes from (for the services' validation messages).
FIELD_COLUMNS = {name: HEADERS[name] for name in services.SYSTEM_FIELDS if name in HEADERS} | {
    "no_consumers": HEADERS["consumers"],
    "platforms": HEADERS["platforms"],
}


def columns() -> tuple[Column, ...]:
    """Every column of the sheet, in order: the policy's, one per pack aspect, fastställd."""
    aspects = tuple(Column(f"level:{a.key}", a.key, 5, imported=False) for a in get_pack().aspects)
    return BASE_COLUMNS + aspects + (CLASSIFIED_COLUMN,)


# --- rendering a system as a row (export, and the import's "unchanged" test) -----------------


def _yes_no(value: bool) -> str:
    return YES if value else NO


def group_text(groups: Iterable[UserGroup]) -> str:
    """User groups as "beskrivning (behörighet, ~antal)", joined by "; "."""
    parts = []
    for group in groups:
        details = [
            d
            for d in (
                group.access_level.strip(),
                f"~{group.approximate_size}" if group.approximate_size is not None else "",
            )
            if d
        ]
        parts.append(f"{group.description} ({', '.join(details)})" if details else group.description)
    return "; ".join(parts)


class RowRenderer:
    """The values of one system's row as the export writes them."""

    def __init__(self, p: Principal):
        pack = get_pack()
        self.p = p
        self.operating_models = {o.key: o.name for o in pack.operating_models}
        self.level_numbers = {level.key: level["number"] for level in pack.levels}
        self.aspects = [a.key for a in pack.aspects]
        with translation.override("sv"):
            self.statuses = {key: str(label) for key, label in InformationSystem.Status.choices}

    def person(self, person: Person | None) -> str:
        if person is None or not person.protected_identity:
            return access.person_label(self.p, person)
        with translation.override("sv"):  # the pseudonym is part of the file format
            return access.person_label(self.p, person)

    def row(
        self, system: InformationSystem, groups: list[UserGroup], platforms: Iterable[str] | None = None
    ) -> dict[str, Any]:
        """`platforms`: the names of the system's platforms, if fetched apart (else its `platforms`)."""
        board = system.effective_board
        values: dict[str, Any] = {
            "id": system.pk,
            "name": system.name,
            "description": system.description,
            "status": self.statuses.get(system.status, system.status),
            "unit": system.unit.name,
            "system_owner": system.system_owner.name if system.system_owner else "",
            "supplier": system.supplier.name if system.supplier else "",
            "developer": system.developer.name if system.developer else "",
            "accountable_board": board.name if board else "",
            "responsible_manager": self.person(system.responsible_manager),
            "system_steward": self.person(system.system_steward),
            "steward_appointed_on": system.steward_appointed_on,
            "operating_model": self.operating_models.get(system.operating_model, system.operating_model),
            "users": group_text(g for g in groups if g.kind == UserGroup.Kind.USER),
            "consumers": NO_CONSUMERS
            if system.no_consumers
            else group_text(g for g in groups if g.kind == UserGroup.Kind.CONSUMER),
            "personal_data": _yes_no(system.personal_data),
            "sensitive_personal_data": _yes_no(system.sensitive_personal_data),
            "secrecy": _yes_no(system.secrecy),
            "secrecy_provision": system.secrecy_provision,
            "platforms": platform_text(p.name for p in system.platforms.all())
            if platforms is None
            else platform_text(platforms),
            "tags": system.tags,
            "classified": _yes_no(system.classified),
        }
        for aspect in self.aspects:
            values[f"level:{aspect}"] = self.level_numbers.get(system.levels.get(aspect))
        return values


def with_platforms(systems):
    """`systems` with their platforms fetched in one more query per chunk (POL-3.29)."""
    return systems.prefetch_related(Prefetch("platforms", queryset=Platform.objects.order_by("name")))


def platform_text(names: Iterable[str]) -> str:
    """The names of a system's platforms as the sheet writes them: sorted, ", "-separated."""
    return ", ".join(sorted(names, key=str.casefold))


def _platforms_by_system(systems) -> dict[int, list[str]]:
    """The platform names of every system of `systems` (a queryset) in one query, whatever its
    size (a prefetch would make a Platform of every link, and one query per chunk)."""
    names: dict[int, list[str]] = defaultdict(list)
    links = InformationSystem.platforms.through.objects.filter(informationsystem__in=systems.values("pk"))
    for system_id, name in links.values_list("informationsystem_id", "platform__name").iterator(chunk_size=5000):
        names[system_id].append(name)
    return names


def _groups_by_system(systems) -> dict[int, list[UserGroup]]:
    """Every user and brukare group of `systems` (a queryset) in one query, whatever its size."""
    grouped: dict[int, list[UserGroup]] = defaultdict(list)
    queryset = UserGroup.objects.filter(system__in=systems.values("pk")).order_by(
        "system_id", "kind", "description", "pk"
    )
    for group in queryset.iterator(chunk_size=2000):
        grouped[group.system_id].append(group)
    return grouped


# --- export ----------------------------------------------------------------------------------


@dataclass
class Export:
    content: bytes
    filename: str
    rows: int


def _clean_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _user_label(user: User) -> str:
    full = user.get_full_name().strip()
    return f"{full} ({user.get_username()})" if full else user.get_username()


class Cell(NamedTuple):
    """A value and its format, for SheetWriter.append and the styled cells of SheetWriter.row."""

    value: Any
    format: Format | None = None


@contextlib.contextmanager
def new_workbook() -> Iterator[tuple[xlsxwriter.Workbook, io.BytesIO]]:
    """An XlsxWriter workbook writing into the buffer, closed (saved) at the end of the block,
    also when the block fails. SheetWriter writes each sheet top to bottom, row by row, so
    constant_memory (rows to a temporary file as they are written) stays possible; at 10,000
    rows it was no faster than keeping them in memory."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    try:
        yield workbook, buffer
    finally:
        workbook.close()


def _header_text(marking: str) -> str:
    """The page header's code for `marking`, centred. "&" starts a header code, so it is doubled;
    Excel allows 255 characters, so a marking with very many "&" is shortened to fit."""
    text = marking.replace("&", "&&")
    if len(text) > HEADER_MAX:
        text = text[: HEADER_MAX - 1]
        if (len(text) - len(text.rstrip("&"))) % 2:  # never half of an "&&"
            text = text[:-1]
        text += "…"
    return "&C" + text


class SheetWriter:
    """One sheet in the municipal template's layout, written top to bottom: a title and a header
    block of label/value pairs, a blank row, the column headers, then data rows. Text is always
    written as text: a value that starts with "=", "+", "-" or "@" never becomes a formula.

    Printed, the sheet is A4 landscape, fitted to the page width, with the column headers
    repeated on every page, `marking` (a sekretess marking) in the page header and the sheet's
    name and page number in the footer.

    Styles are XlsxWriter format properties (`cell(value, bold=True)`); each combination is
    added to the workbook once."""

    header_fill: ClassVar[dict[str, Any]] = {"pattern": 1, "bg_color": "#D9E2F3"}

    def __init__(
        self,
        workbook: xlsxwriter.Workbook,
        title: str,
        widths: list[int],
        *,
        freeze_columns: int = 1,
        marking: str = "",
    ):
        self.workbook = workbook
        self.sheet = workbook.add_worksheet(title)
        self.widths = widths
        for index, width in enumerate(widths):
            # In pixels, so that the file says `width` characters exactly, as it always has
            # (set_column would add Excel's padding of five pixels).
            self.sheet.set_column_pixels(index, index, round(width * DIGIT_PIXELS))
        self.sheet.set_landscape()
        self.sheet.set_paper(PAPER_A4)
        self.sheet.fit_to_pages(1, 0)  # as many pages down as the rows need
        if marking:
            self.sheet.set_header(_header_text(marking))
        self.sheet.set_footer("&L&A&RSida &P av &N")
        self.freeze_columns = freeze_columns
        self.rows = 0
        self.header_row = 0
        self._formats: dict[tuple, Format] = {}
        self.styles = {
            "wrap": self.format(text_wrap=True, valign="top"),
            "top": self.format(valign="top"),
            "date": self.format(num_format=DATE_FORMAT, valign="top"),
        }

    def format(self, **style: Any) -> Format:
        """The workbook's format with these XlsxWriter properties."""
        key = tuple(sorted(style.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.workbook.add_format(style)
        return found

    def cell(self, value: Any, **style: Any) -> Cell:
        """`value` with the format of `style` (XlsxWriter properties); a date gets DATE_FORMAT."""
        if isinstance(value, datetime.date) and "num_format" not in style:
            style["num_format"] = DATE_FORMAT
        return Cell(value, self.format(**style) if style else None)

    def _write(self, row: int, column: int, value: Any, cell_format: Format | None) -> None:
        if isinstance(value, str):
            self.sheet.write_string(row, column, _clean_text(value), cell_format)
        elif isinstance(value, bool):
            self.sheet.write_boolean(row, column, value, cell_format)
        elif isinstance(value, int | float):
            self.sheet.write_number(row, column, value, cell_format)
        elif isinstance(value, datetime.date):
            self.sheet.write_datetime(row, column, value, cell_format)
        elif value is None:
            if cell_format is not None:
                self.sheet.write_blank(row, column, None, cell_format)
        else:
            self.sheet.write_string(row, column, _clean_text(str(value)), cell_format)

    def append(self, cells: list[Cell | None]) -> None:
        for column, cell in enumerate(cells):
            if cell is not None:
                self._write(self.rows, column, cell.value, cell.format)
        self.rows += 1

    def head(self, title: str, block: list[tuple[str, Any]], headers: list[str]) -> None:
        """Title, header block, blank row and the column headers (frozen in view)."""
        self.header_row = len(block) + 3
        self.sheet.freeze_panes(self.header_row, self.freeze_columns)
        self.sheet.repeat_rows(self.header_row - 1)
        self.append([self.cell(title, bold=True, font_size=14)])
        for label, value in block:
            self.append([self.cell(label, bold=True), self.cell(value, align="left")])
        self.append([])
        self.append(
            [self.cell(h, bold=True, **self.header_fill, text_wrap=True, valign="top", bottom=1) for h in headers]
        )

    def row(self, values: list[Any], wrap: list[bool], styled: dict[int, Cell] | None = None) -> None:
        row, styles, write = self.rows, self.styles, self._write
        for column, value in enumerate(values):
            if styled and column in styled:
                write(row, column, styled[column].value, styled[column].format)
            elif value is None or value == "":
                continue
            else:
                kind = "date" if isinstance(value, datetime.date) else "wrap" if wrap[column] else "top"
                write(row, column, value, styles[kind])
        self.rows += 1

    def finish(self) -> int:
        """Autofilter over the data; the number of data rows."""
        count = self.rows - self.header_row
        last = self.header_row + max(count, 1)
        self.sheet.autofilter(self.header_row - 1, 0, last - 1, len(self.widths) - 1)
        return count


def scope_label(p: Principal, unit: OrgUnit | None) -> str:
    return unit.name if unit is not None else (WHOLE_KOMMUN if p.sees_everything else VISIBLE_PART)


# What RowRenderer.row reads of a system itself, and of what it refers to; the export fetches
# nothing else (a field left out would cost a query per row: test_it_keeps_the_export_query_count_flat).
EXPORT_FIELDS = (
    *(c.key for c in BASE_COLUMNS if c.key not in ("id", "users", "consumers", "platforms")),
    "no_consumers",
    "levels",
    "classified",
)
_PARTIES = ("system_owner", "supplier", "developer")
_PEOPLE = ("responsible_manager", "system_steward")


def _with_related(systems) -> Iterator[InformationSystem]:
    """`systems` (a queryset) with their unit and its nämnd, parties, systemansvarig and people,
    each fetched once in a query of its own and shared by the rows that name it: select_related
    would make an object per row and relation, which at 10,000 systems took longer than
    writing the sheet. Whatever changed in between is left to Django to fetch."""
    ids = systems.order_by()

    def referenced(model, fields: tuple[str, ...], *only: str, related: tuple[str, ...] = ()) -> dict[int, Any]:
        wanted = Q()
        for name in fields:
            wanted |= Q(pk__in=ids.values(name))
        return {obj.pk: obj for obj in model.objects.filter(wanted).select_related(*related).only(*only)}

    related = {
        "unit": referenced(OrgUnit, ("unit",), "name", "governing_board__name", related=("governing_board",)),
        "accountable_board": referenced(Board, ("accountable_board",), "name"),
    }
    parties = referenced(Party, _PARTIES, "name")
    people = referenced(Person, _PEOPLE, "first_name", "last_name", "protected_identity")
    related |= dict.fromkeys(_PARTIES, parties) | dict.fromkeys(_PEOPLE, people)
    fields = [(InformationSystem._meta.get_field(name), objects) for name, objects in related.items()]
    for system in systems.only(*EXPORT_FIELDS).iterator(chunk_size=2000):
        for field_, objects in fields:
            obj = objects.get(getattr(system, field_.attname))
            if obj is not None:
                field_.set_cached_value(system, obj)
        yield system


def write_register_sheet(
    workbook,
    *,
    user: User,
    p: Principal,
    unit: OrgUnit | None,
    marking: str = "",
    rows_done: Callable[[int], None] | None = None,
) -> int:
    """Riskmatris del 1 for `unit` (or everything the user may see) into `workbook`, with the
    sekretess `marking` in its page header; the row count. `rows_done` is told the number of
    rows written every ROWS_PER_PROGRESS rows (a background job's progress)."""
    # What systems_visible_to(p) lets through, without the annotations its lists show.
    systems = InformationSystem.objects.filter(access.system_filter(p))
    if unit is not None:
        systems = systems.filter(unit__path__startswith=unit.path)
    systems = systems.order_by("unit__name", "name", "pk")
    groups = _groups_by_system(systems)
    platforms = _platforms_by_system(systems)
    renderer = RowRenderer(p)
    cols = columns()
    writer = SheetWriter(workbook, SHEET_TITLE, [c.width for c in cols], freeze_columns=2, marking=marking)
    writer.head(
        TITLE,
        [
            (HEADER_BLOCK[0], get_pack().municipality_name),
            (HEADER_BLOCK[1], scope_label(p, unit)),
            (HEADER_BLOCK[2], timezone.localdate()),
            (HEADER_BLOCK[3], _user_label(user)),
        ],
        [c.header for c in cols],
    )
    assert writer.header_row == HEADER_ROW  # the import finds the columns there
    wrap = [c.wrap for c in cols]
    for number, system in enumerate(_with_related(systems), start=1):
        values = renderer.row(system, groups.get(system.pk, []), platforms.get(system.pk, []))
        writer.row([values[c.key] for c in cols], wrap)
        if rows_done is not None and number % ROWS_PER_PROGRESS == 0:
            rows_done(number)
    return writer.finish()


def export_register(*, user: User, unit: OrgUnit | None, rows_done: Callable[[int], None] | None = None) -> Export:
    """The register of `unit` (the caller has checked the user may see it) or of everything the
    user may see, as a riskmatris del 1 workbook. Recorded in the change log."""
    p = access.principal_for(user)
    with new_workbook() as (workbook, buffer):
        count = write_register_sheet(workbook, user=user, p=p, unit=unit, rows_done=rows_done)
    record_event(
        "export",
        user=user,
        details={
            "format": "xlsx",
            "report": "register",
            "unit": unit.pk if unit is not None else None,
            "rows": count,
        },
    )
    today = timezone.localdate()
    scope = slugify(unit.short_name or unit.name) if unit is not None else "kommun"
    return Export(
        content=buffer.getvalue(), filename=f"forteckning-{scope or 'enhet'}-{today.isoformat()}.xlsx", rows=count
    )


# --- reading an uploaded workbook ------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be imported; `messages` says why, in the user's language."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def _broken() -> ImportFileError:
    return ImportFileError([_("Filen kunde inte läsas som en Excel-arbetsbok.")])


def check_file(data: bytes, filename: str = "") -> None:
    """Raise ImportFileError unless `data` looks like a plain .xlsx workbook we are willing to
    open: small enough, a zip by its content, no macros, not a zip bomb (lis.core.uploads'
    `check_spreadsheet`, shared with the training import)."""
    try:
        uploads.check_spreadsheet(
            data,
            filename,
            max_bytes=max_upload_bytes(),
            not_xlsx_hint=_("Exportera förteckningen, gör ändringarna i den filen och spara den som Excel-arbetsbok."),
        )
    except uploads.RefusedSpreadsheet as exc:
        raise ImportFileError([exc.message]) from exc


def _text(value: Any) -> str:
    """A cell's value as the text it shows: trimmed, newlines normalised, numbers without .0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return ILLEGAL_CHARACTERS_RE.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n")).strip()


def _key(text: str) -> str:
    """How names are matched: case and runs of white space do not matter."""
    return " ".join(text.split()).casefold()


@dataclass
class SheetRow:
    number: int  # the row number in Excel
    cells: dict[str, Any]  # column key → the cell's value


@dataclass
class Sheet:
    header_row: int
    present: set[str]
    rows: list[SheetRow]
    notices: list[str] = field(default_factory=list)


def read_sheet(data: bytes) -> Sheet:
    """Parse the register sheet of an uploaded workbook (checked with `check_file` first).
    Raises ImportFileError for formulas, error values, a missing header row or column, too
    many rows, or anything openpyxl cannot read."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds of exception for a broken file
        raise _broken() from exc
    try:
        return _read_sheet(workbook)
    except ImportFileError:
        raise
    except Exception as exc:  # a read-only workbook is parsed lazily: broken XML surfaces here
        raise _broken() from exc
    finally:
        workbook.close()


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        [
            _("Filen har fler än %(max)s rader med system. Dela upp den i flera filer.")
            % {"max": f"{MAX_ROWS:,}".replace(",", "\u00a0")}
        ]
    )


def _read_sheet(workbook) -> Sheet:
    if SHEET_TITLE in workbook.sheetnames:
        sheet = workbook[SHEET_TITLE]
    elif workbook.worksheets:
        sheet = workbook.worksheets[0]
    else:
        raise _broken()
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # trust the cells, not the file's claim about its size
    by_header = {_key(c.header): c for c in columns()}
    bad_cells: list[str] = []
    header_row = 0
    index: dict[int, str] = {}
    notices: list[str] = []
    errors: list[str] = []
    rows: list[SheetRow] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if number > HEADER_SCAN_ROWS + 4 * MAX_ROWS:
            raise _too_many_rows()
        for cell in row:
            if cell.data_type == "f":
                bad_cells.append(
                    _("Cell %(cell)s innehåller en formel; formler importeras inte. Ersätt formeln med dess värde.")
                    % {"cell": cell.coordinate}
                )
            elif cell.data_type == "e":
                bad_cells.append(
                    _("Cell %(cell)s innehåller felvärdet %(value)s.") % {"cell": cell.coordinate, "value": cell.value}
                )
        if not header_row:
            texts = [_key(_text(cell.value)) for cell in row]
            if number <= HEADER_SCAN_ROWS and "lis-id" in texts and "namn" in texts:
                header_row = number
                for position, text in enumerate(texts):
                    if not text:
                        continue
                    column = by_header.get(text)
                    if column is None:
                        notices.append(
                            _("Kolumnen ”%(column)s” känns inte igen och läses inte in.")
                            % {"column": _text(row[position].value)}
                        )
                    elif column.key in index.values():
                        errors.append(
                            _("Kolumnen ”%(column)s” förekommer mer än en gång i rubrikraden.")
                            % {"column": column.header}
                        )
                    else:
                        index[position] = column.key
            continue
        values = {key: row[position].value for position, key in index.items() if position < len(row)}
        if all(_text(value) == "" for value in values.values()):
            continue
        rows.append(SheetRow(number=number, cells=values))
        if len(rows) > MAX_ROWS:
            raise _too_many_rows()
    if bad_cells:
        if len(bad_cells) > MAX_LISTED_CELLS:
            more = len(bad_cells) - MAX_LISTED_CELLS
            bad_cells = bad_cells[:MAX_LISTED_CELLS] + [
                ngettext("… och %(count)s cell till.", "… och %(count)s celler till.", more) % {"count": more}
            ]
        raise ImportFileError(bad_cells)
    if not header_row:
        raise ImportFileError(
            [
                _(
                    "Hittar ingen rubrikrad med kolumnerna ”LIS-id” och ”Namn”. Använd samma "
                    "layout som exporten av förteckningen."
                )
            ]
        )
    present = set(index.values())
    errors += [
        _("Kolumnen ”%(column)s” saknas i rubrikraden (rad %(row)s).") % {"column": HEADERS[key], "row": header_row}
        for key in REQUIRED_KEYS
        if key not in present
    ]
    if errors:
        raise ImportFileError(errors)
    return Sheet(header_row=header_row, present=present, rows=rows, notices=notices)


# --- planning and running an import ----------------------------------------------------------


@dataclass
class Issue:
    """A problem (or a notice) in one row and column."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Rad %(row)s, kolumn %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Rad %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class RowResult:
    number: int
    name: str
    system: InformationSystem | None = None
    has_id: bool = False  # a LIS-id was given (the row is not a new system even if the id is wrong)
    fields: dict[str, Any] = field(default_factory=dict)  # create: every field; update: the changes
    errors: list[Issue] = field(default_factory=list)
    notices: list[Issue] = field(default_factory=list)

    @property
    def system_id(self) -> int | None:
        return self.system.pk if self.system is not None else None

    @property
    def action(self) -> str:
        if self.system is None:
            return "unknown" if self.has_id else "new"
        return "update" if self.fields else "unchanged"

    @property
    def changed_columns(self) -> list[str]:
        changed = {FIELD_COLUMNS.get(name, name) for name in self.fields}
        return [column.header for column in BASE_COLUMNS if column.header in changed]

    @property
    def action_label(self) -> str:
        if self.action == "new":
            return _("Ny")
        if self.action == "update":
            return _("Ändras: %(columns)s") % {"columns": ", ".join(self.changed_columns)}
        if self.action == "unknown":
            return _("Okänt system")
        return _("Oförändrad")


REVIEW_ALL_ROWS = 1000  # above this many rows, the review lists only rows with something to say


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    file_notices: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def errors(self) -> list[Issue]:
        return [issue for row in self.rows for issue in row.errors]

    @property
    def notices(self) -> list[Issue]:
        return [issue for row in self.rows for issue in row.notices]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("new")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def has_changes(self) -> bool:
        return any(row.action in ("new", "update") for row in self.rows)

    def as_review(self, *, filename: str = "") -> dict[str, Any]:
        """What the review page shows, as JSON-ready data (the dry run runs on the worker and its
        page is rendered from this). Above REVIEW_ALL_ROWS rows, only the rows with something to
        say are listed; the rest are counted in `hidden`."""
        rows = self.rows
        if len(rows) > REVIEW_ALL_ROWS:
            rows = [row for row in rows if row.action != "unchanged" or row.errors or row.notices]

        def issues(items: list[Issue]) -> list[dict[str, str]]:
            return [{"column": issue.column, "message": str(issue.message)} for issue in items]

        return {
            "filename": filename,
            "file_errors": [str(message) for message in self.file_errors],
            "file_notices": [str(message) for message in self.file_notices],
            "errors": [str(issue) for issue in self.errors],
            "notices": [str(issue) for issue in self.notices],
            "has_errors": self.has_errors,
            "has_changes": self.has_changes,
            "row_count": len(self.rows),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "hidden": len(self.rows) - len(rows),
            "rows": [
                {
                    "number": row.number,
                    "system_id": row.system_id,
                    "name": row.name,
                    "action_label": str(row.action_label),
                    "errors": issues(row.errors),
                    "notices": issues(row.notices),
                }
                for row in rows
            ],
        }


def _index(items: Iterable[Any], *names) -> dict[str, list[Any]]:
    """Objects by every name they answer to (see `_key`), each object once per name."""
    found: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        for key in {_key(name(item)) for name in names if name(item)}:
            found[key].append(item)
    return found


class _Planner:
    """Turns the rows of a sheet into what to write, with every problem per row and column."""

    def __init__(self, p: Principal, sheet: Sheet):
        pack = get_pack()
        self.p = p
        self.sheet = sheet
        self.renderer = RowRenderer(p)
        self.units = _index(
            top_units(p, manage=True).select_related("governing_board"), lambda u: u.name, lambda u: u.short_name
        )
        self.parties = _index(selectors.parties_visible_to(p), lambda party: party.name)
        self.boards = _index(Board.objects.filter(active_q()), lambda b: b.name, lambda b: b.short_name)
        # Exactly the people the system form offers, by the name an export for this user writes
        # (a pseudonym for a skyddad identitet, POL-3.30) or by the pseudonym.
        self.people = _index(people_choices(p), self.renderer.person, self._pseudonym)
        self.platforms = _index(Platform.objects.all(), lambda platform: platform.name)
        self.operating_models = _index(pack.operating_models, lambda o: o.name, lambda o: o.key)
        self.statuses = {_key(label): key for key, label in self.renderer.statuses.items()} | {
            key: key for key in self.renderer.statuses
        }
        self.systems, self.groups = self._current_systems()

    def _current_systems(self) -> tuple[dict[int, InformationSystem], dict[int, list[UserGroup]]]:
        ids = sorted({pk for row in self.sheet.rows if (pk := _as_int(row.cells.get("id"))) is not None})
        systems: dict[int, InformationSystem] = {}
        groups: dict[int, list[UserGroup]] = {}
        visible = with_platforms(selectors.systems_visible_to(self.p).select_related("supplier", "developer"))
        for start in range(0, len(ids), 500):
            chunk = visible.filter(pk__in=ids[start : start + 500])
            systems.update({system.pk: system for system in chunk})
            groups.update(_groups_by_system(chunk))
        return systems, groups

    def plan(self) -> list[RowResult]:
        seen: dict[int, int] = {}
        return [self._plan_row(row, seen) for row in self.sheet.rows]

    # One row ----------------------------------------------------------------------------------

    def _plan_row(self, row: SheetRow, seen: dict[int, int]) -> RowResult:
        cells = row.cells
        result = RowResult(number=row.number, name=_text(cells.get("name")))

        def error(key: str, message: str) -> None:
            result.errors.append(Issue(row.number, HEADERS.get(key, key.partition(":")[2]), message))

        def notice(key: str, message: str) -> None:
            result.notices.append(Issue(row.number, HEADERS.get(key, key.partition(":")[2]), message))

        raw_id = cells.get("id")
        if _text(raw_id):
            result.has_id = True
            pk = _as_int(raw_id)
            if pk is None:
                error("id", _("LIS-id ska vara ett heltal, eller tomt för ett nytt system."))
                return result
            if pk in seen:
                error(
                    "id",
                    _("LIS-id %(id)s förekommer på flera rader (även rad %(other)s).") % {"id": pk, "other": seen[pk]},
                )
                return result
            seen[pk] = row.number
            result.system = self.systems.get(pk)
            if result.system is None:
                error("id", _("Det finns inget system med LIS-id %(id)s som du har behörighet till.") % {"id": pk})
                return result
        system = result.system
        current = self.renderer.row(system, self.groups.get(system.pk, [])) if system is not None else None

        def text(key: str) -> str:
            return _text(cells.get(key))

        def differs(key: str) -> bool:
            """The cell says something else than an export of the system says now."""
            return current is None or text(key) != _text(current[key])

        fields: dict[str, Any] = {}

        # Förvaltning/bolag first: the systemansvarig's default depends on it.
        unit = system.unit if system is not None else None
        if differs("unit"):
            if not text("unit"):
                error("unit", _("Ange förvaltning eller bolag."))
            else:
                found = self._one(
                    self.units,
                    text("unit"),
                    error,
                    "unit",
                    _("Det finns ingen förvaltning och inget bolag som heter ”%(name)s” där du får registrera system."),
                    _("Flera förvaltningar eller bolag heter ”%(name)s”. Välj i LIS i stället."),
                )
                if found is not None:
                    unit = found
                    fields["unit"] = found
        unit_changed = system is not None and unit is not None and unit.pk != system.unit_id

        if differs("name"):
            if not text("name"):
                error("name", _("Ange systemets namn."))
            fields["name"] = text("name")
        if differs("platforms"):
            chosen: dict[int, Platform] = {}
            names = [" ".join(part.split()) for part in text("platforms").split(",")]
            for name in [n for n in names if n]:
                found = self._one(
                    self.platforms,
                    name,
                    error,
                    "platforms",
                    _(
                        "Det finns ingen plattform som heter ”%(name)s”. Lägg upp den i plattformsregistret "
                        "först eller rätta namnet."
                    ),
                    _("Flera plattformar heter ”%(name)s”. Välj plattform i LIS i stället."),
                )
                if found is not None:
                    chosen[found.pk] = found
            fields["platforms"] = list(chosen.values())
        for key in ("description", "secrecy_provision"):
            if differs(key):
                fields[key] = text(key)
        if differs("tags"):
            fields["tags"] = services.normalise_tags(text("tags"))

        if differs("status"):
            if not text("status") and system is None:
                fields["status"] = InformationSystem.Status.OPERATIONAL
            elif _key(text("status")) in self.statuses:
                fields["status"] = self.statuses[_key(text("status"))]
            else:
                error(
                    "status",
                    _("”%(value)s” är ingen status. Välj en av: %(options)s.")
                    % {"value": text("status"), "options": ", ".join(self.renderer.statuses.values())},
                )

        for key in ("system_owner", "supplier", "developer"):
            if differs(key):
                fields[key] = (
                    self._one(
                        self.parties,
                        text(key),
                        error,
                        key,
                        _("Det finns ingen part som heter ”%(name)s”. Lägg upp parten först."),
                        _("Flera parter heter ”%(name)s”. Välj parten i LIS i stället."),
                    )
                    if text(key)
                    else None
                )

        if differs("accountable_board") or unit_changed:
            board = None
            if text("accountable_board"):
                board = self._one(
                    self.boards,
                    text("accountable_board"),
                    error,
                    "accountable_board",
                    _("Det finns ingen nämnd eller styrelse som heter ”%(name)s”."),
                    _("Flera nämnder eller styrelser heter ”%(name)s”. Välj i LIS i stället."),
                )
            # The unit's own board is the default: keep it implicit, as the register form does.
            if board is not None and unit is not None and board.pk == unit.governing_board_id:
                board = None
            fields["accountable_board"] = board

        for key in ("responsible_manager", "system_steward"):
            if differs(key):
                fields[key] = self._person(text(key), error, key, system) if text(key) else None

        if differs("steward_appointed_on"):
            value = cells.get("steward_appointed_on")
            fields["steward_appointed_on"] = _as_date(value)
            if fields["steward_appointed_on"] is None and _text(value):
                error("steward_appointed_on", _("Skriv datumet som ÅÅÅÅ-MM-DD."))

        if differs("operating_model"):
            if not text("operating_model"):
                fields["operating_model"] = ""
            else:
                found = self._one(
                    self.operating_models,
                    text("operating_model"),
                    error,
                    "operating_model",
                    _("”%(name)s” är ingen driftsform. Välj en av: %(options)s."),
                    _("”%(name)s” kan avse flera driftsformer. Välj en av: %(options)s."),
                    options=", ".join(o.name for o in get_pack().operating_models),
                )
                if found is not None:
                    fields["operating_model"] = found.key

        for key in ("personal_data", "sensitive_personal_data", "secrecy"):
            if differs(key):
                value = _as_bool(cells.get(key))
                if value is None:
                    error(key, _("Skriv Ja eller Nej."))
                else:
                    fields[key] = value

        self._groups(result, cells, current, fields, error, notice)
        self._classification(result, cells, current, notice)

        if system is not None:
            fields = {name: value for name, value in fields.items() if not _same(system, name, value)}
            if fields and not result.errors and not access.can_manage_system(self.p, system):
                result.errors.append(Issue(row.number, "", _("Du får inte ändra ”%(name)s”.") % {"name": system.name}))
        result.fields = fields
        return result

    def _groups(self, result: RowResult, cells, current, fields, error, notice) -> None:
        """Användare and brukare groups are kept in LIS; only "Inga brukare" is imported."""
        system = result.system
        consumers = _text(cells.get("consumers"))
        if current is None or consumers != _text(current["consumers"]):
            existing = (
                group_text(g for g in self.groups.get(system.pk, []) if g.kind == UserGroup.Kind.CONSUMER)
                if system is not None
                else ""
            )
            if _key(consumers) == _key(NO_CONSUMERS):
                if existing:
                    error(
                        "consumers",
                        _("Systemet har brukargrupper. Ta bort dem i LIS innan du skriver ”%(text)s”.")
                        % {"text": NO_CONSUMERS},
                    )
                fields["no_consumers"] = True
            else:
                fields["no_consumers"] = False
                if consumers != existing:
                    notice("consumers", _("Brukargrupper ändras i LIS, inte via import; ändringen importerades inte."))
        users = _text(cells.get("users"))
        if "users" in self.sheet.present and users != (_text(current["users"]) if current is not None else ""):
            notice("users", _("Användargrupper ändras i LIS, inte via import; ändringen importerades inte."))

    def _classification(self, result: RowResult, cells, current, notice) -> None:
        """Classification goes through its own approval workflow (POL-3.22): never imported."""
        for key in [f"level:{aspect}" for aspect in self.renderer.aspects] + ["classified"]:
            if key not in self.sheet.present:
                continue
            value = _text(cells.get(key))
            if current is None:
                differs = value not in ("", NO)  # a new system is not classified
            else:
                differs = value != _text(current[key])
            if differs:
                notice(
                    key,
                    _("Klassningen ändras i LIS och fastställs där, inte via import; ”%(value)s” importerades inte.")
                    % {"value": value},
                )

    # Name lookups -----------------------------------------------------------------------------

    @staticmethod
    def _one(index: dict[str, list[Any]], name: str, error, key: str, missing: str, ambiguous: str, **extra: str):
        """The one object `name` refers to; else an error for the row and column, and None."""
        found = index.get(_key(name), [])
        if len(found) == 1:
            return found[0]
        error(key, (ambiguous if found else missing) % {"name": name, **extra})
        return None

    @staticmethod
    def _pseudonym(person: Person) -> str:
        """A skyddad identitet's pseudonym as files write it (Swedish); "" for anyone else."""
        if not person.protected_identity:
            return ""
        with translation.override("sv"):
            return person.pseudonym

    def _person(self, name: str, error, key: str, system: InformationSystem | None) -> Person | None:
        """A person the system form offers: anyone in people_choices, and whoever `system` names
        already. One message for every other name, never telling whether such a person exists
        or has a skyddad identitet."""
        found = list(self.people.get(_key(name), []))
        if system is not None:
            for person in (system.responsible_manager, system.system_steward):
                names = {_key(self.renderer.person(person)), _key(self._pseudonym(person))} if person else set()
                if _key(name) in names and person not in found:
                    found.append(person)
        return self._one(
            {_key(name): found},
            name,
            error,
            key,
            _("”%(name)s” är ingen aktiv person som du kan välja."),
            _("Flera aktiva personer heter ”%(name)s”. Välj personen i LIS i stället."),
        )


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value)) if _text(value) else None
    except ValueError:
        return None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _key(_text(value))
    if text in ("", "nej", "n", "0", "false"):
        return False
    if text in ("ja", "j", "1", "true"):
        return True
    return None


def _same(system: InformationSystem, name: str, value: Any) -> bool:
    if name == "platforms":
        return sorted(p.pk for p in system.platforms.all()) == sorted(p.pk for p in value)
    field_ = InformationSystem._meta.get_field(name)
    if field_.is_relation:
        return getattr(system, field_.attname) == (value.pk if value is not None else None)
    return getattr(system, name) == value


class _Rollback(Exception):
    pass


def _write(rows: list[RowResult], *, user: User, rows_done: Callable[[int, int], None] | None = None) -> None:
    """Write every planned row through the services; their refusals become the row's errors.
    `rows_done(done, total)` is told how far it has come (the worker's progress)."""
    planned = [row for row in rows if not row.errors and row.action in ("new", "update")]
    for done, row in enumerate(planned):
        if rows_done is not None and done % 50 == 0:
            rows_done(done, len(planned))
        try:
            if row.system is None:
                services.system_create(actor=user, **row.fields)
            else:
                services.system_update(actor=user, system=row.system, **row.fields)
        except ValidationError as exc:
            problems = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            for name, messages in problems.items():
                for message in messages:
                    row.errors.append(Issue(row.number, FIELD_COLUMNS.get(name, ""), message))
        except PermissionDenied as exc:
            row.errors.append(Issue(row.number, "", str(exc) or _("Du har inte behörighet till detta.")))


def run_import(
    data: bytes, *, user: User, apply: bool, progress: Callable[[int, str], None] | None = None
) -> ImportResult:
    """Dry run (`apply=False`) or all-or-nothing apply of an uploaded register workbook.

    Both run the same services in one transaction; the dry run always rolls it back, the
    apply rolls it back on the first problem anywhere in the file. Unchanged rows are not
    written at all. `progress(percent, message)` is told how far it has come (on the worker)."""
    report = progress or (lambda percent, message: None)
    report(5, _("Läser filen"))
    try:
        check_file(data)
        sheet = read_sheet(data)
    except ImportFileError as exc:
        return ImportResult(file_errors=exc.messages)
    report(15, _("Kontrollerar raderna"))
    p = access.principal_for(user)
    result = ImportResult(rows=_Planner(p, sheet).plan(), file_notices=sheet.notices)
    if not result.has_changes:
        return result

    def rows_done(done: int, total: int) -> None:
        report(30 + 65 * done // max(total, 1), _("%(done)s av %(total)s rader") % {"done": done, "total": total})

    try:
        with transaction.atomic(), contextlib.nullcontext() if apply else changelog_dry_run():
            _write(result.rows, user=user, rows_done=rows_done)
            if not apply or result.has_errors:
                raise _Rollback
            record_event(
                "import",
                user=user,
                details={
                    "format": "xlsx",
                    "report": "register",
                    "rows": len(result.rows),
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            result.applied = True
    except _Rollback:
        pass
    return result


def can_import(p: Principal) -> bool:
    """Import needs at least one förvaltning or bolag where the user may register systems."""
    return p.is_authenticated and top_units(p, manage=True).exists()


# The stored workbook between dry run and apply.
PENDING = uploads.PendingUploads("imports", ".xlsx")
