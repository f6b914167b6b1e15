"""Every write to the organisation: checks permission, validates, writes and records the
change in one transaction (DESIGN.md, "Services")."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.changelog import record_create
from lis.core.models import User
from lis.core.pack import PolicyPack, get_pack
from lis.core.services import create_object, update_object

from .models import ROLE_SCOPE, Board, Decision, MandatePeriod, Municipality, OrgUnit, Person, Role, RoleAssignment


def municipality_get() -> Municipality:
    """The kommun this installation serves, as named by the policy pack."""
    pack = get_pack()
    municipality = Municipality.objects.filter(code=pack.municipality_code).first()
    if municipality is None:
        raise Municipality.DoesNotExist(
            _("Kommunen %(name)s finns inte i databasen. Kör 'manage.py load_reference'.")
            % {"name": pack.municipality_name}
        )
    return municipality


@transaction.atomic
def municipality_ensure(*, actor: User | None = None) -> Municipality:
    pack = get_pack()
    municipality = Municipality.objects.filter(code=pack.municipality_code).first()
    if municipality is None:
        municipality = create_object(
            Municipality(name=pack.municipality_name, code=pack.municipality_code), actor=actor
        )
    elif municipality.name != pack.municipality_name:
        update_object(municipality, {"name": pack.municipality_name}, actor=actor)
    return municipality


# --- boards ---------------------------------------------------------------------------------

BOARD_FIELDS = ("name", "short_name", "kind", "responsible_for_security", "partner_municipalities", "member_count")


def _check_responsible_board(board: Board) -> None:
    if board.responsible_for_security:
        others = Board.objects.filter(municipality=board.municipality, responsible_for_security=True)
        if board.pk:
            others = others.exclude(pk=board.pk)
        if others.exists():
            raise ValidationError(
                {
                    "responsible_for_security": _(
                        "Endast en nämnd kan vara ansvarig nämnd för IT och informationssäkerhet (POL-3.1)."
                    )
                }
            )


@transaction.atomic
def board_create(*, actor: User | None, **fields: Any) -> Board:
    access.require(access.can_manage_organisation(access.principal_for(actor)) or actor is None)
    board = Board(municipality=municipality_get(), **{k: v for k, v in fields.items() if k in BOARD_FIELDS})
    return create_object(board, actor=actor, validate=_check_responsible_board)


@transaction.atomic
def board_update(*, actor: User | None, board: Board, **fields: Any) -> Board:
    access.require(access.can_manage_organisation(access.principal_for(actor)) or actor is None)
    changes = {k: v for k, v in fields.items() if k in BOARD_FIELDS}
    return update_object(board, changes, actor=actor, validate=_check_responsible_board)


@transaction.atomic
def board_end(*, actor: User | None, board: Board, ended_on: datetime.date) -> Board:
    access.require(access.can_manage_organisation(access.principal_for(actor)))
    if board.governed_units.filter(ended_on__isnull=True).exists():
        raise ValidationError(
            {
                "ended_on": _(
                    "Nämnden styr förvaltningar eller bolag som inte har upphört. Flytta eller avsluta dem först."
                )
            }
        )
    return update_object(board, {"ended_on": ended_on}, actor=actor)


# --- units ----------------------------------------------------------------------------------

UNIT_FIELDS = ("name", "short_name", "kind", "parent", "governing_board", "function", "organisation_number", "code")


def _validate_unit_shape(unit: OrgUnit) -> None:
    errors: dict[str, str] = {}
    if unit.is_top_level and unit.governing_board_id is None:
        errors["governing_board"] = _("En förvaltning eller ett bolag måste ha en styrande nämnd eller styrelse.")
    if unit.kind == OrgUnit.Kind.UNIT and unit.parent_id is None:
        errors["parent"] = _("En enhet måste ingå i en förvaltning, ett bolag eller en annan enhet.")
    if unit.is_top_level and unit.parent_id is not None:
        errors["parent"] = _("En förvaltning eller ett bolag kan inte ingå i någon annan enhet.")
    if unit.pk and unit.parent_id and unit.parent.path.startswith(unit.path):
        errors["parent"] = _("En enhet kan inte ingå i sig själv eller i en av sina underenheter.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def unit_create(*, actor: User | None, **fields: Any) -> OrgUnit:
    p = access.principal_for(actor)
    unit = OrgUnit(municipality=municipality_get(), path="/", **{k: v for k, v in fields.items() if k in UNIT_FIELDS})
    _validate_unit_shape(unit)
    if actor is not None:
        # A förvaltningschef or samordnare may add enheter inside their own unit.
        allowed = access.can_manage_organisation(p) or (
            unit.kind == OrgUnit.Kind.UNIT and unit.parent is not None and p.can_manage_unit(unit.parent)
        )
        access.require(allowed)
    unit.full_clean()
    unit.save()
    unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    record_create(unit, user=actor)
    return unit


@transaction.atomic
def unit_update(*, actor: User | None, unit: OrgUnit, **fields: Any) -> OrgUnit:
    p = access.principal_for(actor)
    access.require(actor is None or p.can_manage_unit(unit))
    changes = {k: v for k, v in fields.items() if k in UNIT_FIELDS}
    new_parent = changes.get("parent", unit.parent)
    moving = new_parent != unit.parent
    reshaping = moving or any(
        name in changes and changes[name] != getattr(unit, name) for name in ("governing_board", "kind")
    )
    if actor is not None and reshaping:
        # Moving a unit or changing who governs it reshapes the organisation; a unit
        # manager may only move an enhet between units they manage.
        access.require(
            access.can_manage_organisation(p)
            or (
                unit.kind == OrgUnit.Kind.UNIT
                and not (set(changes) & {"governing_board", "kind"})
                and new_parent is not None
                and p.can_manage_unit(new_parent)
            )
        )
    old_path = unit.path
    update_object(unit, changes, actor=actor, validate=_validate_unit_shape)
    if moving:
        new_path = f"{new_parent.path if new_parent else '/'}{unit.pk}/"
        OrgUnit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
        )
        unit.path = new_path
    return unit


@transaction.atomic
def unit_end(*, actor: User | None, unit: OrgUnit, ended_on: datetime.date) -> OrgUnit:
    access.require(access.can_manage_organisation(access.principal_for(actor)))
    active_children = OrgUnit.objects.filter(parent=unit).filter(ended_on__isnull=True)
    if active_children.exists():
        raise ValidationError({"ended_on": _("Enheten har underenheter som inte har upphört. Avsluta dem först.")})
    return update_object(unit, {"ended_on": ended_on}, actor=actor)


# --- mandate periods ------------------------------------------------------------------------


def _period_bounds(pack: PolicyPack, anchor: str, election_year: int) -> tuple[datetime.date, datetime.date]:
    a = pack.council_anchor if anchor == MandatePeriod.Anchor.COUNCIL else pack.board_anchor
    start = datetime.date(election_year + a.year_offset, a.month, a.day)
    next_start = datetime.date(election_year + pack.mandate_length_years + a.year_offset, a.month, a.day)
    return start, next_start - datetime.timedelta(days=1)


def election_year_for(day: datetime.date, anchor: str, pack: PolicyPack | None = None) -> int:
    """The election year of the mandate period (of `anchor`) that contains `day`."""
    pack = pack or get_pack()
    length = pack.mandate_length_years
    year = pack.reference_election_year + ((day.year - pack.reference_election_year) // length) * length
    start, end = _period_bounds(pack, anchor, year)
    if day < start:
        year -= length
    elif day > end:
        year += length
    return year


@transaction.atomic
def mandate_period_for(day: datetime.date, anchor: str = MandatePeriod.Anchor.BOARD) -> MandatePeriod:
    """The mandate period containing `day`, created from the pack's anchors when first needed."""
    pack = get_pack()
    year = election_year_for(day, anchor, pack)
    period = MandatePeriod.objects.filter(anchor=anchor, election_year=year).first()
    if period is None:
        start, end = _period_bounds(pack, anchor, year)
        period = create_object(
            MandatePeriod(anchor=anchor, election_year=year, starts_on=start, ends_on=end), actor=None
        )
    return period


