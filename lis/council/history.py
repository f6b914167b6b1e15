"""How the council's records read in the change log (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import mapping, pack_name, register, register_event

from .models import Advice, AgendaItem, Attendance, Council, Meeting, Minutes, SuaAssessment

CAPACITIES = {"chair": _("Ordförande"), "adjuster": _("Justerare")}

register(Council)
register(Meeting)
register(AgendaItem, unit="unit")
# An attendance row discloses that a person took part: pseudonymised where the identity is withheld.
register(Attendance, unit="unit", person="person")
register(Minutes, labels={"meeting": _("möte")})
register(Advice, unit="unit", labels={"agenda_item": _("punkt på dagordningen")})
register(SuaAssessment, unit="system__unit", fields={"operating_model": pack_name("operating_models")})

register_event(
    "agenda_sent",
    _("Kallelse till E-rådet skickad"),
    details={"recipients": (_("Antal mottagare"), None), "sequence": (_("Version av kalenderinbjudan"), None)},
)
register_event(
    "agenda_cancel_sent",
    _("Inställt möte meddelat"),
    details={"recipients": (_("Antal mottagare"), None)},
)
register_event(
    "minutes_signed",
    _("Minnesanteckningar justerade av en av två"),
    details={
        "capacity": (_("Som"), mapping(CAPACITIES)),
        "content_sha256": (_("Kontrollsumma för innehållet (SHA-256)"), None),
    },
)
register_event(
    "minutes_signature_withdrawn",
    _("Justering tillbakadragen"),
    details={"capacity": (_("Som"), mapping(CAPACITIES))},
)
register_event(
    "minutes_justered",
    _("Minnesanteckningar justerade och låsta"),
    details={
        "pdf_sha256": (_("Kontrollsumma för arkivexemplaret (SHA-256)"), None),
        "content_sha256": (_("Kontrollsumma för innehållet (SHA-256)"), None),
    },
)
register_event(
    "minutes_registered",
    _("Minnesanteckningar diarieförda"),
    details={"diary_number": (_("Diarienummer"), None)},
)
