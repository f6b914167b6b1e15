"""The system page's informationsmängder and klassning tabs, and classifications in its history
(lis.core.extensions)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from lis.core.extensions import Tab, register_history, register_loader, register_tab

from .models import Classification

SYSTEM = "systems.informationsystem"


def _information_sets(request, system) -> dict:
    classifications = Classification.objects.select_related("proposed_by__person", "approved_by__person")
    return {
        "information_sets": system.information_sets.select_related("removal__proposed_by__person").prefetch_related(
            Prefetch("classifications", classifications)
        )
    }


template = "classification/_system_sets.html"
register_tab(SYSTEM, Tab("informationsmangder", _("Informationsmängder"), template, _information_sets, order=20))
register_tab(SYSTEM, Tab("klassning", _("Klassning"), template, _information_sets, order=30))
register_history(SYSTEM, lambda system: Classification.objects.filter(information_set__system=system))


def _demo() -> list[str]:
    from lis.core.models import User

    from .demo import load_classification_demo

    classified = load_classification_demo(
        proposer=User.objects.get(username="admin"), approver=User.objects.get(username="strateg")
    )
    return [f"{classified} informationsmängder klassade (föreslagna av admin, fastställda av strateg)."]


register_loader("demo", "classification", _demo)
