"""Reading the council's records: who sits in it, which meetings and minutes a user may read, the
standing items of a dagordning, the minutes as they read now (and their SHA-256, which each
justering is bound to), and the SUA status of a system. Every read that depends on the user
takes the Principal first."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access, extensions
from lis.core.access import Principal
from lis.core.extensions import StandingItem
from lis.core.pack import get_pack
from lis.organisation.models import Municipality, OrgUnit, Person, Role, RoleAssignment
from lis.organisation.selectors import active_q
from lis.systems.models import InformationSystem

from .models import Advice, AgendaItem, Attendance, Council, Meeting, Minutes, SuaAssessment

COUNCIL_MANAGE_ROLES = frozenset({"council_chair", "security_strategist", "administrator"})
COUNCIL_MEMBER_ROLES = (COUNCIL_MANAGE_ROLES - {"administrator"}) | {"council_representative", "council_deputy"}
# Names as anyone may read them (POL-3.30): what the frozen minutes and their PDF/A say.
ARCHIVE = Principal(user=None, person=None)


# --- who may do what -------------------------------------------------------------------------


def is_member(p: Principal) -> bool:
    """Sits in the E-råd (chair, säkerhetsstrateg, representative or deputy): reads everything
    the council handles."""
    return p.is_superuser or bool(p.roles & COUNCIL_MEMBER_ROLES)


def can_manage(p: Principal) -> bool:
    """Plans meetings, keeps the dagordning and the minutes: the chair, the säkerhetsstrateg and
    the administrator."""
    return p.is_superuser or bool(p.roles & COUNCIL_MANAGE_ROLES)


def is_chair(p: Principal) -> bool:
    """Holds the role of E-rådets ordförande today (not merely a superuser: justering is personal)."""
    return "council_chair" in p.roles


def is_adjuster(p: Principal, meeting: Meeting) -> bool:
    return p.person is not None and meeting.adjuster_id == p.person.pk


def proposal_unit_paths(p: Principal) -> list[str]:
    """The förvaltningar/bolag a representative or deputy may propose items for."""
    return [a.unit.path for a in p.assignments if a.role in ("council_representative", "council_deputy") and a.unit_id]


def can_propose(p: Principal, unit: OrgUnit | None) -> bool:
    return unit is not None and any(unit.path.startswith(path) for path in proposal_unit_paths(p))


def can_create_sua(p: Principal, system: InformationSystem) -> bool:
    """The förvaltning or bolag raises its systems' SUA question (POL-3.26); the säkerhetsstrateg
    and the council's managers may record it too."""
    return can_manage(p) or access.can_manage_system(p, system)


def can_follow_up(p: Principal, advice: Advice) -> bool:
    return can_manage(p) or (p.person is not None and p.person.pk == advice.follow_up_by_id)


# --- the council and its members -------------------------------------------------------------


def council_get() -> Council:
    """The kommun's E-råd (created on first use)."""
    pack = get_pack()
    municipality, _created = Municipality.objects.get_or_create(
        code=pack.municipality_code, defaults={"name": pack.municipality_name}
    )
    council, _created = Council.objects.get_or_create(municipality=municipality)
    return council


@dataclass
class Seat:
    role: str
    label: str
    unit: OrgUnit | None
    person: Person | None
    deputy: Person | None
    appoint_url: str


def _appoint_url(role: str, unit: OrgUnit | None = None) -> str:
    query = f"?unit={unit.pk}&role={role}" if unit is not None else f"?role={role}"
    return reverse("organisation:role_assign") + query


