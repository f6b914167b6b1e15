"""The register's demo loader and its lines on the start page (lis.core.extensions)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import ngettext

from lis.core import access
from lis.core.extensions import Attention, register_attention, register_loader

from .models import InformationSystem


def _demo() -> list[str]:
    from .demo import load_systems_demo

    return [f"{load_systems_demo()} nya påhittade system i förteckningen."]


register_loader("demo", "systems", _demo)


def _attention(request: HttpRequest) -> list[Attention]:
    """ "My systems' gaps" for an ansvarig chef, a systemförvaltare or the chef of a unit: systems
    they answer for without a systemförvaltare (BIL1-2), without a fastställd classification
    (POL-3.22), or procured or in use without IT-enheten consulted (POL-3.27). One query."""
    from . import selectors

    p = getattr(request, "principal", None)
    if p is None or not p.is_authenticated or not selectors.answers_for_systems(p):
        return []
    live = ~Q(status=InformationSystem.Status.DECOMMISSIONED)
    counts = (
        InformationSystem.objects.filter(access.system_filter(p))
        .filter(selectors.answered_for_q(p))
        .filter(live)
        .aggregate(
            steward=Count("pk", filter=Q(system_steward__isnull=True)),
            classification=Count("pk", filter=Q(classified=False)),
            it=Count("pk", filter=selectors.procurement_without_it_q()),
        )
    )
    url = reverse("systems:system_list") + "?ansvar=mina&saknar="
    kinds = [
        (
            "steward",
            "forvaltare",
            lambda n: ngettext(
                "%(count)s av dina system saknar systemförvaltare.",
                "%(count)s av dina system saknar systemförvaltare.",
                n,
            ),
            "due",
            30,
        ),
        (
            "classification",
            "klassning",
            lambda n: ngettext(
                "%(count)s av dina system har ingen fastställd klassning.",
                "%(count)s av dina system har ingen fastställd klassning.",
                n,
            ),
            "due",
            31,
        ),
        (
            "it",
            "it",
            lambda n: ngettext(
                "%(count)s av dina system är upphandlat eller i drift utan att IT-enheten rådfrågats (POL-3.27).",
                "%(count)s av dina system är upphandlade eller i drift utan att IT-enheten rådfrågats (POL-3.27).",
                n,
            ),
            "info",
            33,
        ),
    ]
    lines = []
    for key, missing, text, tone, order in kinds:
        count = counts[key] or 0
        if count:
            lines.append(
                Attention(text(count) % {"count": count}, url + missing, group="responsible", tone=tone, order=order)
            )
    return lines


register_attention("systems", _attention)
