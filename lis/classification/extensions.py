"""The system page's informationsmängder and klassning tabs, and classifications in its history
(lis.core.extensions)."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lis.core.extensions import Attention, Tab, register_attention, register_history, register_loader, register_tab

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


def _attention(request) -> list[Attention]:
    """Classification proposals on systems this person answers for that wait for them to
    fastställa them (their own proposals excepted: four eyes). One query."""
    p = getattr(request, "principal", None)
    if p is None or not p.is_authenticated or p.manages_everything:
        return []
    approvable = Q(pk__in=[])
    if p.person is not None:
        approvable |= Q(information_set__system__responsible_manager=p.person)
    for path in p.managed_unit_paths:
        approvable |= Q(information_set__system__unit__path__startswith=path)
    if not p.person and not p.managed_unit_paths:
        return []
    count = (
        Classification.objects.filter(status="proposed")
        .filter(approvable)
        .exclude(proposed_by=p.user)
        .values("information_set__system")
        .distinct()
        .count()
    )
    if not count:
        return []
    return [
        Attention(
            ngettext(
                "%(count)s av dina system har en klassning som väntar på att du fastställer den.",
                "%(count)s av dina system har klassningar som väntar på att du fastställer dem.",
                count,
            )
            % {"count": count},
            reverse("systems:system_list") + "?klassad=vantar&ansvar=mina",
            group="responsible",
            tone="due",
            order=32,
        )
    ]


register_attention("classification", _attention)