def _opens_on(election_year: int, starts_on: datetime.date) -> datetime.date:
    a = get_pack().council_anchor
    return min(starts_on, datetime.date(election_year + a.year_offset, a.month, a.day))


def mandate_period_opens_on(period: MandatePeriod) -> datetime.date:
    """The day work for `period` may begin: when the council's new term starts after the
    election (the pack's council anchor), or the period's own start if that is earlier."""
    return _opens_on(period.election_year, period.starts_on)


def startable_mandate_periods(day: datetime.date, anchor: str = MandatePeriod.Anchor.BOARD) -> list[MandatePeriod]:
    """The period containing `day`, and the next one once it has opened (its election held):
    in the last months of a period a förvaltning prepares the next period's analysis and plan."""
    current = mandate_period_for(day, anchor)
    next_start = current.ends_on + datetime.timedelta(days=1)
    if day < _opens_on(current.election_year + get_pack().mandate_length_years, next_start):
        return [current]
    return [current, mandate_period_for(next_start, anchor)]


def current_mandate_period(anchor: str = MandatePeriod.Anchor.BOARD) -> MandatePeriod:
    return mandate_period_for(access.today(), anchor)


# --- people ---------------------------------------------------------------------------------

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "kind",
    "title",
    "unit",
    "email",
    "phone",
    "protected_identity",
    "employee_number",
    "manager",
)


