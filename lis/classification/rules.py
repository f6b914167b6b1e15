"""POL-3.22: every system is classified, and the classification is fastställd."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, ngettext_lazy

from lis.core.rules import Finding, rule
from lis.systems.models import InformationSystem
from lis.systems.rules import findings_per_unit


@rule(
    "POL-3.22",
    partial=gettext_lazy(
        "att varje system har en fastställd klassning av all sin information. Att systemet är dokumenterat "
        "i informationssäkerhetsanalysen kontrolleras under POL-2.5."
    ),
)
def every_system_classified() -> list[Finding]:
    unclassified = InformationSystem.objects.exclude(status=InformationSystem.Status.DECOMMISSIONED).filter(
        classified=False
    )
    return findings_per_unit(
        unclassified,
        ngettext_lazy(
            "%(count)s system har ingen fastställd klassning av all sin information: %(systems)s",
            "%(count)s system har ingen fastställd klassning av all sin information: %(systems)s",
            "count",
        ),
        "klassad=nej",
    )