def seats(day: datetime.date | None = None) -> list[Seat]:
    """The chair, the säkerhetsstrateg, then one seat per active förvaltning and bolag with its
    representative and deputy (None where the seat is empty). Two queries."""
    day = day or access.today()
    holders: dict[tuple[str, int | None], Person] = {}
    for assignment in (
        RoleAssignment.objects.active(day)
        .filter(role__in=["council_chair", "security_strategist", "council_representative", "council_deputy"])
        .select_related("person")
        .order_by("starts_on", "pk")
    ):
        holders.setdefault((assignment.role, assignment.unit_id), assignment.person)
    result = [
        Seat(
            role=Role.COUNCIL_CHAIR,
            label=str(Role.COUNCIL_CHAIR.label),
            unit=None,
            person=holders.get((Role.COUNCIL_CHAIR, None)),
            deputy=None,
            appoint_url=_appoint_url(Role.COUNCIL_CHAIR),
        ),
        Seat(
            role=Role.SECURITY_STRATEGIST,
            label=str(Role.SECURITY_STRATEGIST.label),
            unit=None,
            person=holders.get((Role.SECURITY_STRATEGIST, None)),
            deputy=None,
            appoint_url=_appoint_url(Role.SECURITY_STRATEGIST),
        ),
    ]
    units = OrgUnit.objects.filter(active_q(), kind__in=[OrgUnit.Kind.ADMINISTRATION, OrgUnit.Kind.COMPANY])
    for unit in units.order_by("kind", "name"):
        result.append(
            Seat(
                role=Role.COUNCIL_REPRESENTATIVE,
                label=str(Role.COUNCIL_REPRESENTATIVE.label),
                unit=unit,
                person=holders.get((Role.COUNCIL_REPRESENTATIVE, unit.pk)),
                deputy=holders.get((Role.COUNCIL_DEPUTY, unit.pk)),
                appoint_url=_appoint_url(Role.COUNCIL_REPRESENTATIVE, unit),
            )
        )
    return result


def past_members() -> QuerySet[RoleAssignment]:
    """Council roles that have ended, newest first (the role register keeps who sat when)."""
    return (
        RoleAssignment.objects.filter(
            role__in=["council_chair", "security_strategist", "council_representative", "council_deputy"],
            ends_on__lt=access.today(),
        )
        .select_related("person", "unit")
        .order_by("-ends_on", "-pk")
    )


def member_people(day: datetime.date | None = None) -> QuerySet[Person]:
    """Everyone sitting in the E-råd today (chair, säkerhetsstrateg, representatives, deputies)."""
    day = day or access.today()
    ids = RoleAssignment.objects.active(day).filter(role__in=COUNCIL_MEMBER_ROLES).values("person_id")
    return Person.objects.filter(pk__in=ids)


def chair_people(day: datetime.date | None = None) -> QuerySet[Person]:
    day = day or access.today()
    ids = RoleAssignment.objects.active(day).filter(role="council_chair").values("person_id")
    return Person.objects.filter(pk__in=ids)


# --- meetings --------------------------------------------------------------------------------


def meetings_visible_to(p: Principal) -> QuerySet[Meeting]:
    """Members and those who manage the council (the administrator) read every meeting; everyone
    else only meetings whose minutes are justerade (allmänna handlingar)."""
    meetings = Meeting.objects.all()
    if is_member(p) or can_manage(p):
        return meetings
    return meetings.filter(minutes__isnull=False)


def meeting_get(p: Principal, pk: int) -> Meeting:
    meeting = meetings_visible_to(p).filter(pk=pk).select_related("adjuster").first()
    if meeting is None:
        raise Http404
    return meeting


def is_justered(meeting: Meeting) -> bool:
    return Minutes.objects.filter(meeting_id=meeting.pk).exists()


def _year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=zone)


def year_plan(year: int) -> list[Meeting]:
    """A calendar year's meetings (Europe/Stockholm), by start."""
    start, end = _year_range(year)
    return list(
        Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("minutes")
        .order_by("starts_at", "pk")
    )


def count_towards_minimum(status: str, starts_at: datetime.datetime, now: datetime.datetime) -> str:
    """'held', 'planned' (still ahead) or '' for a meeting that does not count: cancelled, or
    planned in the past and never marked held."""
    if status == Meeting.Status.HELD:
        return "held"
    if status == Meeting.Status.PLANNED and starts_at > now:
        return "planned"
    return ""


def year_summary(year: int) -> dict[str, Any]:
    """Held, still planned (ahead) and cancelled meetings of a year, the pack's minimum and
    whether the year can still reach it (POL-3.5)."""
    start, end = _year_range(year)
    now = timezone.now()
    counts = {"held": 0, "planned": 0, "cancelled": 0}
    for status, starts_at in Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end).values_list(
        "status", "starts_at"
    ):
        if status == Meeting.Status.CANCELLED:
            counts["cancelled"] += 1
        kind = count_towards_minimum(status, starts_at, now)
        if kind:
            counts[kind] += 1
    minimum = get_pack().council_min_meetings_per_year
    return {**counts, "minimum": minimum, "reachable": counts["held"] + counts["planned"] >= minimum}


