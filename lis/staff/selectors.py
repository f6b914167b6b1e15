"""Who sees and decides what in the staff app, and the reads its pages make.

Exceptions (POL-3.20): the person's chef (`manager_of` at decision time) decides, never the
person themself and never a strateg on the chef's behalf. The person sees their own; a chef and
the unit's samordnare see their units' register; HR and those who see everything see all.

Distansarbete (POL-3.19): the person's chef or HR records; the person sees their own, chefs
their staff's, HR and those who see everything all.

Säkerhetsklassade placeringar (POL-3.25): known only to the säkerhetsskyddschef (role
security_strategist), HR and administrators (and superusers). For everybody else the register
does not exist: every page answers 404."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis.core import access
from lis.core.access import Principal
from lis.core.clock import add_months
from lis.core.pack import get_pack
from lis.organisation.models import OrgUnit, Person, RoleAssignment
from lis.organisation.selectors import active_q, manager_of, managers_of

from .models import ClassifiedPosition, PolicyException, RemoteWorkAgreement

Status = PolicyException.Status


# --- dates ------------------------------------------------------------------------------------


def latest_valid_until(start: datetime.date) -> datetime.date:
    """The last day an exception decided on `start` may be valid (pack.exception_max_months)."""
    return add_months(start, get_pack().exception_max_months)


def review_from(today: datetime.date) -> datetime.date:
    """Granted exceptions valid until this day or earlier are due for review."""
    return today + datetime.timedelta(days=get_pack().exception_review_before_days)


def exception_state(exception: PolicyException, today: datetime.date | None = None) -> str:
    """ "expired" (granted, past valid_until, not ended: "har löpt ut"), "review" (granted and
    valid_until within the review period: "ska granskas"), "no_expiry" or ""."""
    today = today or access.today()
    if exception.status != Status.GRANTED:
        return ""
    if exception.valid_until is None:
        return "no_expiry"
    if exception.valid_until < today:
        return "expired"
    if exception.valid_until <= review_from(today):
        return "review"
    return ""


STATE_TEXT = {
    "review": gettext_lazy("Ska granskas"),
    "expired": gettext_lazy("Har löpt ut"),
    "no_expiry": gettext_lazy("Saknar slutdatum"),
}


def state_text(state: str) -> str:
    """The label of an `exception_state` ("" for none), the same on every page."""
    return str(STATE_TEXT[state]) if state in STATE_TEXT else ""


def state_q(state: str, today: datetime.date | None = None) -> Q:
    today = today or access.today()
    granted = Q(status=Status.GRANTED)
    if state == "expired":
        return granted & Q(valid_until__lt=today)
    if state == "review":
        return granted & Q(valid_until__gte=today, valid_until__lte=review_from(today))
    if state == "no_expiry":
        return granted & Q(valid_until__isnull=True)
    return Q()


# --- who is whose chef, in bulk ------------------------------------------------------------------


def is_chef_of(p: Principal, person: Person) -> bool:
    """Whether the signed-in person is `person`'s chef today (never themself)."""
    if p.person is None or person.pk == p.person.pk:
        return False
    chef = manager_of(person)
    return chef is not None and chef.pk == p.person.pk


def _headed_q(p: Principal, prefix: str) -> Q:
    condition = Q(pk__in=[])
    for path in p.headed_unit_paths:
        condition |= Q(**{f"{prefix}path__startswith": path})
    return condition


