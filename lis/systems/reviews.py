"""The register's recurring reviews (issue 15, POL-3.31): which systems' documentation and which
agreements are due for review, in one query each, and the rules' findings per unit. The date
arithmetic and the recording are lis.core.reviews'."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from lis.core.pack import get_pack
from lis.core.reviews import base_cutoff


def systems_with_review_base(queryset=None):
    """Systems annotated with `review_base`: the day their documentation review counts from."""
    from .models import InformationSystem

    queryset = InformationSystem.objects.all() if queryset is None else queryset
    return queryset.annotate(review_base=Coalesce("documentation_reviewed_on", TruncDate("created_at")))


def documentation_reviews_due(until: datetime.date, queryset=None):
    """Systems in the register (not avvecklade) whose documentation review falls on or before
    `until`: one query."""
    from .models import InformationSystem

    months = get_pack().system_documentation_review_interval_months
    return (
        systems_with_review_base(queryset)
        .exclude(status=InformationSystem.Status.DECOMMISSIONED)
        .filter(review_base__lt=base_cutoff(until, months))
    )


def agreements_with_review_base(queryset=None):
    from .models import Agreement

    queryset = Agreement.objects.all() if queryset is None else queryset
    return queryset.annotate(review_base=Coalesce("last_reviewed_on", "starts_on", "registered_on"))


def agreement_reviews_due(until: datetime.date, today: datetime.date, queryset=None):
    """Agreements in force `today` (not ended) of systems not avvecklade whose review falls on or
    before `until`: one query."""
    from .models import InformationSystem

    months = get_pack().agreement_review_interval_months
    return (
        agreements_with_review_base(queryset)
        .exclude(system__status=InformationSystem.Status.DECOMMISSIONED)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(review_base__lt=base_cutoff(until, months))
    )


def overdue_findings_per_unit(rows, message, *, tab: str = "", list_query: str = ""):
    """One compliance finding per förvaltning/bolag from (unit_id, system_id, system name) rows of
    overdue reviews, naming up to five systems; the link goes to the system (on `tab`) when there
    is one, else to the unit's systems (filtered by `list_query`)."""
    from django.urls import reverse

    from lis.core.rules import Finding
    from lis.organisation.models import OrgUnit

    by_unit: dict[int, dict[int, str]] = {}
    for unit_id, system_id, name in rows:
        by_unit.setdefault(unit_id, {})[system_id] = name
    units = OrgUnit.objects.in_bulk(list(by_unit))
    findings = []
    for unit_id, systems in sorted(by_unit.items(), key=lambda item: units[item[0]].name):
        names = sorted(systems.values(), key=str.casefold)
        shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
        if len(systems) == 1:
            (system_id,) = systems
            link = reverse("systems:system_detail", args=[system_id]) + (f"?flik={tab}" if tab else "")
            link_text = _("Visa systemet")
        else:
            link = reverse("systems:system_list") + f"?enhet={unit_id}" + (f"&{list_query}" if list_query else "")
            link_text = _("Visa systemen")
        findings.append(
            Finding(
                message=message % {"count": len(names), "systems": shown},
                unit=units[unit_id],
                link=link,
                link_text=link_text,
            )
        )
    return findings