# --- agenda items and the minutes ------------------------------------------------------------


def sees_item(p: Principal, item: AgendaItem | dict) -> bool:
    """Whether `p` may read an item beyond its heading: not a secret item, unless a member."""
    secret = item["secret"] if isinstance(item, dict) else item.secret
    return not secret or is_member(p)


def agenda(meeting: Meeting, *, include_proposals: bool = True) -> QuerySet[AgendaItem]:
    items = meeting.agenda_items.select_related("unit", "proposed_by", "followed_advice").order_by("position", "pk")
    return items if include_proposals else items.filter(accepted=True)


def content(meeting: Meeting) -> dict[str, Any]:
    """The minutes as they read now: the meeting, who attended (names as anyone may read them),
    every item on the dagordning with its minnesanteckning, sekretess marking and the advice
    given. Plain values only: this is what is justerat, hashed and frozen."""
    items = list(agenda(meeting, include_proposals=False))
    advice_by_item: dict[int, list[Advice]] = defaultdict(list)
    for advice in (
        Advice.objects.filter(agenda_item__in=items)
        .select_related("unit", "board", "follow_up_by")
        .order_by("follow_up_on", "pk")
    ):
        advice_by_item[advice.agenda_item_id].append(advice)
    attendance = Attendance.objects.filter(meeting=meeting).select_related("person", "unit").order_by("pk")
    seat_names = dict(Role.choices)
    presence_names = dict(Attendance.Presence.choices)
    local_start, local_end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return {
        "meeting": {
            "id": meeting.pk,
            "council": meeting.council.name,
            "date": local_start.date().isoformat(),
            "starts": local_start.strftime("%H:%M"),
            "ends": local_end.strftime("%H:%M"),
            "location": meeting.location,
            "link": meeting.link,
            "adjuster": access.person_label(ARCHIVE, meeting.adjuster),
        },
        "attendance": [
            {
                "person": access.person_label(ARCHIVE, row.person),
                "seat": str(seat_names.get(row.seat, row.seat)),
                "unit": row.unit.name if row.unit else "",
                "presence": row.presence,
                "presence_name": str(presence_names.get(row.presence, row.presence)),
            }
            for row in attendance
        ],
        "items": [
            {
                "number": number,
                "title": item.title,
                "kind": item.kind,
                "unit": item.unit.name if item.unit else "",
                "description": item.description.strip(),
                "minutes": item.minutes.strip(),
                "secret": item.secret,
                "secrecy_provision": item.secrecy_provision,
                "advice": [
                    {
                        "text": advice.text.strip(),
                        "to": advice.unit.name if advice.unit else advice.board.name,
                        "follow_up_by": access.person_label(ARCHIVE, advice.follow_up_by),
                        "follow_up_on": advice.follow_up_on.isoformat(),
                    }
                    for advice in advice_by_item[item.pk]
                ],
            }
            for number, item in enumerate(items, start=1)
        ],
    }


def content_sha256(meeting: Meeting) -> str:
    """SHA-256 of the minutes as they read now: a justering is given on exactly this."""
    return sha256_of(content(meeting))


def sha256_of(value: dict[str, Any]) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


def content_for(p: Principal, value: dict[str, Any]) -> dict[str, Any]:
    """Frozen minutes as `p` may read them: a secret item shows only its heading and lagrum to
    whoever is not a member."""
    if is_member(p):
        return value
    items = []
    for item in value.get("items", []):
        if sees_item(p, item):
            items.append(item)
        else:
            items.append(
                {
                    **{key: item.get(key) for key in ("number", "title", "kind", "secret", "secrecy_provision")},
                    "unit": "",
                    "description": "",
                    "minutes": "",
                    "advice": [],
                }
            )
    return {**value, "items": items}


def minutes_visible_to(p: Principal) -> QuerySet[Minutes]:
    """Justerade minutes: everyone who is logged in reads them (secret items by heading only)."""
    return Minutes.objects.select_related("meeting")


