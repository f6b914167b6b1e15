"""The system page's Risker tab (lis.core.extensions)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lis.core import access
from lis.core.extensions import Attention, Tab, register_attention, register_loader, register_tab

from . import selectors
from .models import Measure, Risk


def _risks(request, system) -> dict:
    risks = Risk.objects.filter(system=system)
    return {
        "risks": risks.select_related("owner").order_by("-likelihood", "-consequence", "pk")[:50],
        "before": selectors.heat_map(risks),
        "after": selectors.heat_map(risks, residual=True),
        "scope_query": f"system={system.pk}",
    }


register_tab("systems.informationsystem", Tab("risker", _("Risker"), "risks/_system_risks.html", _risks, order=60))


def _demo() -> list[str]:
    from .demo import load_risks_demo

    return [f"{load_risks_demo()} nya analyser (påhittade informationssäkerhetsanalyser)."]


register_loader("demo", "risks", _demo)


def _attention(request) -> list[Attention]:
    """Overdue measures (POL-3.31): the person's own, those in the units they manage, and the
    whole kommun's for those who keep it on track."""
    p = request.principal
    if not p.is_authenticated:
        return []
    today = access.today()
    overdue = selectors.overdue(Measure.objects.all(), today)
    lines = []
    url = reverse("risks:measure_list")
    if p.person is not None:
        mine = overdue.filter(responsible=p.person).count()
        if mine:
            lines.append(
                Attention(
                    ngettext(
                        "%(count)s åtgärd som du ansvarar för är försenad.",
                        "%(count)s åtgärder som du ansvarar för är försenade.",
                        mine,
                    )
                    % {"count": mine},
                    f"{url}?forsenad=1&mina=1",
                    group="mine",
                    tone="overdue",
                    order=20,
                )
            )
    if p.manages_everything or p.sees_everything:
        total = overdue.count()
        if total:
            lines.append(
                Attention(
                    ngettext(
                        "%(count)s åtgärd i kommunen är försenad.",
                        "%(count)s åtgärder i kommunen är försenade.",
                        total,
                    )
                    % {"count": total},
                    f"{url}?forsenad=1",
                    group="kommun",
                    tone="overdue",
                    order=20,
                )
            )
    elif p.managed_unit_paths:
        in_units = overdue.filter(p.unit_filter("analysis__unit__", manage=True)).count()
        if in_units:
            lines.append(
                Attention(
                    ngettext(
                        "%(count)s åtgärd i din förvaltning är försenad.",
                        "%(count)s åtgärder i din förvaltning är försenade.",
                        in_units,
                    )
                    % {"count": in_units},
                    f"{url}?forsenad=1",
                    group="responsible",
                    tone="overdue",
                    order=20,
                )
            )
    return lines


register_attention("risks", _attention)
