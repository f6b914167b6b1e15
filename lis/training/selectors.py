"""Permission-aware reads of the training register (POL-3.18, POL-3.12), and the `can_*`
predicates the services and views ask.

A person's awareness status is computed in the database, in one annotated query over any number
of people: for each awareness course the pack's (or the course's own) renewal interval gives a
cut-off date, and a completion on or after it is valid. "Snart dags" is valid today but not
`pack.training_due_soon_days` ahead; "förfallen" has a completion, none valid; "saknas" has none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from lis.core import access
from lis.core.access import Principal
from lis.core.clock import add_months
from lis.core.pack import get_pack
from lis.organisation.models import OrgUnit, Person
from lis.organisation.selectors import active_q, staff_of
from lis.systems.models import InformationSystem

from .models import Completion, Course

VALID, DUE, OVERDUE, MISSING = "valid", "due", "overdue", "missing"
STATUS_LABELS = {
    VALID: _("Giltig"),
    DUE: _("Snart dags"),
    OVERDUE: _("Förfallen"),
    MISSING: _("Saknas"),
}
UNTRAINED = "untrained"  # a filter: overdue or missing
FILTERS = {**STATUS_LABELS, UNTRAINED: _("Saknar giltig (förfallen eller saknas)")}
STATUS_TONES = {VALID: "ok", DUE: "due", OVERDUE: "overdue", MISSING: "overdue"}


# --- dates ------------------------------------------------------------------------------------


def renewal_months(course: Course) -> int | None:
    """How long a completion of `course` is valid: its own interval, the pack's for the awareness
    course, and for ever (None) for other courses without one."""
    if course.renewal_months:
        return course.renewal_months
    if course.kind == Course.Kind.AWARENESS:
        return get_pack().training_awareness_renewal_months
    return None


def valid_until(course: Course, completed_on: datetime.date | None) -> datetime.date | None:
    """The last day a completion is valid; None when it never expires (or there is none)."""
    months = renewal_months(course)
    if completed_on is None or months is None:
        return None
    return add_months(completed_on, months)


def status_for(course: Course, completed_on: datetime.date | None, today: datetime.date | None = None) -> str:
    """The status of one person's latest completion of one course."""
    today = today or access.today()
    if completed_on is None:
        return MISSING
    until = valid_until(course, completed_on)
    if until is None:
        return VALID
    if until < today:
        return OVERDUE
    if until < today + datetime.timedelta(days=get_pack().training_due_soon_days):
        return DUE
    return VALID


@dataclass(frozen=True)
class AwarenessCutoffs:
    """The conditions on Completion rows (prefix-able) that make a person's awareness training
    valid today, and valid still at the end of the due-soon window."""

    courses: dict[int, Course]
    valid: Q
    lasting: Q
    any: Q


def awareness_courses() -> dict[int, Course]:
    return {c.pk: c for c in Course.objects.filter(kind=Course.Kind.AWARENESS)}


def awareness_cutoffs(today: datetime.date | None = None, courses: dict[int, Course] | None = None) -> AwarenessCutoffs:
    today = today or access.today()
    courses = awareness_courses() if courses is None else courses
    soon = today + datetime.timedelta(days=get_pack().training_due_soon_days)
    valid = Q(pk__in=[])
    lasting = Q(pk__in=[])
    for pk, course in courses.items():
        months = renewal_months(course) or 0
        # valid_until(c) >= day  <=>  completed_on >= day - months
        valid |= Q(course_id=pk, completed_on__gte=add_months(today, -months))
        lasting |= Q(course_id=pk, completed_on__gte=add_months(soon, -months))
    return AwarenessCutoffs(courses=courses, valid=valid, lasting=lasting, any=Q(course_id__in=list(courses)))


