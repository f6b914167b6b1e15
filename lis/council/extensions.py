"""What the council adds to lower apps' pages (lis.core.extensions): the SUA tab on the system
page (POL-3.26), shown when the pack marks the system's driftsform external or it has been
assessed."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lis.core.deadlines import Deadline, DeadlineKind, register_deadline_kind
from lis.core.extensions import Panel, Tab, register_panel, register_tab

from . import selectors
from .models import SuaAssessment

SUA_STATUS = {
    "not_required": _("Behövs inte: driftsformen är inte extern"),
    "missing": _("Saknas"),
    "outdated": _("Inaktuell: driftsformen har ändrats sedan bedömningen"),
    "done": _("Gjord för nuvarande driftsform"),
}


def _visible(principal, system) -> bool:
    return (
        system.operating_model in selectors.external_operating_models()
        or SuaAssessment.objects.filter(system=system).exists()
    )


def _status(request, system) -> dict:
    status = selectors.sua_status(system)
    return {"status": status, "name": SUA_STATUS[status]}


def _sua(request, system) -> dict:
    p = request.principal
    status = selectors.sua_status(system)
    latest = selectors.sua_latest(system)
    return {
        "sua_status": status,
        "sua_status_name": SUA_STATUS[status],
        "sua_latest": latest,
        "sua_assessments": SuaAssessment.objects.filter(system=system)
        .select_related("decided_by", "agenda_item__meeting")
        .order_by("-decided_on", "-pk"),
        "sua_can_create": status in ("missing", "outdated") and selectors.can_create_sua(p, system),
        "sua_can_raise": latest is not None and latest.agenda_item_id is None and selectors.can_manage(p),
    }


register_tab(
    "systems.informationsystem", Tab("sua", _("SUA"), "council/_system_sua.html", _sua, order=70, visible=_visible)
)
register_panel(
    "systems.informationsystem", Panel("council/_system_sua_status.html", _status, order=20, visible=_visible)
)


# --- Deadlines (lis.core.deadlines, issue 15) -------------------------------------------------
# The E-råd's planned meetings (POL-3.5), for its chair and every member, at the hour they start;
# and its advice to follow up by the date it names (POL-3.31), for the one named to follow it up.


def _meeting_deadlines(until) -> list[Deadline]:
    """Planned meetings from today to `until`: three queries (chairs, members, meetings)."""
    import datetime

    from django.utils import timezone

    from lis.core import access, changelog

    from .models import Meeting

    today = access.today()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min))
    meetings = list(
        Meeting.objects.filter(status=Meeting.Status.PLANNED, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "pk")
        .values_list("pk", "starts_at")
    )
    if not meetings:
        return []
    chair = selectors.chair_people(today).order_by("pk").values_list("pk", flat=True).first()
    members = tuple(selectors.member_people(today).order_by("pk").values_list("pk", flat=True))
    object_type = changelog.object_type_of(Meeting)
    return [
        Deadline(
            kind="council.meeting",
            key=f"council.meeting:{pk}:{starts_at.isoformat()}",
            title=gettext("Möte i E-rådet %(when)s")
            % {"when": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M")},
            due=timezone.localtime(starts_at).date(),
            url=reverse("council:meeting_detail", args=[pk]),
            responsible_id=chair,
            object_type=object_type,
            object_id=str(pk),
            due_at=starts_at,
            also_ids=members,
        )
        for pk, starts_at in meetings
    ]


def _advice_deadlines(until) -> list[Deadline]:
    """Advice not followed up, to be followed up on or before `until`: one query. The title
    names the meeting, never the advice's text (an item may be secret)."""
    from lis.core import changelog

    from .models import Advice

    rows = (
        Advice.objects.filter(followed_up_on__isnull=True, follow_up_on__lte=until)
        .order_by("follow_up_on", "pk")
        .values_list("pk", "follow_up_on", "follow_up_by_id", "unit_id", "agenda_item__meeting__starts_at")
    )
    object_type = changelog.object_type_of(Advice)
    return [
        Deadline(
            kind="council.advice",
            key=f"council.advice:{pk}:{follow_up_on.isoformat()}",
            title=gettext("Följ upp råd från E-rådets möte %(date)s") % {"date": _local_date(held)},
            due=follow_up_on,
            url=reverse("council:advice_follow_up", args=[pk]),
            responsible_id=follow_up_by_id,
            unit_id=unit_id,
            object_type=object_type,
            object_id=str(pk),
        )
        for pk, follow_up_on, follow_up_by_id, unit_id, held in rows
    ]


def _local_date(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).date().isoformat() if moment is not None else ""


register_deadline_kind(
    DeadlineKind(
        "council.meeting",
        _("Möten i E-rådet"),
        collect=_meeting_deadlines,
        order=80,
        appointment=True,
        list_url=lambda: reverse("council:overview"),
    )
)
register_deadline_kind(
    DeadlineKind(
        "council.advice",
        _("Råd från E-rådet att följa upp"),
        collect=_advice_deadlines,
        order=81,
        list_url=lambda: reverse("council:overview"),
    )
)