# --- standing items ----------------------------------------------------------------------------


StandingFunction = Callable[[Meeting], list[StandingItem]]


def _overdue_measures(meeting: Meeting) -> list[StandingItem]:
    from lis.risks.models import Measure
    from lis.risks.selectors import overdue

    counts: dict[int, int] = defaultdict(int)
    for unit_id in overdue(Measure.objects.all(), access.today()).values_list("analysis__unit_id", flat=True):
        counts[unit_id] += 1
    units = OrgUnit.objects.in_bulk(list(counts))
    return [
        StandingItem(
            key="overdue_measures",
            title=_("Försenade åtgärder: %(unit)s") % {"unit": units[unit_id].name},
            description=_("%(count)s beslutade åtgärder är försenade.") % {"count": count},
            unit=units[unit_id],
            links=[(_("Visa åtgärderna"), reverse("risks:measure_list") + f"?enhet={unit_id}&forsenad=1")],
            count=count,
        )
        for unit_id, count in sorted(counts.items(), key=lambda item: units[item[0]].name)
    ]


def _undecided_plans(meeting: Meeting) -> list[StandingItem]:
    from lis.organisation.services import mandate_period_for
    from lis.plans.models import ActionPlan, ActionPlanVersion, FollowUp
    from lis.risks.models import SecurityAnalysis

    period = mandate_period_for(access.today(), get_pack().action_plan_period_anchor)
    plans = (
        ActionPlan.objects.filter(period=period)
        .annotate(
            decided=Exists(ActionPlanVersion.objects.filter(plan=OuterRef("pk"))),
            followed_up=Exists(FollowUp.objects.filter(plan=OuterRef("pk"))),
        )
        .filter(Q(decided=False) | Q(followed_up=False))
        .select_related("unit")
        .order_by("unit__name")
    )
    analyses = (
        SecurityAnalysis.objects.filter(period=period)
        .exclude(status=SecurityAnalysis.Status.REPORTED)
        .select_related("unit")
        .order_by("unit__name")
    )
    links = [
        (
            _("Handlingsplan %(unit)s") % {"unit": plan.unit.name},
            reverse("plans:plan_detail", args=[plan.pk]),
        )
        for plan in plans
    ] + [
        (
            _("Analys %(unit)s") % {"unit": analysis.unit.name},
            reverse("risks:analysis_detail", args=[analysis.pk]),
        )
        for analysis in analyses
    ]
    if not links:
        return []
    return [
        StandingItem(
            key="undecided_plans",
            title=_("Handlingsplaner och analyser som inte är beslutade eller uppföljda"),
            description=_("Mandatperioden %(period)s: %(count)s handlingsplaner eller analyser.")
            % {"period": period, "count": len(links)},
            unit=None,
            links=links,
            count=len(links),
        )
    ]


def _reviews_due(meeting: Meeting) -> list[StandingItem]:
    from lis.plans.models import ContinuityPlan, Routine

    day = timezone.localtime(meeting.starts_at).date()
    routines = Routine.objects.filter(status=Routine.Status.ADOPTED, next_review__lte=day).order_by("name")
    plans = ContinuityPlan.objects.filter(review_due__lte=day).order_by("title")
    links = [(routine.name, reverse("plans:routine_detail", args=[routine.pk])) for routine in routines] + [
        (plan.title, reverse("plans:continuity_detail", args=[plan.pk])) for plan in plans
    ]
    if not links:
        return []
    return [
        StandingItem(
            key="reviews_due",
            title=_("Rutiner och kontinuitetsplaner som ska granskas"),
            description=_("%(count)s ska ha granskats senast mötesdagen.") % {"count": len(links)},
            unit=None,
            links=links,
            count=len(links),
        )
    ]


def _sua_missing(meeting: Meeting) -> list[StandingItem]:
    systems = list(systems_needing_sua().order_by("name")[:50])
    count = systems_needing_sua().count() if len(systems) == 50 else len(systems)
    if not count:
        return []
    return [
        StandingItem(
            key="sua_missing",
            title=_("Externt drivna system utan aktuell SUA-bedömning"),
            description=_("%(count)s system saknar en SUA-bedömning för sin driftsform.") % {"count": count},
            unit=None,
            links=[(s.name, reverse("council:sua_create") + f"?system={s.pk}") for s in systems],
            count=count,
        )
    ]


