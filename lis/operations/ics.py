"""The driftinformation calendar (RFC 5545, written with lis.core.ics): every planned
and ongoing notice, and planned work that was cancelled (STATUS:CANCELLED, so calendars that had
it remove it). Times are local to Europe/Stockholm with its VTIMEZONE; each notice keeps its UID
and raises its SEQUENCE when its time changes or it is cancelled.

The feed's address carries a signed token (django.core.signing, salt "operations-ics") naming
the user, as the E-råd's feed does (lis.council.ics, a peer app, so not imported): changing one's
password makes the old address useless."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import feeds, ics
from lis.core.models import User

from .models import ServiceNotice

PRODID = "-//LIS//Driftinformation//SV"
SALT = "operations-ics"
# An ongoing disruption without an expected end is shown as lasting this long.
OPEN_ENDED = datetime.timedelta(hours=1)


def uid(notice: ServiceNotice) -> str:
    host = getattr(settings, "LIS_BASE_URL", "").split("//")[-1].split("/")[0] or "lis"
    return f"driftinformation-{notice.pk}@{host}"


def _event(notice: ServiceNotice, *, stamp: datetime.datetime, link: str) -> ics.Event:
    end = notice.ended_at or notice.ends_at or (notice.starts_at + OPEN_ENDED)
    systems = ", ".join(s.name for s in notice.systems.all())
    status = {
        ServiceNotice.Status.CANCELLED: "CANCELLED",
        ServiceNotice.Status.PLANNED: "TENTATIVE" if notice.notified_at is None else "CONFIRMED",
    }.get(notice.status, "CONFIRMED")
    return ics.Event(
        uid=uid(notice),
        stamp=stamp,
        sequence=notice.sequence,
        start=notice.starts_at,
        end=max(end, notice.starts_at),
        summary=f"{notice.get_kind_display()}: {notice.title} ({systems})" if systems else notice.title,
        description=notice.impact,
        url=link,
        status=status,
        transp="TRANSPARENT",
    )


def notice_calendar(notices: Iterable[ServiceNotice], *, link_for=lambda notice: "") -> bytes:
    """A calendar of `notices` (prefetch their systems)."""
    stamp = timezone.now()
    events = [_event(notice, stamp=stamp, link=link_for(notice)) for notice in notices]
    return ics.calendar(events, prodid=PRODID, name=_("Driftinformation"), method="PUBLISH")


# --- the user's feed address -----------------------------------------------------------------------


def feed_token(user: User) -> str:
    return feeds.feed_token(user, salt=SALT)


def feed_user(token: str) -> User | None:
    return feeds.feed_user(token, salt=SALT)
