"""Forms of the staff pages. The services validate what matters (dates, who may decide); the
forms say the limits in advance."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lis.core import access
from lis.core.access import Principal
from lis.core.forms import DateInput, UnitChoiceField
from lis.core.pack import get_pack
from lis.organisation.forms import PersonChoiceField
from lis.organisation.models import OrgUnit, Person
from lis.organisation.selectors import people_choices

from . import selectors
from .models import ClassifiedPosition, PolicyException, RemoteWorkAgreement


class ExceptionRequestForm(forms.Form):
    source = forms.CharField(
        label=_("Informationskälla eller tjänst"),
        max_length=300,
        help_text=_("Vad du behöver använda som annars strider mot policyn, t.ex. en webbplats eller en tjänst."),
    )
    reason = forms.CharField(label=_("Varför det behövs i arbetet"), widget=forms.Textarea(attrs={"rows": 4}))
    requested_until = forms.DateField(label=_("Behövs till och med"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = access.today()
        latest = selectors.latest_valid_until(today)
        self.fields["requested_until"].help_text = _(
            "Högst %(months)s månader, alltså senast %(date)s. Behöver du det längre får du begära ett nytt "
            "undantag då."
        ) % {"months": get_pack().exception_max_months, "date": latest.isoformat()}
        self.fields["requested_until"].widget.attrs.update({"min": today.isoformat(), "max": latest.isoformat()})


class GrantForm(forms.Form):
    valid_until = forms.DateField(label=_("Gäller till och med"), widget=DateInput())
    decision_reason = forms.CharField(
        label=_("Motivering"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Varför informationen från källan är relevant för arbetsuppgiften."),
    )
    diary_number = forms.CharField(label=_("Diarienummer"), max_length=40, required=False)

    def __init__(self, *args, exception: PolicyException, **kwargs):
        super().__init__(*args, **kwargs)
        today = access.today()
        latest = selectors.latest_valid_until(today)
        if exception.requested_until is not None:
            latest = min(latest, exception.requested_until)
        self.fields["valid_until"].help_text = _(
            "Senast %(date)s: det medarbetaren bad om, och högst %(months)s månader från i dag. Kortare går bra."
        ) % {"date": latest.isoformat(), "months": get_pack().exception_max_months}
        self.fields["valid_until"].widget.attrs.update({"min": today.isoformat(), "max": latest.isoformat()})
        if not self.is_bound:
            self.initial.setdefault("valid_until", latest)


class RefuseForm(forms.Form):
    decision_reason = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 3}))


class EndExceptionForm(forms.Form):
    end_reason = forms.CharField(label=_("Anledning"), max_length=300, required=False, initial=_("Används inte längre"))


class ConfirmForm(forms.Form):
    """A POST button's form (nothing to fill in)."""


class ExceptionRegisterForm(forms.Form):
    person = PersonChoiceField(label=_("Medarbetare"), queryset=Person.objects.none())
    source = forms.CharField(label=_("Informationskälla eller tjänst"), max_length=300)
    reason = forms.CharField(label=_("Varför det behövs i arbetet"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("Tjänsteanteckningen gjordes"), widget=DateInput())
    decision_reason = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 3}))
    valid_until = forms.DateField(
        label=_("Gäller till och med"),
        required=False,
        widget=DateInput(),
        help_text=_("Lämna tomt om anteckningen inte anger något. Efterlevnad visar då att slutdatum saknas."),
    )
    diary_number = forms.CharField(label=_("Diarienummer"), max_length=40, required=False)

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = selectors.my_staff(principal)
        self.fields["person"].principal = principal
        self.fields["decided_on"].widget.attrs["max"] = access.today().isoformat()
        self.fields["decided_on"].help_text = _("Får inte ligga i framtiden.")


class ExceptionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    enhet = forms.ChoiceField(label=_("Enhet"), required=False)
    lage = forms.ChoiceField(
        label=_("Giltighet"),
        required=False,
        choices=[
            ("", _("Alla")),
            ("review", _("Ska granskas")),
            ("expired", _("Har löpt ut")),
            ("no_expiry", _("Saknar slutdatum")),
        ],
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields["status"].choices = [("", _("Alla"))] + list(PolicyException.Status.choices)
        self.fields["enhet"].choices = [("", _("Alla"))] + [
            (str(u.pk), "\u00a0\u00a0" * (u.path.count("/") - 2) + u.name) for u in units
        ]

    def values(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        values = {}
        if data.get("status"):
            values["status"] = data["status"]
        if data.get("enhet"):
            values["unit"] = self.units[data["enhet"]]
        if data.get("lage"):
            values["state"] = data["lage"]
        return values


class RemoteWorkForm(forms.ModelForm):
    class Meta:
        model = RemoteWorkAgreement
        fields = ["agreed_on", "review_on", "ends_on", "note"]
        widgets = {"agreed_on": DateInput(), "review_on": DateInput(), "ends_on": DateInput()}
        help_texts = {
            "agreed_on": _("Får inte ligga i framtiden."),
            "review_on": _("När chef och medarbetare ska se över överenskommelsen."),
            "ends_on": _("Lämna tomt om den gäller tills vidare."),
        }


class RemoteWorkCreateForm(RemoteWorkForm):
    person = PersonChoiceField(label=_("Medarbetare"), queryset=Person.objects.none())

    class Meta(RemoteWorkForm.Meta):
        fields = ["person", "agreed_on", "review_on", "ends_on", "note"]

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = selectors.remote_work_people(principal)
        self.fields["person"].principal = principal


class RemoteWorkEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Upphör"), widget=DateInput(), help_text=_("Får inte ligga i framtiden."))


class ClassifiedEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Upphörde"), widget=DateInput(), help_text=_("Får inte ligga i framtiden."))


class ClassifiedForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("Förvaltning/enhet"), queryset=OrgUnit.objects.none())
    holder = PersonChoiceField(label=_("Innehavare"), queryset=Person.objects.none(), required=False)
    decided_by = PersonChoiceField(
        label=_("Beslutad av (säkerhetsskyddschef)"),
        queryset=Person.objects.none(),
        help_text=_("Den säkerhetsskyddschef som fattade beslutet."),
    )

    class Meta:
        model = ClassifiedPosition
        fields = ["unit", "title", "security_class", "holder", "decided_on", "decided_by", "note"]
        widgets = {"decided_on": DateInput()}
        help_texts = {"decided_on": _("Beslutas centralt (POL-3.25). Får inte ligga i framtiden.")}

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(ended_on__isnull=True).order_by("path")
        current = self.instance.holder_id if self.instance and self.instance.pk else None
        self.fields["holder"].queryset = people_choices(principal, current).filter(kind=Person.Kind.EMPLOYEE)
        self.fields["holder"].principal = principal
        chiefs = selectors.security_chiefs()
        kept = self.instance.decided_by_id if self.instance and self.instance.pk else None
        if kept:  # an edit keeps the recorded decider even if they have left the role
            chiefs = Person.objects.filter(Q(pk__in=chiefs.values("pk")) | Q(pk=kept)).order_by(
                "last_name", "first_name", "pk"
            )
        self.fields["decided_by"].queryset = chiefs.select_related("unit")
        self.fields["decided_by"].principal = principal
        if not self.is_bound and not kept and principal.person is not None:
            if chiefs.filter(pk=principal.person.pk).exists():
                self.initial.setdefault("decided_by", principal.person.pk)
