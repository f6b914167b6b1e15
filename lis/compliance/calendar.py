"""The personal calendar feed (issue 15 item 4): one iCalendar (RFC 5545) address per person with
their deadlines and the E-råd meetings they sit in, written with lis.core.ics.

- Deadlines with a date are all-day events on that date; those with an exact moment (`due_at`:
  legal clocks) are timed events. Times are local to Europe/Stockholm with its VTIMEZONE, so
  summer time is right in Outlook, Google and Apple calendars alike.
- A meeting is the council's own VEVENT (lis.council.ics.meeting_event: the invitation's UID,
  summary, place and agenda), so a calendar that has the invitation shows one event. Compliance
  is above council in DESIGN's layers, so it imports it directly.
- The address carries a random secret; LIS keeps only its SHA-256 (CalendarFeedToken). The
  person makes, renews and revokes it on "Mina påminnelser"; a renewed or revoked address
  answers 404. The address is shown once, when it is made.

The driftinformation and E-råd feeds (lis.operations.ics, lis.council.ics) keep their signed
addresses: they are separate calendars with their own subscribers."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access, changelog, ics
from lis.core.deadlines import Deadline
from lis.core.pack import get_pack
from lis.council import ics as council_ics
from lis.organisation.models import Person

from . import deadlines as due
from .models import CalendarFeedToken
from .reminders import absolute

PRODID = "-//LIS//Mina tidsfrister//SV"
# A timed deadline is shown as lasting this long (a moment has no length; calendars need one).
MOMENT = datetime.timedelta(minutes=30)
# Meetings this far back stay in the feed (so last month's meeting does not vanish at once).
MEETINGS_BACK = datetime.timedelta(days=90)
# How often calendar programs are asked to fetch the feed again.
REFRESH = datetime.timedelta(hours=1)


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


def _uid(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:32]}@{_host()}"


def deadline_event(deadline: Deadline, *, stamp: datetime.datetime) -> ics.Event:
    if deadline.due_at is not None:
        # Thirty minutes of real time, also across a change of summer time.
        start = deadline.due_at.astimezone(datetime.UTC)
        end, transp = start + MOMENT, "OPAQUE"
    else:
        start, end, transp = deadline.due, deadline.due + datetime.timedelta(days=1), "TRANSPARENT"
    link = absolute(deadline.url)
    return ics.Event(
        uid=_uid("tidsfrist", deadline.key),
        stamp=stamp,
        start=start,
        end=end,
        summary=deadline.title,
        url=link,
        description=link,
        categories=[_("Tidsfrist")],
        priority=1 if deadline.legal else None,
        transp=transp,
    )


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
    meetings = Meeting.objects.filter(condition).select_related("council").prefetch_related("agenda_items")
    return list(meetings.distinct().order_by("starts_at"))


def person_calendar(person: Person, *, now: datetime.datetime | None = None) -> bytes:
    """The person's feed: their deadlines up to the pack's `reminders.calendar_days` ahead
    (overdue ones too) and their E-råd meetings."""
    now = now or timezone.now()
    today = now.astimezone(ics.TZ).date()
    until = today + datetime.timedelta(days=get_pack().reminder_calendar_days)
    meetings = meetings_for(person, today=today)
    shown = {(changelog.object_type_of(m), str(m.pk)) for m in meetings}
    # A meeting the person sits in is shown once, as the meeting (place, link, cancellation).
    deadlines = [d for d in due.deadlines_for(person, until) if (d.object_type, d.object_id) not in shown]
    events = [deadline_event(deadline, stamp=now) for deadline in deadlines]
    # The meeting's own VEVENT (UID, summary, place, agenda), as in its invitation: one event.
    events += [council_ics.meeting_event(meeting, stamp=now) for meeting in meetings]
    return ics.calendar(events, prodid=PRODID, name=_("LIS – mina tidsfrister"), method="PUBLISH", refresh=REFRESH)
