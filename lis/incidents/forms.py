"""Forms of the incident pages (POL-2.6): the report every employee sends (short, one column, for a
phone), triage, status, timeline, the reporting clocks and the GDPR facts. Times are entered and
shown in Europe/Stockholm (settings.TIME_ZONE)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.core.access import Principal
from lis.core.forms import PickerWidget
from lis.core.pack import get_pack
from lis.organisation.forms import PersonChoiceField
from lis.organisation.selectors import people_choices
from lis.systems import selectors as system_selectors
from lis.systems.models import InformationSet, InformationSystem

from .models import Incident, TimelineEntry

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    """A date and a time of day in one field (Europe/Stockholm)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_FORMAT, **kwargs)


def local_now() -> str:
    return timezone.localtime().strftime(LOCAL_FORMAT)


def local_value(value) -> str:
    return timezone.localtime(value).strftime(LOCAL_FORMAT) if value else ""


class SystemChoiceField(forms.ModelChoiceField):
    """One system of the register the reporter may see, or none ("Vet inte"). The report page
    draws the choices itself (a search box and the matching systems as radio buttons)."""

    def label_from_instance(self, system: InformationSystem) -> str:
        return f"{system.name} ({system.unit.name})" if system.unit_id else system.name


def system_matches(p: Principal, query: str, *, limit: int = 15):
    """The systems a search on the report form shows: by name (every word), else those of the
    reporter's own unit."""
    systems = system_selectors.systems_visible_to(p)
    words = query.split()[:5]
    if words:
        for word in words:
            systems = systems.filter(name__icontains=word)
    elif p.person is not None and p.person.unit_id:
        systems = systems.filter(unit_id=p.person.unit_id)
    return list(systems.order_by("name", "pk")[:limit])


