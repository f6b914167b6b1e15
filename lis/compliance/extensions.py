"""The start page's compliance summary (lis.core.extensions "attention")."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lis.core import access, changelog
from lis.core.extensions import Attention, register_attention
from lis.core.pack import get_pack
from lis.core.rules import evaluate


def summary() -> list[tuple[str, bool, bool, list[str | None]]]:
    """(requirement id, checked, partial, unit path of each finding or None for the kommun) of
    every rule, run once per change of recorded data and day: the start page asks on every
    visit, and the rules read the whole register. Whatever a rule reads is written through a
    service, so the change log's data head moves with every change that could change a finding
    (and not with logins)."""
    key = f"lis:compliance-summary:{changelog.data_head()}:{access.today()}:{get_pack().version}"
    found = cache.get(key)
    if found is None:
        found = [
            (
                result.requirement.id,
                result.checked,
                bool(result.partial),
                [finding.unit.path if finding.unit is not None else None for finding in result.findings],
            )
            for result in evaluate()
        ]
        cache.set(key, found, 24 * 3600)
    return found


def _attention(request) -> list[Attention]:
    p = request.principal
    if not access.can_view_compliance(p):
        return []
    url = reverse("compliance:overview")
    rows = summary()
    if p.sees_everything:
        checked = [row for row in rows if row[1]]
        failing = [row for row in checked if row[3]]
        findings = sum(len(row[3]) for row in failing)
        met = sum(1 for row in checked if not row[2] and not row[3])
        text = _("Efterlevnad: %(met)s av %(checked)s kontrollerade krav är uppfyllda.") % {
            "met": met,
            "checked": len(checked),
        }
        if failing:
            text += " " + ngettext(
                "%(requirements)s krav har brister (%(findings)s brister totalt).",
                "%(requirements)s krav har brister (%(findings)s brister totalt).",
                len(failing),
            ) % {"requirements": len(failing), "findings": findings}
        return [
            Attention(
                text,
                url,
                group="kommun",
                tone="overdue" if failing else "info",
                order=10,
                badge=_("Brister") if failing else "",
            )
        ]
    paths = [*p.viewed_unit_paths, *p.governed_unit_paths]
    mine = [
        row[0]
        for row in rows
        if row[1]
        for path in row[3]
        if path is not None and any(path.startswith(prefix) for prefix in paths)
    ]
    if not mine:
        return []
    text = ngettext(
        "Efterlevnad: %(findings)s brist i din förvaltning (%(requirements)s krav).",
        "Efterlevnad: %(findings)s brister i din förvaltning (%(requirements)s krav).",
        len(mine),
    ) % {"findings": len(mine), "requirements": len(set(mine))}
    return [Attention(text, url, group="responsible", tone="overdue", order=10, badge=_("Brister"))]


register_attention("compliance", _attention)
