"""What the exports and imports recorded in the change log mean (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import Related, mapping, pack_name, register_event

REPORTS = mapping(
    {
        "analys": _("Rapport till nämnden eller styrelsen"),
        "register": _("Förteckningen (riskmatrisens del 1)"),
        "riskmatris": _("Riskmatrisen"),
    }
)

register_event(
    "export",
    details={
        "report": (_("Dokument"), REPORTS),
        "level": (_("Risker från nivå"), pack_name("risk_levels")),
        "unit": (_("Förvaltning/bolag"), Related("organisation.orgunit")),
        "risks": (_("Antal risker"), None),
        "measures": (_("Antal åtgärder"), None),
        "draft": (_("Förslag"), None),
    },
)
register_event(
    "import",
    details={
        "report": (_("Dokument"), REPORTS),
        "rows": (_("Antal rader"), None),
        "created": (_("Nya"), None),
        "updated": (_("Ändrade"), None),
        "unchanged": (_("Oförändrade"), None),
    },
)