def _staff_q(p: Principal) -> Q:
    """A condition on Person: the people whose chef (`managers_of`) is the signed-in person,
    built from the unit_head assignments in the units they head (one query). A person is
    decided at the deepest unit above/at theirs that has a head other than themself; there
    the head who started last (then the highest id) is the chef."""
    me = p.person.pk
    levels: dict[str, list[RoleAssignment]] = {}
    for assignment in (
        RoleAssignment.objects.active(access.today())
        .filter(_headed_q(p, "unit__"), role="unit_head", person__ended_on__isnull=True)
        .select_related("unit")
    ):
        levels.setdefault(assignment.unit.path, []).append(assignment)

    def best(assignments: list[RoleAssignment]) -> int | None:
        top = max(assignments, key=lambda a: (a.starts_on, a.pk), default=None)
        return top.person_id if top is not None else None

    def sole(path: str) -> int | None:
        persons = {a.person_id for a in levels[path]}
        return next(iter(persons)) if len(persons) == 1 else None

    condition = Q(pk__in=[])
    for path, heads in levels.items():
        head_ids = {a.person_id for a in heads}
        others_me = {h for h in head_ids if best([a for a in heads if a.person_id != h]) == me}
        if best(heads) != me and not others_me:
            continue
        decided = Q(unit__path__startswith=path)
        if sole(path) is not None:
            decided &= ~Q(pk=sole(path))  # a unit's only head is decided above it
        # Below the nearest units with their own head (except for that head alone) the chef is theirs.
        for deeper in levels:
            if deeper != path and deeper.startswith(path):
                between = [d for d in levels if d not in (path, deeper) and deeper.startswith(d) and d.startswith(path)]
                if not between:
                    own = sole(deeper)
                    decided &= ~(
                        Q(unit__path__startswith=deeper) & ~Q(pk=own) if own else Q(unit__path__startswith=deeper)
                    )
        mine = Q(pk__in=sorted(others_me))
        if best(heads) == me:
            mine |= ~Q(pk__in=sorted(head_ids))
        condition |= decided & mine
    return condition


def _hr_chef_q(prefix: str = "") -> Q:
    """A condition on Person: HR names an active chef for them (`Person.manager`, who then
    decides for them, lis.organisation.selectors.managers_of)."""
    return (
        Q(**{f"{prefix}manager__isnull": False})
        & active_q(f"{prefix}manager__")
        & ~Q(**{f"{prefix}manager": F(f"{prefix}pk" if prefix else "pk")})
    )


def my_staff(p: Principal) -> QuerySet[Person]:
    """The active employees whose chef the signed-in person is (`managers_of`), as a queryset
    (no list of ids, however many they are): those HR names them chef of, and those in the
    units they head who have no active chef named by HR."""
    if p.person is None:
        return Person.objects.none()
    mine = Q(manager=p.person) & active_q("manager__")
    if p.headed_unit_paths:
        mine |= _staff_q(p) & ~_hr_chef_q()
    return (
        Person.objects.filter(active_q(), mine, kind=Person.Kind.EMPLOYEE)
        .exclude(pk=p.person.pk)
        .select_related("unit")
        .order_by(*access.person_ordering(p))
    )


# --- exceptions: predicates -----------------------------------------------------------------


def _reads_all_exceptions(p: Principal) -> bool:
    return p.sees_everything or p.has_role("hr")


def can_request(p: Principal) -> bool:
    return p.is_authenticated and p.person is not None and p.person.is_active


def is_requester(p: Principal, exception: PolicyException) -> bool:
    return p.person is not None and exception.person_id == p.person.pk


def _in_managed_unit(p: Principal, unit: OrgUnit | None) -> bool:
    return unit is not None and any(unit.path.startswith(path) for path in p.managed_unit_paths)


def can_view_exceptions_of(p: Principal, person: Person) -> bool:
    """Whether the person's exceptions are for this user: their own, those of the people in the
    units they manage (chef or samordnare: the register) and all for HR and global viewers.
    The person page's tab and the register follow this same rule."""
    if not p.is_authenticated:
        return False
    if _reads_all_exceptions(p) or (p.person is not None and person.pk == p.person.pk):
        return True
    return _in_managed_unit(p, person.unit if person.unit_id else None)


def can_view_exception(p: Principal, exception: PolicyException) -> bool:
    if not p.is_authenticated:
        return False
    if can_view_exceptions_of(p, exception.person):
        return True
    if p.person is not None and exception.decided_by_id == p.person.pk:
        return True
    return _in_managed_unit(p, exception.unit)


def can_decide(p: Principal, exception: PolicyException) -> bool:
    """Only the person's chef today, only while the request is pending."""
    return exception.status == Status.REQUESTED and is_chef_of(p, exception.person)


def can_withdraw(p: Principal, exception: PolicyException) -> bool:
    return exception.status == Status.REQUESTED and is_requester(p, exception)


def can_end(p: Principal, exception: PolicyException) -> bool:
    return exception.status == Status.GRANTED and (is_requester(p, exception) or is_chef_of(p, exception.person))


