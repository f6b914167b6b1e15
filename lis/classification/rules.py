"""POL-3.22: every system is classified, and the classification is fastställd."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy, ngettext_lazy

from lis.core import access
from lis.core.rules import Finding, rule
from lis.systems.models import InformationSystem
from lis.systems.reviews import overdue_findings_per_unit
from lis.systems.rules import findings_per_unit

from .services import classification_reviews_due


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


@rule(
    "POL-3.31",
    partial=gettext_lazy("att varje fastställd klassning granskas inom packets intervall."),
)
def classification_reviews_on_time() -> list[Finding]:
    """In part (issue 15): a fastställd classification past its review (the revisions POL-3.31
    asks the E-råd to remind about), per förvaltning/bolag. One query and the units."""
    yesterday = access.today() - datetime.timedelta(days=1)
    rows = classification_reviews_due(yesterday).values_list(
        "information_set__system__unit_id", "information_set__system_id", "information_set__system__name"
    )
    return overdue_findings_per_unit(
        rows,
        ngettext_lazy(
            "%(count)s system har en klassning som skulle ha granskats: %(systems)s",
            "%(count)s system har klassningar som skulle ha granskats: %(systems)s",
            "count",
        ),
        tab="klassning",
    )
