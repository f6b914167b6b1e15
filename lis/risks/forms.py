"""Forms for the analysis. Choices come from the pack and are limited to what the user may use."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lis.core.access import Principal
from lis.core.forms import DateInput, PickerWidget
from lis.core.pack import SECRECY_MARKING_MAX_LENGTH, get_pack
from lis.organisation.forms import PersonChoiceField, PersonMultipleChoiceField
from lis.organisation.selectors import people_choices

from .models import Measure, Risk, SecurityAnalysis


def _choices(items, *, blank: bool = True):
    options = [(str(item.key), f"{item.key} – {item.name}" if str(item.key).isdigit() else item.name) for item in items]
    return ([("", _("– välj –"))] if blank else []) + options


class AspectsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=[(a.key, f"{a.name} ({a.key})") for a in get_pack().aspects], **kwargs)


class ThreatSelect(forms.Select):
    """The pack's threat catalogue as a select, with a button that fills the risk's texts from
    the chosen threat (the view does it, so it works without JavaScript; threat-fill.js does it
    in place). Each option carries its threat's texts for the script."""

    template_name = "risks/widgets/threat_select.html"

    class Media:
        js = [forms.Script("lis/threat-fill.js", defer=True)]

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        threat = next((t for t in get_pack().threats if t.key == value), None)
        if threat is not None:
            option["attrs"] |= {
                "data-cause": threat.get("cause", ""),
                "data-event": threat.get("event", ""),
                "data-consequence": threat.get("consequence", ""),
                "data-aspects": " ".join(threat.get("aspects", [])),
            }
        return option


def threat_texts(key: str | None) -> dict | None:
    """The risk form's values taken from the pack's threat `key`, or None for no such threat."""
    threat = next((t for t in get_pack().threats if t.key == key), None)
    if threat is None:
        return None
    return {
        "threat": threat.key,
        "cause": threat.get("cause", ""),
        "event": threat.get("event", ""),
        "consequence_text": threat.get("consequence", ""),
        "aspects": list(threat.get("aspects", [])),
    }


class ScaleField(forms.TypedChoiceField):
    def __init__(self, scale, **kwargs):
        super().__init__(choices=_choices(scale), coerce=int, empty_value=None, **kwargs)


class AnalysisStartForm(forms.Form):
    """Start an analysis or a plan: the unit, and the mandatperiod when the next one can be
    started too (`periods`: the current first)."""

    unit = forms.ModelChoiceField(label=_("Förvaltning/bolag"), queryset=None)
    period = forms.TypedChoiceField(label=_("Mandatperiod"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, units, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.periods = {period.pk: period for period in periods}
        self.fields["period"].choices = [(period.pk, str(period)) for period in periods]
        self.fields["period"].initial = periods[0].pk
        if len(periods) == 1:
            self.fields["period"].widget = forms.HiddenInput()

    def clean_period(self):
        chosen = self.cleaned_data["period"]
        return self.periods[chosen] if chosen is not None else None


class AnalysisForm(forms.ModelForm):
    class Meta:
        model = SecurityAnalysis
        fields = ["started_on", "participants", "summary", "secrecy_marking"]
        widgets = {"started_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secrecy_marking"] = forms.CharField(
            label=_("Sekretessmarkering"),
            required=False,
            max_length=SECRECY_MARKING_MAX_LENGTH,
            help_text=_(
                "Skrivs överst på varje sida i rapporten till nämnden och i sidhuvudet i riskmatrisen. "
                "Lämna tomt för kommunens standard: %(default)s"
            )
            % {"default": get_pack().secrecy_marking},
        )
        current = list(self.instance.participants.values_list("pk", flat=True)) if self.instance.pk else []
        self.fields["participants"] = PersonMultipleChoiceField(
            label=_("Deltagare"),
            queryset=people_choices(principal, *current),
            required=False,
            principal=principal,
        )


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
            label=_("Hot ur katalogen"),
            required=False,
            choices=_choices(pack.threats),
            widget=ThreatSelect,
            help_text=_("Orsak, händelse, konsekvens och hotade aspekter fylls i från hotet och kan sedan ändras."),
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

    def filled_from_threat(self) -> dict:
        """The posted values as initial values, with orsak, händelse, konsekvens and aspects
        taken from the chosen threat: the form shown again, nothing lost and nothing saved."""
        values = {
            name: self.data.getlist(name) if isinstance(field, forms.MultipleChoiceField) else self.data.get(name)
            for name, field in self.fields.items()
            if name in self.data
        }
        return values | (threat_texts(self.data.get("threat")) or {})


def completion_fields(measure: Measure | None) -> dict[str, forms.Field]:
    """How a measure was completed: a comment, an evidence file, or both (genomförd needs one)."""
    evidence_help = _("PDF, Word (DOCX) eller OpenDocument (ODT), högst 10 MB. Ersätter tidigare underlag.")
    if measure is not None and measure.evidence:
        evidence_help = _("Nu bifogat: %(name)s. %(help)s") % {"name": measure.evidence_name, "help": evidence_help}
    return {
        "completion_note": forms.CharField(
            label=_("Kommentar om genomförandet"),
            required=False,
            initial=measure.completion_note if measure is not None else "",
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_(
                "Krävs för status Genomförd om inget underlag bifogas: vad som gjordes och var det finns dokumenterat."
            ),
        ),
        "evidence": forms.FileField(label=_("Underlag"), required=False, help_text=evidence_help),
    }


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
            widget=PickerWidget,
        )
        self.fields["risks"].label_from_instance = lambda r: f"{r.system.name}: {r.event} ({r.level.name})"
        self.fields.update(completion_fields(self.instance if self.instance.pk else None))
        self.order_fields([*self.Meta.fields[:-1], "completion_note", "evidence", "risks"])


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _choices(get_pack().measure_statuses, blank=False)
        self.fields.update(completion_fields(measure))
