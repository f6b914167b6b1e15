"""iCalendar (RFC 5545) text, written here once for every calendar LIS serves: the E-råd's
invitations and feed (lis.council.ics), driftinformation (lis.operations.ics) and the personal
feed of deadlines and meetings (lis.compliance.calendar).

- Lines end in CRLF and are folded at 75 octets, never inside a UTF-8 character.
- Every value passes through the function for its type: TEXT is escaped (backslash, semicolon,
  comma, newline; other control characters dropped), parameter values are quoted (RFC 6868),
  URIs lose nothing but control characters and spaces (percent-encoded). An app never writes a
  value into a line itself: it fills in an `Event` and calls `calendar()`.
- Times are local to Europe/Stockholm with its VTIMEZONE (yearly rules, as Outlook reads them
  best). The second 02:00–03:00 of the last Sunday of October cannot be named in local time
  (RFC 5545 3.3.5 takes a repeated local time as its first occurrence), so it is written in UTC.
- Whole days are VALUE=DATE."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

CRLF = "\r\n"
TZID = "Europe/Stockholm"
TZ = ZoneInfo(TZID)
LIMIT = 75  # octets per physical line, CRLF not counted (RFC 5545 3.1)

METHODS = frozenset({"PUBLISH", "REQUEST", "CANCEL"})
STATUSES = frozenset({"TENTATIVE", "CONFIRMED", "CANCELLED"})
TRANSPARENCIES = frozenset({"OPAQUE", "TRANSPARENT"})

# The rules of Europe/Stockholm since 1996 (EU summer time): CEST from the last Sunday of March
# 02:00 CET, CET from the last Sunday of October 03:00 CEST. Each DTSTART is the local time, in
# the offset before the change, of the first onset (29 March and 25 October 1970 were Sundays).
VTIMEZONE: tuple[str, ...] = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)

# Control characters TEXT may not hold (RFC 5545 3.3.11: any character but CTLs; HTAB is allowed).
_CONTROLS = {code: None for code in (*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F)}


# --- values ---------------------------------------------------------------------------------------


def escape(text: object) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every newline
    (CRLF, CR or LF) as \\n, other control characters dropped."""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return value.translate(_CONTROLS)


