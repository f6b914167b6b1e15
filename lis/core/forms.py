"""Form helpers shared by every app."""

from __future__ import annotations

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
