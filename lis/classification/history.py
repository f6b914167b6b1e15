"""How classification entries read and which unit they belong to (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import pack_keyed, register, register_event
from lis.core.pack import get_pack

from .models import Classification


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
