"""What driftinformation adds to lower apps' pages (lis.core.extensions): the system page's Drift
tab, the start page's lines (ongoing disruptions for everyone, planned work on one's own systems,
and for IT-enheten planned work not yet notified) and the demo loader."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core.extensions import Attention, Tab, register_attention, register_loader, register_tab
from lis.core.pack import get_pack
from lis.systems.models import InformationSystem

from . import selectors
from .models import ServiceNotice

SOON_DAYS = 14
MAX_DISRUPTION_LINES = 5
# IT-enheten is reminded this many days before the least notice runs out.
REMIND_BEFORE_DAYS = 7


def _tab(request, system) -> dict:
    p = request.principal
    return {
        "operations": selectors.system_notices(system),
        "operations_can_plan": selectors.can_plan_for(p, system),
        "operations_can_disrupt": selectors.can_post_disruption(p, [system]),
    }


register_tab(
    "systems.informationsystem",
    Tab("drift", gettext_lazy("Drift"), "operations/_system_tab.html", _tab, order=80),
)


def operations_attention(request) -> list[Attention]:
    p = request.principal
    if not selectors.can_read(p):
        return []
    now = timezone.now()
    lines: list[Attention] = []
    disruptions = list(
        ServiceNotice.objects.filter(kind=ServiceNotice.Kind.DISRUPTION, status=ServiceNotice.Status.ONGOING)
        .order_by("-starts_at", "-pk")
        .only("pk", "title")[: MAX_DISRUPTION_LINES + 1]
    )
    for notice in disruptions[:MAX_DISRUPTION_LINES]:
        lines.append(
            Attention(
                _("Pågående driftstörning: %(title)s") % {"title": notice.title},
                reverse("operations:notice_detail", args=[notice.pk]),
                group="mine",
                tone="overdue",
                order=5,
                badge=_("Pågår"),
            )
        )
    if len(disruptions) > MAX_DISRUPTION_LINES:
        lines.append(
            Attention(
                _("Fler pågående driftstörningar"),
                reverse("operations:overview"),
                group="mine",
                tone="overdue",
                order=6,
                badge=_("Pågår"),
            )
        )
    if p.person is not None:
        mine = InformationSystem.objects.filter(selectors.my_system_ids_q(p.person)).values("pk")
        soon = list(
            ServiceNotice.objects.filter(
                status=ServiceNotice.Status.PLANNED,
                starts_at__lte=now + datetime.timedelta(days=SOON_DAYS),
                systems__in=mine,
            )
            .distinct()
            .order_by("starts_at", "pk")
            .only("pk", "title", "starts_at")[:5]
        )
        for notice in soon:
            lines.append(
                Attention(
                    _("Planerat arbete %(when)s: %(title)s")
                    % {"when": timezone.localtime(notice.starts_at).strftime("%Y-%m-%d %H:%M"), "title": notice.title},
                    reverse("operations:notice_detail", args=[notice.pk]),
                    group="mine",
                    tone="due",
                    order=30,
                )
            )
    if selectors.can_manage_notices(p):
        days = get_pack().maintenance_notice_days
        unnotified = list(
            ServiceNotice.objects.filter(
                kind__in=selectors.PLANNED_KINDS,
                status=ServiceNotice.Status.PLANNED,
                notified_at__isnull=True,
                starts_at__lte=now + datetime.timedelta(days=days + REMIND_BEFORE_DAYS),
            ).values_list("starts_at", flat=True)
        )
        late = sum(1 for start in unnotified if start - now < datetime.timedelta(days=days))
        coming = len(unnotified) - late
        url = reverse("operations:overview")
        if late:
            lines.append(
                Attention(
                    ngettext(
                        "%(count)s planerat arbete börjar om mindre än %(days)s dagar och är inte aviserat.",
                        "%(count)s planerade arbeten börjar om mindre än %(days)s dagar och är inte aviserade.",
                        late,
                    )
                    % {"count": late, "days": days},
                    url,
                    group="responsible",
                    tone="overdue",
                    order=30,
                )
            )
        if coming:
            lines.append(
                Attention(
                    ngettext(
                        "%(count)s planerat arbete ska aviseras inom en vecka.",
                        "%(count)s planerade arbeten ska aviseras inom en vecka.",
                        coming,
                    )
                    % {"count": coming},
                    url,
                    group="responsible",
                    tone="due",
                    order=31,
                )
            )
    return lines


register_attention("operations", operations_attention)


def _load_demo() -> list[str]:
    from .demo import load_operations_demo

    return load_operations_demo()


register_loader("demo", "operations", _load_demo)
