"""Compliance rule of the staff app: the expiry part of POL-3.20. One query whatever the number
of exceptions. The flow itself (the chef decides, a tjänsteanteckning with both names and a
date) is what LIS enforces when an exception is asked for here; that a chef is told before a
source is used cannot be checked."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis.core import access
from lis.core.rules import Finding, rule

from . import selectors
from .models import PolicyException


def _may_view(exception: PolicyException):
    return lambda p: selectors.can_view_exception(p, exception)


@rule(
    "POL-3.20",
    partial=gettext_lazy(
        "att beviljade undantag (tjänsteanteckningar) har ett slutdatum och inte gäller efter det. Att chefen "
        "informeras innan en källa används kan LIS bara visa för undantag som begärs här."
    ),
)
def exceptions_expire() -> list[Finding]:
    today = access.today()
    findings = []
    rows = (
        PolicyException.objects.filter(status=PolicyException.Status.GRANTED)
        .filter(Q(valid_until__lt=today) | Q(valid_until__isnull=True))
        .select_related("unit", "person__unit")
        .order_by("unit__name", "valid_until", "pk")
    )
    for exception in rows:
        if exception.valid_until is None:
            message = _("Undantaget för %(source)s (beslutat %(date)s) saknar slutdatum.") % {
                "source": exception.source,
                "date": exception.decided_on.isoformat(),
            }
        else:
            message = _("Undantaget för %(source)s har löpt ut (%(date)s) men används fortfarande.") % {
                "source": exception.source,
                "date": exception.valid_until.isoformat(),
            }
        findings.append(
            Finding(
                message=message,
                unit=exception.unit,
                link=reverse("staff:exception_detail", args=[exception.pk]),
                link_text=_("Visa undantaget"),
                may_follow=_may_view(exception),
            )
        )
    return findings