def can_register_for(p: Principal, person: Person) -> bool:
    return is_chef_of(p, person)


def is_chef(p: Principal) -> bool:
    return p.person is not None and bool(p.headed_unit_paths)


def sees_register(p: Principal) -> bool:
    """Whether the unit register is for this user at all."""
    return p.is_authenticated and (_reads_all_exceptions(p) or bool(p.managed_unit_paths))


# --- exceptions: reads ----------------------------------------------------------------------


def exceptions_visible_to(p: Principal) -> QuerySet[PolicyException]:
    if not p.is_authenticated:
        return PolicyException.objects.none()
    if _reads_all_exceptions(p):
        return PolicyException.objects.all()
    condition = Q(pk__in=[])
    if p.person is not None:
        condition |= Q(person=p.person) | Q(decided_by=p.person)
    for path in p.managed_unit_paths:
        condition |= Q(unit__path__startswith=path) | Q(person__unit__path__startswith=path)
    return PolicyException.objects.filter(condition)


def register_for(p: Principal) -> QuerySet[PolicyException]:
    """The unit register: all for those who read everything, else the units one manages."""
    if not p.is_authenticated:
        return PolicyException.objects.none()
    if _reads_all_exceptions(p):
        return PolicyException.objects.all()
    condition = Q(pk__in=[])
    for path in p.managed_unit_paths:
        condition |= Q(unit__path__startswith=path) | Q(person__unit__path__startswith=path)
    return PolicyException.objects.filter(condition)


def _listed(queryset: QuerySet[PolicyException]) -> QuerySet[PolicyException]:
    return queryset.select_related("person", "unit", "decided_by")


def exception_get(p: Principal, pk: int) -> PolicyException:
    exception = (
        (_listed(PolicyException.objects.all()).select_related("person__unit", "requested_by", "recorded_by"))
        .filter(pk=pk)
        .first()
    )
    if exception is None or not can_view_exception(p, exception):
        raise Http404(_("Undantaget finns inte."))
    return exception


def my_exceptions(p: Principal) -> QuerySet[PolicyException]:
    if p.person is None:
        return PolicyException.objects.none()
    return _listed(PolicyException.objects.filter(person=p.person)).order_by("-created_at", "-pk")


def to_decide(p: Principal) -> list[PolicyException]:
    """The pending requests whose person has the signed-in person as chef today (two queries)."""
    if p.person is None:
        return []
    pending = list(
        _listed(PolicyException.objects.filter(status=Status.REQUESTED))
        .filter(_headed_q(p, "person__unit__") | Q(person__manager=p.person))
        .exclude(person=p.person)
        .select_related("person__unit")
        .order_by("requested_at", "pk")
    )
    chefs = managers_of([e.person for e in pending])
    return [e for e in pending if chefs.get(e.person_id) == p.person.pk]


def filtered(
    p: Principal, *, status: str = "", unit: OrgUnit | None = None, state: str = ""
) -> QuerySet[PolicyException]:
    queryset = register_for(p)
    if status:
        queryset = queryset.filter(status=status)
    if unit is not None:
        # A withheld identity's unit is not for this viewer to learn (POL-3.30).
        queryset = queryset.filter(unit__path__startswith=unit.path).exclude(access.withheld_people(p, "person__"))
    if state:
        queryset = queryset.filter(state_q(state))
    return _listed(queryset).order_by("-created_at", "-pk")


def register_units(p: Principal) -> QuerySet[OrgUnit]:
    if _reads_all_exceptions(p):
        return OrgUnit.objects.order_by("path")
    condition = Q(pk__in=[])
    for path in p.managed_unit_paths:
        condition |= Q(path__startswith=path)
    return OrgUnit.objects.filter(condition).order_by("path")


def register_needing_review(p: Principal) -> dict[str, int]:
    """How many granted exceptions in the units one manages (chef or samordnare) are due for
    review or expired: counted in the register itself (`register_for`), so the start page's
    numbers are the rows its links open (`filtered(p, state=...)`). One query."""
    if not p.is_authenticated or not p.managed_unit_paths:
        return {"review": 0, "expired": 0}
    return register_for(p).aggregate(
        review=Count("pk", filter=state_q("review")), expired=Count("pk", filter=state_q("expired"))
    )


