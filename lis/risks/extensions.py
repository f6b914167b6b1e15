"""The system page's Risker tab (lis.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.extensions import Tab, register_loader, register_tab

from . import selectors
from .models import Risk


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
