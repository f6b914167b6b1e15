"""Forms parse and validate input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lis.core import access
from lis.core.access import Principal
from lis.core.forms import DateInput, PickerWidget
from lis.core.pack import get_pack

from . import hr_sync
from .models import Board, OrgUnit, Person, Role, RoleAssignment
from .selectors import active_q, people_choices, people_visible_to


def person_choice_label(principal: Principal | None, person: Person) -> str:
    """How a person is told apart in every choice list: "Förnamn Efternamn (Enhet, titel)".
    A skyddad identitet stays a pseudonym and reveals no unit or title (POL-3.30)."""
    if principal is not None and access.identity_withheld(principal, person):
        return person.pseudonym
    label = str(person)
    details = [part for part in (person.unit.name if person.unit_id else "", person.title) if part]
    return f"{label} ({', '.join(details)})" if details else label


class PersonChoiceField(forms.ModelChoiceField):
    """Pick one person; the queryset should select_related("unit") (people_choices does)."""

    def __init__(self, *args, principal: Principal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.principal = principal

    def label_from_instance(self, person: Person) -> str:
        return person_choice_label(self.principal, person)


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Pick several people: checkboxes with a filter box (PickerWidget), not a ctrl-click list."""

    widget = PickerWidget

    def __init__(self, *args, principal: Principal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.principal = principal

    def label_from_instance(self, person: Person) -> str:
        return person_choice_label(self.principal, person)


class BoardForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["name", "short_name", "kind", "responsible_for_security", "partner_municipalities", "member_count"]


class UnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "short_name", "code", "kind", "parent", "governing_board", "function", "organisation_number"]

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        parents = OrgUnit.objects.filter(active_q()).filter(principal.unit_filter(manage=True))
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents.order_by("name")
        self.fields["governing_board"].queryset = Board.objects.filter(active_q()).order_by("name")
        if not access.can_manage_organisation(principal):
            # A unit manager shapes enheter within their unit, never förvaltningar or bolag.
            self.fields["governing_board"].disabled = True
            if self.instance.pk and self.instance.is_top_level:
                self.fields["kind"].disabled = True
                self.fields["parent"].disabled = True
            else:
                self.fields["kind"].choices = [(OrgUnit.Kind.UNIT, OrgUnit.Kind.UNIT.label)]


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "kind",
            "title",
            "unit",
            "email",
            "phone",
            "employee_number",
            "manager",
            "protected_identity",
        ]

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.principal = principal
        choices = people_choices(principal, self.instance.manager_id)
        if self.instance.pk:
            choices = choices.exclude(pk=self.instance.pk)
        self.fields["manager"] = PersonChoiceField(
            label=self.fields["manager"].label,
            help_text=self.fields["manager"].help_text,
            queryset=choices,
            required=False,
            principal=principal,
        )
        units = OrgUnit.objects.filter(active_q())
        if not (principal.manages_everything or principal.has_role("hr")):
            units = units.filter(principal.unit_filter(manage=True))
        self.fields["unit"].queryset = units.order_by("name")
        self.fields["unit"].help_text = _("Obligatoriskt för medarbetare.")
        if not principal.sees_protected_identities:
            del self.fields["protected_identity"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == Person.Kind.EMPLOYEE and not data.get("unit"):
            self.add_error("unit", _("En medarbetare måste höra till en enhet."))
        elif not data.get("unit") and not (self.principal.manages_everything or self.principal.has_role("hr")):
            self.add_error("unit", _("Välj en enhet du ansvarar för."))
        return data


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["person", "role", "unit", "board", "starts_on", "ends_on", "note"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        people = people_visible_to(principal).filter(active_q())
        if principal.person is not None and not self.instance.pk:
            # Nobody gives themselves a role (the service refuses it too).
            people = people.exclude(pk=principal.person.pk)
        self.fields["person"] = PersonChoiceField(
            label=self.fields["person"].label,
            queryset=people.select_related("unit").order_by(*access.person_ordering(principal)),
            principal=principal,
        )
        if not principal.manages_everything:
            self.fields["role"].choices = [
                (value, label) for value, label in Role.choices if value in access.UNIT_HEAD_APPOINTS
            ]
        elif not principal.has_role("administrator"):
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.ADMINISTRATOR]
        units = OrgUnit.objects.filter(active_q()).filter(access.appointing_unit_filter(principal))
        self.fields["unit"].queryset = units.order_by("name")
        self.fields["board"].queryset = Board.objects.filter(active_q()).order_by("name")
        self.fields["unit"].required = False
        self.fields["board"].required = False
        if self.instance.pk:
            self.fields["person"].disabled = True


class HrSyncForm(forms.Form):
    file = forms.FileField(
        label=_("Export från HR-systemet"),
        help_text=_(
            "En .csv (UTF-8, semikolon eller komma) eller .xlsx med kolumnen Anställningsnummer och gärna "
            "Förnamn, Efternamn, E-post, Enhetskod, Chef, Slutdatum och Skyddad identitet. Högst %(max)s."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    end_missing = forms.BooleanField(
        label=_("Avsluta personer som saknas i filen"),
        help_text=_("Personer med anställningsnummer i LIS som inte finns i filen slutar idag."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "max": filesizeformat(hr_sync.max_upload_bytes())
        }
        self.data_bytes = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = hr_sync.max_upload_bytes()
        if upload.size is not None and upload.size > limit:
            raise ValidationError(
                gettext("Filen är för stor (%(size)s). Den får vara högst %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)}
            )
        data = upload.read(limit + 1)
        try:
            hr_sync.read_rows(data, hr_sync.check_file(data, upload.name or ""))
        except hr_sync.ImportFileError as exc:
            raise ValidationError(exc.messages) from exc
        self.data_bytes = data
        return upload


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Sök"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=OrgUnit.objects.none(), required=False)
    ended = forms.BooleanField(label=_("Visa även personer som slutat"), required=False)

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(principal.unit_filter()).order_by("name")


class LoginCreateForm(forms.Form):
    username = forms.CharField(label=_("Användarnamn"), max_length=150)
    password = forms.CharField(
        label=_("Tillfälligt lösenord"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Minst 12 tecken. Lämna lösenordet till personen på ett säkert sätt; personen måste byta det vid "
            "första inloggningen."
        ),
    )


class DecisionForm(forms.Form):
    """A decision in a nämnd's or styrelse's minutes. For a förvaltning's or bolag's own
    document, `unit` limits the choice to the board that governs it."""

    board = forms.ModelChoiceField(label=_("Nämnd/styrelse"), queryset=Board.objects.none())
    meeting_date = forms.DateField(label=_("Sammanträdesdatum"), widget=DateInput())
    paragraph = forms.IntegerField(label=_("Paragraf (§)"), min_value=1, max_value=9999)
    diary_number = forms.CharField(label=_("Diarienummer"), max_length=40)

    def __init__(self, *args, unit: OrgUnit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit is not None:
            self.fields["board"].queryset = Board.objects.filter(pk=unit.governing_board_id)
            self.fields["board"].initial = unit.governing_board_id
            self.fields["board"].empty_label = None
            self.fields["board"].help_text = _("Nämnden eller styrelsen som styr %(unit)s.") % {"unit": unit.name}
        else:
            self.fields["board"].queryset = Board.objects.filter(active_q()).order_by("name")
        example = get_pack().format_diary_number(year=access.today().year, serial=14, board="KS")
        self.fields["diary_number"].help_text = _("Ärendets nummer i nämndens diarium, till exempel %(example)s.") % {
            "example": example
        }
