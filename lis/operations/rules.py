"""Compliance rule of driftinformation (POL-3.28): planned work whose users were told too late
or not at all. One query whatever the number of notices."""

from __future__ import annotations

import datetime

from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis.core.pack import get_pack
from lis.core.rules import Finding, rule

from . import selectors
from .models import ServiceNotice


def _local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@rule(
    "POL-3.28",
    partial=gettext_lazy(
        "att planerat underhåll och planerade uppgraderingar aviseras systemens användare minst så många dagar "
        "i förväg som policypaketet anger, och att inget sådant arbete börjar utan avisering. Att arbetet "
        "planeras i samråd med systemägaren och systemförvaltaren, och att allt sådant arbete registreras i LIS, "
        "kontrolleras inte."
    ),
)
def maintenance_notified_in_time() -> list[Finding]:
    now = timezone.now()
    days = get_pack().maintenance_notice_days
    least = datetime.timedelta(days=days)
    candidates = (
        ServiceNotice.objects.filter(kind__in=selectors.PLANNED_KINDS)
        .exclude(status=ServiceNotice.Status.CANCELLED)
        .filter(
            # Told, but less than the least notice before the start …
            Q(
                notified_at__isnull=False,
                notified_at__gt=ExpressionWrapper(F("starts_at") - least, output_field=DateTimeField()),
            )
            # … or never told, and the start has come (or is too close to make the notice).
            | Q(notified_at__isnull=True, starts_at__lte=now)
        )
        .prefetch_related("systems__unit")
        .order_by("starts_at", "pk")
    )
    findings = []
    for notice in candidates:
        systems = list(notice.systems.all())
        names = ", ".join(s.name for s in systems)
        unit = systems[0].unit if len({s.unit_id for s in systems}) == 1 and systems else None
        if notice.notified_at is None:
            message = _("%(title)s (%(systems)s) började %(start)s utan att användarna aviserades.") % {
                "title": notice.title,
                "systems": names,
                "start": _local(notice.starts_at),
            }
        else:
            given = (notice.starts_at - notice.notified_at).total_seconds() / 86400
            message = _(
                "%(title)s (%(systems)s) %(start)s aviserades %(given)s dagar i förväg, kortare än %(days)s dagar."
            ) % {
                "title": notice.title,
                "systems": names,
                "start": _local(notice.starts_at),
                "given": f"{max(given, 0):.1f}".replace(".", ","),
                "days": days,
            }
            if notice.short_notice_reason:
                message += " " + _("Motivering: %(reason)s") % {"reason": notice.short_notice_reason}
        findings.append(
            Finding(
                message=message,
                unit=unit,
                link=reverse("operations:notice_detail", args=[notice.pk]),
                link_text=_("Visa driftinformationen"),
            )
        )
    return findings
