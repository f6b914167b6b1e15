"""Forms for handlingsplaner and the decisions about them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lis.core import access
from lis.core.forms import DateInput
from lis.core.pack import get_pack
from lis.organisation.models import Board, OrgUnit
from lis.organisation.selectors import active_q, people_choices
from lis.systems.forms import PersonChoiceField

from .models import ContinuityContact, ContinuityStep, Routine


class DecisionForm(forms.Form):
    """A decision in a nämnd's or styrelse's minutes."""

    board = forms.ModelChoiceField(label=_("Nämnd/styrelse"), queryset=Board.objects.none())
    meeting_date = forms.DateField(label=_("Sammanträdesdatum"), widget=DateInput())
    paragraph = forms.IntegerField(label=_("Paragraf (§)"), min_value=1, max_value=9999)
    diary_number = forms.CharField(label=_("Diarienummer"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = Board.objects.filter(active_q()).order_by("name")
        example = get_pack().format_diary_number(year=access.today().year, serial=14, board="KS")
        self.fields["diary_number"].help_text = _("Ärendets nummer i nämndens diarium, till exempel %(example)s.") % {
            "example": example
        }


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
    upload = forms.FileField(
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
        if self.instance.pk and self.instance.required:
            self.fields["name"].disabled = True  # the policy's name for a required routine
