"""The policy pack: every kommun-specific word and number, loaded from TOML and validated.

Code refers to the pack's keys; the names are what users see. A broken pack stops the
application at start-up with a message that names the key and what is wrong.
"""

from __future__ import annotations

import datetime
import re
import string
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

REQUIREMENT_KINDS = {"data", "rule", "flow", "rule+flow"}
# A sekretess marking is printed in the page header of every PDF page and spreadsheet sheet;
# Excel allows 255 characters in a header, including its formatting codes.
SECRECY_MARKING_MAX_LENGTH = 200
# A review interval longer than ten years is a typing error (months written as days).
REVIEW_INTERVAL_MAX_MONTHS = 120


class PackError(Exception):
    """A pack that cannot be used. `key` is the dotted path of the offending value."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        super().__init__(f"Policypaketet: '{key}' {problem}")


@dataclass(frozen=True)
class Choice:
    key: str
    name: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __getitem__(self, item: str) -> Any:
        return self.extra[item]

    def get(self, item: str, default: Any = None) -> Any:
        return self.extra.get(item, default)


@dataclass(frozen=True)
class Anchor:
    month: int
    day: int
    year_offset: int


@dataclass(frozen=True)
class Requirement:
    id: str
    section: str
    kind: str
    title: str
    text: str
    product: str

    @property
    def is_rule(self) -> bool:
        return "rule" in self.kind


@dataclass(frozen=True)
class PolicyAdoption:
    """The decision of kommunfullmäktige that adopted the pack's policy text, when the pack states it."""

    board: str  # the board's short name, e.g. KF
    meeting_date: datetime.date
    paragraph: int
    diary_number: str


@dataclass(frozen=True)
class HandlingAdvice:
    """POL-3.21: what may and must not be done with information on one classification level."""

    may: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyPack:
    path: Path
    id: str
    version: str
    municipality_name: str
    municipality_code: str
    policy_title: str
    policy_file: Path
    policy_version: str
    policy_adoption: PolicyAdoption | None
    reference_organisation: Path | None
    aspects: tuple[Choice, ...]
    levels: tuple[Choice, ...]
    lowest_level_excluded_from_analysis: bool
    security_protection_classes: tuple[str, ...]
    likelihood: tuple[Choice, ...]
    consequence: tuple[Choice, ...]
    risk_levels: tuple[Choice, ...]
    risk_matrix: tuple[tuple[str, ...], ...]
    treatments: tuple[Choice, ...]
    acceptance: dict[str, str]
    measure_types: tuple[Choice, ...]
    measure_statuses: tuple[Choice, ...]
    threats: tuple[Choice, ...]
    operating_models: tuple[Choice, ...]
    agreement_notice_window_days: int
    action_plan_sections: tuple[Choice, ...]
    action_plan_period_anchor: str
    continuity_sections: tuple[Choice, ...]
    continuity_review_interval_months: int
    required_routines: tuple[Choice, ...]
    routine_review_interval_months: int
    council_min_meetings_per_year: int
    mandate_length_years: int
    reference_election_year: int
    council_anchor: Anchor
    board_anchor: Anchor
    diary_number_format: str
    diary_series_per_board: bool
    incident_categories: tuple[str, ...]
    incident_clocks: tuple[dict[str, Any], ...]
    incident_severities: tuple[Choice, ...]
    incident_instruction: str
    incident_triage_hours: int
    incident_warning_hours: int
    secrecy_marking: str
    requirements: tuple[Requirement, ...]
    handling: dict[str, HandlingAdvice] = field(default_factory=dict)
    training_awareness_renewal_months: int = 24
    training_due_soon_days: int = 60
    training_max_untrained_percent: int = 20
    exception_max_months: int = 12
    exception_review_before_days: int = 30
    maintenance_notice_days: int = 5
    # Recurring reviews (issue 15, POL-3.31): months between two reviews of each kind of object.
    classification_review_interval_months: int = 48
    system_documentation_review_interval_months: int = 12
    agreement_review_interval_months: int = 12
    # [reminders] (issue 15): how far ahead digests look, the hour they go out, the weekday of
    # the weekly ones (1 = Monday), how often a failed e-mail is tried, the calendar feed's reach.
    reminder_horizon_days: int = 14
    reminder_digest_hour: int = 7
    reminder_weekly_weekday: int = 1
    reminder_max_attempts: int = 5
    reminder_calendar_days: int = 365
    # Obligations owed once per mandatperiod (a risk analysis, a handlingsplan) are told from
    # this many days before the period ends.
    reminder_period_notice_days: int = 180

    def handling_for(self, level_key: str | None) -> HandlingAdvice:
        """The handling advice of a level (empty when the pack gives none or the level is unset)."""
        return self.handling.get(str(level_key), HandlingAdvice()) if level_key is not None else HandlingAdvice()

    def requirement(self, requirement_id: str) -> Requirement:
        for requirement in self.requirements:
            if requirement.id == requirement_id:
                return requirement
        raise KeyError(requirement_id)

    def choice_name(self, choices: str, key: Any) -> str:
        """The name of `key` among the pack's `choices` (e.g. "treatments", "aspects"); the key
        itself when the pack no longer has it."""
        return next((c.name for c in getattr(self, choices) if c.key == str(key)), str(key))

    def risk_level(self, likelihood: int, consequence: int) -> Choice:
        key = self.risk_matrix[likelihood - 1][consequence - 1]
        return next(level for level in self.risk_levels if level.key == key)

    def format_diary_number(self, *, year: int, serial: int, board: str = "") -> str:
        return self.diary_number_format.format(year=year, serial=serial, board=board)

    def parse_diary_number(self, text: str, *, board: str = "") -> tuple[int, int]:
        """(year, serial) from a diarienummer written in the pack's format, e.g. 2026-00014 or
        KS 2026/123. A {board} part must name `board`. ValueError when it does not match."""
        pattern = ""
        for literal, name, _spec, _conversion in string.Formatter().parse(self.diary_number_format):
            pattern += r"\s*".join(re.escape(part) for part in literal.split(" "))
            if name == "year":
                pattern += r"(?P<year>\d{4})"
            elif name == "serial":
                pattern += r"(?P<serial>\d{1,9})"
            elif name == "board":
                pattern += r"(?P<board>\S+?)"
        match = re.fullmatch(pattern, text.strip(), flags=re.IGNORECASE)
        if match is None or int(match["serial"]) == 0:
            raise ValueError(text)
        if "board" in match.groupdict() and match["board"].casefold() != board.casefold():
            raise ValueError(text)
        return int(match["year"]), int(match["serial"])


