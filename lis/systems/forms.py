"""Forms for the register. Choices are limited to what the user may use."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lis.core.access import Principal
from lis.core.forms import DateInput, PickerWidget
from lis.core.pack import get_pack
from lis.organisation.forms import PersonChoiceField
from lis.organisation.models import Board, OrgUnit
from lis.organisation.selectors import active_q, people_choices

from .models import Agreement, InformationSet, InformationSystem, Party, Platform, UserGroup


def top_units(p: Principal, *, manage: bool):
    return (
        OrgUnit.objects.filter(active_q(), kind__in=["administration", "company"])
        .filter(p.unit_filter(manage=manage))
        .order_by("name")
    )


class SystemForm(forms.ModelForm):
    class Meta:
        model = InformationSystem
        fields = [
            "name",
            "description",
            "status",
            "unit",
            "operating_model",
            "system_owner",
            "supplier",
            "developer",
            "accountable_board",
            "responsible_manager",
            "system_steward",
            "steward_appointed_on",
            "personal_data",
            "sensitive_personal_data",
            "secrecy",
            "secrecy_provision",
            "platforms",
            "procurement_reference",
            "tags",
            "no_consumers",
        ]
        widgets = {
            "steward_appointed_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "platforms": PickerWidget(),
        }

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        pack = get_pack()
        self.fields["operating_model"] = forms.ChoiceField(
            label=_("Driftsform"),
            required=False,
            choices=[("", _("– välj –"))] + [(o.key, o.name) for o in pack.operating_models],
        )
        self.fields["unit"].queryset = top_units(principal, manage=True)
        self.fields["accountable_board"].queryset = Board.objects.filter(active_q()).order_by("name")
        # People the user may see, and whoever the system already names.
        current = [pk for pk in (self.instance.responsible_manager_id, self.instance.system_steward_id) if pk]
        people = people_choices(principal, *current)
        for name in ("responsible_manager", "system_steward"):
            field = self.fields[name]
            self.fields[name] = PersonChoiceField(
                queryset=people,
                required=False,
                label=field.label,
                principal=principal,
            )
        parties = Party.objects.order_by("name")
        for name in ("system_owner", "supplier", "developer"):
            self.fields[name].queryset = parties
        # POL-3.29: chosen from IT-enheten's platform register (a checkbox per platform).
        self.fields["platforms"].queryset = Platform.objects.order_by("kind", "name")
        self.fields["platforms"].help_text = _("Operativsystem, enhetsmodeller, databaser och driftplattformar.")


class ItConsultationForm(forms.Form):
    """POL-3.27: IT-enheten records the day it was consulted on the system's procurement."""

    it_consulted_on = forms.DateField(
        label=_("IT-enheten rådfrågad"),
        widget=DateInput(),
        help_text=_("Dagen då upphandlingen stämdes av med IT-enheten."),
    )


class PlatformForm(forms.ModelForm):
    class Meta:
        model = Platform
        fields = ["name", "kind", "vendor", "lifecycle", "devices_in_use", "note"]


