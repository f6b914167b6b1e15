"""The system page's continuity plan (POL-3.17) on its overview (lis.core.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from lis.core.deadlines import Deadline, DeadlineKind, register_deadline_kind
from lis.core.extensions import Panel, register_loader, register_panel

from .models import ContinuityPlan


def _continuity(request, system) -> dict:
    return {"continuity_plan": ContinuityPlan.objects.filter(system=system).first()}


register_panel("systems.informationsystem", Panel("plans/_system_continuity.html", _continuity, order=10))


def _reference() -> list[str]:
    from .services import policy_ensure_first_version, routines_ensure_required

    lines = [f"{routines_ensure_required()} nya rutiner att fylla i."]
    policy = policy_ensure_first_version()
    if policy is not None:
        adopted = (
            f"antagen {policy.decision}"
            if policy.decision
            else "beslutet om antagandet är inte registrerat; säkerhetsstrategen registrerar det i LIS"
        )
        lines.append(f"Policyn är publicerad som version {policy.label} ({adopted}).")
    return lines


def _demo() -> list[str]:
    from .demo import load_plans_demo

    load_plans_demo()
    return ["Påhittade handlingsplaner, kontinuitetsplan och rutiner är inlästa."]


register_loader("reference", "plans", _reference)
register_loader("demo", "plans", _demo)


# --- Deadlines (lis.core.deadlines, issue 15) -------------------------------------------------
# Each förvaltning/bolag's handlingsplan decided by its board (POL-3.2) and followed up at least
# once (POL-3.3) in the current mandatperiod, due when the period ends.


def _plan_deadlines(until) -> list[Deadline]:
    """Three queries (one when the period's end is beyond the notice)."""
    import datetime

    from django.db.models import Exists, OuterRef
    from django.urls import reverse
    from django.utils.translation import gettext

    from lis.core import access, changelog
    from lis.core.pack import get_pack
    from lis.organisation.models import OrgUnit
    from lis.organisation.selectors import active_q
    from lis.organisation.services import mandate_period_for

    from .models import ActionPlan, ActionPlanVersion, FollowUp

    period = mandate_period_for(access.today(), get_pack().action_plan_period_anchor)
    # Told from the pack's reminders.period_notice_days before the period ends.
    notice = period.ends_on - datetime.timedelta(days=get_pack().reminder_period_notice_days)
    if notice > until:
        return []
    plans = {
        unit_id: (pk, decided, followed_up)
        for unit_id, pk, decided, followed_up in ActionPlan.objects.filter(period=period)
        .annotate(
            decided=Exists(ActionPlanVersion.objects.filter(plan=OuterRef("pk"))),
            followed_up=Exists(FollowUp.objects.filter(plan=OuterRef("pk"))),
        )
        .order_by("pk")
        .values_list("unit_id", "pk", "decided", "followed_up")
    }
    plan_type = changelog.object_type_of(ActionPlan)
    found = []
    units = OrgUnit.objects.filter(active_q(), kind__in=["administration", "company"]).order_by("name")
    for unit_id, name in units.values_list("pk", "name"):
        pk, decided, followed_up = plans.get(unit_id, (None, False, False))
        if decided and followed_up:
            continue
        values = {"period": period, "unit": name}
        if pk is None:
            kind, title, url = (
                "plans.action_plan",
                gettext("Handlingsplan för mandatperioden %(period)s: %(unit)s") % values,
                reverse("plans:plan_list"),
            )
        elif not decided:
            kind, title, url = (
                "plans.action_plan",
                gettext("Handlingsplanen för %(period)s ska beslutas av nämnd eller styrelse: %(unit)s") % values,
                reverse("plans:plan_detail", args=[pk]),
            )
        else:
            kind, title, url = (
                "plans.follow_up",
                gettext("Följ upp handlingsplanen för %(period)s: %(unit)s") % values,
                reverse("plans:plan_detail", args=[pk]) + "?flik=uppfoljning",
            )
        found.append(
            Deadline(
                kind=kind,
                key=f"{kind}:{unit_id}:{period.pk}:{period.ends_on.isoformat()}",
                title=title,
                due=period.ends_on,
                url=url,
                unit_id=unit_id,
                object_type=plan_type if pk is not None else "organisation.orgunit",
                object_id=str(pk if pk is not None else unit_id),
                notice_from=notice,
            )
        )
    return found


def _plans_of(kind: str):
    return lambda until: [deadline for deadline in _plan_deadlines(until) if deadline.kind == kind]


def _plan_list_url() -> str:
    from django.urls import reverse

    return reverse("plans:plan_list")


register_deadline_kind(
    DeadlineKind(
        "plans.action_plan",
        gettext_lazy("Handlingsplaner"),
        collect=_plans_of("plans.action_plan"),
        order=30,
        list_url=_plan_list_url,
    )
)
register_deadline_kind(
    DeadlineKind(
        "plans.follow_up",
        gettext_lazy("Uppföljningar av handlingsplaner"),
        collect=_plans_of("plans.follow_up"),
        order=31,
        list_url=_plan_list_url,
    )
)


# --- recurring reviews (issue 15): routine and continuity plan reviews as deadlines ------------


def _routine_reviews(until):
    """Every adopted routine whose next review falls on or before `until`: one query. For its
    named owner (else the owning unit's samordnare)."""
    from django.utils.translation import gettext as _

    from lis.core.deadlines import Deadline, PathTemplate

    from .models import Routine

    url = PathTemplate("plans:routine_detail")
    title = _("Granska rutinen %(name)s")
    rows = Routine.objects.filter(status=Routine.Status.ADOPTED, next_review__lte=until).values_list(
        "pk", "name", "next_review", "owner_id", "owner_unit_id"
    )
    for pk, name, due, owner_id, unit_id in rows.order_by("pk"):
        yield Deadline(
            kind="plans.routine_review",
            key=f"plans.routine_review:{pk}:{due.isoformat()}",
            title=title % {"name": name},
            due=due,
            url=url(pk),
            responsible_id=owner_id,
            unit_id=unit_id,
            object_type="plans.routine",
            object_id=str(pk),
        )


def _continuity_reviews(until):
    """Every continuity plan whose next review falls on or before `until`: one query. A
    system's plan is for the system's ansvarig chef; the overall plan for the owning unit's
    samordnare."""
    from django.utils.translation import gettext as _

    from lis.core.deadlines import Deadline, PathTemplate

    url = PathTemplate("plans:continuity_detail")
    title = _("Granska %(plan)s")
    rows = ContinuityPlan.objects.filter(review_due__lte=until).values_list(
        "pk", "title", "review_due", "owner_unit_id", "system__responsible_manager_id"
    )
    for pk, plan_title, due, unit_id, manager_id in rows.order_by("pk"):
        yield Deadline(
            kind="plans.continuity_review",
            key=f"plans.continuity_review:{pk}:{due.isoformat()}",
            title=title % {"plan": plan_title},
            due=due,
            url=url(pk),
            responsible_id=manager_id,
            unit_id=unit_id,
            object_type="plans.continuityplan",
            object_id=str(pk),
        )


def _register_review_deadlines() -> None:
    from django.utils.translation import gettext_lazy

    from lis.core.deadlines import DeadlineKind, register_deadline_kind

    register_deadline_kind(
        DeadlineKind("plans.routine_review", gettext_lazy("Granskning av rutiner"), _routine_reviews)
    )
    register_deadline_kind(
        DeadlineKind("plans.continuity_review", gettext_lazy("Granskning av kontinuitetsplaner"), _continuity_reviews)
    )


_register_review_deadlines()
