"""Forms of driftinformation (POL-3.28). Times are entered and shown in Europe/Stockholm
(settings.TIME_ZONE) in datetime-local inputs; systems are chosen with the picker."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.core.access import Principal
from lis.core.forms import PickerWidget
from lis.core.pack import get_pack
from lis.organisation.forms import PersonChoiceField
from lis.organisation.selectors import people_choices
from lis.systems.models import InformationSystem

from . import selectors
from .models import ServiceNotice

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    """A date and a time of day in one field (Europe/Stockholm)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_FORMAT, **kwargs)


def local_now() -> str:
    return timezone.localtime().strftime(LOCAL_FORMAT)


class SystemsField(forms.ModelMultipleChoiceField):
    widget = PickerWidget

    def label_from_instance(self, system: InformationSystem) -> str:
        return f"{system.name} ({system.unit.name})" if system.unit_id else system.name


def _systems(queryset, current: list[int] | None = None):
    ids = InformationSystem.objects.filter(pk__in=queryset.values("pk"))
    if current:
        ids = ids | InformationSystem.objects.filter(pk__in=current)
    return InformationSystem.objects.filter(pk__in=ids.values("pk")).select_related("unit").order_by("name", "pk")


class NoticeForm(forms.Form):
    """Planned maintenance or an upgrade: what, which systems, when, what users notice, and with
    whom at the systemägare and which systemförvaltare it was planned (POL-3.28)."""

    kind = forms.ChoiceField(
        label=_("Typ"),
        choices=[(k.value, k.label) for k in selectors.PLANNED_KINDS],
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    systems = SystemsField(label=_("Berörda system"), queryset=InformationSystem.objects.none())
    starts_at = forms.DateTimeField(label=_("Börjar"), widget=DateTimeInput(), help_text=_("Svensk tid."))
    ends_at = forms.DateTimeField(
        label=_("Beräknas vara klart"), widget=DateTimeInput(), required=False, help_text=_("Svensk tid.")
    )
    impact = forms.CharField(
        label=_("Förväntad påverkan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad användarna märker: vad som inte går att använda, och hur länge."),
    )
    description = forms.CharField(label=_("Beskrivning"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    planned_with_owner = forms.CharField(
        label=_("Samrått med systemägaren"),
        max_length=200,
        required=False,
        help_text=_("Vem hos systemägaren, och när."),
    )
    planned_with_steward = PersonChoiceField(
        label=_("Samrått med systemförvaltaren"),
        queryset=None,
        required=False,
        help_text=_("Tomt: systemets systemförvaltare, när de berörda systemen har samma."),
    )
    short_notice = forms.BooleanField(required=False)
    short_notice_reason = forms.CharField(
        label=_("Motivering för kortare varsel"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, principal: Principal, notice: ServiceNotice | None = None, system=None, **kwargs):
        super().__init__(*args, **kwargs)
        days = get_pack().maintenance_notice_days
        self.fields["short_notice"].label = _("Kortare varsel än %(days)s dagar") % {"days": days}
        self.fields["short_notice"].help_text = _(
            "Kryssa i bara om arbetet inte kan vänta: användarna ska annars aviseras minst %(days)s dagar i förväg. "
            "Motiveringen sparas och regeln för POL-3.28 visar det kortare varslet."
        ) % {"days": days}
        current = list(notice.systems.values_list("pk", flat=True)) if notice is not None else []
        self.fields["systems"].queryset = _systems(InformationSystem.objects.all(), current)
        steward = notice.planned_with_steward_id if notice is not None else None
        self.fields["planned_with_steward"].queryset = people_choices(principal, steward)
        self.fields["planned_with_steward"].principal = principal
        if notice is not None:
            self.fields["kind"].disabled = True
            self.initial["kind"] = notice.kind
            if not self.is_bound:
                self.initial.update(
                    title=notice.title,
                    systems=current,
                    starts_at=timezone.localtime(notice.starts_at).strftime(LOCAL_FORMAT),
                    ends_at=timezone.localtime(notice.ends_at).strftime(LOCAL_FORMAT) if notice.ends_at else "",
                    impact=notice.impact,
                    description=notice.description,
                    planned_with_owner=notice.planned_with_owner,
                    planned_with_steward=notice.planned_with_steward_id,
                    short_notice=bool(notice.short_notice_reason),
                    short_notice_reason=notice.short_notice_reason,
                )
        elif not self.is_bound:
            self.initial.setdefault("kind", ServiceNotice.Kind.MAINTENANCE)
            if system is not None:
                self.initial["systems"] = [system.pk]
                self.initial["planned_with_steward"] = system.system_steward_id
                if system.system_owner_id:
                    self.initial["planned_with_owner"] = str(system.system_owner)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return data


class DisruptionForm(forms.Form):
    """A disruption, posted at once: which systems, since when, what users notice."""

    title = forms.CharField(label=_("Rubrik"), max_length=200, help_text=_("Till exempel ”Lönesystemet svarar inte”."))
    systems = SystemsField(label=_("Berörda system"), queryset=InformationSystem.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Började"), widget=DateTimeInput(), help_text=_("Svensk tid. Nu, eller när störningen började.")
    )
    ends_at = forms.DateTimeField(
        label=_("Beräknas vara åtgärdat"), widget=DateTimeInput(), required=False, help_text=_("Svensk tid, om känt.")
    )
    impact = forms.CharField(
        label=_("Påverkan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad användarna märker och vad de kan göra under tiden."),
    )
    description = forms.CharField(label=_("Beskrivning"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, principal: Principal, notice: ServiceNotice | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(notice.systems.values_list("pk", flat=True)) if notice is not None else []
        self.fields["systems"].queryset = _systems(selectors.disruption_systems(principal), current)
        if notice is not None and not self.is_bound:
            self.initial.update(
                title=notice.title,
                systems=current,
                starts_at=timezone.localtime(notice.starts_at).strftime(LOCAL_FORMAT),
                ends_at=timezone.localtime(notice.ends_at).strftime(LOCAL_FORMAT) if notice.ends_at else "",
                impact=notice.impact,
                description=notice.description,
            )
        elif not self.is_bound:
            self.initial.setdefault("starts_at", local_now())


class CloseForm(forms.Form):
    ended_at = forms.DateTimeField(
        label=_("Klart"), widget=DateTimeInput(), help_text=_("Svensk tid. Nu, eller när det blev klart.")
    )
    summary = forms.CharField(
        label=_("Sammanfattning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad hände och vad gjordes. Visas för alla på sidan Driftinformation."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["ended_at"] = local_now()


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Varför ställs arbetet in?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("De som har aviserats får veta att arbetet är inställt, med den här texten."),
    )


class OverviewFilterForm(forms.Form):
    system = forms.ChoiceField(label=_("System"), required=False)

    def __init__(self, *args, systems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].choices = [("", _("Alla system"))] + [(str(s.pk), s.name) for s in systems]