def with_awareness(people: QuerySet[Person], today: datetime.date | None = None) -> QuerySet[Person]:
    """`people` annotated with `training_status` (VALID/DUE/OVERDUE/MISSING), `training_latest`
    (the latest awareness completion's date) and `training_course` (its course id): one query."""
    cut = awareness_cutoffs(today)
    own = Completion.objects.filter(person=OuterRef("pk"))
    latest = own.filter(cut.any).order_by("-completed_on", "-pk")
    return people.annotate(
        training_latest=Subquery(latest.values("completed_on")[:1]),
        training_course=Subquery(latest.values("course_id")[:1]),
        training_status=Case(
            When(Exists(own.filter(cut.lasting)), then=Value(VALID)),
            When(Exists(own.filter(cut.valid)), then=Value(DUE)),
            When(Exists(own.filter(cut.any)), then=Value(OVERDUE)),
            default=Value(MISSING),
            output_field=CharField(),
        ),
    )


def awareness_valid_until(person: Person, courses: dict[int, Course]) -> datetime.date | None:
    """For a person annotated by `with_awareness`: how long their latest completion is valid."""
    course = courses.get(getattr(person, "training_course", None))
    if course is None:
        return None
    return valid_until(course, person.training_latest)


# --- who may do what -----------------------------------------------------------------------


def sees_all_staff(p: Principal) -> bool:
    return p.sees_everything or p.has_role("hr")


def staff_unit_paths(p: Principal) -> list[str]:
    """The units whose staff the user answers for: those they head (chef) and those where they
    are informationssäkerhetssamordnare (`Principal.managed_unit_paths` holds both)."""
    return p.managed_unit_paths


def has_staff_view(p: Principal) -> bool:
    """Whether the overview shows this user staff (a chef, a samordnare, HR or a global viewer)."""
    return sees_all_staff(p) or bool(staff_unit_paths(p))


def is_staff_of(p: Principal, person: Person) -> bool:
    """`person` is among those the user answers for (see `staff_visible_to`)."""
    if sees_all_staff(p):
        return True
    unit = person.unit
    return unit is not None and any(unit.path.startswith(path) for path in staff_unit_paths(p))


def can_view_person_training(p: Principal, person: Person) -> bool:
    """The person themself, their chef or samordnare, HR and those who see everything."""
    if p.person is not None and p.person.pk == person.pk:
        return True
    return is_staff_of(p, person)


def is_own(p: Principal, person: Person) -> bool:
    return p.person is not None and p.person.pk == person.pk


def can_register_completion(p: Principal, person: Person | None = None) -> bool:
    """Register a completion by hand: the chef and the unit's informationssäkerhetssamordnare
    for their staff, HR, the säkerhetsstrateg and administrators (`person` None: for anyone at
    all). Never one's own: a chef who is systemförvaltare could otherwise backdate their own
    system training and clear POL-3.12 (`is_own`)."""
    if person is not None and is_own(p, person):
        return False
    if p.manages_everything or p.has_role("hr"):
        return True
    if person is None:
        return bool(staff_unit_paths(p))
    # Reading everything (the IT-chef, the kommundirektör) is not answering for the staff.
    unit = person.unit
    return (
        person.kind == Person.Kind.EMPLOYEE
        and unit is not None
        and any(unit.path.startswith(path) for path in staff_unit_paths(p))
    )


def can_remove_completion(p: Principal, completion: Completion) -> bool:
    """Remove a wrong completion (with a reason): whoever may register one for the person, also
    for an imported one (the next import brings it back unless the LMS is corrected too)."""
    return can_register_completion(p, completion.person)


def can_edit_completion(p: Principal, completion: Completion) -> bool:
    """Correct the date or reference of a completion registered by hand. An imported one is the
    LMS's record: it is removed, not edited."""
    return completion.source == Completion.Source.MANUAL and can_register_completion(p, completion.person)


def can_import(p: Principal) -> bool:
    return p.manages_everything or p.has_role("hr")


def can_manage_courses(p: Principal) -> bool:
    """The whole catalogue: the säkerhetsstrateg and administrators."""
    return p.manages_everything


