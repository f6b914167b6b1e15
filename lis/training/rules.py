"""Compliance rules of the training register: POL-3.12 (the systemförvaltare trained in the
system before taking up the role) and POL-3.18 (staff with valid awareness training). A fixed
handful of queries whatever the size of the kommun."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from lis.core.access import can_manage_system
from lis.core.pack import get_pack
from lis.core.rules import Finding, rule
from lis.organisation.models import OrgUnit, Person
from lis.organisation.selectors import active_q
from lis.systems.models import InformationSystem

from . import selectors
from .models import Completion, Course


def _top_unit(unit: OrgUnit, tops: dict[int, OrgUnit]) -> OrgUnit:
    first = unit.path.strip("/").split("/", 1)[0]
    return tops.get(int(first), unit) if first.isdigit() else unit


@rule("POL-3.12")
def steward_trained_before_appointment() -> list[Finding]:
    """Every system with a systemförvaltare: a completion of a course in that system by the
    steward, dated on or before the appointment (or, lacking that date, at all). Two queries."""
    courses = Course.objects.filter(kind=Course.Kind.SYSTEM, system=OuterRef("pk"))
    # On or before the appointment; a system without the date needs a completion at all.
    trained = Completion.objects.filter(
        course__kind=Course.Kind.SYSTEM, course__system=OuterRef("pk"), person=OuterRef("system_steward")
    )
    dated = trained.filter(completed_on__lte=OuterRef("steward_appointed_on"))
    systems = (
        InformationSystem.objects.filter(system_steward__isnull=False)
        .exclude(status=InformationSystem.Status.DECOMMISSIONED)
        .annotate(has_course=Exists(courses), trained_any=Exists(trained), trained_before=Exists(dated))
        .filter(
            Q(has_course=False)
            | Q(steward_appointed_on__isnull=False, trained_before=False)
            | Q(steward_appointed_on__isnull=True, trained_any=False)
        )
        .select_related("unit", "system_steward")
        .order_by("unit__path", "name", "pk")
    )
    tops = {u.pk: u for u in OrgUnit.objects.filter(parent__isnull=True)}
    findings = []
    for system in systems:
        link = reverse("systems:system_detail", args=[system.pk])
        if not system.has_course:
            message = _(
                "%(system)s saknar en utbildning i systemet, så det går inte att visa att systemförvaltaren "
                "har utbildats innan hen tillträdde."
            ) % {"system": system.name}
            link, link_text = reverse("training:course_create"), _("Lägg till en systemutbildning")
            # Who may follow the link is who may create the course (not the systemförvaltare).
            may_follow = (lambda s: lambda p: selectors.can_manage_system_course(p, s))(system)
        elif system.steward_appointed_on:
            message = _(
                "Systemförvaltaren för %(system)s har ingen registrerad utbildning i systemet daterad "
                "senast %(date)s, då hen utsågs."
            ) % {"system": system.name, "date": system.steward_appointed_on}
            link_text = _("Visa systemet")
            may_follow = (lambda s: lambda p: can_manage_system(p, s))(system)
        else:
            message = _("Systemförvaltaren för %(system)s har ingen registrerad utbildning i systemet.") % {
                "system": system.name
            }
            link_text = _("Visa systemet")
            may_follow = (lambda s: lambda p: can_manage_system(p, s))(system)
        findings.append(
            Finding(
                message=message,
                unit=_top_unit(system.unit, tops),
                link=link,
                link_text=link_text,
                may_follow=may_follow,
            )
        )
    return findings


@rule("POL-3.18")
def staff_trained() -> list[Finding]:
    """Per förvaltning/bolag: the share of active employees without valid awareness training
    (missing or expired) above the pack's limit. Two queries."""
    pack = get_pack()
    tops = {
        u.pk: u
        for u in OrgUnit.objects.filter(
            parent__isnull=True, kind__in=[OrgUnit.Kind.ADMINISTRATION, OrgUnit.Kind.COMPANY]
        ).filter(active_q())
    }
    people = selectors.with_awareness(Person.objects.filter(active_q(), kind=Person.Kind.EMPLOYEE, unit__isnull=False))
    totals: dict[int, list[int]] = {}
    for path, status in people.values_list("unit__path", "training_status").order_by():
        first = path.strip("/").split("/", 1)[0]
        if not first.isdigit() or int(first) not in tops:
            continue
        entry = totals.setdefault(int(first), [0, 0])
        entry[0] += 1
        if status in (selectors.OVERDUE, selectors.MISSING):
            entry[1] += 1
    findings = []
    for pk, (total, untrained) in sorted(totals.items(), key=lambda item: tops[item[0]].name):
        share = 100 * untrained / total
        if share <= pack.training_max_untrained_percent:
            continue
        unit = tops[pk]
        findings.append(
            Finding(
                message=_(
                    "%(unit)s: %(untrained)s av %(total)s medarbetare (%(share)s %%) saknar giltig "
                    "informationssäkerhetsutbildning; gränsen är %(limit)s %%."
                )
                % {
                    "unit": unit.name,
                    "untrained": untrained,
                    "total": total,
                    "share": round(share),
                    "limit": pack.training_max_untrained_percent,
                },
                unit=unit,
                link=reverse("training:overview") + f"?enhet={unit.pk}",
                link_text=_("Visa medarbetarnas utbildning"),
                may_follow=lambda p: selectors.has_staff_view(p),
            )
        )
    return findings
