"""The personal calendar feed (issue 15 item 4): one iCalendar (RFC 5545) address per person with
their deadlines and the E-råd meetings they sit in, written with the `icalendar` package.

- Deadlines with a date are all-day events on that date; those with an exact moment (`due_at`:
  legal clocks) are timed events. Times are local to Europe/Stockholm with its VTIMEZONE, so
  summer time is right in Outlook, Google and Apple calendars alike.
- The address carries a random secret; LIS keeps only its SHA-256 (CalendarFeedToken). The
  person makes, renews and revokes it on "Mina påminnelser"; a renewed or revoked address
  answers 404. The address is shown once, when it is made.

The driftinformation and E-råd feeds (lis.operations.ics, lis.council.ics) keep their signed
addresses: they are separate calendars with their own subscribers."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access, changelog
from lis.core.deadlines import Deadline
from lis.core.pack import get_pack
from lis.organisation.models import Person

from . import deadlines as due
from .models import CalendarFeedToken
from .reminders import absolute

TZ = ZoneInfo("Europe/Stockholm")
PRODID = "-//LIS//Mina tidsfrister//SV"
# A timed deadline is shown as lasting this long (a moment has no length; calendars need one).
MOMENT = datetime.timedelta(minutes=30)
# Meetings this far back stay in the feed (so last month's meeting does not vanish at once).
MEETINGS_BACK = datetime.timedelta(days=90)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _host() -> str:
    return settings.LIS_BASE_URL.split("//")[-1].split("/")[0].split(":")[0] or "lis"


# --- the token ------------------------------------------------------------------------------------


@transaction.atomic
def token_create(*, actor, person: Person) -> str:
    """A new secret for one's own feed (replacing any earlier one, whose address stops working).
    Returns the secret: shown once, never stored."""
    p = access.principal_for(actor)
    access.require(p.person is not None and p.person.pk == person.pk)
    token = secrets.token_urlsafe(32)
    renewed = CalendarFeedToken.objects.filter(person=person).exists()
    CalendarFeedToken.objects.update_or_create(
        person=person, defaults={"token_hash": _hash(token), "created_at": timezone.now(), "last_used_at": None}
    )
    changelog.record_event("calendar_feed_created", user=actor, obj=person, details={"renewed": renewed})
    return token


@transaction.atomic
def token_revoke(*, actor, person: Person) -> bool:
    p = access.principal_for(actor)
    access.require(p.person is not None and p.person.pk == person.pk)
    deleted, _rows = CalendarFeedToken.objects.filter(person=person).delete()
    if deleted:
        changelog.record_event("calendar_feed_revoked", user=actor, obj=person)
    return bool(deleted)


def token_person(token: str) -> Person | None:
    """The active person whose feed this secret opens (with an active login, if they have one)."""
    if not token or len(token) > 200:
        return None
    row = CalendarFeedToken.objects.filter(token_hash=_hash(token)).select_related("person__user").first()
    if row is None:
        return None
    person = row.person
    if not person.is_active or (person.user_id is not None and not person.user.is_active):
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > datetime.timedelta(hours=1):
        CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return person


def token_of(person: Person) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(person=person).first()


# --- the calendar -------------------------------------------------------------------------------


def stockholm_vtimezone() -> icalendar.Timezone:
    """Europe/Stockholm as a VTIMEZONE with yearly rules (EU summer time since 1996: CEST from
    the last Sunday of March 02:00, CET from the last Sunday of October 03:00), the form Outlook
    reads best; the same rules as the E-råd's invitations (lis.council.ics)."""
    zone = icalendar.Timezone()
    zone.add("tzid", "Europe/Stockholm")
    for component, start, offsets, name, month in (
        (icalendar.TimezoneDaylight(), datetime.datetime(1970, 3, 29, 2), (1, 2), "CEST", 3),
        (icalendar.TimezoneStandard(), datetime.datetime(1970, 10, 25, 3), (2, 1), "CET", 10),
    ):
        component.add("dtstart", start)
        component.add("tzoffsetfrom", datetime.timedelta(hours=offsets[0]))
        component.add("tzoffsetto", datetime.timedelta(hours=offsets[1]))
        component.add("tzname", name)
        component.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(component)
    return zone


def _uid(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:32]}@{_host()}"


def deadline_event(deadline: Deadline, *, stamp: datetime.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", _uid("tidsfrist", deadline.key))
    event.add("dtstamp", stamp.astimezone(datetime.UTC))
    if deadline.due_at is not None:
        start = deadline.due_at.astimezone(TZ)
        event.add("dtstart", start)
        event.add("dtend", start + MOMENT)
        event.add("transp", "OPAQUE")
    else:
        event.add("dtstart", deadline.due)
        event.add("dtend", deadline.due + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    event.add("summary", deadline.title)
    link = absolute(deadline.url)
    if link:
        event.add("url", link)
        event.add("description", link)
    event.add("categories", [_("Tidsfrist")])
    if deadline.legal:
        event.add("priority", 1)
    return event


def meeting_event(meeting, *, stamp: datetime.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{meeting.uid}@lis")  # the UID of the council's own invitations
    event.add("dtstamp", stamp.astimezone(datetime.UTC))
    event.add("sequence", meeting.ics_sequence)
    event.add("dtstart", meeting.starts_at.astimezone(TZ))
    event.add("dtend", meeting.ends_at.astimezone(TZ))
    event.add("summary", meeting.council.name)
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.link:
        event.add("url", meeting.link)
    event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
    return event


def meetings_for(person: Person, *, today: datetime.date) -> list:
    """The E-råd meetings the person sits in: every meeting while they are a member (from
    MEETINGS_BACK ago), and earlier ones they attended."""
    from django.db.models import Q

    from lis.council import selectors as council
    from lis.council.models import Meeting

    since = timezone.now() - MEETINGS_BACK
    member = council.member_people(today).filter(pk=person.pk).exists()
    condition = Q(attendance__person=person)
    if member:
        condition |= Q(starts_at__gte=since)
    return list(Meeting.objects.filter(condition).select_related("council").distinct().order_by("starts_at"))


def person_calendar(person: Person, *, now: datetime.datetime | None = None) -> bytes:
    """The person's feed: their deadlines up to the pack's `reminders.calendar_days` ahead
    (overdue ones too) and their E-råd meetings."""
    now = now or timezone.now()
    today = now.astimezone(TZ).date()
    until = today + datetime.timedelta(days=get_pack().reminder_calendar_days)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("LIS – mina tidsfrister"))
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    meetings = meetings_for(person, today=today)
    shown = {(changelog.object_type_of(m), str(m.pk)) for m in meetings}
    # A meeting the person sits in is shown once, as the meeting (place, link, cancellation).
    deadlines = [d for d in due.deadlines_for(person, until) if (d.object_type, d.object_id) not in shown]
    calendar.add_component(stockholm_vtimezone())
    for event in _events(deadlines, meetings, stamp=now):
        calendar.add_component(event)
    return calendar.to_ical()


def _events(deadlines: Iterable[Deadline], meetings: Iterable, *, stamp) -> Iterable[icalendar.Event]:
    for deadline in deadlines:
        yield deadline_event(deadline, stamp=stamp)
    for meeting in meetings:
        yield meeting_event(meeting, stamp=stamp)
