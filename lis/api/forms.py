import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.core.forms import DateInput

from .models import ApiToken


def _in_90_days() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=90)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Namn"), max_length=100, help_text=_("Vad token används till, t.ex. ”Rapportverktyg”.")
    )
    scope = forms.ChoiceField(label=_("Behörighet"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    expires_on = forms.DateField(
        label=_("Gäller till och med"), widget=DateInput(), initial=_in_90_days, help_text=_("Högst ett år.")
    )
