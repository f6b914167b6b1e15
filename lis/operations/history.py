"""How driftinformation reads in the change log (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import mapping, register, register_event

from .models import NoticeRecipient, ServiceNotice

# Driftinformation is for everyone and belongs to no one förvaltning (a notice may span systems
# of several): no unit path. The recipients' rows disclose who was told (POL-3.30 pseudonyms).
register(ServiceNotice, labels={"systems": _("berörda system")})
register(NoticeRecipient, labels={"notice": _("driftinformation")}, person="person")

register_event(
    "service_notice_notified",
    _("Driftinformation aviserad"),
    details={
        "recipients": (_("Antal mottagare"), None),
        "again": (_("Ny avisering efter ändring"), mapping({"True": _("Ja"), "False": _("Nej")})),
        "sequence": (_("Version"), None),
        "at": (_("Tidpunkt"), None),
    },
)