def _validate_person(person: Person) -> None:
    person.employee_number = (person.employee_number or "").strip()
    if person.manager_id is not None and person.pk is not None and person.manager_id == person.pk:
        raise ValidationError({"manager": _("En person kan inte vara sin egen chef.")})


@transaction.atomic
def person_create(*, actor: User | None, **fields: Any) -> Person:
    p = access.principal_for(actor)
    values = {k: v for k, v in fields.items() if k in PERSON_FIELDS + ("user",)}
    if actor is not None:
        access.require(access.can_manage_person(p, unit=values.get("unit")))
        if values.get("protected_identity"):
            access.require(
                p.sees_protected_identities, _("Endast HR och administratörer kan markera skyddad identitet.")
            )
    return create_object(Person(municipality=municipality_get(), **values), actor=actor, validate=_validate_person)


@transaction.atomic
def person_update(*, actor: User | None, person: Person, **fields: Any) -> Person:
    p = access.principal_for(actor)
    changes = {k: v for k, v in fields.items() if k in PERSON_FIELDS + ("user",)}
    if actor is not None:
        access.require(access.can_manage_person(p, person=person))
        if "unit" in changes and changes["unit"] != person.unit:
            access.require(
                access.can_manage_person(p, unit=changes["unit"]),
                _("Du kan inte flytta personen till en enhet du inte ansvarar för."),
            )
        if "protected_identity" in changes and changes["protected_identity"] != person.protected_identity:
            access.require(p.sees_protected_identities, _("Endast HR och administratörer kan ändra skyddad identitet."))
        if person.protected_identity and not p.sees_protected_identities:
            # Knowledge of the identity stays with HR (POL-3.30): others cannot edit it.
            access.require(False, _("Personen har skyddad identitet. Kontakta HR."))
    return update_object(person, changes, actor=actor, validate=_validate_person)