def _open_advice(meeting: Meeting) -> list[StandingItem]:
    advice = list(open_advice().exclude(agenda_item__meeting=meeting))
    if not advice:
        return []
    return [
        StandingItem(
            key="open_advice",
            title=_("Råd som inte är uppföljda"),
            description=_("%(count)s råd från tidigare möten väntar på uppföljning.") % {"count": len(advice)},
            unit=None,
            links=[(a.text[:80], reverse("council:advice_follow_up", args=[a.pk])) for a in advice],
            count=len(advice),
        )
    ]


_BUILT_IN: list[StandingFunction] = [_overdue_measures, _undecided_plans, _reviews_due, _sua_missing, _open_advice]


def standing_items(meeting: Meeting) -> list[StandingItem]:
    """What the dagordning should take up, from the live objects in LIS (only items with
    something to take up)."""
    found = [item for function in _BUILT_IN for item in function(meeting)]
    previous = (
        Meeting.objects.filter(council=meeting.council, starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return found + extensions.standing_items(previous)


# --- SUA (POL-3.26) ----------------------------------------------------------------------------


def external_operating_models() -> list[str]:
    return [choice.key for choice in get_pack().operating_models if choice.get("external")]


def sua_latest(system: InformationSystem) -> SuaAssessment | None:
    return SuaAssessment.objects.filter(system=system).order_by("-decided_on", "-pk").first()


def sua_status(system: InformationSystem) -> str:
    """'not_required' (driftsform not external), 'missing', 'outdated' (the latest assessment
    was made for another driftsform) or 'done'."""
    if system.operating_model not in external_operating_models():
        return "not_required"
    latest = sua_latest(system)
    if latest is None:
        return "missing"
    return "outdated" if latest.operating_model != system.operating_model else "done"


def _latest_sua(column: str) -> Subquery:
    return Subquery(
        SuaAssessment.objects.filter(system=OuterRef("pk")).order_by("-decided_on", "-pk").values(column)[:1]
    )


def systems_with_sua_status() -> QuerySet[InformationSystem]:
    """Systems in use with an external driftsform, annotated with their latest assessment's
    driftsform (`sua_model`) and agenda item (`sua_item`)."""
    return (
        InformationSystem.objects.filter(operating_model__in=external_operating_models())
        .exclude(status=InformationSystem.Status.DECOMMISSIONED)
        .annotate(sua_model=_latest_sua("operating_model"), sua_item=_latest_sua("agenda_item_id"))
    )


def systems_needing_sua() -> QuerySet[InformationSystem]:
    """External systems in use without an assessment for their current driftsform."""
    return (
        systems_with_sua_status()
        .filter(Q(sua_model__isnull=True) | ~Q(sua_model=F("operating_model")))
        .select_related("unit")
    )


def sua_visible_to(p: Principal) -> QuerySet[SuaAssessment]:
    assessments = SuaAssessment.objects.select_related("system", "system__unit", "decided_by", "agenda_item")
    if is_member(p):
        return assessments
    return assessments.filter(access.system_filter(p, "system__"))


# --- advice (POL-3.6, POL-3.31) ---------------------------------------------------------------


def open_advice() -> QuerySet[Advice]:
    return (
        Advice.objects.filter(followed_up_on__isnull=True)
        .select_related("unit", "board", "follow_up_by", "agenda_item", "agenda_item__meeting")
        .order_by("follow_up_on", "pk")
    )


def advice_visible_to(p: Principal) -> QuerySet[Advice]:
    """Members and managers read all advice; others the advice in justerade minutes, outside
    secret items."""
    advice = Advice.objects.select_related("unit", "board", "follow_up_by", "agenda_item", "agenda_item__meeting")
    if is_member(p) or can_manage(p):
        return advice
    visible = Q(agenda_item__meeting__minutes__isnull=False, agenda_item__secret=False)
    if p.person is not None:
        visible |= Q(follow_up_by=p.person)  # the one who follows it up
    return advice.filter(visible)
