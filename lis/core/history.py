"""The Historik tab and the kommun-wide change log: change-log entries presented for one viewer.

Display only: the stored entry is evidence and is never changed; this module only reads it.
Every field is shown with its Swedish label (the model field's verbose_name) and its values as a
user reads them: choices and the policy pack's keys by their names, related objects by name
(a skyddad identitet by its pseudonym, POL-3.30), lists as lists, Ja/Nej, and dates and times in
Europe/Stockholm. What core cannot know – which field holds which kind of pack key, which event
carries which details, how an object belongs to a förvaltning – each app registers here from
its `AppConfig.ready()`, like compliance rules (`register`, `register_event`)."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .access import Principal, person_label, withheld_people
from .changelog import object_type_of
from .models import ChangeLogEntry, User
from .pack import get_pack

Formatter = Callable[[Any], str]

# Every object belongs to the one kommun: nothing to show, nothing to fetch.
CONTEXT_FIELDS = frozenset({"municipality"})
EMPTY = "–"


@dataclass(frozen=True)
class Related:
    """A value that is the id of a `model` object (an event's detail): shown by the object's name."""

    model: str  # app_label.model_name


@dataclass
class _ModelHistory:
    fields: dict[str, Formatter] = field(default_factory=dict)
    # Swedish labels of fields whose verbose_name is only the field's name (a parent relation).
    labels: dict[str, Any] = field(default_factory=dict)
    # The ORM path from the model to its OrgUnit ("" when the model is the unit); None: not per unit.
    unit: str | None = None
    # The ORM path from the model to the Person its entries are about ("" when the model is the
    # person): such an entry shows nothing but the pseudonym to whom the identity is withheld.
    person: str | None = None
    # Who may know that such objects exist at all (None: whoever sees the change log); the others
    # never get their entries from the kommun-wide change log or its filters.
    visible: Callable[[Principal], bool] | None = None


@dataclass
class _Event:
    label: Any
    details: dict[str, tuple[Any, Formatter | Related | None]] = field(default_factory=dict)


_MODELS: dict[str, _ModelHistory] = {}
_EVENTS: dict[str, _Event] = {}


def register(
    model: type[models.Model],
    *,
    fields: dict[str, Formatter] | None = None,
    labels: dict[str, Any] | None = None,
    unit: str | None = None,
    person: str | None = None,
    visible: Callable[[Principal], bool] | None = None,
) -> None:
    """How `model`'s entries read: `fields` maps a field name to a formatter of its recorded
    value (for values core cannot read by itself, such as the pack's keys); `labels` names fields
    that have no Swedish verbose_name; `unit` is the ORM path from the model to the
    förvaltning/bolag or enhet it belongs to ("" for OrgUnit itself), used to filter the
    kommun-wide change log by unit; `person` is the ORM path from the model to the person whose
    identity its entries disclose ("" for Person itself, POL-3.30); `visible` says who may know
    that such objects exist (säkerhetsklassade placeringar, POL-3.25): to everyone else the
    kommun-wide change log leaves their entries out."""
    spec = _MODELS.setdefault(object_type_of(model), _ModelHistory())
    spec.fields.update(fields or {})
    spec.labels.update(labels or {})
    if unit is not None:
        spec.unit = unit
    if person is not None:
        spec.person = person
    if visible is not None:
        spec.visible = visible


def register_event(
    event: str, label: Any = None, *, details: dict[str, tuple[Any, Formatter | Related | None]] | None = None
) -> None:
    """The name of a non-edit event (`record_event`) and the label and formatter of its details;
    several apps may add details to one event (e.g. "export")."""
    spec = _EVENTS.setdefault(event, _Event(label=label or event))
    if label is not None:
        spec.label = label
    spec.details.update(details or {})


# --- formatters apps use ---------------------------------------------------------------------


def pack_name(choices: str) -> Formatter:
    """A pack key shown by its name, e.g. `pack_name("treatments")`: "reduce" → "Reducera"."""
    return lambda value: get_pack().choice_name(choices, value)


def pack_names(choices: str) -> Formatter:
    """A list of pack keys shown by their names: ["K", "R"] → "Konfidentialitet, Riktighet"."""
    return lambda value: ", ".join(get_pack().choice_name(choices, v) for v in value)


def pack_scale(choices: str) -> Formatter:
    """A step of one of the pack's numbered scales with its name: 3 → "3 – Möjlig"."""
    return lambda value: f"{value} – {get_pack().choice_name(choices, value)}"


def pack_keyed(choices: str, values: Formatter | None = None) -> Formatter:
    """A dictionary keyed by the pack's keys (a plan's sections, a classification's level per
    aspect), one line per key: "Digitaliseringsbehov: …"."""

    def show(value: dict) -> str:
        return "\n".join(
            f"{get_pack().choice_name(choices, key)}: {values(v) if values else plain(v)}" for key, v in value.items()
        )

    return show


def mapping(labels: dict[str, Any]) -> Formatter:
    """Fixed internal words shown in Swedish, e.g. an export's kind of report."""
    return lambda value: str(labels.get(str(value), value))


# --- presentation ----------------------------------------------------------------------------


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
    kind: str  # the kind of object, e.g. "Risk"
    action: str
    changes: list[FieldChange]


@functools.cache
def _model_for(object_type: str) -> type[models.Model] | None:
    for model in apps.get_models():
        if getattr(model, "changelog_type", None) == object_type:
            return model
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field since removed from the model
        return None


def _related_model(model_field) -> type[models.Model] | None:
    """The model a recorded relation (foreign key, one-to-one or many-to-many ids) points at."""
    if model_field is None or not model_field.is_relation or not model_field.concrete:
        return None
    return model_field.related_model


def object_kind(object_type: str) -> str:
    """The Swedish name of a kind of object ("Risk", "Informationssystem"), or "" if unknown."""
    model = _model_for(object_type)
    return capfirst(str(model._meta.verbose_name)) if model is not None else ""


def _local_datetime(value: Any) -> str:
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(parsed, datetime.datetime):
        return str(value)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M")


def _date(value: Any) -> str:
    parsed = parse_date(value) if isinstance(value, str) else value
    return parsed.isoformat() if isinstance(parsed, datetime.date) else str(value)


def plain(value: Any) -> str:
    """Any recorded value as text: never a Python list or dictionary."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nej"))
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {plain(v)}" for k, v in value.items())
    return str(value)


def present(principal: Principal, entries: list[ChangeLogEntry]) -> list[HistoryRow]:
    """Display rows for `entries`: one query for the people and logins they name, one per other
    kind of object their relations point at, one per model that redacts (see
    `changelog_redactions`) and one per model whose entries are about a person (`register(person=)`),
    whatever the number of entries."""
    Person = apps.get_model("organisation", "Person")
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    ids_by_type: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        model = _model_for(entry.object_type)
        if model is not None:
            ids_by_type[entry.object_type].add(entry.object_id)
        if entry.action == ChangeLogEntry.Action.EVENT:
            event = _EVENTS.get(entry.event)
            for key, value in entry.changes.items():
                shown = event.details.get(key, (None, None))[1] if event else None
                if isinstance(shown, Related) and value is not None:
                    wanted[apps.get_model(shown.model)].add(value)
            continue
        for name, pair in entry.changes.items():
            related = _related_model(_field(model, name)) if name not in CONTEXT_FIELDS else None
            if related is None:
                continue
            for value in pair:
                if isinstance(value, list):
                    wanted[related].update(value)
                elif value is not None:
                    wanted[related].add(value)
    person_ids = wanted.pop(Person, set()) | {int(i) for i in ids_by_type.get("organisation.person", ()) if i}
    user_ids = (
        wanted.pop(User, set())
        | {int(i) for i in ids_by_type.get(User._meta.label_lower, ()) if i}
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
    redactions: dict[str, dict[int, set[str]]] = {}
    for object_type, ids in ids_by_type.items():
        redact = getattr(_model_for(object_type), "changelog_redactions", None)
        if redact is not None:
            redactions[object_type] = redact([int(i) for i in ids if i.isdigit()])
    # Entries about a person whose identity this viewer may not know show only the pseudonym.
    withheld: dict[str, set[str]] = {}
    for object_type, ids in ids_by_type.items():
        path = _MODELS.get(object_type, _ModelHistory()).person
        if path is not None:
            condition = withheld_people(principal, f"{path}__" if path else "")
            found = _model_for(object_type)._default_manager.filter(condition, pk__in=[i for i in ids if i.isdigit()])
            withheld[object_type] = {str(pk) for pk in found.values_list("pk", flat=True)}

    def user_label(user_id: Any) -> str:
        if user_id in people_by_user:
            return person_label(principal, people_by_user[user_id])
        user = users.get(user_id)
        return user.get_username() if user is not None else f"#{user_id}"

    def describe(model: type[models.Model], pk: Any) -> str:
        if model is Person:
            return person_label(principal, people[pk]) if pk in people else f"#{pk}"
        if model is User:
            return user_label(pk)
        obj = objects.get(model, {}).get(pk)
        return str(obj) if obj is not None else f"#{pk}"

    def value_text(model_field, formatter: Formatter | Related | None, value: Any) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return EMPTY
        if isinstance(formatter, Related):
            return describe(apps.get_model(formatter.model), value)
        if formatter is not None:
            return formatter(value)
        related = _related_model(model_field)
        if related is not None:
            values = value if isinstance(value, list) else [value]
            return ", ".join(describe(related, v) for v in values)
        if model_field is not None and model_field.choices:
            choices = {str(k): str(v) for k, v in model_field.flatchoices}
            return choices.get(str(value), str(value))
        if isinstance(model_field, models.DateTimeField):
            return _local_datetime(value)
        if isinstance(model_field, models.DateField):
            return _date(value)
        return plain(value)

    rows = []
    for entry in entries:
        model = _model_for(entry.object_type)
        spec = _MODELS.get(entry.object_type, _ModelHistory())
        what = entry.object_repr
        person = None
        if entry.object_type == "organisation.person" and entry.object_id:
            person = people.get(int(entry.object_id))
        elif entry.object_type == User._meta.label_lower and entry.object_id:
            person = people_by_user.get(int(entry.object_id))
        if person is not None:
            what = person_label(principal, person)
        masked = entry.object_id in withheld.get(entry.object_type, ())
        hidden = redactions.get(entry.object_type, {}).get(
            int(entry.object_id) if entry.object_id.isdigit() else 0, set()
        )
        if "__str__" in hidden or (masked and person is None):  # the object's name itself is redacted
            what = "•••"
        who = user_label(entry.user_id) if entry.user_id in people_by_user else entry.user_name
        changes = []
        if entry.action == ChangeLogEntry.Action.EVENT:
            event = _EVENTS.get(entry.event)
            action = str(event.label) if event else entry.event
            for key, value in ({} if masked else entry.changes).items():
                label, formatter = event.details.get(key, (key, None)) if event else (key, None)
                changes.append(FieldChange(str(label), "", value_text(None, formatter, value)))
        else:
            action = entry.get_action_display()
            for name, pair in entry.changes.items():
                if name in CONTEXT_FIELDS:
                    continue
                model_field = _field(model, name)
                label = spec.labels.get(name) or (model_field.verbose_name if model_field is not None else name)
                label = capfirst(str(label))
                if masked or name in hidden:
                    changes.append(FieldChange(label, "•••", "•••"))
                    continue
                formatter = spec.fields.get(name)
                old, new = (value_text(model_field, formatter, value) for value in pair)
                changes.append(FieldChange(label, old, new))
        rows.append(
            HistoryRow(
                entry=entry,
                who=who,
                what=what,
                kind=object_kind(entry.object_type),
                action=str(action),
                changes=changes,
            )
        )
    return rows


# --- filtering the kommun-wide change log ------------------------------------------------------


def history_object_types(principal: Principal) -> list[str]:
    """The kinds of object the apps have registered (app_label.model_name) that this viewer may
    know exist."""
    return [object_type for object_type, spec in _MODELS.items() if spec.visible is None or spec.visible(principal)]


def hidden_object_types(principal: Principal) -> list[str]:
    """The kinds of object whose very existence is kept from this viewer."""
    return [object_type for object_type in _MODELS if object_type not in history_object_types(principal)]


def unit_condition(principal: Principal, unit_paths: Iterable[str]) -> Q:
    """Entries about objects that belong to the units at `unit_paths` or below them, through each
    model's registered path to its unit; one subquery per registered model, in one query. Not
    those about a person whose unit this viewer may not know (POL-3.30)."""
    condition = Q(pk__in=[])
    for object_type, spec in _MODELS.items():
        if spec.unit is None:
            continue
        model = _model_for(object_type)
        lookup = f"{spec.unit}__path__startswith" if spec.unit else "path__startswith"
        within = Q(pk__in=[])
        for path in unit_paths:
            within |= Q(**{lookup: path})
        objects = model._default_manager.filter(within)
        if spec.person is not None:
            objects = objects.exclude(withheld_people(principal, f"{spec.person}__" if spec.person else ""))
        ids = objects.order_by().annotate(_id=Cast("pk", models.CharField()))
        condition |= Q(object_type=object_type, object_id__in=ids.values("_id"))
    return condition


# --- core's own objects and events -------------------------------------------------------------

register(User, unit="person__unit", person="person")
register_event("login", _("Inloggning"), details={"ip": (_("IP-adress"), None)})
register_event("logout", _("Utloggning"), details={"ip": (_("IP-adress"), None)})
register_event("password_changed", _("Lösenordet bytt"))
register_event(
    "login_failed",
    _("Misslyckad inloggning"),
    details={
        "username_hash": (_("Okänt användarnamn (nyckelhash)"), None),
        "ip": (_("IP-adress"), None),
        "count": (_("Misslyckade försök i följd"), None),
    },
)
register_event(
    "notification",
    _("Avisering skickad"),
    details={"recipients": (_("Antal mottagare"), None), "message": (_("Meddelande"), None)},
)
register_event(
    "export",
    _("Export"),
    details={"format": (_("Format"), lambda value: str(value).upper()), "rows": (_("Antal rader"), None)},
)
register_event("import", _("Import"), details={"format": (_("Format"), lambda value: str(value).upper())})
