"""Permission-aware reads of the change log."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from . import access
from .changelog import object_type_of
from .history import HistoryRow, hidden_object_types, history_object_types, object_kind, present, unit_condition
from .models import ChangeLogEntry, User


def history_for(
    principal: access.Principal,
    objects: list[models.Model],
    *,
    related: Iterable[QuerySet] = (),
    page: int = 1,
    per_page: int = 50,
) -> tuple[Page, list[HistoryRow]]:
    """The change log of `objects` (an object and the parts shown on its page) and of the rows
    of `related` querysets (many parts, matched in the database), newest first. The caller has
    already checked that the principal may view the first object."""
    condition = Q(pk__in=[])
    by_type: dict[str, list[str]] = {}
    for obj in objects:
        by_type.setdefault(object_type_of(obj), []).append(str(obj.pk))
    for object_type, ids in by_type.items():
        condition |= Q(object_type=object_type, object_id__in=ids)
    for queryset in related:
        ids = queryset.order_by().annotate(_id=Cast("pk", models.CharField())).values("_id")
        condition |= Q(object_type=object_type_of(queryset.model), object_id__in=ids)
    queryset = ChangeLogEntry.objects.filter(condition).order_by("-sequence")
    page_obj = Paginator(queryset, per_page).get_page(page)
    return page_obj, present(principal, list(page_obj.object_list))


# The actor filter's value for entries written by LIS itself (commands, the demo loader).
SYSTEM_ACTOR = "system"


@dataclass
class ChangeLogFilters:
    actor: str = ""  # a login's id, SYSTEM_ACTOR, or "" for everyone
    object_type: str = ""
    action: str = ""
    unit: models.Model | None = None  # an OrgUnit: entries about it and what belongs to it
    date_from: datetime.date | None = None  # days in Europe/Stockholm, both included
    date_to: datetime.date | None = None


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def changelog_visible_to(
    principal: access.Principal, *, filters: ChangeLogFilters | None = None, page: int = 1, per_page: int = 50
) -> tuple[Page, list[HistoryRow]]:
    """The whole change log, for those who see everything, filtered; a fixed number of queries
    whatever its size."""
    access.require(access.can_view_changelog(principal))
    filters = filters or ChangeLogFilters()
    queryset = ChangeLogEntry.objects.exclude(object_type__in=hidden_object_types(principal)).order_by("-sequence")
    if filters.actor == SYSTEM_ACTOR:
        queryset = queryset.filter(user__isnull=True)
    elif filters.actor:
        queryset = queryset.filter(user_id=int(filters.actor))
    if filters.object_type:
        queryset = queryset.filter(object_type=filters.object_type)
    if filters.action:
        queryset = queryset.filter(action=filters.action)
    if filters.unit is not None:
        queryset = queryset.filter(unit_condition(principal, [filters.unit.path]))
    if filters.date_from is not None:
        queryset = queryset.filter(timestamp__gte=_start_of_day(filters.date_from))
    if filters.date_to is not None:
        queryset = queryset.filter(timestamp__lt=_start_of_day(filters.date_to + datetime.timedelta(days=1)))
    page_obj = Paginator(queryset, per_page).get_page(page)
    return page_obj, present(principal, list(page_obj.object_list))


def changelog_filter_choices(principal: access.Principal) -> dict[str, Any]:
    """The choices of the change log's filters: every login by the name this viewer may see
    (a withheld identity pseudonymised and sorted last by its number, POL-3.30), the kinds of object, and the
    units (a queryset, read once by the form)."""
    access.require(access.can_view_changelog(principal))
    people = []
    for user in User.objects.select_related("person__unit"):
        person = getattr(user, "person", None)
        label = access.user_label(principal, user)
        masked = access.identity_withheld(principal, person)
        if person is not None and not masked and person.unit is not None:
            label = f"{label} ({person.unit})"
        # A withheld identity sorts by its pseudonym's number, never by its real name.
        key = (1, person.pk, "") if masked else (0, 0, label.casefold())
        people.append((key, str(user.pk), label))
    return {
        "actors": [(pk, label) for _key, pk, label in sorted(people)],
        "object_types": sorted(
            ((object_type, object_kind(object_type)) for object_type in history_object_types(principal)),
            key=lambda item: item[1].casefold(),
        ),
        "units": apps.get_model("organisation", "OrgUnit").objects.order_by("path"),
    }


# --- what an edit form was opened on (stale forms) ---------------------------------------------

_EDITS = (ChangeLogEntry.Action.CREATE, ChangeLogEntry.Action.UPDATE)


def object_version(obj: models.Model) -> int:
    """Which recorded state of `obj` one is looking at: the sequence of the latest change-log
    entry that created or changed it (0 if none). Events about it (an export) do not count."""
    return (
        ChangeLogEntry.objects.filter(object_type=object_type_of(obj), object_id=str(obj.pk), action__in=_EDITS)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
        or 0
    )


@dataclass
class ChangeSince:
    """One field of an object changed since a version: its label, its value then and now (as the
    Historik tab shows them to this viewer), and who changed it."""

    label: str
    then: str
    now: str
    by: list[str]


def changes_since(principal: access.Principal, obj: models.Model, version: int) -> list[ChangeSince]:
    """What was changed in `obj` after the entry `version`, field by field, oldest change first."""
    entries = ChangeLogEntry.objects.filter(
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        action=ChangeLogEntry.Action.UPDATE,
        sequence__gt=version,
    ).order_by("sequence")
    fields: dict[str, ChangeSince] = {}
    for row in present(principal, list(entries)):
        for change in row.changes:
            field = fields.setdefault(change.label, ChangeSince(change.label, change.old, change.new, []))
            field.now = change.new
            if row.who not in field.by:
                field.by.append(row.who)
    return list(fields.values())