# --- distansarbete --------------------------------------------------------------------------


def can_manage_remote_work(p: Principal, person: Person) -> bool:
    """The person's chef or HR; never for one's own agreement: the policy makes it an agreement
    between chef and medarbetare, so nobody records their own alone (a chef's is their chef's)."""
    if not p.is_authenticated or (p.person is not None and person.pk == p.person.pk):
        return False
    return p.has_role("hr") or is_chef_of(p, person)


def may_record_remote_work(p: Principal) -> bool:
    return p.is_authenticated and (p.has_role("hr") or is_chef(p))


def can_view_remote_work_of(p: Principal, person: Person) -> bool:
    """The same rule as `remote_work_visible_to`, for one person (the person page's tab)."""
    if not p.is_authenticated:
        return False
    if p.sees_everything or p.has_role("hr") or (p.person is not None and person.pk == p.person.pk):
        return True
    return person.unit_id is not None and any(person.unit.path.startswith(path) for path in p.headed_unit_paths)


def remote_work_visible_to(p: Principal) -> QuerySet[RemoteWorkAgreement]:
    if not p.is_authenticated:
        return RemoteWorkAgreement.objects.none()
    if p.sees_everything or p.has_role("hr"):
        return RemoteWorkAgreement.objects.all()
    condition = Q(pk__in=[])
    if p.person is not None:
        condition |= Q(person=p.person) | Q(manager=p.person)
    condition |= _headed_q(p, "person__unit__")
    return RemoteWorkAgreement.objects.filter(condition)


def remote_work_get(p: Principal, pk: int) -> RemoteWorkAgreement:
    agreement = (
        remote_work_visible_to(p).select_related("person__unit", "unit", "manager", "recorded_by").filter(pk=pk).first()
    )
    if agreement is None:
        raise Http404(_("Överenskommelsen finns inte."))
    return agreement


def remote_work_list(p: Principal, *, state: str = "", include_ended: bool = False) -> QuerySet[RemoteWorkAgreement]:
    today = access.today()
    queryset = remote_work_visible_to(p).select_related("person", "unit", "manager")
    if not include_ended:
        queryset = queryset.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    if state == "review":
        queryset = queryset.filter(review_on__lt=today)
    return queryset.order_by("-agreed_on", "-pk")


def remote_work_to_review(p: Principal) -> int:
    """The chef's agreements whose review date has passed (still in force)."""
    if p.person is None:
        return 0
    today = access.today()
    return (
        RemoteWorkAgreement.objects.filter(manager=p.person, review_on__lt=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .count()
    )


def remote_work_people(p: Principal) -> QuerySet[Person]:
    """Whom this user may record an agreement for: HR every employee but themself, a chef their
    staff. A queryset, for a form's choices (no list of ids)."""
    if p.has_role("hr"):
        queryset = Person.objects.filter(active_q(), kind=Person.Kind.EMPLOYEE)
        if p.person is not None:
            queryset = queryset.exclude(pk=p.person.pk)
        return queryset.select_related("unit").order_by(*access.person_ordering(p))
    return my_staff(p)


# --- säkerhetsklassade placeringar ------------------------------------------------------------


can_see_classified = access.can_see_classified_positions


def require_classified(p: Principal) -> None:
    """404 for everybody else: they may not even learn that the register exists."""
    if not can_see_classified(p):
        raise Http404


def classified_list(p: Principal, *, include_ended: bool = False) -> QuerySet[ClassifiedPosition]:
    if not can_see_classified(p):
        return ClassifiedPosition.objects.none()
    queryset = ClassifiedPosition.objects.select_related("unit", "holder", "decided_by")
    if not include_ended:
        queryset = queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=access.today()))
    return queryset


def classified_get(p: Principal, pk: int) -> ClassifiedPosition:
    require_classified(p)
    position = classified_list(p, include_ended=True).select_related("recorded_by").filter(pk=pk).first()
    if position is None:
        raise Http404
    return position


def security_chiefs() -> QuerySet[Person]:
    """The active säkerhetsskyddschef(er) (role security_strategist), who decide POL-3.25."""
    ids = RoleAssignment.objects.active().filter(role="security_strategist").values("person_id")
    return Person.objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk")
