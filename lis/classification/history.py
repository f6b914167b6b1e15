"""How classification entries read and which unit they belong to (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import pack_keyed, register, register_event
from lis.core.pack import get_pack

from .models import Classification, InformationSetRemoval


def level_text(key) -> str:
    """A level of the pack's scale as the pages show it: "2 – Betydande"."""
    level = next((level for level in get_pack().levels if level.key == str(key)), None)
    return f"{level['number']} – {level.name}" if level is not None else str(key)


register(
    Classification,
    unit="information_set__system__unit",
    fields={"levels": pack_keyed("aspects", level_text)},
    labels={"information_set": _("informationsmängd")},
)
register_event("classification_returned", _("Klassningen skickades tillbaka"), details={"reason": (_("Skäl"), None)})

register(InformationSetRemoval, unit="information_set__system__unit")


def _action_text(value) -> str:
    return str(dict(InformationSetRemoval.Action.choices).get(value, value))


register_event(
    "information_set_removal_approved",
    _("Förslaget att ta bort eller säkerhetsskyddsmarkera en informationsmängd godkändes"),
    details={"action": (_("Åtgärd"), _action_text)},
)
register_event(
    "information_set_removal_returned",
    _("Förslaget att ta bort eller säkerhetsskyddsmarkera en informationsmängd genomfördes inte"),
    details={"reason": (_("Skäl"), None)},
)
