"""Form helpers shared by every app."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .access import Principal
from .selectors import changes_since, object_version
from .throttle import address_is_spraying

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


VERSION_FIELD = "lasversion"


@dataclass
class EditGuard:
    """What an edit form of `obj` was opened on, so that a save never silently reverts a change
    someone else saved meanwhile.

    The version is the sequence of the latest change-log entry that created or changed the object
    (`object_version`), carried by the form as a hidden field (core/_form_fields.html). The change
    log is used rather than a hash of the object's fields because it also says what changed, from
    what to what and by whom – many-to-many choices included, which services record with the
    object – and needs no migration. It needs no secret either: the number grants nothing, and a
    forged one only skips a check that reopening the form would pass. A post without the field (a
    client that is not a browser showing the form) is not checked."""

    obj: models.Model
    principal: Principal
    version: int
    checked: bool
    field_name: str = VERSION_FIELD

    def refuse_if_stale(self, form: forms.Form) -> bool:
        """Inside the saving transaction: True, with the form set to show what changed since it
        was opened and to carry the current version for a deliberate second save, when the object
        was changed meanwhile (an update in the change log after the version it was opened on);
        then nothing may be written."""
        if not self.checked:
            return False
        # Lock the object's row: a concurrent save of it either committed before (and is seen
        # below) or waits for this transaction.
        list(
            type(self.obj)
            ._base_manager.select_for_update()
            .filter(pk=self.obj.pk)
            .order_by()
            .values_list("pk", flat=True)
        )
        changes = changes_since(self.principal, self.obj, self.version)
        if not changes:
            return False
        form.stale_changes = changes
        form.add_error(
            None,
            ngettext(
                "%(fields)s har ändrats sedan du öppnade formuläret. Ingenting är sparat. Dina uppgifter "
                "finns kvar: jämför med ändringen nedan och spara igen om de ska gälla.",
                "%(fields)s har ändrats sedan du öppnade formuläret. Ingenting är sparat. Dina uppgifter "
                "finns kvar: jämför med ändringarna nedan och spara igen om de ska gälla.",
                len(changes),
            )
            % {"fields": ", ".join(change.label for change in changes)},
        )
        self.version, self.checked = object_version(self.obj), False
        return True


def guard_stale(form: forms.Form, obj: models.Model | None, principal: Principal) -> None:
    """Make the edit form of `obj` refuse to save over changes made after it was opened (see
    `EditGuard`; `call_service` checks it). Nothing to guard for a new object (None)."""
    if obj is None:
        return
    posted = form.data.get(VERSION_FIELD) if form.is_bound else None
    if posted is None:
        form.edit_guard = EditGuard(obj, principal, object_version(obj), checked=False)
    else:
        # Anything but a version number is a form that saw no version at all.
        version = int(posted) if posted.isdigit() and len(posted) < 19 else 0
        form.edit_guard = EditGuard(obj, principal, version, checked=True)


def call_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Run a service; put its validation errors on the form's fields. None on failure. An edit
    form (`guard_stale`) whose object changed since it was opened is refused before the service
    runs, in the same transaction."""
    guard: EditGuard | None = getattr(form, "edit_guard", None)
    try:
        with transaction.atomic():
            if guard is not None and guard.refuse_if_stale(form):
                return None
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


class LoginForm(AuthenticationForm):
    """The login form, refusing an address that sprays passwords over many user names
    (lis.core.throttle) before any password is tried."""

    error_messages = {
        "invalid_login": _(
            "Fel användarnamn eller lösenord. Efter upprepade misslyckade försök spärras inloggningen en stund."
        ),
        "inactive": _("Inloggningen är inte aktiv."),
        "address_locked": _(
            "För många misslyckade inloggningar med olika användarnamn från din adress. Inloggning från "
            "adressen är spärrad en stund; kontakta IT-enheten om du behöver komma in nu."
        ),
    }

    def clean(self):
        if self.request is not None and address_is_spraying(self.request):
            raise ValidationError(self.error_messages["address_locked"], code="address_locked")
        return super().clean()


class PasswordChangeForm(forms.Form):
    """The user's own new password. The service checks the current one and the password rules."""

    old_password = forms.CharField(
        label=_("Nuvarande lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("Nytt lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Minst 12 tecken, inte likt ditt namn eller användarnamn, inte ett vanligt eller läckt lösenord och "
            "inte bara upprepningar eller följder som aaaa eller 1234. En mening av några ord är lätt att minnas."
        ),
    )
    new_password2 = forms.CharField(
        label=_("Nytt lösenord igen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", _("Lösenorden är inte lika."))
        return data


# --- two-step verification (lis.core.mfa) ------------------------------------------------------


class MfaCodeForm(forms.Form):
    """The second step of a login: a code from the app or a recovery code."""

    code = forms.CharField(
        label=_("Kod"),
        max_length=20,
        help_text=_("Sex siffror från appen, eller en av dina reservkoder."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class TotpActivateForm(forms.Form):
    code = forms.CharField(
        label=_("Kod från appen"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class WebAuthnAddForm(forms.Form):
    name = forms.CharField(
        label=_("Namn på nyckeln"),
        max_length=100,
        required=False,
        help_text=_("Så att du känner igen den, t.ex. ”Blå nyckel” eller ”Telefonen”."),
    )
    credential = forms.JSONField(widget=forms.HiddenInput, required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential"].error_messages["required"] = _(
            "Nyckeln har inte registrerats. Tryck på Registrera nyckel och följ anvisningarna i webbläsaren."
        )


class WebAuthnAssertForm(forms.Form):
    credential = forms.JSONField(widget=forms.HiddenInput, required=True)


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Ditt lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Bekräfta med ditt lösenord."),
    )


class MfaResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("T.ex. ”Tappat telefonen, identitet kontrollerad av IT-support”. Sparas i historiken."),
    )
