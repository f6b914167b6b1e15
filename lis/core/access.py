"""Who may view and change what (POL-2.3: "rätt information ... för rätt person").

The one place where access is decided. Selectors filter querysets with the predicates here,
services check the `can_*` functions before they write, and templates ask through the
`person_name` tag. A `Principal` is computed once per request from the user's active role
assignments and their unit scope.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from lis.core.models import User
    from lis.organisation.models import Board, OrgUnit, Person, RoleAssignment

# Roles that see everything in the LIS (read).
GLOBAL_VIEW_ROLES = frozenset(
    {
        "security_strategist",
        "administrator",
        "municipal_director",
        "it_manager",
        "deputy_signals_chief",
        "council_chair",
    }
)
# Roles that may change anything in the LIS (the säkerhetsstrateg runs it, POL-3.7).
GLOBAL_MANAGE_ROLES = frozenset({"security_strategist", "administrator"})
# Roles that manage the unit they are assigned to, with its enheter.
UNIT_MANAGE_ROLES = frozenset({"unit_head", "security_coordinator"})
# Roles that read the unit they are assigned to, with its enheter.
UNIT_VIEW_ROLES = UNIT_MANAGE_ROLES | {"council_representative", "council_deputy"}
# Roles that know who has a skyddad identitet (POL-3.30: "så få individer som möjligt").
PROTECTED_IDENTITY_ROLES = frozenset({"administrator", "hr"})
# Roles that know which positions are säkerhetsklassade (POL-3.25: "bestäms på central nivå";
# the säkerhetsskyddschef and HR decide them).
CLASSIFIED_POSITION_ROLES = frozenset({"security_strategist", "hr", "administrator"})
# Roles a förvaltningschef/VD appoints within their own unit (POL-3.4: the E-råd
# representatives "ska utses av respektive förvaltningschef/VD"; the samordnare works for the
# chef). The policy lets no samordnare appoint anyone, so nobody below the säkerhetsstrateg
# gives a peer of their own role or rights wider than their own.
UNIT_HEAD_APPOINTS = frozenset({"security_coordinator", "council_representative", "council_deputy"})


def today() -> datetime.date:
    return timezone.localdate()


@dataclass
class Principal:
    """What one user may do, derived from their active role assignments."""

    user: User | None
    person: Person | None
    assignments: list[RoleAssignment] = field(default_factory=list)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(a.role for a in self.assignments)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None and self.user.is_authenticated

    @property
    def is_superuser(self) -> bool:
        return bool(self.user and self.user.is_superuser)

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.roles & set(roles))

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or bool(self.roles & GLOBAL_VIEW_ROLES)

    @property
    def manages_everything(self) -> bool:
        return self.is_superuser or bool(self.roles & GLOBAL_MANAGE_ROLES)

    @property
    def sees_protected_identities(self) -> bool:
        return self.is_superuser or bool(self.roles & PROTECTED_IDENTITY_ROLES)

    def _unit_paths(self, roles: frozenset[str]) -> list[str]:
        return [a.unit.path for a in self.assignments if a.role in roles and a.unit_id]

    @cached_property
    def managed_unit_paths(self) -> list[str]:
        return self._unit_paths(UNIT_MANAGE_ROLES)

    @cached_property
    def headed_unit_paths(self) -> list[str]:
        return self._unit_paths(frozenset({"unit_head"}))

    @cached_property
    def viewed_unit_paths(self) -> list[str]:
        return self._unit_paths(UNIT_VIEW_ROLES)

    @cached_property
    def board_ids(self) -> frozenset[int]:
        return frozenset(a.board_id for a in self.assignments if a.role == "board_member" and a.board_id)

    @cached_property
    def governed_unit_paths(self) -> list[str]:
        if not self.board_ids:
            return []
        OrgUnit = apps.get_model("organisation", "OrgUnit")
        return list(OrgUnit.objects.filter(governing_board_id__in=self.board_ids).values_list("path", flat=True))

    # --- predicates for querysets -------------------------------------------------------

    def unit_filter(self, prefix: str = "", *, manage: bool = False, governed: bool = True) -> Q:
        """Q over an OrgUnit (or a relation to one, via `prefix`) that this user may view,
        or manage when `manage`. `governed`: include what a nämnd member reads through their
        board. Never a query per row."""
        if self.manages_everything if manage else self.sees_everything:
            return Q()
        paths = self.managed_unit_paths if manage else self.viewed_unit_paths
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(**{f"{prefix}path__startswith": path})
        if governed and not manage:
            # Nämnd and styrelse members read the förvaltning/bolag their board governs.
            for path in self.governed_unit_paths:
                condition |= Q(**{f"{prefix}path__startswith": path})
        return condition

    def can_view_unit(self, unit: OrgUnit) -> bool:
        if self.sees_everything:
            return True
        if any(unit.path.startswith(p) for p in self.viewed_unit_paths):
            return True
        return any(unit.path.startswith(p) for p in self.governed_unit_paths)

    def can_manage_unit(self, unit: OrgUnit) -> bool:
        return self.manages_everything or any(unit.path.startswith(p) for p in self.managed_unit_paths)


def principal_for(user: User | None, *, on: datetime.date | None = None) -> Principal:
    """The principal of `user`, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return Principal(user=None, person=None)
    cached = getattr(user, "_lis_principal", None)
    if cached is not None and on is None:
        return cached
    Person = apps.get_model("organisation", "Person")
    RoleAssignment = apps.get_model("organisation", "RoleAssignment")
    day = on or today()
    try:
        person = user.person  # loaded with the user by LisModelBackend.get_user
    except Person.DoesNotExist:
        person = None
    assignments: list = []
    if person is not None and person.is_active:
        assignments = list(RoleAssignment.objects.active(day).filter(person=person).select_related("unit", "board"))
    principal = Principal(user=user, person=person, assignments=assignments)
    if on is None:
        user._lis_principal = principal
    return principal


