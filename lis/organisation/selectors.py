"""Permission-aware reads of the organisation. Views read only through these."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from lis.core import access
from lis.core.access import Principal

from .models import Board, MandatePeriod, OrgUnit, Person, RoleAssignment


def active_q(prefix: str = "", field: str = "ended_on") -> Q:
    return Q(**{f"{prefix}{field}__isnull": True}) | Q(**{f"{prefix}{field}__gt": access.today()})


def units_visible_to(p: Principal) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(p.unit_filter()).select_related("governing_board", "parent")


def unit_get(p: Principal, pk: int) -> OrgUnit:
    unit = OrgUnit.objects.select_related("governing_board", "parent").filter(pk=pk).first()
    if unit is None or not p.can_view_unit(unit):
        raise Http404
    return unit


def boards_visible_to(p: Principal) -> QuerySet[Board]:
    if p.sees_everything:
        return Board.objects.all()
    unit_boards = OrgUnit.objects.filter(p.unit_filter()).values("governing_board_id")
    return Board.objects.filter(Q(pk__in=p.board_ids) | Q(pk__in=unit_boards))


def board_get(p: Principal, pk: int) -> Board:
    board = boards_visible_to(p).filter(pk=pk).first()
    if board is None:
        raise Http404
    return board


def people_visible_to(p: Principal) -> QuerySet[Person]:
    queryset = Person.objects.select_related("unit")
    if p.sees_everything or p.has_role("hr"):
        return queryset
    own = Q(pk=p.person.pk) if p.person is not None else Q(pk__in=[])
    # Nämnd members read their förvaltning's register, not its staff list.
    return queryset.filter(own | Q(unit__in=OrgUnit.objects.filter(p.unit_filter(governed=False))))


def person_get(p: Principal, pk: int) -> Person:
    person = people_visible_to(p).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def people_search(
    p: Principal, *, query: str = "", unit: OrgUnit | None = None, include_ended: bool = False
) -> QuerySet[Person]:
    queryset = people_visible_to(p)
    if not include_ended:
        queryset = queryset.filter(active_q())
    # Nothing of a withheld identity (name, e-mail, befattning, unit) may find it (POL-3.30).
    disclosed = ~access.withheld_people(p)
    if unit is not None:
        queryset = queryset.filter(Q(unit__path__startswith=unit.path) & disclosed)
    for word in query.split()[:5]:
        personal = Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        personal |= Q(title__icontains=word) | Q(unit__name__icontains=word)
        queryset = queryset.filter(personal & disclosed)
    return queryset.order_by(*access.person_ordering(p))


def role_assignments_visible_to(p: Principal, *, active_only: bool = True) -> QuerySet[RoleAssignment]:
    """Role assignments this viewer may see: not those of a withheld identity (POL-3.30), whose
    roles and units the person's page withholds too."""
    queryset = (
        RoleAssignment.objects.select_related("person", "unit", "board")
        .filter(person__in=people_visible_to(p))
        .exclude(access.withheld_people(p, "person__"))
    )
    return queryset.active() if active_only else queryset


def role_assignment_get(p: Principal, pk: int) -> RoleAssignment:
    assignment = role_assignments_visible_to(p, active_only=False).filter(pk=pk).first()
    if assignment is None:
        raise Http404
    return assignment


def unit_tree(p: Principal, *, include_ended: bool = False) -> list[OrgUnit]:
    """Visible units in tree order, each with `depth`, and their active heads prefetched."""
    queryset = units_visible_to(p)
    if not include_ended:
        queryset = queryset.filter(active_q())
    heads = (
        RoleAssignment.objects.active()
        .filter(role="unit_head")
        .exclude(access.withheld_people(p, "person__"))
        .select_related("person")
        .order_by(*access.person_ordering(p, "person__"))
    )
    units = list(queryset.prefetch_related(Prefetch("role_assignments", heads, to_attr="heads")))
    # Depth-first, siblings by name; a unit whose parent is hidden starts its own branch.
    by_parent: dict[int | None, list[OrgUnit]] = {}
    ids = {unit.pk for unit in units}
    for unit in units:
        by_parent.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
    ordered: list[OrgUnit] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in sorted(by_parent.get(parent_id, []), key=lambda u: (u.kind == "unit", u.name)):
            unit.tree_depth = depth
            ordered.append(unit)
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


