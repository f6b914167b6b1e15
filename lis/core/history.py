"""The Historik tab: change-log entries presented for one viewer.

Field names become their Swedish labels, foreign keys their objects' names, and anything that
would reveal a skyddad identitet is replaced by the pseudonym (POL-3.30)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
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
PERSONAL_FIELDS = {"first_name", "last_name", "email", "phone", "title", "user"}


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
    """Display rows for `entries`: one query for the people they name and one per other kind
    of object their foreign keys point at, whatever the number of entries."""
    from lis.organisation.models import Person

    # Which foreign-key targets to fetch, per model.
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        model = _model_for(entry.object_type)
        if model is None:
            continue
        for name, pair in entry.changes.items():
            field = _field(model, name)
            if name in CONTEXT_FIELDS or entry.action == ChangeLogEntry.Action.EVENT:
                continue
            if field is not None and field.is_relation and field.many_to_one:
                wanted[field.related_model].update(v for v in pair if v is not None)
    protected_people = {e.user_id for e in entries if e.user_id is not None}
    people_by_user = (
        {p.user_id: p for p in Person.objects.filter(user_id__in=protected_people, protected_identity=True)}
        if protected_people
        else {}
    )
    person_ids = {int(e.object_id) for e in entries if e.object_type == "organisation.person" and e.object_id}
    wanted[Person].update(person_ids)
    objects: dict[type[models.Model], dict[Any, models.Model]] = {
        model: model._default_manager.in_bulk(list(ids)) for model, ids in wanted.items() if ids
    }
    people = objects.get(Person, {})

    def describe(model: type[models.Model], pk: Any) -> str:
        obj = objects.get(model, {}).get(pk)
        if obj is None:
            return f"#{pk}"
        if isinstance(obj, Person):
            return _person(principal, obj)
        return str(obj)

    rows = []
    for entry in entries:
        model = _model_for(entry.object_type)
        masked = False
        what = entry.object_repr
        if entry.object_type == "organisation.person" and entry.object_id:
            person = people.get(int(entry.object_id))
            if person is not None:
                what = _person(principal, person)
                masked = what != str(person)
        who = entry.user_name
        actor = people_by_user.get(entry.user_id)
        if actor is not None:
            who = _person(principal, actor)
        changes = []
        if entry.action == ChangeLogEntry.Action.EVENT:
            details = {} if masked else entry.changes
            changes = [FieldChange(str(DETAIL_LABELS.get(k, k)), "", str(v)) for k, v in details.items()]
        for name, pair in ({} if entry.action == ChangeLogEntry.Action.EVENT else entry.changes).items():
            if name in CONTEXT_FIELDS:
                continue
            field = _field(model, name) if model else None
            label = str(field.verbose_name) if field is not None else name
            if masked and name in PERSONAL_FIELDS:
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