def require(allowed: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (a 403 page) unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message or _("Du har inte behörighet till detta."))


# --- organisation -------------------------------------------------------------------------


def can_manage_organisation(p: Principal) -> bool:
    """Create and end boards and förvaltningar/bolag; edit any unit."""
    return p.manages_everything


def can_manage_person(p: Principal, person: Person | None = None, unit: OrgUnit | None = None) -> bool:
    """Create (with `unit`) or change (with `person`) a person record."""
    if p.manages_everything or p.has_role("hr"):
        return True
    target = unit if person is None else person.unit
    return target is not None and p.can_manage_unit(target)


def can_appoint(p: Principal) -> bool:
    """Give anyone any role at all (see can_assign_role)."""
    return p.manages_everything or bool(p.headed_unit_paths)


def appointing_unit_filter(p: Principal) -> Q:
    """Q over the OrgUnits in which this user may give roles."""
    if p.manages_everything:
        return Q()
    condition = Q(pk__in=[])
    for path in p.headed_unit_paths:
        condition |= Q(path__startswith=path)
    return condition


def can_assign_role(p: Principal, role: str, unit: OrgUnit | None, board: Board | None) -> bool:
    """Give `role` (for `unit` or `board`) to someone else (never to oneself, see holds_assignment)."""
    if p.has_role("administrator"):
        return True
    if role == "administrator":
        return False
    if p.manages_everything:
        return True
    return (
        role in UNIT_HEAD_APPOINTS
        and unit is not None
        and any(unit.path.startswith(path) for path in p.headed_unit_paths)
    )


def holds_assignment(p: Principal, assignment: RoleAssignment) -> bool:
    return p.person is not None and p.person.pk == assignment.person_id


def can_change_role_assignment(p: Principal, assignment: RoleAssignment) -> bool:
    """Edit or end a role assignment: one this user could give, and never their own (nobody
    extends, widens or keeps their own rights)."""
    return not holds_assignment(p, assignment) and can_assign_role(
        p, assignment.role, assignment.unit, assignment.board
    )


def can_view_compliance(p: Principal) -> bool:
    """Efterlevnad: those who answer for some part of the kommun (each sees their part)."""
    return p.sees_everything or bool(p.viewed_unit_paths) or bool(p.board_ids)


def can_see_classified_positions(p: Principal) -> bool:
    """Who may know that a position is säkerhetsklassad, or that the register exists (POL-3.25)."""
    return p.is_authenticated and (p.is_superuser or bool(p.roles & CLASSIFIED_POSITION_ROLES))


def can_publish_policy(p: Principal) -> bool:
    """The säkerhetsstrateg keeps the policy updated and available (POL-3.7): publishes its
    versions and records the decisions that adopted them."""
    return p.has_role("security_strategist")


def can_view_changelog(p: Principal) -> bool:
    """The whole kommun's change log (each object's Historik follows the object's access)."""
    return p.sees_everything


def identity_withheld(p: Principal, person: Person | None) -> bool:
    """The one rule of POL-3.30 ("så få individer som möjligt"): whether this viewer may know
    of `person` no more than the pseudonym and the kind (medarbetare/förtroendevald) – not the
    name, unit, title, contact details, login, roles or what their history records. Every view,
    export and history asks here; HR, administrators and the person themself see everything."""
    if person is None or not person.protected_identity or p.sees_protected_identities:
        return False
    return p.person is None or p.person.pk != person.pk