def can_manage_system_course(p: Principal, system: InformationSystem | None) -> bool:
    """A course in one system: also the system's unit managers and its ansvarig chef."""
    if p.manages_everything:
        return True
    if system is None:
        return False
    return p.can_manage_unit(system.unit) or (p.person is not None and p.person.pk == system.responsible_manager_id)


def can_create_course(p: Principal) -> bool:
    return p.manages_everything or bool(p.managed_unit_paths) or bool(manageable_systems(p).exists())


def can_edit_course(p: Principal, course: Course) -> bool:
    if p.manages_everything:
        return True
    return course.kind == Course.Kind.SYSTEM and can_manage_system_course(p, course.system)


def manageable_systems(p: Principal) -> QuerySet[InformationSystem]:
    """Systems for which the user may keep a system course."""
    systems = InformationSystem.objects.select_related("unit").order_by("name", "pk")
    if p.manages_everything:
        return systems
    condition = p.unit_filter("unit__", manage=True)
    if p.person is not None:
        condition |= Q(responsible_manager=p.person)
    return systems.filter(condition)


# --- reads -------------------------------------------------------------------------------------


def courses(p: Principal) -> QuerySet[Course]:
    """The catalogue as the user may read it: the awareness and other courses for every
    signed-in user, a system course only when the user may see its system (the register's
    `system_filter`, as a subquery: the same single query whatever the number of courses)."""
    found = Course.objects.select_related("system", "system__unit")
    if p.sees_everything:
        return found
    visible = InformationSystem.objects.filter(access.system_filter(p)).values("pk")
    return found.filter(Q(system__isnull=True) | Q(system__in=visible))


def registrable_courses(p: Principal) -> QuerySet[Course]:
    """The courses offered when registering a completion: HR and those who manage everything
    register for anyone, so every course; a chef the courses they may read."""
    if p.manages_everything or p.has_role("hr"):
        return Course.objects.select_related("system")
    return courses(p)


def course_search(p: Principal, *, q: str = "", kind: str = "") -> QuerySet[Course]:
    """The catalogue filtered by a search text (name, code or system) and a kind."""
    found = courses(p).order_by("kind", "name", "pk")
    if kind in Course.Kind.values:
        found = found.filter(kind=kind)
    if q:
        found = found.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(system__name__icontains=q))
    return found


def course_get(p: Principal, pk: int) -> Course:
    """A course the user may read (404 otherwise, like a system they may not see)."""
    course = courses(p).filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def staff_visible_to(p: Principal) -> QuerySet[Person]:
    """The staff a chef or a unit's informationssäkerhetssamordnare answers for (all employees
    for HR and global viewers): organisation's `staff_of`, widened to the samordnare's units."""
    if not has_staff_view(p):
        return Person.objects.none()
    if sees_all_staff(p) or set(staff_unit_paths(p)) == set(p.headed_unit_paths):
        return staff_of(p)
    condition = Q(pk__in=[])
    for path in staff_unit_paths(p):
        condition |= Q(unit__path__startswith=path)
    return Person.objects.filter(active_q(), kind=Person.Kind.EMPLOYEE).filter(condition).select_related("unit")


def registrable_staff(p: Principal) -> QuerySet[Person]:
    """Whom the user may register a completion for (`can_register_completion`): never themself."""
    if p.manages_everything or p.has_role("hr"):
        people = staff_of(p)
    else:
        condition = Q(pk__in=[])
        for path in staff_unit_paths(p):
            condition |= Q(unit__path__startswith=path)
        people = Person.objects.filter(active_q(), kind=Person.Kind.EMPLOYEE).filter(condition).select_related("unit")
    return people.exclude(pk=p.person.pk) if p.person is not None else people


def staff_units(p: Principal) -> QuerySet[OrgUnit]:
    """Units the overview may filter on."""
    units = OrgUnit.objects.filter(active_q()).order_by("path")
    if sees_all_staff(p):
        return units
    condition = Q(pk__in=[])
    for path in staff_unit_paths(p):
        condition |= Q(path__startswith=path)
    return units.filter(condition)


