"""How the register's change-log entries read and which unit they belong to (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import pack_name, register, register_event

from .models import Agreement, InformationSet, InformationSystem, Party, Platform, UserGroup

register(InformationSystem, unit="unit", fields={"operating_model": pack_name("operating_models")})
register(InformationSet, unit="system__unit")
register(Agreement, unit="system__unit")
register(UserGroup, unit="system__unit")
register(Party, unit="internal_unit")
register(Platform)


# --- recurring reviews (issue 15): the "Granskad" event every reviewed object records -----------
def _review_subject(value) -> str:
    from lis.core.reviews import REVIEW_SUBJECTS

    return str(REVIEW_SUBJECTS.get(value, value))


register_event(
    "reviewed",
    _("Granskad"),
    details={
        "what": (_("Granskat"), _review_subject),
        "reviewed_on": (_("Granskad den"), None),
        "next_review": (_("Nästa granskning"), None),
        "note": (_("Kommentar"), None),
    },
)
