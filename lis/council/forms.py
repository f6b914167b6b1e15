"""Forms of the E-råd's pages: meetings, the dagordning, attendance, justering, diarienummer,
advice and SUA assessments. Times are entered in Europe/Stockholm (settings.TIME_ZONE)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.core import access
from lis.core.forms import DateInput
from lis.core.pack import get_pack
from lis.organisation.forms import PersonChoiceField
from lis.organisation.models import Board, OrgUnit
from lis.organisation.selectors import active_q, people_choices

from .models import Attendance, SuaAssessment


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MeetingForm(forms.Form):
    """When and where: a day and two times (Europe/Stockholm), a place or a link."""

    day = forms.DateField(label=_("Datum"), widget=DateInput())
    starts = forms.TimeField(label=_("Börjar klockan"), widget=TimeInput())
    ends = forms.TimeField(label=_("Slutar klockan"), widget=TimeInput())
    location = forms.CharField(label=_("Plats"), max_length=200, required=False)
    link = forms.URLField(
        label=_("Länk till mötet"),
        required=False,
        help_text=_("För den som deltar på distans, till exempel en Teams-länk."),
        assume_scheme="https",
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None and not self.is_bound:
            start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
            self.initial.update(
                day=start.date(),
                starts=start.time().replace(second=0, microsecond=0),
                ends=end.time().replace(second=0, microsecond=0),
                location=meeting.location,
                link=meeting.link,
            )

    def clean(self):
        data = super().clean()
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            if ends <= starts:
                self.add_error("ends", _("Mötet måste sluta efter att det börjar."))
            else:
                zone = timezone.get_current_timezone()
                data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, starts), zone)
                data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, ends), zone)
        if not data.get("location") and not data.get("link"):
            self.add_error("location", _("Ange en plats, en länk till mötet eller båda."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "location": data.get("location", ""),
            "link": data.get("link", ""),
        }


def council_units():
    """The förvaltningar and bolag that have a seat in the E-råd."""
    return OrgUnit.objects.filter(active_q(), kind__in=[OrgUnit.Kind.ADMINISTRATION, OrgUnit.Kind.COMPANY]).order_by(
        "name"
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    description = forms.CharField(label=_("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    unit = forms.ModelChoiceField(
        label=_("Förvaltning/bolag"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("Hela kommunen"),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else council_units()
        if units is not None and len(units) == 1:
            self.fields["unit"].empty_label = None


class AgendaItemEditForm(forms.Form):
    """An item as the chair or säkerhetsstrateg edits it, minutes and sekretess included."""

    position = forms.IntegerField(label=_("Ordning"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    description = forms.CharField(label=_("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.CharField(
        label=_("Minnesanteckning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Vad som sades och vilka råd E-rådet ger. Råden registreras var för sig under punkten."),
    )
    secret = forms.BooleanField(
        label=_("Punkten omfattas av sekretess"),
        required=False,
        help_text=_("Den som inte är ledamot i E-rådet ser bara rubriken."),
    )
    secrecy_provision = forms.CharField(
        label=_("Lagrum"),
        max_length=200,
        required=False,
        help_text=_("Till exempel OSL 18 kap. 8 §."),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].initial = getattr(item, name)

    def clean(self):
        data = super().clean()
        if data.get("secret") and not data.get("secrecy_provision"):
            self.add_error("secrecy_provision", _("Ange lagrummet för sekretessen, till exempel OSL 18 kap. 8 §."))
        if not data.get("secret"):
            data["secrecy_provision"] = ""
        return data


class AttendanceForm(forms.Form):
    """One row per seat (the Seat list from selectors.seats()): who sat there and whether they
    were present, were replaced by their deputy, or absent."""

    def __init__(self, *args, seats, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        choices = list(Attendance.Presence.choices)
        for index, seat in enumerate(seats):
            if seat.person is None:
                continue
            name = f"seat_{index}"
            previous = current.get(seat.person.pk)
            if seat.deputy is not None and current.get(seat.deputy.pk) == Attendance.Presence.DEPUTY:
                previous = Attendance.Presence.DEPUTY
            self.fields[name] = forms.ChoiceField(
                label=seat.label,
                choices=choices if seat.deputy is not None else [c for c in choices if c[0] != "deputy"],
                widget=forms.RadioSelect,
                initial=previous or Attendance.Presence.PRESENT,
            )
            self.rows.append((name, seat))

    def bound_rows(self) -> list[tuple]:
        return [(self[name], seat) for name, seat in self.rows]

    def attendance_rows(self) -> list[tuple]:
        """(person, seat role, unit, presence) for the service; a deputy who served is a row of their own."""
        rows = []
        for name, seat in self.rows:
            presence = self.cleaned_data[name]
            if presence == Attendance.Presence.DEPUTY:
                rows.append((seat.person, seat.role, seat.unit, Attendance.Presence.ABSENT))
                rows.append((seat.deputy, "council_deputy", seat.unit, Attendance.Presence.DEPUTY))
            else:
                rows.append((seat.person, seat.role, seat.unit, presence))
        return rows


class AdjusterForm(forms.Form):
    person = PersonChoiceField(label=_("Justerare"), queryset=None)

    def __init__(self, *args, principal, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].principal = principal
        self.fields["person"].help_text = _(
            "En av ledamöterna som deltog, inte ordföranden: justerar minnesanteckningarna tillsammans med ordföranden."
        )


class RegisterForm(forms.Form):
    diary_number = forms.CharField(label=_("Diarienummer"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        example = get_pack().format_diary_number(year=access.today().year, serial=14, board="KS")
        self.fields["diary_number"].help_text = _(
            "Numret i kommunstyrelsens diarium, till exempel %(example)s. Kan bara registreras en gång."
        ) % {"example": example}


class AdviceForm(forms.Form):
    text = forms.CharField(label=_("Råd"), widget=forms.Textarea(attrs={"rows": 4}))
    unit = forms.ModelChoiceField(
        label=_("Till förvaltning/bolag"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("Ingen förvaltning eller inget bolag"),
        help_text=_("Ange en förvaltning eller ett bolag, en nämnd eller styrelse, eller båda."),
    )
    board = forms.ModelChoiceField(
        label=_("Till nämnd/styrelse"),
        queryset=Board.objects.none(),
        required=False,
        empty_label=_("Ingen nämnd eller styrelse"),
    )
    follow_up_by = PersonChoiceField(label=_("Följs upp av"), queryset=None)
    follow_up_on = forms.DateField(label=_("Följs upp senast"), widget=DateInput())

    def __init__(self, *args, principal, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = council_units()
        self.fields["board"].queryset = Board.objects.filter(active_q()).order_by("name")
        self.fields["follow_up_by"].queryset = people_choices(principal)
        self.fields["follow_up_by"].principal = principal
        if item is not None and item.unit_id and not self.is_bound:
            self.initial.setdefault("unit", item.unit_id)

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not data.get("board"):
            self.add_error("unit", _("Ange vilken förvaltning, vilket bolag eller vilken nämnd rådet ges till."))
        return data


class AdviceFollowUpForm(forms.Form):
    followed_up_on = forms.DateField(label=_("Uppföljt"), widget=DateInput())
    note = forms.CharField(label=_("Hur rådet har följts upp"), widget=forms.Textarea(attrs={"rows": 4}))


class SuaForm(forms.Form):
    """The facts of an SUA assessment (POL-3.26), never classified content (POL-3.24)."""

    reason = forms.ChoiceField(label=_("Anledning"), choices=SuaAssessment.Reason.choices)
    classified_information = forms.BooleanField(
        label=_("Säkerhetsskyddsklassificerade uppgifter berörs"), required=False
    )
    security_sensitive_activity = forms.BooleanField(label=_("Säkerhetskänslig verksamhet berörs"), required=False)
    protection_class = forms.ChoiceField(
        label=_("Säkerhetsskyddsklass"),
        required=False,
        help_text=_(
            "Bara klassen, aldrig uppgifterna själva (POL-3.24). Tom när inga klassificerade uppgifter berörs."
        ),
    )
    agreement_needed = forms.BooleanField(label=_("Säkerhetsskyddsavtal behövs"), required=False)
    agreement_level = forms.TypedChoiceField(
        label=_("Nivå på säkerhetsskyddsavtal"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Inget avtal")), (1, _("Nivå 1")), (2, _("Nivå 2")), (3, _("Nivå 3"))],
    )
    sapo_consultation = forms.BooleanField(label=_("Samråd med Säkerhetspolisen behövs"), required=False)
    decision = forms.CharField(
        label=_("Beslut"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vad bedömningen kom fram till. Inga säkerhetsskyddsklassificerade uppgifter."),
    )
    decided_by = PersonChoiceField(label=_("Beslutat av"), queryset=None)
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DateInput())

    def __init__(self, *args, principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protection_class"].choices = [("", "–")] + [(c, c) for c in get_pack().security_protection_classes]
        self.fields["decided_by"].queryset = people_choices(principal)
        self.fields["decided_by"].principal = principal
        self.fields["decided_on"].initial = access.today()


class SuaRaiseForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Möte"), queryset=None, empty_label=None)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: (
            timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M") + (f", {m.location}" if m.location else "")
        )
