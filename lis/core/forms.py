"""Form helpers shared by every app."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PickerWidget(forms.CheckboxSelectMultiple):
    """Choosing several among many (people, above all): a list of checkboxes, which works as it
    is, and with picker.js a filter box above it that narrows the list as one types and says how
    many are shown and chosen. Keyboard and screen reader use stays that of plain checkboxes."""

    template_name = "core/widgets/picker.html"

    class Media:
        js = [forms.Script("lis/picker.js", defer=True)]


class EndForm(forms.Form):
    """Ending something (a unit, a board, a person's employment, a role) on a date."""

    ended_on = forms.DateField(label=_("Datum"), widget=DateInput())


def call_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Run a service; put its validation errors on the form's fields. None on failure."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


def cleaned(form: forms.Form, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


CONFIRM_WARNINGS = "spara_anda"


def unconfirmed(form: forms.Form, warnings: list[str]) -> bool:
    """Warnings that do not stop a change but must be confirmed (a second system with the same
    name, a date that has passed). True, with the form set to show them and a "Spara ändå"
    button, until the user has confirmed exactly these warnings; then False."""
    if not warnings:
        return False
    token = hashlib.sha256("\n".join(warnings).encode()).hexdigest()[:16]
    if form.data.get(CONFIRM_WARNINGS) == token:
        return False
    form.warnings, form.warnings_token, form.confirm_name = warnings, token, CONFIRM_WARNINGS
    return True


class UnitChoiceField(forms.ModelChoiceField):
    """An OrgUnit among all of them, indented under the unit it belongs to."""

    def label_from_instance(self, obj) -> str:
        return "\u00a0\u00a0" * (obj.path.count("/") - 2) + obj.name


class ChangeLogFilterForm(forms.Form):
    """The kommun-wide change log's filters (POL-2.3): who, what kind of object, which unit,
    what kind of entry, and between which days (Europe/Stockholm, both included)."""

    person = forms.ChoiceField(label=_("Person"), required=False)
    typ = forms.ChoiceField(label=_("Typ av objekt"), required=False)
    enhet = UnitChoiceField(label=_("Enhet"), queryset=None, required=False, empty_label=_("Alla"))
    handling = forms.ChoiceField(label=_("Typ av post"), required=False)
    fran = forms.DateField(label=_("Från och med"), required=False, widget=DateInput())
    till = forms.DateField(label=_("Till och med"), required=False, widget=DateInput())

    def __init__(self, *args, actors, object_types, units, actions, system_actor: str, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Alla"))]
        self.fields["person"].choices = everyone + [(system_actor, _("System (ingen inloggning)"))] + list(actors)
        self.fields["typ"].choices = everyone + list(object_types)
        self.fields["enhet"].queryset = units
        self.fields["handling"].choices = everyone + list(actions)

    def clean(self):
        data = super().clean()
        if data.get("fran") and data.get("till") and data["till"] < data["fran"]:
            self.add_error("till", _("Till och med kan inte vara före från och med."))
        return data