def param(value: object) -> str:
    """A parameter value (RFC 5545 3.2, RFC 6868): ^, newline and " caret-encoded, control
    characters dropped, and in double quotes when it holds a colon, semicolon or comma."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("^", "^^").replace("\n", "^n").replace('"', "^'").translate(_CONTROLS)
    return f'"{text}"' if any(char in text for char in ":;,") else text


def uri(value: object) -> str:
    """A URI value (RFC 5545 3.3.13), which has no escaping: control characters and spaces,
    which no URI holds, are percent-encoded so that they cannot end the line."""
    return "".join(f"%{ord(char):02X}" if ord(char) <= 0x20 or ord(char) == 0x7F else char for char in str(value))


def utc(value: datetime.datetime) -> str:
    """A DATE-TIME in UTC (form 2), for DTSTAMP."""
    return _aware(value).astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def duration(value: datetime.timedelta) -> str:
    """A DURATION (RFC 5545 3.3.6) of whole seconds, e.g. PT1H or P1DT30M."""
    seconds = int(value.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    time = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    if not days and not time:
        return "PT0S"
    return f"{sign}P{f'{days}D' if days else ''}{f'T{time}' if time else ''}"


def _aware(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("iCalendar times are written from aware datetimes")
    return value


# --- lines ----------------------------------------------------------------------------------------


def fold(line: str) -> str:
    """Fold a content line so no physical line is longer than 75 octets (RFC 5545 3.1), never
    splitting a UTF-8 character; continuation lines begin with one space."""
    if len(line.encode()) <= LIMIT:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        if size + width > LIMIT:
            parts.append("".join(current))
            current, size = [], 1  # the leading space of the continuation line
        current.append(char)
        size += width
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def prop(name: str, value: str, params: dict[str, str] | None = None) -> str:
    """One content line. `value` is already in its type's form (escape(), uri(), utc()...);
    each parameter value is quoted here."""
    head = name.upper() + "".join(f";{key.upper()}={param(v)}" for key, v in (params or {}).items())
    return f"{head}:{value}"


def text(name: str, value: object, params: dict[str, str] | None = None) -> str:
    """A property with a TEXT value."""
    return prop(name, escape(value), params)


def when(name: str, value: datetime.date | datetime.datetime) -> str:
    """DTSTART/DTEND: a whole day as VALUE=DATE; a moment in Europe/Stockholm time with its TZID,
    or in UTC for the repeated hour at the end of summer time (which local time cannot name)."""
    if not isinstance(value, datetime.datetime):
        return prop(name, value.strftime("%Y%m%d"), {"VALUE": "DATE"})
    instant = _aware(value).astimezone(datetime.UTC)
    local = instant.astimezone(TZ)  # through UTC, so a time in a gap becomes the real one
    if local.fold:
        return prop(name, utc(instant))
    return prop(name, local.strftime("%Y%m%dT%H%M%S"), {"TZID": TZID})


# --- components -----------------------------------------------------------------------------------


@dataclass
class Event:
    """One VEVENT. `start` and `end` are both dates (whole days; `end` the day after the last) or
    both aware datetimes. Empty optional fields are left out."""

    uid: str
    stamp: datetime.datetime
    start: datetime.date | datetime.datetime
    end: datetime.date | datetime.datetime
    summary: str
    sequence: int | None = None
    organizer: tuple[str, str] | None = None  # (name, e-mail address)
    location: str = ""
    url: str = ""
    description: str = ""
    categories: Sequence[str] = field(default_factory=tuple)
    priority: int | None = None
    status: str = ""  # TENTATIVE, CONFIRMED or CANCELLED
    transp: str = ""  # OPAQUE or TRANSPARENT

    def lines(self) -> list[str]:
        if isinstance(self.start, datetime.datetime) != isinstance(self.end, datetime.datetime):
            raise ValueError("an event's start and end are both dates or both times")
        if self.status and self.status not in STATUSES:
            raise ValueError(f"unknown STATUS {self.status!r}")
        if self.transp and self.transp not in TRANSPARENCIES:
            raise ValueError(f"unknown TRANSP {self.transp!r}")
        lines = [
            "BEGIN:VEVENT",
            text("UID", self.uid),
            prop("DTSTAMP", utc(self.stamp)),
            when("DTSTART", self.start),
            when("DTEND", self.end),
        ]
        if self.sequence is not None:
            lines.append(prop("SEQUENCE", str(int(self.sequence))))
        lines.append(text("SUMMARY", self.summary))
        if self.organizer is not None:
            name, address = self.organizer
            lines.append(prop("ORGANIZER", uri(f"mailto:{address}"), {"CN": name} if name else None))
        if self.location:
            lines.append(text("LOCATION", self.location))
        if self.url:
            lines.append(prop("URL", uri(self.url)))
        if self.description:
            lines.append(text("DESCRIPTION", self.description))
        if self.categories:
            lines.append(prop("CATEGORIES", ",".join(escape(c) for c in self.categories)))
        if self.priority is not None:
            lines.append(prop("PRIORITY", str(int(self.priority))))
        if self.status:
            lines.append(prop("STATUS", self.status))
        if self.transp:
            lines.append(prop("TRANSP", self.transp))
        lines.append("END:VEVENT")
        return lines


def calendar(
    events: Iterable[Event],
    *,
    prodid: str,
    name: str,
    method: str | None = "PUBLISH",
    refresh: datetime.timedelta | None = None,
) -> bytes:
    """A VCALENDAR of `events` with the Europe/Stockholm VTIMEZONE, as UTF-8 bytes. `name` is the
    calendar's name in calendar programs (X-WR-CALNAME); `method` is PUBLISH for a feed, REQUEST
    or CANCEL for an invitation (RFC 5546), None for none; `refresh` asks subscribers to fetch
    again that often."""
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown METHOD {method!r}")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", text("PRODID", prodid), "CALSCALE:GREGORIAN"]
    if method is not None:
        lines.append(prop("METHOD", method))
    lines.append(text("X-WR-CALNAME", name))
    lines.append(text("X-WR-TIMEZONE", TZID))
    if refresh is not None:
        lines.append(prop("REFRESH-INTERVAL", duration(refresh), {"VALUE": "DURATION"}))
        lines.append(prop("X-PUBLISHED-TTL", duration(refresh)))
    lines.extend(VTIMEZONE)
    for event in events:
        lines.extend(event.lines())
    lines.append("END:VCALENDAR")
    return (CRLF.join(fold(line) for line in lines) + CRLF).encode()
