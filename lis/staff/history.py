"""How the staff app's records read in the change log (lis.core.history).

Exceptions and distansarbete agreements are about a person: a protected identity (POL-3.30) is
shown only as its pseudonym, and the entries belong to the unit for the change log's unit
filter. Säkerhetsklassade placeringar (POL-3.25) get no unit path, so that no unit filter finds
them, and only those who may know of them (`can_see_classified`) get their entries from the
kommun-wide change log at all."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import register

from . import selectors
from .models import ClassifiedPosition, PolicyException, RemoteWorkAgreement

register(PolicyException, unit="unit", person="person", labels={"person": _("medarbetare")})
register(RemoteWorkAgreement, unit="unit", person="person")
register(ClassifiedPosition, person="holder", visible=selectors.can_see_classified)