class _Reader:
    """Typed access to the raw TOML that reports the dotted key of every problem."""

    def __init__(self, data: dict[str, Any]):
        self.data = data

    def get(self, dotted: str, kind: type | tuple[type, ...], *, default: Any = ...) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is not ...:
                    return default
                raise PackError(dotted, "saknas.")
            node = node[part]
        return self.check(dotted, node, kind)

    @staticmethod
    def check(key: str, value: Any, kind: type | tuple[type, ...]) -> Any:
        # bool is an int in Python; a number must not be given as true/false.
        if isinstance(value, bool) and kind in (int, str):
            raise PackError(key, f"ska vara {_kind_name(kind)}, inte {value!r}.")
        if not isinstance(value, kind):
            raise PackError(key, f"ska vara {_kind_name(kind)}, men är {value!r}.")
        if isinstance(value, str) and not value.strip():
            raise PackError(key, "får inte vara tom.")
        return value

    def choices(self, dotted: str, *, key_field: str = "key", min_count: int = 1) -> tuple[Choice, ...]:
        items = self.get(dotted, list)
        if len(items) < min_count:
            raise PackError(dotted, f"ska ha minst {min_count} val.")
        seen: set[str] = set()
        result = []
        for index, item in enumerate(items):
            where = f"{dotted}[{index}]"
            self.check(where, item, dict)
            key = str(self.check(f"{where}.{key_field}", item.get(key_field), (str, int)))
            name = self.check(f"{where}.name", item.get("name"), str)
            if key in seen:
                raise PackError(f"{where}.{key_field}", f"'{key}' förekommer mer än en gång.")
            seen.add(key)
            extra = {k: v for k, v in item.items() if k not in (key_field, "name")}
            result.append(Choice(key=key, name=name, extra=extra))
        return tuple(result)

    def anchor(self, dotted: str) -> Anchor:
        month = self.get(f"{dotted}.month", int)
        day = self.get(f"{dotted}.day", int)
        offset = self.get(f"{dotted}.year_offset", int)
        if not 1 <= month <= 12:
            raise PackError(f"{dotted}.month", "ska vara 1–12.")
        try:
            datetime.date(2023, month, day)  # a non-leap year: the anchor exists every year
        except ValueError as exc:
            raise PackError(f"{dotted}.day", "är inte en giltig dag i månaden.") from exc
        if offset not in (0, 1):
            raise PackError(f"{dotted}.year_offset", "ska vara 0 eller 1.")
        return Anchor(month=month, day=day, year_offset=offset)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "ett heltal",
        bool: "true eller false",
        list: "en lista",
        dict: "en tabell",
        float: "ett tal",
        datetime.date: "ett datum (ÅÅÅÅ-MM-DD)",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " eller ".join(names.get(k, k.__name__) for k in kinds)