@transaction.atomic
def person_login_create(*, actor: User | None, person: Person, username: str, password: str) -> User:
    """Give a person a login (administrators only) with a temporary password, which its owner must
    change at the first login. With SSO, logins are linked by e-mail instead."""
    access.require(
        actor is None or access.principal_for(actor).has_role("administrator"),
        _("Endast administratörer kan skapa inloggningar."),
    )
    if person.user_id is not None:
        raise ValidationError({"username": _("Personen har redan en inloggning.")})
    if not person.is_active:
        raise ValidationError({"username": _("Personen har slutat och kan inte få en inloggning.")})
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Användarnamnet %(name)s är upptaget.") % {"name": username}})
    user = User(
        username=username,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        must_change_password=True,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    record_create(user, user=actor)
    update_object(person, {"user": user}, actor=actor)
    return user


@transaction.atomic
def person_end(*, actor: User | None, person: Person, ended_on: datetime.date) -> Person:
    """A person leaves: their open role assignments end the same day."""
    p = access.principal_for(actor)
    access.require(actor is None or access.can_manage_person(p, person=person))
    for assignment in person.roles.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=ended_on)).select_related(
        "unit", "board"
    ):
        # HR ends employments; others may only end the roles they could have given. Nobody ends
        # their own.
        may_end = access.can_change_role_assignment(p, assignment) or (
            p.has_role("hr") and not access.holds_assignment(p, assignment)
        )
        if actor is not None and not may_end:
            raise ValidationError(
                {
                    "ended_on": _(
                        "Personen har rollen %(role)s, som du inte kan avsluta. Be säkerhetsstrategen eller en "
                        "administratör avsluta personen."
                    )
                    % {"role": assignment.get_role_display()}
                }
            )
        update_object(assignment, {"ends_on": max(ended_on, assignment.starts_on)}, actor=actor)
    return update_object(person, {"ended_on": ended_on}, actor=actor)


# --- role assignments -----------------------------------------------------------------------

ROLE_FIELDS = ("person", "role", "unit", "board", "starts_on", "ends_on", "note")


def _validate_role(assignment: RoleAssignment) -> None:
    scope = ROLE_SCOPE.get(assignment.role)
    errors: dict[str, str] = {}
    if scope == "unit" and assignment.unit_id is None:
        errors["unit"] = _("Rollen %(role)s gäller en förvaltning, ett bolag eller en enhet. Välj enhet.") % {
            "role": assignment.get_role_display()
        }
    if scope == "board" and assignment.board_id is None:
        errors["board"] = _("Rollen %(role)s gäller en nämnd eller styrelse. Välj nämnd/styrelse.") % {
            "role": assignment.get_role_display()
        }
    if scope != "board" and assignment.board_id is not None:
        errors["board"] = _("Rollen %(role)s gäller inte en nämnd eller styrelse.") % {
            "role": assignment.get_role_display()
        }
    if scope is None and assignment.unit_id is not None and assignment.role != Role.HR:
        errors["unit"] = _("Rollen %(role)s gäller hela kommunen och har ingen enhet.") % {
            "role": assignment.get_role_display()
        }
    if assignment.role == Role.COUNCIL_REPRESENTATIVE and assignment.unit_id and not assignment.unit.is_top_level:
        errors["unit"] = _("E-rådsrepresentanten måste företräda en förvaltning eller ett bolag (POL-3.4).")
    if assignment.ends_on and assignment.ends_on < assignment.starts_on:
        errors["ends_on"] = _("Slutdatum kan inte vara före startdatum.")
    if assignment.person_id and assignment.person.ended_on and assignment.starts_on > assignment.person.ended_on:
        errors["starts_on"] = _("Personen har slutat och kan inte få nya roller.")
    if errors:
        raise ValidationError(errors)


def _require_change(p: access.Principal, assignment: RoleAssignment) -> None:
    """Nobody edits, extends or ends their own role assignment; others only what they could give."""
    access.require(not access.holds_assignment(p, assignment), _("Du kan inte ändra eller avsluta dina egna roller."))
    access.require(access.can_change_role_assignment(p, assignment))


