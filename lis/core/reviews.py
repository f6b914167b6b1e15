"""Recurring reviews (issue 15, POL-3.31): the date arithmetic and the recording every reviewed
object shares (system documentation and agreements in lis.systems, classifications, routines and
continuity plans).

An object is reviewed every `months` calendar months, counted from its last review (or, never
reviewed, from the date it was decided or registered): the next review falls on
`add_months(base, months)`, on the month's last day when that month is shorter.

The lists, the rules and the deadline collectors ask the database which objects are due. Month
arithmetic differs between SQLite and PostgreSQL, so they compare the *base* date instead:
`add_months` never decreases when its day increases, so "the next review falls on or before
`until`" is exactly "the base is before `base_cutoff(until, months)`", one indexed comparison.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .changelog import record_event
from .clock import add_months
from .models import User

NOTE_MAX_LENGTH = 1000


def next_review(base: datetime.date | None, months: int) -> datetime.date | None:
    """The day the next review is due, `months` after `base` (None when there is no base)."""
    return add_months(base, months) if base is not None else None


def base_cutoff(until: datetime.date, months: int) -> datetime.date:
    """The first base date whose next review falls after `until`: an object is due on or before
    `until` exactly when its base is earlier than this day."""
    day = add_months(until, -months) - datetime.timedelta(days=4)
    while add_months(day, months) <= until:
        day += datetime.timedelta(days=1)
    return day


def review_day(on: datetime.date | None, today: datetime.date, last: datetime.date | None = None) -> datetime.date:
    """The day a review is recorded on: today, or an earlier day it was made; never the future,
    and never before the review already recorded (`last`)."""
    if on is None:
        return today
    if on > today:
        raise ValidationError({"reviewed_on": _("Granskningen kan inte ligga i framtiden.")})
    if last is not None and on < last:
        raise ValidationError(
            {
                "reviewed_on": _("Objektet granskades senast %(date)s; en granskning före den registreras inte.")
                % {"date": last.isoformat()}
            }
        )
    return on


def note_text(note: str) -> str:
    """A review's note as recorded: trimmed, at most NOTE_MAX_LENGTH characters."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("Kommentaren får vara högst %(max)s tecken.") % {"max": NOTE_MAX_LENGTH}})
    return note


# What was reviewed, as the Historik names it (the "reviewed" event's `what`).
REVIEW_SUBJECTS = {
    "documentation": gettext_lazy("Systemets dokumentation"),
    "agreement": gettext_lazy("Avtalet"),
    "classification": gettext_lazy("Klassningen"),
    "routine": gettext_lazy("Rutinen"),
    "continuity_plan": gettext_lazy("Kontinuitetsplanen"),
}


def review_record(
    obj: models.Model,
    *,
    actor: User | None,
    what: str,
    changes: dict[str, Any],
    reviewed_on: datetime.date,
    next_due: datetime.date,
    note: str,
) -> None:
    """Save a review's fields and record it as one "reviewed" event on the object's Historik:
    when, the next review, and the reviewer's note. Called inside the service's transaction."""
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(changes))
    details = {"what": what, "reviewed_on": reviewed_on.isoformat(), "next_review": next_due.isoformat()}
    if note:
        details["note"] = note
    record_event("reviewed", user=actor, obj=obj, details=details)


# --- the "Granskad" button's POST (every reviewed object's page) ----------------------------------


def review_post(request, review, back: str):
    """Run `review(note)` (a review service bound to the object and actor) with the form's
    optional note, tell the user the next review date or why it was refused, and go back to the
    object's page. A refused permission is the service's PermissionDenied (403)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    try:
        due = review(request.POST.get("note", ""))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request, _("Granskningen är registrerad. Nästa granskning: %(date)s.") % {"date": due.isoformat()}
        )
    return redirect(back)
