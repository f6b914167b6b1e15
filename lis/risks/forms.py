"""Forms for the analysis. Choices come from the pack and are limited to what the user may use."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lis.core import access
from lis.core.access import Principal
from lis.core.forms import DateInput
from lis.core.pack import get_pack
from lis.organisation.selectors import people_choices
from lis.systems.forms import PersonChoiceField

from .models import Measure, Risk, SecurityAnalysis


def _choices(items, *, blank: bool = True):
    options = [(str(item.key), f"{item.key} – {item.name}" if str(item.key).isdigit() else item.name) for item in items]
    return ([("", _("– välj –"))] if blank else []) + options


class AspectsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=[(a.key, f"{a.name} ({a.key})") for a in get_pack().aspects], **kwargs)


class ScaleField(forms.TypedChoiceField):
    def __init__(self, scale, **kwargs):
        super().__init__(choices=_choices(scale), coerce=int, empty_value=None, **kwargs)


class AnalysisStartForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Förvaltning/bolag"), queryset=None)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AnalysisForm(forms.ModelForm):
    class Meta:
        model = SecurityAnalysis
        fields = ["started_on", "participants", "summary"]
        widgets = {"started_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(self.instance.participants.values_list("pk", flat=True)) if self.instance.pk else []
        self.fields["participants"] = forms.ModelMultipleChoiceField(
            label=_("Deltagare"),
            queryset=people_choices(principal, *current),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 10}),
            help_text=_("Håll ned Ctrl (Cmd på Mac) för att välja flera."),
        )
        self.fields["participants"].label_from_instance = lambda p: access.person_label(principal, p)


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = [
            "system",
            "threat",
            "cause",
            "event",
            "consequence_text",
            "aspects",
            "likelihood",
            "consequence",
            "existing_protection",
            "owner",
            "treatment",
            "treatment_motivation",
            "residual_likelihood",
            "residual_consequence",
        ]
        labels = {
            "cause": _("Orsak – på grund av …"),
            "event": _("Händelse – inträffar …"),
            "consequence_text": _("Konsekvens – vilket leder till …"),
        }
        widgets = {
            "cause": forms.Textarea(attrs={"rows": 2}),
            "event": forms.Textarea(attrs={"rows": 2}),
            "consequence_text": forms.Textarea(attrs={"rows": 2}),
            "existing_protection": forms.Textarea(attrs={"rows": 2}),
            "treatment_motivation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, principal: Principal, systems, **kwargs):
        super().__init__(*args, **kwargs)
        pack = get_pack()
        self.fields["system"].queryset = systems
        self.fields["threat"] = forms.ChoiceField(
            label=_("Hot ur katalogen"), required=False, choices=_choices(pack.threats)
        )
        self.fields["aspects"] = AspectsField(label=_("Hotade aspekter"))
        self.fields["likelihood"] = ScaleField(pack.likelihood, label=_("Sannolikhet"))
        self.fields["consequence"] = ScaleField(pack.consequence, label=_("Konsekvens (nivå)"))
        self.fields["residual_likelihood"] = ScaleField(
            pack.likelihood, label=_("Kvarstående sannolikhet"), required=False
        )
        self.fields["residual_consequence"] = ScaleField(
            pack.consequence,
            label=_("Kvarstående konsekvens"),
            required=False,
            help_text=_("Bedöms efter åtgärderna. Lämna båda tomma tills de är bedömda."),
        )
        self.fields["treatment"] = forms.ChoiceField(
            label=_("Riskbehandling"), required=False, choices=_choices(pack.treatments)
        )
        self.fields["treatment_motivation"].help_text = _(
            "Krävs när en behandling är vald. Acceptans får bara ges inom acceptanskriterierna."
        )
        self.fields["owner"] = PersonChoiceField(
            queryset=people_choices(principal, self.instance.owner_id),
            required=False,
            label=_("Riskägare"),
            principal=principal,
        )


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["title", "description", "kind", "aspects", "responsible", "due_on", "status", "risks"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, principal: Principal, risks, **kwargs):
        super().__init__(*args, **kwargs)
        pack = get_pack()
        self.fields["kind"] = forms.ChoiceField(label=_("Typ"), choices=_choices(pack.measure_types))
        self.fields["status"] = forms.ChoiceField(
            label=_("Status"), choices=_choices(pack.measure_statuses, blank=False)
        )
        self.fields["aspects"] = AspectsField(label=_("Skyddade aspekter"), required=False)
        self.fields["responsible"] = PersonChoiceField(
            queryset=people_choices(principal, self.instance.responsible_id),
            required=False,
            label=_("Åtgärdsansvarig"),
            principal=principal,
        )
        self.fields["risks"] = forms.ModelMultipleChoiceField(
            label=_("Behandlar riskerna"),
            queryset=risks,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["risks"].label_from_instance = lambda r: f"{r.system.name}: {r.event} ({r.level.name})"


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _choices(get_pack().measure_statuses, blank=False)