def staff_overview(
    p: Principal, *, unit: OrgUnit | None = None, status: str = "", today: datetime.date | None = None
) -> QuerySet[Person]:
    """The staff with their awareness status, filtered by unit (with its enheter) and status."""
    people = with_awareness(staff_visible_to(p), today)
    if unit is not None:
        # A withheld identity's unit is not for this viewer to learn (POL-3.30).
        people = people.filter(unit__path__startswith=unit.path).exclude(access.withheld_people(p))
    if status == UNTRAINED:
        people = people.filter(training_status__in=[OVERDUE, MISSING])
    elif status in STATUS_LABELS:
        people = people.filter(training_status=status)
    if p.sees_protected_identities:
        return people.order_by("unit__path", *access.person_ordering(p))
    # Withheld identities last, by pseudonym, not among their unit's people: the order must not
    # tell where they work either.
    withheld = access.withheld_people(p)
    hidden = Case(When(withheld, then=Value(1)), default=Value(0), output_field=IntegerField())
    unit_path = Case(When(withheld, then=Value("")), default=F("unit__path"), output_field=CharField())
    return people.order_by(hidden.asc(), unit_path.asc(), *access.person_ordering(p))


def overview_rows(ids: list[int], today: datetime.date | None = None) -> list[Person]:
    """The people of one page of `staff_overview` (their ids, in its order), annotated: the
    per-person subqueries run for these rows only, not for every row the page is sorted among."""
    found = {
        person.pk: person for person in with_awareness(Person.objects.filter(pk__in=ids), today).select_related("unit")
    }
    return [found[pk] for pk in ids if pk in found]


def counts_per_unit(people: QuerySet[Person], within: OrgUnit | None = None) -> list[dict]:
    """Per unit one level below `within` (the förvaltningar and bolag when None; further down
    while everyone is in one unit): how many of `people` (annotated) have each status. One grouped
    query and one for the units' names, whatever the number of people and units; a row's unit
    counts its enheter."""
    rows = list(people.order_by().values("unit__path", "training_status").annotate(n=Count("pk")))
    depth = len(within.path.strip("/").split("/")) if within is not None else 0

    def key(path: str | None, level: int) -> str:
        parts = (path or "").strip("/").split("/") if path else []
        return "/" + "/".join(parts[: level + 1]) + "/" if parts else ""

    level = depth
    for _step in range(12):
        groups = {key(row["unit__path"], level) for row in rows}
        deeper = {key(row["unit__path"], level + 1) for row in rows}
        if len(groups) != 1 or deeper == groups:
            break
        level += 1
    units: dict[str, dict] = {}
    for row in rows:
        path = key(row["unit__path"], level)
        entry = units.setdefault(
            path, {"unit_id": None, "name": "", "path": path, "total": 0} | {status: 0 for status in STATUS_LABELS}
        )
        entry[row["training_status"]] += row["n"]
        entry["total"] += row["n"]
    for path, entry in units.items():
        # People directly in a unit that also has a row for one of its enheter.
        entry["direct"] = bool(path) and any(other != path and other.startswith(path) for other in units)
    ids = {int(path.strip("/").rsplit("/", 1)[-1]): path for path in units if path}
    for pk, name in OrgUnit.objects.filter(pk__in=list(ids)).values_list("pk", "name"):
        units[ids[pk]] |= {"unit_id": pk, "name": name}
    return sorted(units.values(), key=lambda e: (e["path"] == "", e["name"].casefold(), e["path"]))


def completions_of(p: Principal, person: Person) -> QuerySet[Completion]:
    if not can_view_person_training(p, person):
        return Completion.objects.none()
    return Completion.objects.filter(person=person).select_related("course", "course__system", "recorded_by")


