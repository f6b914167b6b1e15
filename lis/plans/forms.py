"""Forms for handlingsplaner and the decisions about them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lis.core.forms import DateInput
from lis.core.pack import get_pack
from lis.organisation.forms import DecisionForm, PersonChoiceField
from lis.organisation.models import Board, OrgUnit
from lis.organisation.selectors import active_q, people_choices

from .models import ContinuityContact, ContinuityStep, Routine, check_review_dates


class FollowUpForm(DecisionForm):
    followed_up_on = forms.DateField(label=_("Uppföljd"), widget=DateInput())
    note = forms.CharField(label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["followed_up_on", "board", "meeting_date", "paragraph", "diary_number", "note"]


class PlanForm(forms.Form):
    """One text per section of the pack; measure sections say what the analysis already gives."""

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        for section in get_pack().action_plan_sections:
            if section.get("measure_types"):
                help_text = _(
                    "Åtgärder av rätt typ ur förvaltningens analys tas med automatiskt; skriv det som behövs därutöver."
                )
            elif section.get("timeline"):
                help_text = _("Åtgärderna visas per kvartal ur sina datum; skriv det som behövs utöver dem.")
            else:
                help_text = ""
            self.fields[section.key] = forms.CharField(
                label=section.name,
                required=False,
                initial=plan.sections.get(section.key, ""),
                help_text=help_text,
                widget=forms.Textarea(attrs={"rows": 5}),
            )


class ContinuityPlanForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    reviewed_on = forms.DateField(label=_("Senast granskad"), required=False, widget=DateInput())
    review_due = forms.DateField(label=_("Nästa granskning"), widget=DateInput())

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "reviewed_on", "review_due"):
            self.fields[name].initial = getattr(plan, name)
        for section in get_pack().continuity_sections:
            if section.get("steps") or section.get("contacts"):
                continue
            self.fields[section.key] = forms.CharField(
                label=section.name,
                required=False,
                initial=plan.sections.get(section.key, ""),
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def clean(self):
        data = super().clean()
        check_review_dates(reviewed_on=data.get("reviewed_on"), review_due=data.get("review_due"))
        return data


class ContinuityStepForm(forms.ModelForm):
    class Meta:
        model = ContinuityStep
        fields = ["section", "order", "text", "responsible"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"] = forms.ChoiceField(
            label=_("Avsnitt"),
            choices=[(s.key, s.name) for s in get_pack().continuity_sections if s.get("steps")],
        )
        self.fields["responsible"] = PersonChoiceField(
            queryset=people_choices(principal, self.instance.responsible_id), label=_("Ansvarig"), principal=principal
        )


class ContinuityContactForm(forms.ModelForm):
    class Meta:
        model = ContinuityContact
        fields = ["person", "role", "order"]

    def __init__(self, *args, principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            queryset=people_choices(principal, self.instance.person_id),
            label=_("Person"),
            principal=principal,
            help_text=_("Telefonnumret hämtas från personregistret."),
        )


class RoutineForm(forms.ModelForm):
    # Named as the model's field, so the service's errors about the document land on it.
    file = forms.FileField(
        label=_("Ladda upp dokument"),
        required=False,
        help_text=_("PDF, Word (DOCX) eller OpenDocument (ODT), högst 10 MB. Ersätter tidigare uppladdad fil."),
    )

    class Meta:
        model = Routine
        fields = ["name", "owner_unit", "owner", "version", "next_review", "content"]
        widgets = {"next_review": DateInput(), "content": forms.Textarea(attrs={"rows": 12})}
        help_texts = {"content": _("Markdown: # rubrik, **fet**, - punktlista, [länk](https://…).")}

    def __init__(self, *args, principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = OrgUnit.objects.filter(active_q()).filter(
            principal.unit_filter(manage=True)
        ) | OrgUnit.objects.filter(pk=self.instance.owner_unit_id or 0)
        self.fields["owner"] = PersonChoiceField(
            queryset=people_choices(principal, self.instance.owner_id),
            required=False,
            label=_("Ansvarig"),
            principal=principal,
        )
        if self.instance.required:
            self.fields["name"].disabled = True  # the policy's name for a required routine
        else:
            self.fields["owner_unit"].required = True
            self.fields["owner_unit"].error_messages["required"] = _(
                "Ange vilken förvaltning eller enhet som äger rutinen."
            )


class PolicyAdoptionForm(DecisionForm):
    """Kommunfullmäktige's decision adopting a version of the policy."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        councils = Board.objects.filter(active_q(), kind=Board.Kind.COUNCIL).order_by("name")
        self.fields["board"].queryset = councils
        self.fields["board"].label = _("Antagen av")
        if len(councils) == 1:
            self.fields["board"].initial = councils[0].pk
            self.fields["board"].empty_label = None


class PolicyVersionForm(PolicyAdoptionForm):
    """A new version of the policy, with the decision that adopted it."""

    label = forms.CharField(label=_("Version"), max_length=20, help_text=_("Till exempel 2.0."))
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_(
            "Den antagna texten. En rad som börjar med # är en rubrik, ## en underrubrik, - en punkt i en lista "
            "och [^1]: en fotnot som texten hänvisar till med [^1]; varje annan rad är ett stycke."
        ),
    )

    field_order = ["label", "title", "text", "board", "meeting_date", "paragraph", "diary_number"]