class ReportForm(forms.Form):
    """The report every signed-in user sends: what, when, which system, whether personal data may
    be involved, how to reach them, and whether their name is withheld from the förvaltning."""

    description = forms.CharField(
        label=_("Vad har hänt?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Beskriv med egna ord vad du såg eller gjorde. Det gör inget om du inte vet allt."),
    )
    noticed_at = forms.DateTimeField(
        label=_("När upptäckte du det?"),
        widget=DateTimeInput(),
        help_text=_("Svensk tid. Ändra om du upptäckte det tidigare än nu."),
    )
    occurred_at = forms.DateTimeField(
        label=_("När hände det? (om du vet)"),
        widget=DateTimeInput(),
        required=False,
    )
    system = SystemChoiceField(
        label=_("Vilket system gäller det?"),
        queryset=InformationSystem.objects.none(),
        required=False,
        empty_label=_("Vet inte"),
    )
    personal_data = forms.ChoiceField(
        label=_("Kan personuppgifter vara berörda?"),
        choices=Incident.PersonalData.choices,
        widget=forms.RadioSelect,
    )
    contact = forms.CharField(
        label=_("Hur når vi dig?"),
        max_length=200,
        required=False,
        help_text=_("Telefon eller e-post, om handläggarna behöver fråga något."),
    )
    name_withheld_from_unit = forms.BooleanField(
        label=_("Visa inte mitt namn för förvaltningen"),
        required=False,
        help_text=_("Säkerhetsstrategen och den som handlägger incidenten ser ändå vem du är."),
    )

    def __init__(self, *args, principal: Principal, query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.principal = principal
        self.query = query[:100]
        self.fields["system"].queryset = system_selectors.systems_visible_to(principal).select_related("unit")
        # Someone who sees no part of the register names the system in the text instead.
        self.offers_systems = self.fields["system"].queryset.exists()
        if not self.is_bound and not self.initial:
            person = principal.person
            contact = ", ".join(part for part in (person.phone, person.email) if part) if person else ""
            self.initial.setdefault("noticed_at", local_now())
            self.initial.setdefault("contact", contact)

    def system_choices(self) -> list[tuple[str, str, bool]]:
        """(value, label, checked) of the radio buttons: "Vet inte", the chosen system and the
        systems matching the search (or of the reporter's unit)."""
        chosen = self["system"].value() or ""
        query = self.query
        field = self.fields["system"]
        rows = [("", str(_("Vet inte")), str(chosen) == "")]
        systems = system_matches(self.principal, query)
        if chosen and str(chosen) not in {str(s.pk) for s in systems}:
            current = field.queryset.filter(pk=chosen).first() if str(chosen).isdigit() else None
            if current is not None:
                systems.insert(0, current)
        rows += [(str(s.pk), field.label_from_instance(s), str(s.pk) == str(chosen)) for s in systems]
        return rows

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


def pack_choices(items, blank: bool = True) -> list[tuple[str, str]]:
    choices = [(getattr(item, "key", item), getattr(item, "name", item)) for item in items]
    return ([("", "–")] if blank else []) + choices


class TriageForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"))
    severity = forms.ChoiceField(label=_("Allvarlighet"))
    handler = PersonChoiceField(label=_("Handläggare"), queryset=None, required=False)
    systems = forms.ModelMultipleChoiceField(
        label=_("Berörda system"), queryset=None, required=False, widget=PickerWidget
    )
    information_sets = forms.ModelMultipleChoiceField(
        label=_("Berörda informationsmängder"), queryset=None, required=False, widget=PickerWidget
    )

    def __init__(self, *args, principal: Principal, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        pack = get_pack()
        self.fields["category"].choices = pack_choices(pack.incident_categories)
        self.fields["severity"].choices = pack_choices(pack.incident_severities)
        from .selectors import handler_candidates

        candidates = handler_candidates(incident).select_related("unit")
        self.fields["handler"].queryset = candidates
        self.fields["handler"].principal = principal
        systems = system_selectors.systems_visible_to(principal) | InformationSystem.objects.filter(
            pk__in=incident.systems.values("pk")
        )
        self.fields["systems"].queryset = (
            InformationSystem.objects.filter(pk__in=systems.values("pk")).select_related("unit").order_by("name")
        )
        self.fields["systems"].label_from_instance = SystemChoiceField.label_from_instance.__get__(
            self.fields["systems"]
        )
        self.fields["information_sets"].queryset = (
            InformationSet.objects.filter(system__in=self.fields["systems"].queryset)
            .select_related("system")
            .order_by("system__name", "name")
        )
        self.fields["information_sets"].label_from_instance = lambda s: f"{s.system.name}: {s.name}"
        if not self.is_bound:
            self.initial.update(
                category=incident.category,
                severity=incident.severity,
                handler=incident.handler_id
                or (
                    principal.person.pk
                    if principal.person and candidates.filter(pk=principal.person.pk).exists()
                    else None
                ),
                systems=list(incident.systems.values_list("pk", flat=True)),
                information_sets=list(incident.information_sets.values_list("pk", flat=True)),
            )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=Incident.Status.choices)
    lessons_learned = forms.CharField(
        label=_("Lärdomar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Krävs för att avsluta: vad gör vi annorlunda så att det inte händer igen?"),
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import TRANSITIONS

        allowed = TRANSITIONS.get(incident.status, set())
        # Forward first (from Åtgärdad: Avslutad before reopening), so the default moves the incident on.
        self.fields["status"].choices = [c for c in reversed(Incident.Status.choices) if c[0] in allowed]
        if Incident.Status.CLOSED not in allowed:
            del self.fields["lessons_learned"]
        elif not self.is_bound:
            self.initial["lessons_learned"] = incident.lessons_learned


class TimelineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Typ"), choices=TimelineEntry.Kind.choices)
    happened_at = forms.DateTimeField(label=_("När"), widget=DateTimeInput(), help_text=_("Svensk tid."))
    text = forms.CharField(label=_("Vad"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["happened_at"] = local_now()


class ClockAnswerForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    triggered = forms.TypedChoiceField(
        label=_("Svar"),
        choices=[("ja", _("Ja")), ("nej", _("Nej"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
    )


class ReportSentForm(forms.Form):
    sent_at = forms.DateTimeField(label=_("Skickad"), widget=DateTimeInput(), help_text=_("Svensk tid."))
    channel = forms.CharField(
        label=_("Kanal"), max_length=200, help_text=_("Till exempel myndighetens e-tjänst, e-post eller telefon.")
    )
    reference = forms.CharField(label=_("Mottagarens referens"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["sent_at"] = local_now()


class NotReportingForm(forms.Form):
    reason = forms.CharField(label=_("Skäl att inte rapportera"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_by = PersonChoiceField(label=_("Beslutat av"), queryset=None)

    def __init__(self, *args, principal: Principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = people_choices(principal, None)
        self.fields["decided_by"].principal = principal
        if not self.is_bound and principal.person is not None:
            self.initial["decided_by"] = principal.person.pk


class GdprForm(forms.ModelForm):
    """What IMY asks for (GDPR art. 33.3), documented whether the breach is notified or not
    (art. 33.5)."""

    class Meta:
        model = Incident
        fields = [
            "occurred_at",
            "ended_at",
            "data_subject_categories",
            "data_subjects_approx",
            "record_categories",
            "records_approx",
            "likely_consequences",
            "measures_taken",
            "data_subjects_informed",
        ]
        widgets = {
            "occurred_at": DateTimeInput(),
            "ended_at": DateTimeInput(),
            "data_subject_categories": forms.Textarea(attrs={"rows": 2}),
            "record_categories": forms.Textarea(attrs={"rows": 2}),
            "likely_consequences": forms.Textarea(attrs={"rows": 3}),
            "measures_taken": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "data_subject_categories": _("Till exempel elever, vårdnadshavare, anställda."),
            "record_categories": _("Till exempel kontaktuppgifter, personnummer, hälsouppgifter."),
        }


class FilterForm(forms.Form):
    """The handler list's filters (GET)."""

    q = forms.CharField(label=_("Sök"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Kategori"), required=False)
    severity = forms.ChoiceField(label=_("Allvarlighet"), required=False)
    unit = forms.ChoiceField(label=_("Förvaltning/bolag"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        pack = get_pack()
        self.fields["status"].choices = [("", _("Alla"))] + list(Incident.Status.choices)
        self.fields["category"].choices = [("", _("Alla"))] + pack_choices(pack.incident_categories, blank=False)
        self.fields["severity"].choices = [("", _("Alla"))] + pack_choices(pack.incident_severities, blank=False)
        self.fields["unit"].choices = [("", _("Alla"))] + [(str(u.pk), u.name) for u in units]

    def values(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
