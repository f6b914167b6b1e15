"""Compliance rules over the governing documents: POL-3.2, POL-3.3, BIL1-6, BIL1-7 and BIL1-8."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core import access
from lis.core.pack import get_pack
from lis.core.rules import Finding, rule
from lis.organisation.models import OrgUnit
from lis.organisation.selectors import active_q
from lis.organisation.services import mandate_period_for
from lis.risks.models import Measure

from .models import ActionPlan, ActionPlanVersion, ContinuityPlan, FollowUp, Routine
from .services import continuity_empty_sections


def _current_plans():
    period = mandate_period_for(access.today(), get_pack().action_plan_period_anchor)
    return period, ActionPlan.objects.filter(period=period).select_related("unit").annotate(
        decided=Exists(ActionPlanVersion.objects.filter(plan=OuterRef("pk"))),
        followed_up=Exists(FollowUp.objects.filter(plan=OuterRef("pk"))),
    )


def _link(plan: ActionPlan, tab: str = "") -> str:
    return reverse("plans:plan_detail", args=[plan.pk]) + (f"?flik={tab}" if tab else "")


@rule("POL-3.2")
def plan_decided() -> list[Finding]:
    """Each förvaltning and bolag has a plan for the current mandatperiod decided by its board."""
    period, plans = _current_plans()
    by_unit = {plan.unit_id: plan for plan in plans}
    findings = []
    for unit in OrgUnit.objects.filter(active_q(), kind__in=["administration", "company"]).order_by("name"):
        plan = by_unit.get(unit.pk)
        if plan is not None and plan.decided:
            continue
        message = (
            _("Ingen handlingsplan för mandatperioden %(period)s.")
            if plan is None
            else _("Handlingsplanen för mandatperioden %(period)s är inte beslutad av nämnd eller styrelse.")
        )
        findings.append(
            Finding(
                message=message % {"period": period},
                unit=unit,
                link=reverse("plans:plan_list") if plan is None else _link(plan),
                link_text=_("Visa handlingsplanerna") if plan is None else _("Visa planen"),
            )
        )
    return findings


@rule(
    "POL-3.3",
    partial=gettext_lazy(
        "att varje beslutad handlingsplan har en registrerad uppföljning under mandatperioden. Att nämnden "
        "eller styrelsen i övrigt implementerar policyn kontrolleras inte här."
    ),
)
def plan_followed_up() -> list[Finding]:
    """Every decided plan is followed up at least once in its mandatperiod."""
    period, plans = _current_plans()
    return [
        Finding(
            message=_("Handlingsplanen är inte uppföljd under mandatperioden %(period)s (slutar %(end)s).")
            % {"period": period, "end": period.ends_on.isoformat()},
            unit=plan.unit,
            link=_link(plan, "uppfoljning"),
            link_text=_("Visa uppföljningen"),
        )
        for plan in plans.filter(decided=True, followed_up=False).order_by("unit__name")
    ]


@rule("BIL1-6")
def plan_sections_filled() -> list[Finding]:
    """Every plan of the period has content in each required section (text, or measures where
    the section draws on them)."""
    period, plans = _current_plans()
    plans = list(plans.order_by("unit__name"))
    kinds: dict[int, set[str]] = defaultdict(set)
    dated: set[int] = set()
    measures = Measure.objects.filter(analysis__period=period, analysis__unit__in=[p.unit_id for p in plans])
    for unit_id, kind, due_on in measures.values_list("analysis__unit_id", "kind", "due_on").distinct():
        kinds[unit_id].add(kind)
        if due_on is not None and period.starts_on <= due_on <= period.ends_on:
            dated.add(unit_id)
    findings = []
    for plan in plans:
        empty = []
        for section in get_pack().action_plan_sections:
            if plan.sections.get(section.key, "").strip():
                continue
            if set(section.get("measure_types", [])) & kinds[plan.unit_id]:
                continue
            if section.get("timeline") and plan.unit_id in dated:
                continue
            empty.append(section.name)
        if empty:
            findings.append(
                Finding(
                    message=_("Handlingsplanen saknar innehåll i: %(sections)s.") % {"sections": ", ".join(empty)},
                    unit=plan.unit,
                    link=_link(plan),
                    link_text=_("Visa planen"),
                )
            )
    return findings


@rule("BIL1-7")
def continuity_plan_complete() -> list[Finding]:
    """IT-enheten's Handlingsplan IT – kontinuitet och drift exists, has all the pack's sections
    filled, and is not past its review date."""
    plans = list(
        ContinuityPlan.objects.filter(system__isnull=True, owner_unit__function="it").select_related("owner_unit")
    )
    if not plans:
        return [
            Finding(
                message=_("Handlingsplan IT – kontinuitet och drift saknas."),
                link=reverse("plans:continuity_list"),
                link_text=_("Visa kontinuitetsplanerna"),
            )
        ]
    findings = []
    today = access.today()
    for plan in plans:
        link = reverse("plans:continuity_detail", args=[plan.pk])
        empty = continuity_empty_sections(plan)
        if empty:
            findings.append(
                Finding(
                    message=_("%(plan)s saknar innehåll i: %(sections)s.")
                    % {"plan": plan.title, "sections": ", ".join(empty)},
                    unit=plan.owner_unit,
                    link=link,
                    link_text=_("Visa planen"),
                )
            )
        if plan.review_due < today:
            findings.append(
                Finding(
                    message=_("%(plan)s skulle ha granskats senast %(date)s.")
                    % {"plan": plan.title, "date": plan.review_due.isoformat()},
                    unit=plan.owner_unit,
                    link=link,
                    link_text=_("Visa planen"),
                )
            )
    return findings


@rule("BIL1-8")
def routines_adopted() -> list[Finding]:
    """The pack's required routines are all adopted, and none is past its review."""
    required = get_pack().required_routines
    adopted = {
        r.key: r for r in Routine.objects.filter(key__in=[r.key for r in required], status=Routine.Status.ADOPTED)
    }
    findings = []
    missing = [r.name for r in required if r.key not in adopted]
    if missing:
        findings.append(
            Finding(
                message=ngettext(
                    "%(count)s av %(total)s rutiner som policyn kräver är inte antagen: %(names)s",
                    "%(count)s av %(total)s rutiner som policyn kräver är inte antagna: %(names)s",
                    len(missing),
                )
                % {"count": len(missing), "total": len(required), "names": ", ".join(missing)},
                link=reverse("plans:routine_list"),
                link_text=_("Visa rutinerna"),
            )
        )
    today = access.today()
    for routine in sorted(adopted.values(), key=lambda r: r.name):
        if routine.next_review is not None and routine.next_review < today:
            findings.append(
                Finding(
                    message=_("%(name)s skulle ha granskats senast %(date)s.")
                    % {"name": routine.name, "date": routine.next_review.isoformat()},
                    unit=routine.owner_unit,
                    link=reverse("plans:routine_detail", args=[routine.pk]),
                    link_text=_("Visa rutinen"),
                )
            )
    return findings