@transaction.atomic
def role_assign(*, actor: User | None, **fields: Any) -> RoleAssignment:
    assignment = RoleAssignment(**{k: v for k, v in fields.items() if k in ROLE_FIELDS})
    if actor is not None:
        p = access.principal_for(actor)
        access.require(
            access.can_assign_role(p, assignment.role, assignment.unit, assignment.board),
            _("Du får inte tilldela rollen %(role)s här.") % {"role": assignment.get_role_display()},
        )
        if access.holds_assignment(p, assignment):
            raise ValidationError({"person": _("Du kan inte tilldela dig själv en roll.")})
    return create_object(assignment, actor=actor, validate=_validate_role)


@transaction.atomic
def role_assignment_update(*, actor: User | None, assignment: RoleAssignment, **fields: Any) -> RoleAssignment:
    changes = {k: v for k, v in fields.items() if k in ROLE_FIELDS and k != "person"}
    if actor is not None:
        p = access.principal_for(actor)
        _require_change(p, assignment)
        role = changes.get("role", assignment.role)
        unit, board = changes.get("unit", assignment.unit), changes.get("board", assignment.board)
        access.require(
            access.can_assign_role(p, role, unit, board),
            _("Du får inte tilldela rollen %(role)s här.") % {"role": dict(Role.choices).get(role, role)},
        )
    return update_object(assignment, changes, actor=actor, validate=_validate_role)


@transaction.atomic
def role_assignment_end(*, actor: User | None, assignment: RoleAssignment, ends_on: datetime.date) -> RoleAssignment:
    if actor is not None:
        p = access.principal_for(actor)
        _require_change(p, assignment)
    if ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": _("Slutdatum kan inte vara före startdatum.")})
    return update_object(assignment, {"ends_on": ends_on}, actor=actor)


# --- decisions of a nämnd or styrelse ---------------------------------------------------------


def diary_series(board: Board) -> str:
    """The series a board's diarienummer belongs to: the board itself, or one kommun-wide series."""
    return board.short_name if get_pack().diary_series_per_board else ""


@transaction.atomic
def decision_record(
    *,
    actor: User | None,
    board: Board,
    meeting_date: datetime.date,
    paragraph: int,
    diary_number: str,
    subject: str,
    unit: OrgUnit | None = None,
) -> Decision:
    """Record a decision of `board`. When the decision concerns a förvaltning's or bolag's own
    document (its analysis, its plan), `unit` is given and only the board that governs it (a
    joint nämnd, a bolag's styrelse) may have made it. A meeting after today has not been held."""
    pack = get_pack()
    errors: dict[str, str] = {}
    if unit is not None and board.pk != unit.governing_board_id:
        errors["board"] = _("Beslutet fattas av %(board)s, som styr %(unit)s.") % {
            "board": unit.governing_board.name,
            "unit": unit.name,
        }
    elif board.ended_on is not None and board.ended_on < meeting_date:
        errors["board"] = _("Nämnden eller styrelsen hade upphört vid sammanträdet.")
    if meeting_date > access.today():
        errors["meeting_date"] = _(
            "Sammanträdet kan inte ligga efter dagens datum. Registrera beslutet när det är fattat."
        )
    try:
        year, serial = pack.parse_diary_number(diary_number, board=board.short_name)
    except ValueError:
        example = pack.format_diary_number(year=meeting_date.year, serial=14, board=board.short_name)
        errors["diary_number"] = _("Skriv diarienumret som i nämndens diarium, till exempel %(example)s.") % {
            "example": example
        }
    else:
        if year > meeting_date.year:
            errors["diary_number"] = _("Diarienumret kan inte vara från ett senare år än sammanträdet.")
    if errors:
        raise ValidationError(errors)
    return create_object(
        Decision(
            board=board,
            meeting_date=meeting_date,
            paragraph=paragraph,
            diary_series=diary_series(board),
            diary_year=year,
            diary_serial=serial,
            subject=subject,
            recorded_by=actor,
        ),
        actor=actor,
    )