def with_actions(p: Principal, completions: list[Completion], person: Person) -> list[Completion]:
    """Mark each completion of `person` with what the user may do to it (`may_edit`,
    `may_remove`): one permission check for the person, no query per row."""
    allowed = can_register_completion(p, person)
    for completion in completions:
        completion.may_remove = allowed
        completion.may_edit = allowed and completion.source == Completion.Source.MANUAL
    return completions


def completion_get(p: Principal, pk: int) -> Completion:
    """A completion the user may see (404 otherwise: its existence is not disclosed)."""
    completion = (
        Completion.objects.select_related("person", "person__unit", "course", "course__system").filter(pk=pk).first()
    )
    if completion is None or not can_view_person_training(p, completion.person):
        raise Http404
    return completion


@dataclass
class CourseStatus:
    course: Course
    status: str
    completed_on: datetime.date | None
    valid_until: datetime.date | None
    reason: str = ""

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def tone(self) -> str:
        return STATUS_TONES[self.status]


def training_for(person: Person, today: datetime.date | None = None) -> list[CourseStatus]:
    """Each course that applies to `person`: the awareness course(s) (their status from any
    awareness completion) and the courses of the systems the person is systemförvaltare or
    ansvarig chef of. Three queries."""
    today = today or access.today()
    latest: dict[int, datetime.date] = {}
    for course_id, day in Completion.objects.filter(person=person).values_list("course_id", "completed_on"):
        if course_id not in latest or day > latest[course_id]:
            latest[course_id] = day
    rows: list[CourseStatus] = []
    awareness = [
        c
        for c in Course.objects.filter(kind=Course.Kind.AWARENESS).order_by("name", "pk")
        if c.ended_on is None or c.pk in latest
    ]
    best: tuple[datetime.date, Course] | None = None
    for course in awareness:
        if course.pk in latest:
            until = valid_until(course, latest[course.pk])
            if until is not None and (best is None or until > best[0]):
                best = (until, course)
    # One row for awareness training however many awareness courses there are: the best status
    # among them, shown as the course that gave it while it is still given (else the first one
    # given, the one to take).
    offered = [c for c in awareness if c.ended_on is None or c.ended_on > today]
    if offered:
        shown = best[1] if best is not None and best[1] in offered else offered[0]
        done = latest.get(best[1].pk) if best else None
        status = status_for(best[1], done, today) if best else MISSING
        rows.append(CourseStatus(shown, status, done, best[0] if best else None, _("Alla medarbetare (POL-3.18)")))
    systems = InformationSystem.objects.filter(Q(system_steward=person) | Q(responsible_manager=person)).exclude(
        status=InformationSystem.Status.DECOMMISSIONED
    )
    system_courses = (
        Course.objects.filter(kind=Course.Kind.SYSTEM, system__in=systems)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today) | Q(pk__in=list(latest)))
        .select_related("system")
        .order_by("system__name", "name")
    )
    for course in system_courses:
        done = latest.get(course.pk)
        reason = (
            _("Du är systemförvaltare (POL-3.12)")
            if course.system.system_steward_id == person.pk
            else _("Du är ansvarig chef för systemet")
        )
        rows.append(CourseStatus(course, status_for(course, done, today), done, valid_until(course, done), reason))
    return rows


def openable_courses(p: Principal, rows: list[CourseStatus]) -> set[int]:
    """Of the courses in `rows` (someone's training), those the user may open: one query."""
    return set(courses(p).filter(pk__in=[row.course.pk for row in rows]).values_list("pk", flat=True))


def stewarded_systems_without_course(person: Person) -> QuerySet[InformationSystem]:
    return (
        InformationSystem.objects.filter(system_steward=person)
        .exclude(pk__in=Course.objects.filter(kind=Course.Kind.SYSTEM).values("system_id"))
        .exclude(status=InformationSystem.Status.DECOMMISSIONED)
    )


def people_by_email(emails: list[str]) -> dict[str, list[Person]]:
    found: dict[str, list[Person]] = {}
    for person in Person.objects.filter(email__in=emails).select_related("unit"):
        found.setdefault(person.email.casefold(), []).append(person)
    return found
