"""How the incidents' records read in the change log (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import mapping, pack_name, register, register_event

from . import clocks
from .models import Clock, Incident, ReportSent, TimelineEntry


def _clock_name(key) -> str:
    spec = clocks.clock_spec(str(key))
    return spec["name"] if spec else str(key)


def _severity(key) -> str:
    return pack_name("incident_severities")(key) if key else ""


# Incidents are sekretess-sensitive and may name a reporter who asked not to be named to the
# förvaltning, so they get no unit path: the kommun-wide change log shows them only to those who
# see all of it; the incident's own Historik tab is shown to those who may handle it.
# The incident discloses who reported it (protected identities are pseudonymised).
register(Incident, person="reporter", fields={"severity": _severity})
register(TimelineEntry, labels={"incident": _("incident")})
register(Clock, labels={"incident": _("incident")}, fields={"key": _clock_name})
register(ReportSent, labels={"clock": _("rapporteringsklocka")})

STAGES = {"warning": _("Tidsfristen närmar sig"), "passed": _("Tidsfristen har passerat")}

register_event(
    "incident_deadline_notice",
    _("Påminnelse om tidsfrist för rapport skickad"),
    details={
        "clock": (_("Klocka"), _clock_name),
        "deadline": (_("Rapport"), None),
        "stage": (_("Skede"), mapping(STAGES)),
    },
)