class PlatformFilterForm(forms.Form):
    typ = forms.ChoiceField(label=_("Typ"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Sök"), required=False, max_length=100)
    anvands = forms.ChoiceField(
        label=_("Används"),
        required=False,
        choices=[("", _("Alla")), ("ja", _("Av minst ett system")), ("nej", _("Av inget system"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["typ"].choices = [("", _("Alla"))] + list(Platform.Kind.choices)
        self.fields["status"].choices = [("", _("Alla"))] + list(Platform.Lifecycle.choices)


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = [
            "name",
            "kind",
            "organisation_number",
            "internal_unit",
            "contact_name",
            "contact_email",
            "contact_phone",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["internal_unit"].queryset = OrgUnit.objects.filter(active_q()).order_by("name")


class InformationSetForm(forms.ModelForm):
    class Meta:
        model = InformationSet
        fields = ["name", "description", "digital"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["counterparty", "reference", "starts_on", "ends_on", "notice_months"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class UserGroupForm(forms.ModelForm):
    class Meta:
        model = UserGroup
        fields = ["kind", "description", "access_level", "approximate_size", "contact"]

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        # POL-3.28: who gets driftinformation for the group; people the user may see, and the
        # group's current contact.
        field = self.fields["contact"]
        current = [self.instance.contact_id] if self.instance.contact_id else []
        self.fields["contact"] = PersonChoiceField(
            queryset=people_choices(principal, *current),
            required=False,
            label=field.label,
            help_text=field.help_text,
            principal=principal,
        )


class SystemFilterForm(forms.Form):
    q = forms.CharField(label=_("Sök"), required=False, max_length=100)
    enhet = forms.ModelChoiceField(label=_("Förvaltning/bolag"), queryset=OrgUnit.objects.none(), required=False)
    driftsform = forms.ChoiceField(label=_("Driftsform"), required=False)
    niva = forms.ChoiceField(label=_("Högsta nivå"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    komplett = forms.ChoiceField(
        label=_("Uppgifter"),
        required=False,
        choices=[("", _("Alla")), ("incomplete", _("Saknar uppgifter")), ("complete", _("Kompletta"))],
    )
    klassad = forms.ChoiceField(
        label=_("Klassning"),
        required=False,
        choices=[
            ("", _("Alla")),
            ("nej", _("Inte fastställd")),
            ("ja", _("Fastställd")),
            ("vantar", _("Väntar på fastställande")),
        ],
    )
    avtal = forms.BooleanField(label=_("Avtal löper snart ut"), required=False)
    plattform = forms.ModelChoiceField(label=_("Plattform"), queryset=Platform.objects.none(), required=False)
    saknar = forms.ChoiceField(
        label=_("Saknar"),
        required=False,
        choices=[
            ("", _("Alla")),
            ("forvaltare", _("Systemförvaltare")),
            ("klassning", _("Fastställd klassning")),
            ("it", _("IT-enhetens medverkan i upphandlingen")),
        ],
    )
    # Recurring reviews (issue 15): the system's documentation or one of its agreements past its review.
    granskning = forms.ChoiceField(
        label=_("Granskning"),
        required=False,
        choices=[("", _("Alla")), ("forsenad", _("Försenad (dokumentation eller avtal)"))],
    )
    ansvar = forms.ChoiceField(
        label=_("Ansvar"), required=False, choices=[("", _("Alla")), ("mina", _("System jag ansvarar för"))]
    )
    sortera = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        pack = get_pack()
        self.fields["enhet"].queryset = top_units(principal, manage=False)
        self.fields["enhet"].empty_label = _("Alla")
        self.fields["driftsform"].choices = [("", _("Alla")), ("-", _("Saknas"))] + [
            (o.key, o.name) for o in pack.operating_models
        ]
        self.fields["niva"].choices = [("", _("Alla")), ("-", _("Ej klassad"))] + [
            (level.key, f"{level['number']} – {level.name}") for level in pack.levels
        ]
        self.fields["status"].choices = [("", _("Alla"))] + list(InformationSystem.Status.choices)
        self.fields["plattform"].queryset = Platform.objects.order_by("kind", "name")
        self.fields["plattform"].empty_label = _("Alla")


class ClassificationForm(forms.Form):
    """A level per aspect from the pack, and a motivation."""

    motivation = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pack = get_pack()
        choices = [("", _("– välj nivå –"))] + [
            (level.key, f"{level['number']} – {level.name}") for level in pack.levels
        ]
        fields = {}
        for aspect in pack.aspects:
            fields[f"level_{aspect.key}"] = forms.ChoiceField(
                label=f"{aspect.name} ({aspect.key})",
                choices=choices,
                help_text=aspect.get("description", ""),
            )
        self.fields = {**fields, "motivation": self.fields["motivation"]}

    def levels(self) -> dict[str, str]:
        return {aspect.key: self.cleaned_data[f"level_{aspect.key}"] for aspect in get_pack().aspects}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Skäl"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
