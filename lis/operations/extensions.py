"""What driftinformation adds to lower apps' pages (lis.core.extensions): the system page's Drift
tab, the start page's lines (ongoing disruptions for everyone, planned work on one's own systems),
the deadline to notify planned work (lis.core.deadlines: for the one who planned it) and the demo
loader."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis.core.deadlines import Deadline, DeadlineKind, register_deadline_kind
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
    return lines


register_attention("operations", operations_attention)


def _load_demo() -> list[str]:
    from .demo import load_operations_demo

    return load_operations_demo()


register_loader("demo", "operations", _load_demo)


# --- Deadlines (lis.core.deadlines, issue 15) -------------------------------------------------
# Planned work not yet notified (POL-3.28 "i god tid"): the pack's least notice before it starts
# is the last day to tell the users, and it is told from REMIND_BEFORE_DAYS before that; for the
# one who planned it, else IT-enheten's samordnare, else the säkerhetsstrateg.


def _notice_deadlines(until) -> list[Deadline]:
    """Planned maintenance and upgrades not notified, not yet started: two queries."""
    from lis.core import changelog
    from lis.organisation.models import OrgUnit

    # From the start of today, not from now: the registry keeps the result for the day, and work
    # that begins later today lapses at its start (Deadline.lapses_at).
    today_starts = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    days = datetime.timedelta(days=get_pack().maintenance_notice_days)
    remind = datetime.timedelta(days=REMIND_BEFORE_DAYS)
    rows = (
        ServiceNotice.objects.filter(
            kind__in=selectors.PLANNED_KINDS,
            status=ServiceNotice.Status.PLANNED,
            notified_at__isnull=True,
            starts_at__gt=today_starts,
            starts_at__lt=timezone.make_aware(
                datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min)
            )
            + days
            + remind,
        )
        .order_by("starts_at", "pk")
        .values_list("pk", "title", "starts_at", "created_by__person__id")
    )
    if not rows:
        return []
    it_unit = OrgUnit.objects.filter(function="it").order_by("path").values_list("pk", flat=True).first()
    object_type = changelog.object_type_of(ServiceNotice)
    found = []
    for pk, title, starts_at, person_id in rows:
        due = timezone.localtime(starts_at - days).date()
        found.append(
            Deadline(
                kind="operations.notice",
                key=f"operations.notice:{pk}:{starts_at.isoformat()}",
                title=_("Avisera planerat arbete %(when)s: %(title)s")
                % {"when": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"), "title": title},
                due=due,
                url=reverse("operations:notice_detail", args=[pk]),
                responsible_id=person_id,
                unit_id=it_unit,
                object_type=object_type,
                object_id=str(pk),
                notice_from=due - remind,
                lapses_at=starts_at,
            )
        )
    return found


register_deadline_kind(
    DeadlineKind(
        "operations.notice",
        gettext_lazy("Planerat arbete att avisera"),
        collect=_notice_deadlines,
        order=90,
        list_url=lambda: reverse("operations:overview"),
    )
)