def load_pack(path: Path) -> PolicyPack:
    """Read and validate a pack. Raises PackError naming the key and the problem."""
    path = Path(path)
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PackError(str(path), "finns inte (LIS_POLICY_PACK).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PackError(str(path), f"är inte giltig TOML: {exc}.") from exc
    r = _Reader(raw)

    levels = r.choices("classification.levels", min_count=2)
    for index, level in enumerate(levels):
        r.check(f"classification.levels[{index}].number", level.get("number"), int)
    aspects = r.choices("classification.aspects")
    aspect_keys = {a.key for a in aspects}

    likelihood = r.choices("risk.likelihood", key_field="value", min_count=2)
    consequence = r.choices("risk.consequence", key_field="value", min_count=2)
    for dotted, scale in (("risk.likelihood", likelihood), ("risk.consequence", consequence)):
        if [c.key for c in scale] != [str(v) for v in range(1, len(scale) + 1)]:
            raise PackError(dotted, "ska numreras 1, 2, 3 … i stigande ordning.")
    risk_levels = r.choices("risk.levels")
    risk_level_keys = {level.key for level in risk_levels}
    for index, level in enumerate(risk_levels):
        colour = r.check(f"risk.levels[{index}].colour", level.get("colour"), str)
        if not (len(colour) == 7 and colour.startswith("#") and all(c in string.hexdigits for c in colour[1:])):
            raise PackError(f"risk.levels[{index}].colour", "ska skrivas som #rrggbb.")
    matrix_raw = r.get("risk.matrix", list)
    if len(matrix_raw) != len(likelihood):
        raise PackError("risk.matrix", f"ska ha en rad per sannolikhet ({len(likelihood)}).")
    matrix = []
    for row_index, row in enumerate(matrix_raw):
        r.check(f"risk.matrix[{row_index}]", row, list)
        if len(row) != len(consequence):
            raise PackError(f"risk.matrix[{row_index}]", f"ska ha en kolumn per konsekvens ({len(consequence)}).")
        for col_index, cell in enumerate(row):
            if cell not in risk_level_keys:
                raise PackError(f"risk.matrix[{row_index}][{col_index}]", f"'{cell}' är ingen risknivå i risk.levels.")
        matrix.append(tuple(row))

    acceptance: dict[str, str] = {}
    for index, item in enumerate(r.get("risk.acceptance", list)):
        where = f"risk.acceptance[{index}]"
        role = r.check(f"{where}.role", item.get("role"), str)
        max_level = r.check(f"{where}.max_level", item.get("max_level"), str)
        if max_level not in risk_level_keys:
            raise PackError(f"{where}.max_level", f"'{max_level}' är ingen risknivå.")
        acceptance[role] = max_level

    threats = r.choices("risk.threats", min_count=0)
    for index, threat in enumerate(threats):
        for part in ("cause", "event", "consequence"):
            r.check(f"risk.threats[{index}].{part}", threat.get(part), str)
        for aspect in r.check(f"risk.threats[{index}].aspects", threat.get("aspects"), list):
            if aspect not in aspect_keys:
                raise PackError(f"risk.threats[{index}].aspects", f"'{aspect}' är ingen aspekt.")

    measure_types = r.choices("risk.measure_types")
    measure_type_keys = {m.key for m in measure_types}
    plan_sections = r.choices("action_plan.sections")
    for index, section in enumerate(plan_sections):
        for measure_type in section.get("measure_types", []):
            if measure_type not in measure_type_keys:
                raise PackError(
                    f"action_plan.sections[{index}].measure_types", f"'{measure_type}' är ingen åtgärdstyp."
                )
    period_anchor = r.get("action_plan.period_anchor", str)
    if period_anchor not in ("council", "board"):
        raise PackError("action_plan.period_anchor", "ska vara 'council' eller 'board'.")

    diary_format = r.get("diary_number.format", str)
    try:
        diary_format.format(year=2026, serial=14, board="KS")
    except (KeyError, ValueError, IndexError) as exc:
        raise PackError("diary_number.format", f"går inte att använda: {exc}.") from exc

    clocks = tuple(r.get("incidents.clocks", list))
    for index, clock in enumerate(clocks):
        for part in ("key", "name", "recipient"):
            r.check(f"incidents.clocks[{index}].{part}", clock.get(part), str)

    level_keys = {level.key for level in levels}
    handling: dict[str, HandlingAdvice] = {}
    for index, item in enumerate(r.get("classification.handling", list, default=[])):
        where = f"classification.handling[{index}]"
        r.check(where, item, dict)
        level_key = str(r.check(f"{where}.level", item.get("level"), (str, int)))
        if level_key not in level_keys:
            raise PackError(f"{where}.level", f"'{level_key}' är ingen nivå i classification.levels.")
        if level_key in handling:
            raise PackError(f"{where}.level", f"'{level_key}' förekommer mer än en gång.")
        lists = {}
        for part in ("may", "must_not"):
            values = r.check(f"{where}.{part}", item.get(part, []), list)
            for value_index, value in enumerate(values):
                r.check(f"{where}.{part}[{value_index}]", value, str)
            lists[part] = tuple(v.strip() for v in values if v.strip())
        handling[level_key] = HandlingAdvice(**lists)

    positive = {}
    for dotted in (
        "training.awareness_renewal_months",
        "training.due_soon_days",
        "exceptions.max_months",
        "exceptions.review_before_days",
        "maintenance.notice_days",
    ):
        value = r.get(dotted, int)
        if value < 1:
            raise PackError(dotted, "ska vara 1 eller större.")
        positive[dotted] = value
    # Recurring reviews (issue 15, POL-3.31). The classification, system documentation and
    # agreement intervals may be left out (a pack written before they existed): the defaults hold.
    review_intervals = {}
    for dotted, default in (
        ("continuity.review_interval_months", ...),
        ("routines.review_interval_months", ...),
        ("classification.review_interval_months", 48),
        ("systems.documentation_review_interval_months", 12),
        ("agreements.review_interval_months", 12),
    ):
        value = r.get(dotted, int, default=default)
        if not 1 <= value <= REVIEW_INTERVAL_MAX_MONTHS:
            raise PackError(dotted, f"ska vara ett antal månader, 1–{REVIEW_INTERVAL_MAX_MONTHS}.")
        review_intervals[dotted] = value
    max_untrained_percent = r.get("training.max_untrained_percent", int)
    if not 0 <= max_untrained_percent <= 100:
        raise PackError("training.max_untrained_percent", "ska vara 0–100.")

    reminders = _reminders(r)
    secrecy_marking = r.get("documents.secrecy_marking", str).strip()
    if len(secrecy_marking) > SECRECY_MARKING_MAX_LENGTH or "\n" in secrecy_marking:
        raise PackError("documents.secrecy_marking", f"ska vara en rad med högst {SECRECY_MARKING_MAX_LENGTH} tecken.")

    requirements = []
    seen_ids: set[str] = set()
    for index, item in enumerate(r.get("requirements", list)):
        where = f"requirements[{index}]"
        r.check(where, item, dict)
        values = {
            part: r.check(f"{where}.{part}", item.get(part), str)
            for part in ("id", "section", "kind", "title", "text", "product")
        }
        if values["kind"] not in REQUIREMENT_KINDS:
            raise PackError(f"{where}.kind", f"ska vara en av {', '.join(sorted(REQUIREMENT_KINDS))}.")
        if values["id"] in seen_ids:
            raise PackError(f"{where}.id", f"'{values['id']}' förekommer mer än en gång.")
        seen_ids.add(values["id"])
        requirements.append(Requirement(**values))

    policy_file = path.parent / r.get("policy_document.file", str)
    if not policy_file.is_file():
        raise PackError("policy_document.file", f"pekar på {policy_file}, som inte finns.")

    policy_adoption = None
    if r.get("policy_document.adopted", dict, default=None) is not None:
        policy_adoption = PolicyAdoption(
            board=r.get("policy_document.adopted.board", str),
            meeting_date=r.get("policy_document.adopted.meeting_date", datetime.date),
            paragraph=r.get("policy_document.adopted.paragraph", int),
            diary_number=r.get("policy_document.adopted.diary_number", str),
        )
        if isinstance(policy_adoption.meeting_date, datetime.datetime):
            raise PackError("policy_document.adopted.meeting_date", "ska vara ett datum utan klockslag.")
        if policy_adoption.paragraph < 1:
            raise PackError("policy_document.adopted.paragraph", "ska vara 1 eller större.")

    reference = r.get("reference.organisation", str, default="")
    reference_file = path.parent / reference if reference else None
    if reference_file is not None and not reference_file.is_file():
        raise PackError("reference.organisation", f"pekar på {reference_file}, som inte finns.")

    return PolicyPack(
        path=Path(path),
        id=r.get("pack.id", str),
        version=r.get("pack.version", str),
        municipality_name=r.get("pack.municipality_name", str),
        municipality_code=r.get("pack.municipality_code", str),
        policy_title=r.get("policy_document.title", str),
        policy_file=policy_file,
        policy_version=r.get("policy_document.version", str),
        policy_adoption=policy_adoption,
        reference_organisation=reference_file,
        aspects=aspects,
        levels=levels,
        lowest_level_excluded_from_analysis=r.get("classification.lowest_level_excluded_from_analysis", bool),
        security_protection_classes=tuple(r.get("classification.security_protection_classes", list)),
        likelihood=likelihood,
        consequence=consequence,
        risk_levels=risk_levels,
        risk_matrix=tuple(matrix),
        treatments=r.choices("risk.treatments"),
        acceptance=acceptance,
        measure_types=measure_types,
        measure_statuses=r.choices("risk.measure_statuses"),
        threats=threats,
        operating_models=r.choices("operating_models.options"),
        agreement_notice_window_days=r.get("agreements.notice_window_days", int),
        action_plan_sections=plan_sections,
        action_plan_period_anchor=period_anchor,
        continuity_sections=r.choices("continuity.sections"),
        continuity_review_interval_months=review_intervals["continuity.review_interval_months"],
        required_routines=r.choices("routines.required"),
        routine_review_interval_months=review_intervals["routines.review_interval_months"],
        council_min_meetings_per_year=r.get("council.min_meetings_per_year", int),
        mandate_length_years=r.get("mandate_period.length_years", int),
        reference_election_year=r.get("mandate_period.reference_election_year", int),
        council_anchor=r.anchor("mandate_period.council"),
        board_anchor=r.anchor("mandate_period.board"),
        diary_number_format=diary_format,
        diary_series_per_board=r.get("diary_number.series_per_board", bool),
        incident_categories=tuple(r.get("incidents.categories", list)),
        incident_clocks=clocks,
        incident_severities=r.choices("incidents.severities"),
        incident_instruction=r.get("incidents.instruction", str).strip(),
        incident_triage_hours=r.get("incidents.triage_hours", int),
        incident_warning_hours=r.get("incidents.warning_hours", int),
        secrecy_marking=secrecy_marking,
        requirements=tuple(requirements),
        handling=handling,
        training_awareness_renewal_months=positive["training.awareness_renewal_months"],
        training_due_soon_days=positive["training.due_soon_days"],
        training_max_untrained_percent=max_untrained_percent,
        exception_max_months=positive["exceptions.max_months"],
        exception_review_before_days=positive["exceptions.review_before_days"],
        maintenance_notice_days=positive["maintenance.notice_days"],
        classification_review_interval_months=review_intervals["classification.review_interval_months"],
        system_documentation_review_interval_months=review_intervals["systems.documentation_review_interval_months"],
        agreement_review_interval_months=review_intervals["agreements.review_interval_months"],
        **reminders,
    )


# [reminders] (issue 15): each key, its PolicyPack field, its default and its bounds (inclusive).
REMINDER_KEYS: dict[str, tuple[str, int, int, int]] = {
    "horizon_days": ("reminder_horizon_days", 14, 1, 366),
    "digest_hour": ("reminder_digest_hour", 7, 0, 23),
    "weekly_weekday": ("reminder_weekly_weekday", 1, 1, 7),
    "max_attempts": ("reminder_max_attempts", 5, 1, 50),
    "calendar_days": ("reminder_calendar_days", 365, 1, 1100),
    "period_notice_days": ("reminder_period_notice_days", 180, 1, 1461),
}


def _reminders(r: _Reader) -> dict[str, int]:
    """The optional [reminders] table: a pack without it, or without a key, gets the defaults."""
    r.get("reminders", dict, default={})
    values = {}
    for key, (name, default, low, high) in REMINDER_KEYS.items():
        value = r.get(f"reminders.{key}", int, default=default)
        if not low <= value <= high:
            raise PackError(f"reminders.{key}", f"ska vara {low}–{high}.")
        values[name] = value
    return values


@cache
def _cached(path: str) -> PolicyPack:
    return load_pack(Path(path))


def get_pack() -> PolicyPack:
    """The pack configured by LIS_POLICY_PACK (validated once per process)."""
    return _cached(str(settings.LIS_POLICY_PACK))
