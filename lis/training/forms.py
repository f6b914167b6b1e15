"""Forms of the training register."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lis.core import access
from lis.core.forms import DateInput
from lis.organisation.models import Person

from . import lms, selectors
from .models import Course


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["name", "code", "kind", "system", "description", "renewal_months", "ended_on"]
        widgets = {"ended_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, principal: access.Principal, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.system_id if self.instance.pk else None
        systems = selectors.manageable_systems(principal)
        if current:
            systems = systems | selectors.manageable_systems(principal).model.objects.filter(pk=current)
        self.fields["system"].queryset = systems.distinct()
        if not selectors.can_manage_courses(principal):
            self.fields["kind"].choices = [(Course.Kind.SYSTEM, Course.Kind.SYSTEM.label)]
            self.fields["system"].required = True


class CompletionForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    course = forms.ModelChoiceField(label=_("Kurs"), queryset=Course.objects.none())
    completed_on = forms.DateField(label=_("Genomförd"), widget=DateInput())
    source_reference = forms.CharField(
        label=_("Referens"), required=False, max_length=200, help_text=_("T.ex. kursintyg eller tillfälle.")
    )

    def __init__(self, *args, principal: access.Principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.principal = principal
        self.fields["person"].queryset = selectors.registrable_staff(principal).order_by(
            *access.person_ordering(principal)
        )
        self.fields["person"].label_from_instance = lambda person: access.person_label(principal, person)
        self.fields["course"].queryset = selectors.registrable_courses(principal).order_by("kind", "name")


class CompletionEditForm(forms.Form):
    """Correcting a completion registered by hand: its date and reference."""

    completed_on = forms.DateField(label=_("Genomförd"), widget=DateInput())
    source_reference = forms.CharField(
        label=_("Referens"), required=False, max_length=200, help_text=_("T.ex. kursintyg eller tillfälle.")
    )


class CompletionDeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Varför registreringen är fel. Skälet sparas i ändringsloggen och syns i personens historik."),
        error_messages={"required": _("Ange varför den genomförda utbildningen tas bort.")},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil från lärplattformen"),
        help_text=_(
            "En .csv (UTF-8, semikolon eller komma) eller .xlsx med kolumnerna E-post, Kurskod och "
            "Genomförd (ÅÅÅÅ-MM-DD). Högst %(max)s."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {"max": filesizeformat(lms.max_upload_bytes())}
        self.data_bytes = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = lms.max_upload_bytes()
        if upload.size is not None and upload.size > limit:
            raise ValidationError(
                gettext("Filen är för stor (%(size)s). Den får vara högst %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)}
            )
        data = upload.read(limit + 1)
        try:
            kind = lms.check_file(data, upload.name or "")
            lms.read_rows(data, kind)
        except lms.ImportFileError as exc:
            raise ValidationError(exc.messages) from exc
        self.data_bytes = data
        return upload


class OverviewFilterForm(forms.Form):
    enhet = forms.ModelChoiceField(label=_("Enhet"), queryset=None, required=False, empty_label=_("Alla"))
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, principal: access.Principal, **kwargs):
        super().__init__(*args, **kwargs)
        units = selectors.staff_units(principal)
        self.fields["enhet"].queryset = units
        # A large kommun has hundreds of units: the list offers the top two levels of what the
        # user answers for (and the chosen unit); deeper enheter are reached from the counts
        # table's links, and any unit of the queryset is still accepted.
        rows = list(units.values_list("pk", "name", "path"))
        if rows:
            top = min(path.count("/") for _pk, _name, path in rows)
            chosen = str(self.data.get("enhet", "")) if self.is_bound else ""
            self.fields["enhet"].widget.choices = [("", self.fields["enhet"].empty_label)] + [
                (pk, name) for pk, name, path in rows if path.count("/") <= top + 1 or str(pk) == chosen
            ]
        self.fields["status"].choices = [("", _("Alla"))] + list(selectors.FILTERS.items())


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("Sök"), required=False, max_length=100, help_text=_("Namn, kurskod eller system."))
    typ = forms.ChoiceField(label=_("Typ"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["typ"].choices = [("", _("Alla"))] + list(Course.Kind.choices)
