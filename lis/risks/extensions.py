"""The system page's Risker tab (lis.core.extensions)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lis.core import access, changelog
from lis.core.deadlines import Deadline, DeadlineKind, PathTemplate, register_deadline_kind
from lis.core.extensions import Attention, Tab, register_attention, register_loader, register_tab
from lis.core.pack import get_pack

from . import selectors
from .models import Measure, Risk, SecurityAnalysis


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
    """Overdue measures (POL-3.31) in the units the person manages, and the whole kommun's for
    those who keep it on track. The person's own measures are their deadlines (shown by
    lis.compliance from lis.core.deadlines), not repeated here."""
    p = request.principal
    if not p.is_authenticated:
        return []
    today = access.today()
    overdue = selectors.overdue(Measure.objects.all(), today)
    lines = []
    url = reverse("risks:measure_list")
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


# --- Deadlines (lis.core.deadlines, issue 15) -------------------------------------------------
# Measures due (POL-3.31: decided measures are carried out), and the analysis each
# förvaltning/bolag owes its board once per mandatperiod (POL-3.15).


def _measure_deadlines(until) -> list[Deadline]:
    """Open measures with a due date on or before `until`: one query."""
    open_statuses = [s.key for s in get_pack().measure_statuses if s.get("open")]
    rows = (
        Measure.objects.filter(status__in=open_statuses, due_on__isnull=False, due_on__lte=until)
        .values_list("pk", "title", "due_on", "responsible_id", "analysis__unit_id")
        .order_by("due_on", "pk")
    )
    object_type = changelog.object_type_of(Measure)
    url = PathTemplate("risks:measure_status")
    return [
        Deadline(
            kind="risks.measure",
            key=f"risks.measure:{pk}:{due_on.isoformat()}",
            title=gettext("Åtgärd: %(title)s") % {"title": title},
            due=due_on,
            url=url(pk),
            responsible_id=responsible_id,
            unit_id=unit_id,
            object_type=object_type,
            object_id=str(pk),
        )
        for pk, title, due_on, responsible_id, unit_id in rows
    ]


def _analysis_deadlines(until) -> list[Deadline]:
    """Each active förvaltning/bolag whose analysis for the current mandatperiod is missing or
    not reported to its board, due when the period ends: three queries (none more when the
    period's end is beyond the notice)."""
    from lis.organisation.models import OrgUnit
    from lis.organisation.selectors import active_q
    from lis.organisation.services import mandate_period_for

    period = mandate_period_for(access.today(), get_pack().action_plan_period_anchor)
    # Told from the pack's reminders.period_notice_days before the period ends.
    notice = period.ends_on - datetime.timedelta(days=get_pack().reminder_period_notice_days)
    if notice > until:
        return []
    analyses = {
        unit_id: (pk, status)
        for unit_id, pk, status in SecurityAnalysis.objects.filter(period=period)
        .order_by("pk")
        .values_list("unit_id", "pk", "status")
    }
    found = []
    units = OrgUnit.objects.filter(active_q(), kind__in=["administration", "company"]).order_by("name")
    for unit_id, name in units.values_list("pk", "name"):
        pk, status = analyses.get(unit_id, (None, None))
        if status == SecurityAnalysis.Status.REPORTED:
            continue
        if pk is None:
            title = gettext("Informationssäkerhetsanalys för mandatperioden %(period)s: %(unit)s")
            url, object_type, object_id = reverse("risks:analysis_list"), "organisation.orgunit", str(unit_id)
        else:
            title = gettext(
                "Rapportera informationssäkerhetsanalysen för %(period)s till nämnd eller styrelse: %(unit)s"
            )
            url, object_type, object_id = (
                reverse("risks:analysis_detail", args=[pk]),
                changelog.object_type_of(SecurityAnalysis),
                str(pk),
            )
        found.append(
            Deadline(
                kind="risks.analysis",
                key=f"risks.analysis:{unit_id}:{period.pk}:{period.ends_on.isoformat()}",
                title=title % {"period": period, "unit": name},
                due=period.ends_on,
                url=url,
                unit_id=unit_id,
                object_type=object_type,
                object_id=object_id,
                notice_from=notice,
            )
        )
    return found


register_deadline_kind(
    DeadlineKind(
        "risks.measure",
        _("Åtgärder"),
        collect=_measure_deadlines,
        order=20,
        list_url=lambda: reverse("risks:measure_list") + "?mina=1",
    )
)
register_deadline_kind(
    DeadlineKind(
        "risks.analysis",
        _("Informationssäkerhetsanalyser"),
        collect=_analysis_deadlines,
        order=21,
        list_url=lambda: reverse("risks:analysis_list"),
    )
)