def withheld_people(p: Principal, prefix: str = "") -> Q:
    """`identity_withheld` as a filter on people (`prefix` is the path to the person, e.g.
    "person__"); matches nobody for those who see protected identities."""
    if p.sees_protected_identities:
        return Q(pk__in=[])
    withheld = Q(**{f"{prefix}protected_identity": True})
    if p.person is not None:
        withheld &= ~Q(**{f"{prefix}pk": p.person.pk})
    return withheld


def person_label(p: Principal, person: Person | None) -> str:
    """A person's name as this viewer may see it (POL-3.30)."""
    if person is None:
        return ""
    return person.pseudonym if identity_withheld(p, person) else str(person)


def person_ordering(p: Principal, prefix: str = "") -> tuple[str | OrderBy, ...]:
    """How to sort people for this viewer (`prefix` as in `withheld_people`): by name, but a
    withheld identity must not sort where its real name would, so those come last, by their
    pseudonym's number (POL-3.30)."""
    names = (f"{prefix}last_name", f"{prefix}first_name", f"{prefix}pk")
    if p.sees_protected_identities:
        return names
    withheld = withheld_people(p, prefix)
    hidden = Case(When(withheld, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        hidden.asc(),
        *(Case(When(withheld, then=Value("")), default=F(name), output_field=CharField()).asc() for name in names[:2]),
        names[2],
    )


def user_label(p: Principal, user) -> str:
    """A login's name as this viewer may see it: the person's (pseudonymised if protected)."""
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person_label(p, person) if person is not None else user.get_username()


# --- informationssystem -------------------------------------------------------------------


def system_filter(p: Principal, prefix: str = "") -> Q:
    """Q over InformationSystem rows this user may view: their units' register, what their
    nämnd governs, and the systems they are ansvarig chef or systemförvaltare of."""
    if p.sees_everything:
        return Q()
    condition = p.unit_filter(f"{prefix}unit__")
    if p.person is not None:
        condition |= Q(**{f"{prefix}responsible_manager": p.person}) | Q(**{f"{prefix}system_steward": p.person})
    return condition


def _is_named_on(p: Principal, system) -> bool:
    return p.person is not None and p.person.pk in (system.responsible_manager_id, system.system_steward_id)


def can_manage_system(p: Principal, system) -> bool:
    """Edit the system, its information sets, groups and agreements; propose a classification."""
    return p.can_manage_unit(system.unit) or _is_named_on(p, system)


def can_create_system(p: Principal, unit) -> bool:
    return p.can_manage_unit(unit)


def can_approve_classification(p: Principal, system) -> bool:
    """Fastställa: the unit's förvaltningschef or samordnare, the säkerhetsstrateg, or the
    system's ansvarig chef; never the one who proposed it (checked by the service)."""
    return p.can_manage_unit(system.unit) or (p.person is not None and p.person.pk == system.responsible_manager_id)


def can_manage_parties(p: Principal) -> bool:
    return p.manages_everything or bool(p.managed_unit_paths)


# --- continuity plans and routines ---------------------------------------------------------


def is_it_unit_manager(p: Principal) -> bool:
    """A förvaltningschef or samordnare of a unit whose function is IT (IT-enheten)."""
    return any(
        a.role in UNIT_MANAGE_ROLES and a.unit_id and getattr(a.unit, "function", "") == "it" for a in p.assignments
    )


def speaks_for_it_unit(p: Principal) -> bool:
    """IT-enheten: the IT-chef and the IT unit's förvaltningschef and samordnare, and the
    säkerhetsstrateg or an administrator (who may do anything). Plans maintenance (POL-3.28),
    keeps the platform register (POL-3.29) and is consulted on procurement (POL-3.27)."""
    return p.manages_everything or "it_manager" in p.roles or is_it_unit_manager(p)


def _it_owned(p: Principal, unit) -> bool:
    """The IT-chef answers for what IT-enheten owns (POL-3.16)."""
    return "it_manager" in p.roles and getattr(unit, "function", "") == "it"


def can_view_continuity(p: Principal, plan) -> bool:
    return (
        p.sees_everything
        or p.can_view_unit(plan.owner_unit)
        or _it_owned(p, plan.owner_unit)
        or (plan.system is not None and (p.can_view_unit(plan.system.unit) or _is_named_on(p, plan.system)))
    )


def can_manage_continuity(p: Principal, plan) -> bool:
    return (
        p.can_manage_unit(plan.owner_unit)
        or _it_owned(p, plan.owner_unit)
        or (plan.system is not None and can_manage_system(p, plan.system))
    )


def can_manage_routine(p: Principal, routine) -> bool:
    """The säkerhetsstrateg assigns the required routines; the owning unit and the named owner keep them."""
    if p.manages_everything:
        return True
    if routine.owner_unit is not None and (p.can_manage_unit(routine.owner_unit) or _it_owned(p, routine.owner_unit)):
        return True
    return p.person is not None and p.person.pk == routine.owner_id