def mandate_periods() -> QuerySet[MandatePeriod]:
    return MandatePeriod.objects.all()


def people_choices(p: Principal, *current: int | None) -> QuerySet[Person]:
    """People the user may pick in a form, and whoever the object already names (so an edit keeps them)."""
    return (
        Person.objects.filter(
            Q(pk__in=people_visible_to(p).filter(active_q()).values("pk")) | Q(pk__in=[c for c in current if c])
        )
        .select_related("unit")
        .order_by(*access.person_ordering(p))
    )


def ancestor_paths(path: str) -> list[str]:
    """The paths of a unit and its ancestors ("/1/5/" -> ["/1/", "/1/5/"])."""
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def managers_of(people, *, on=None) -> dict[int, int | None]:
    """Each person's chef (person id -> the chef's person id, None when they have none), in at
    most two queries. The chef HR names (`Person.manager`, from the HR sync or set by hand) comes
    first, while that chef has not left and is not the person themself. Otherwise the
    förvaltningschef/VD (role unit_head) of the person's own unit or, when it has none, of the
    nearest unit above it; never the person themself, so a chef's own chef is found from the
    unit above. Not access-controlled: it says who decides for the person (POL-3.19, POL-3.20)."""
    day = on or access.today()
    people = [person for person in people if person is not None]
    named = {person.manager_id for person in people if person.manager_id is not None and person.manager_id != person.pk}
    active_named = (
        set(
            Person.objects.filter(pk__in=named)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
            .values_list("pk", flat=True)
        )
        if named
        else set()
    )
    result: dict[int, int | None] = {}
    rest = []
    for person in people:
        if person.manager_id in active_named and person.manager_id != person.pk:
            result[person.pk] = person.manager_id
        else:
            rest.append(person)
    people = rest
    paths = {path for person in people if person.unit_id is not None for path in ancestor_paths(person.unit.path)}
    heads: dict[str, list[RoleAssignment]] = {}
    if paths:
        assignments = (
            RoleAssignment.objects.active(day)
            .filter(role="unit_head", unit__path__in=paths, person__ended_on__isnull=True)
            .select_related("unit")
        )
        for assignment in assignments:
            heads.setdefault(assignment.unit.path, []).append(assignment)
    for person in people:
        candidates = [
            assignment
            for path in (ancestor_paths(person.unit.path) if person.unit_id is not None else [])
            for assignment in heads.get(path, [])
            if assignment.person_id != person.pk
        ]
        best = max(candidates, key=lambda a: (len(a.unit.path), a.starts_on, a.pk)) if candidates else None
        result[person.pk] = best.person_id if best is not None else None
    return result


def manager_of(person: Person, *, on=None) -> Person | None:
    """The person's chef (see `managers_of`), or None."""
    chef = managers_of([person], on=on).get(person.pk)
    return Person.objects.filter(pk=chef).first() if chef is not None else None


def staff_of(p: Principal) -> QuerySet[Person]:
    """The people a chef answers for (POL-3.18): active people in the units the user heads
    (unit_head), with their enheter, and those HR names them chef of. Everyone for those who see
    everything and for HR."""
    queryset = Person.objects.filter(active_q(), kind=Person.Kind.EMPLOYEE).select_related("unit")
    if p.sees_everything or p.has_role("hr"):
        return queryset
    condition = Q(manager=p.person) if p.person is not None else Q(pk__in=[])
    for path in p.headed_unit_paths:
        condition |= Q(unit__path__startswith=path)
    return queryset.filter(condition)
