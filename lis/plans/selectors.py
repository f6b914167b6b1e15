"""Permission-aware reads of handlingsplaner: a plan is read by those who see its unit."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from lis.core import access
from lis.core.access import Principal

from .models import ActionPlan, ActionPlanVersion, ContinuityPlan, PolicyVersion, Routine


def plans_visible_to(p: Principal) -> QuerySet[ActionPlan]:
    return ActionPlan.objects.filter(p.unit_filter("unit__")).select_related("unit", "period")


def plan_get(p: Principal, pk: int) -> ActionPlan:
    return get_object_or_404(plans_visible_to(p), pk=pk)


def version_get(p: Principal, pk: int) -> ActionPlanVersion:
    return get_object_or_404(
        ActionPlanVersion.objects.filter(plan__in=plans_visible_to(p)).select_related("plan", "decision__board"),
        pk=pk,
    )


def continuity_plans_visible_to(p: Principal) -> list[ContinuityPlan]:
    plans = ContinuityPlan.objects.select_related("owner_unit", "system__unit").order_by("system__name", "title")
    return [plan for plan in plans if access.can_view_continuity(p, plan)]


def continuity_plan_get(p: Principal, pk: int) -> ContinuityPlan:
    plan = get_object_or_404(ContinuityPlan.objects.select_related("owner_unit", "system__unit"), pk=pk)
    if not access.can_view_continuity(p, plan):
        raise Http404
    return plan


def routines_for(p: Principal) -> QuerySet[Routine]:
    """Routines are the kommun's common rules: every employee reads them (BIL1-8, BIL1-9)."""
    return Routine.objects.select_related("owner_unit", "owner", "decision__board")


def routine_get(p: Principal, pk: int) -> Routine:
    return get_object_or_404(routines_for(p), pk=pk)


def policy_versions() -> QuerySet[PolicyVersion]:
    """Every published version of the policy, the one in force first. The policy is public
    (POL-2.4): everyone, logged in or not, reads every version."""
    return PolicyVersion.objects.select_related("decision__board", "published_by__person")


def policy_current() -> PolicyVersion | None:
    return policy_versions().first()


def policy_version_get(pk: int) -> PolicyVersion:
    return get_object_or_404(policy_versions(), pk=pk)
