"""iCalendar (RFC 5545) for the council's meetings, written by hand: the invitation attached to
the agenda e-mail (METHOD:REQUEST, or CANCEL for a cancelled meeting) and each member's feed
(METHOD:PUBLISH). Times are local to Europe/Stockholm with its VTIMEZONE; every invitation to a
meeting has the meeting's UID and its SEQUENCE, raised when the time, place or link changes.

The feed's address carries a signed token (django.core.signing, salt "council-ics") naming the
user; changing one's password makes the old token useless. The feed view serves it only while
the user is a member."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from lis.core import feeds
from lis.core.models import User

from .models import Meeting

CRLF = "\r\n"
TZID = "Europe/Stockholm"
PRODID = "-//LIS//E-radet//SV"
SALT = "council-ics"

# The rules of Europe/Stockholm since 1996 (EU summer time): CEST from the last Sunday of March
# 02:00, CET from the last Sunday of October 03:00.
VTIMEZONE = [
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
]


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line so no physical line is longer than 75 octets (RFC 5545 3.1), never
    splitting a UTF-8 character; continuation lines begin with one space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 1, 75  # the leading space of the continuation line
        current += char
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


def _local(value: datetime.datetime) -> str:
    return value.astimezone(ZoneInfo(TZID)).strftime("%Y%m%dT%H%M%S")


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(meeting: Meeting, *, stamp) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{meeting.uid}@lis",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART;TZID={TZID}:{_local(meeting.starts_at)}",
        f"DTEND;TZID={TZID}:{_local(meeting.ends_at)}",
        f"SEQUENCE:{meeting.ics_sequence}",
        f"SUMMARY:{escape(meeting.council.name)}",
        f"ORGANIZER;CN={escape(meeting.council.name)}:mailto:{settings.DEFAULT_FROM_EMAIL}",
    ]
    if meeting.location:
        lines.append(f"LOCATION:{escape(meeting.location)}")
    if meeting.link:
        lines.append(f"URL:{meeting.link}")
    titles = [item.title for item in meeting.agenda_items.filter(accepted=True).order_by("position", "pk")]
    description = "\n".join(f"{number}. {title}" for number, title in enumerate(titles, start=1))
    if meeting.link:
        description = f"{meeting.link}\n\n{description}".strip()
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    cancelled = meeting.status == Meeting.Status.CANCELLED
    lines.append("STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED")
    lines.append("END:VEVENT")
    return lines


def _calendar(meetings: Iterable[Meeting], method: str) -> bytes:
    stamp = timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", f"METHOD:{method}"]
    lines.append(f"X-WR-CALNAME:{escape('E-rådet')}")
    lines.extend(VTIMEZONE)
    for meeting in meetings:
        lines.extend(_event(meeting, stamp=stamp))
    lines.append("END:VCALENDAR")
    return (CRLF.join(fold(line) for line in lines) + CRLF).encode()


def meeting_calendar(meetings: Iterable[Meeting], *, method: str = "PUBLISH") -> bytes:
    """A calendar of `meetings` (the member's feed)."""
    return _calendar(meetings, method)


def meeting_invitation(meeting: Meeting) -> bytes:
    """The invitation sent with the agenda: METHOD:REQUEST, or METHOD:CANCEL once cancelled."""
    method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST"
    return _calendar([meeting], method)


# --- the member's feed ---------------------------------------------------------------------------


def feed_token(user: User) -> str:
    return feeds.feed_token(user, salt=SALT)


def feed_user(token: str) -> User | None:
    return feeds.feed_user(token, salt=SALT)
