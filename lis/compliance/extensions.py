"""The start page's compliance summary and the signed-in person's own deadlines (lis.core.extensions
"attention", from lis.core.deadlines through lis.compliance.deadlines)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lis.core import access
from lis.core.extensions import Attention, register_attention
from lis.core.pack import get_pack
from lis.core.rules import current_results


def summary() -> list[tuple[str, bool, bool, list[str | None]]]:
    """(requirement id, checked, partial, unit path of each finding or None for the kommun) of
    every rule, from the results kept until something changes (lis.core.rules.current_results)."""
    return [
        (
            result.requirement.id,
            result.checked,
            bool(result.partial),
            [finding.unit.path if finding.unit is not None else None for finding in result.findings],
        )
        for result in current_results()[0]
    ]


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


# --- The person's own deadlines (lis.core.deadlines, issue 15) ----------------------------------


def deadline_lines(deadlines: list, *, now) -> list[Attention]:
    """The start page's lines for one person's deadlines: per kind, one line for what is overdue
    and one for what is coming (the deadline itself when it is alone, else how many, linking to
    the kind's list), each saying in words whether it is late."""
    from lis.core import deadlines as registry

    horizon = get_pack().reminder_horizon_days
    kinds = {kind.key: kind for kind in registry.kinds()}
    overdue: dict[str, list] = {}
    coming: dict[str, list] = {}
    for deadline in deadlines:
        if deadline.kind not in kinds:  # no longer registered (a resolution kept from before a restart)
            continue
        stage = registry.stage_of(deadline, now, horizon)
        if stage == registry.OVERDUE:
            overdue.setdefault(deadline.kind, []).append(deadline)
        elif stage is not None:
            coming.setdefault(deadline.kind, []).append(deadline)
    lines = []
    for tone, groups in (("overdue", overdue), ("due", coming)):
        for key, found in groups.items():
            kind = kinds[key]
            first = found[0]
            if len(found) == 1:
                text = _("%(title)s – %(date)s") % {"title": first.title, "date": _when(first)}
                url = first.url
            elif tone == "overdue":
                text = ngettext(
                    "%(kind)s: %(count)s är försenad, den första %(date)s.",
                    "%(kind)s: %(count)s är försenade, den första %(date)s.",
                    len(found),
                ) % {"kind": kind.label, "count": len(found), "date": _when(first)}
                url = kind.list_url() if kind.list_url else first.url
            elif kind.appointment:
                text = ngettext(
                    "%(kind)s: %(count)s kommande, först %(date)s.",
                    "%(kind)s: %(count)s kommande, först %(date)s.",
                    len(found),
                ) % {"kind": kind.label, "count": len(found), "date": _when(first)}
                url = kind.list_url() if kind.list_url else first.url
            else:
                text = ngettext(
                    "%(kind)s: %(count)s ska vara klar snart, den första %(date)s.",
                    "%(kind)s: %(count)s ska vara klara snart, den första %(date)s.",
                    len(found),
                ) % {"kind": kind.label, "count": len(found), "date": _when(first)}
                url = kind.list_url() if kind.list_url else first.url
            lines.append(Attention(text, url, group="mine", tone=tone, order=kind.order))
    return lines


def _when(deadline) -> str:
    if deadline.due_at is not None:
        return timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M")
    return deadline.due.isoformat()


def _deadlines_attention(request) -> list[Attention]:
    """The signed-in person's own deadlines (lis.compliance.deadlines): what they are
    responsible for, what fell to them as samordnare or strateg, and what they are told of.
    One query (the change log's head) while the kept resolution holds."""
    from .deadlines import deadlines_for

    p = request.principal
    if not p.is_authenticated or p.person is None:
        return []
    today = access.today()
    found = deadlines_for(p.person, today + datetime.timedelta(days=get_pack().reminder_horizon_days))
    return deadline_lines(found, now=timezone.now())


register_attention("deadlines", _deadlines_attention)
