"""iCalendar (RFC 5545) for the council's meetings, written with lis.core.ics: the invitation
attached to the agenda e-mail (METHOD:REQUEST, or CANCEL for a cancelled meeting) and each
member's feed (METHOD:PUBLISH). The personal calendar feed (lis.compliance.calendar) shows a
meeting through meeting_event() too, so that it is the same event as the invitation. Times are
local to Europe/Stockholm with its VTIMEZONE; every invitation to a meeting has the meeting's
UID and its SEQUENCE, raised when the time, place or link changes.

The feed's address carries a signed token (django.core.signing, salt "council-ics") naming the
user; changing one's password makes the old token useless. The feed view serves it only while
the user is a member."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone

from lis.core import feeds, ics
from lis.core.models import User

from .models import Meeting

PRODID = "-//LIS//E-radet//SV"
SALT = "council-ics"


def meeting_event(meeting: Meeting, *, stamp: datetime.datetime) -> ics.Event:
    """The meeting as one VEVENT: the same in the invitation, the member's feed and the
    personal calendar feed (lis.compliance.calendar), so a calendar program sees one event."""
    titles = [
        item.title
        for item in sorted(meeting.agenda_items.all(), key=lambda item: (item.position, item.pk))
        if item.accepted
    ]  # from the prefetched items when the caller prefetched them
    description = "\n".join(f"{number}. {title}" for number, title in enumerate(titles, start=1))
    if meeting.link:
        description = f"{meeting.link}\n\n{description}".strip()
    cancelled = meeting.status == Meeting.Status.CANCELLED
    return ics.Event(
        uid=f"{meeting.uid}@lis",
        stamp=stamp,
        start=meeting.starts_at,
        end=meeting.ends_at,
        sequence=meeting.ics_sequence,
        summary=meeting.council.name,
        organizer=(meeting.council.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]),
        location=meeting.location,
        url=meeting.link,
        description=description,
        status="CANCELLED" if cancelled else "CONFIRMED",
    )


def _calendar(meetings: Iterable[Meeting], method: str) -> bytes:
    stamp = timezone.now()
    events = [meeting_event(meeting, stamp=stamp) for meeting in meetings]
    return ics.calendar(events, prodid=PRODID, name="E-rådet", method=method)


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
