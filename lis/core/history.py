"""The Historik tab: change-log entries presented for one viewer.

Field names become their Swedish labels, foreign keys their objects' names, and anything that
would reveal a skyddad identitet is replaced by the pseudonym (POL-3.30)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .access import Principal
from .models import ChangeLogEntry

EVENT_LABELS = {
    "login": _("Inloggning"),
    "logout": _("Utloggning"),
    "login_failed": _("Misslyckad inloggning"),
    "export": _("Export"),
}
# Every object belongs to the one kommun: nothing to show, nothing to fetch.
CONTEXT_FIELDS = frozenset({"municipality"})
DETAIL_LABELS = {"ip": _("IP-adress"), "username": _("Användarnamn")}
PERSONAL_FIELDS = {"first_name", "last_name", "email", "phone", "title", "user", "username"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    entry: ChangeLogEntry
    who: str
    what: str
    action: str
    changes: list[FieldChange]


def _model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _label(value: Any, choices: dict[str, str]) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    return str(choices.get(str(value), value))


def present(principal: Principal, entries: list[ChangeLogEntry]) -> list[HistoryRow]:
    """Display rows for `entries`: one query for the people and logins they name, one per other
    kind of object their foreign keys point at, and one per model that redacts (see
    `changelog_redactions`), whatever the number of entries."""
    from lis.organisation.models import Person

    User = get_user_model()
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    ids_by_type: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        model = _model_for(entry.object_type)
        if model is None:
            continue
        ids_by_type[entry.object_type].add(entry.object_id)
        if entry.action == ChangeLogEntry.Action.EVENT:
            continue
        for name, pair in entry.changes.items():
            field = _field(model, name)
            if name not in CONTEXT_FIELDS and field is not None and field.is_relation and field.many_to_one:
                wanted[field.related_model].update(v for v in pair if v is not None)
    person_ids = wanted.pop(Person, set()) | {int(i) for i in ids_by_type.get("organisation.person", ()) if i}
    user_ids = (
        wanted.pop(User, set())
        | {int(i) for i in ids_by_type.get("core.user", ()) if i}
        | {e.user_id for e in entries if e.user_id is not None}
    )
    # One query for every person the page names, directly or through their login.
    people_rows = list(Person.objects.filter(Q(pk__in=person_ids) | Q(user_id__in=user_ids)))
    people = {p.pk: p for p in people_rows}
    people_by_user = {p.user_id: p for p in people_rows if p.user_id is not None}
    users = User._default_manager.in_bulk(list(user_ids)) if user_ids else {}
    objects: dict[type[models.Model], dict[Any, models.Model]] = {
        model: model._default_manager.in_bulk(list(ids)) for model, ids in wanted.items() if ids
    }
    # Models may hide fields of some of their entries (e.g. content that became säkerhetsskydd).
    redactions: dict[str, dict[str, set[str]]] = {}
    for object_type, ids in ids_by_type.items():
        model = _model_for(object_type)
        redact = getattr(model, "changelog_redactions", None)
        if redact is not None:
            redactions[object_type] = redact([int(i) for i in ids if i.isdigit()])

    def user_label(user_id: Any) -> str:
        if user_id in people_by_user:
            return _person(principal, people_by_user[user_id])
        user = users.get(user_id)
        return user.get_username() if user is not None else f"#{user_id}"

    def describe(model: type[models.Model], pk: Any) -> str:
        if model is Person:
            return _person(principal, people[pk]) if pk in people else f"#{pk}"
        if model is User:
            return user_label(pk)
        obj = objects.get(model, {}).get(pk)
        return str(obj) if obj is not None else f"#{pk}"

    rows = []
    for entry in entries:
        model = _model_for(entry.object_type)
        what, masked = entry.object_repr, False
        person = None
        if entry.object_type == "organisation.person" and entry.object_id:
            person = people.get(int(entry.object_id))
        elif entry.object_type == "core.user" and entry.object_id:
            person = people_by_user.get(int(entry.object_id))
        if person is not None:
            what = _person(principal, person)
            masked = what != str(person)
        hidden = redactions.get(entry.object_type, {}).get(
            int(entry.object_id) if entry.object_id.isdigit() else 0, set()
        )
        if "__str__" in hidden:  # the object's name itself is redacted
            what = "•••"
        who = user_label(entry.user_id) if entry.user_id in people_by_user else entry.user_name
        changes = []
        if entry.action == ChangeLogEntry.Action.EVENT:
            details = {} if masked else entry.changes
            changes = [FieldChange(str(DETAIL_LABELS.get(k, k)), "", str(v)) for k, v in details.items()]
        for name, pair in ({} if entry.action == ChangeLogEntry.Action.EVENT else entry.changes).items():
            if name in CONTEXT_FIELDS:
                continue
            field = _field(model, name) if model else None
            label = str(field.verbose_name) if field is not None else name
            if (masked and name in PERSONAL_FIELDS) or name in hidden:
                changes.append(FieldChange(label, "•••", "•••"))
                continue
            if field is not None and field.is_relation and field.many_to_one:
                old, new = (describe(field.related_model, v) if v is not None else "–" for v in pair)
            else:
                choices = {str(k): str(v) for k, v in (field.flatchoices if field is not None else [])}
                old, new = (_label(v, choices) for v in pair)
            changes.append(FieldChange(label, old, new))
        action = EVENT_LABELS.get(entry.event, entry.event) if entry.action == "event" else entry.get_action_display()
        rows.append(HistoryRow(entry=entry, who=who, what=what, action=str(action), changes=changes))
    return rows


def _field(model: type[models.Model] | None, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field since removed from the model
        return None


def _person(principal: Principal, person) -> str:
    from .access import person_label

    return person_label(principal, person)
