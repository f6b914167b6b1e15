"""The only writers of the training register: courses and completions (POL-3.18, POL-3.12)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.changelog import record_create, record_delete, record_event, record_update, snapshot
from lis.core.models import User
from lis.organisation.models import Person
from lis.systems.models import InformationSystem

from . import selectors
from .models import Completion, Course

COURSE_FIELDS = ("name", "code", "kind", "system", "description", "renewal_months", "ended_on")


def _principal(actor: User | None) -> access.Principal:
    return access.principal_for(actor)


def _refuse_own(p: access.Principal, person: Person) -> None:
    """Nobody registers, corrects or removes their own training: it is what POL-3.12 and POL-3.18
    are checked against."""
    access.require(
        not selectors.is_own(p, person),
        _("Du kan inte registrera, ändra eller ta bort din egen utbildning. Be din chef eller HR."),
    )


def _check_course(course: Course) -> None:
    errors: dict[str, str] = {}
    course.name = (course.name or "").strip()
    course.code = (course.code or "").strip()
    if not course.name:
        errors["name"] = _("Ange kursens namn.")
    if not course.code:
        errors["code"] = _("Ange kurskoden som lärplattformen använder.")
    elif Course.objects.filter(code__iexact=course.code).exclude(pk=course.pk).exists():
        errors["code"] = _("Det finns redan en kurs med kurskoden %(code)s.") % {"code": course.code}
    if course.kind not in Course.Kind.values:
        errors["kind"] = _("Välj en typ av kurs.")
    elif course.kind == Course.Kind.SYSTEM and course.system_id is None:
        errors["system"] = _("Ange vilket system utbildningen gäller.")
    elif course.kind != Course.Kind.SYSTEM and course.system_id is not None:
        errors["system"] = _("Ange system bara för en utbildning i ett system.")
    if course.renewal_months is not None and not 1 <= course.renewal_months <= 120:
        errors["renewal_months"] = _("Giltigheten ska vara 1–120 månader, eller tom.")
    if errors:
        raise ValidationError(errors)


def _require_course(p: access.Principal, kind: str, system: InformationSystem | None) -> None:
    if kind == Course.Kind.SYSTEM and system is not None:
        access.require(selectors.can_manage_system_course(p, system))
    else:
        access.require(
            selectors.can_manage_courses(p),
            _("Bara säkerhetsstrategen och administratörer lägger till andra kurser än systemutbildningar."),
        )


@transaction.atomic
def course_create(
    *,
    actor: User | None,
    name: str,
    code: str,
    kind: str,
    system: InformationSystem | None = None,
    description: str = "",
    renewal_months: int | None = None,
    ended_on: datetime.date | None = None,
) -> Course:
    if actor is not None:
        _require_course(_principal(actor), kind, system)
    course = Course(
        name=name,
        code=code,
        kind=kind,
        system=system,
        description=description,
        renewal_months=renewal_months,
        ended_on=ended_on,
    )
    _check_course(course)
    course.save()
    record_create(course, user=actor)
    return course


@transaction.atomic
def course_update(*, actor: User | None, course: Course, **changes) -> Course:
    unknown = set(changes) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    p = _principal(actor)
    if actor is not None:
        access.require(selectors.can_edit_course(p, course))
    before = snapshot(course)
    for name, value in changes.items():
        setattr(course, name, value)
    if actor is not None:
        # Whoever keeps a system course may not turn it into another kind or move it to a
        # system they do not manage.
        _require_course(p, course.kind, course.system)
    _check_course(course)
    course.save()
    record_update(course, before, user=actor)
    return course


def _check_completion(person: Person, course: Course, completed_on: datetime.date | None) -> None:
    errors: dict[str, str] = {}
    today = access.today()
    if completed_on is None:
        errors["completed_on"] = _("Ange när utbildningen genomfördes.")
    elif completed_on > today:
        errors["completed_on"] = _("Datumet kan inte ligga i framtiden.")
    elif Completion.objects.filter(person=person, course=course, completed_on=completed_on).exists():
        errors["completed_on"] = _("Personen har redan genomfört kursen den dagen.")
    if person.ended_on is not None and person.ended_on <= today:
        errors["person"] = _("Personen har slutat.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def completion_register(
    *,
    actor: User,
    person: Person,
    course: Course,
    completed_on: datetime.date | None,
    source_reference: str = "",
) -> Completion:
    """A completion registered by hand: by the person's chef, HR, the säkerhetsstrateg or an
    administrator."""
    p = _principal(actor)
    _refuse_own(p, person)
    access.require(
        selectors.can_register_completion(p, person),
        _("Du kan registrera utbildning bara för dina medarbetare."),
    )
    _check_completion(person, course, completed_on)
    completion = Completion.objects.create(
        person=person,
        course=course,
        completed_on=completed_on,
        source=Completion.Source.MANUAL,
        source_reference=source_reference.strip()[:200],
        recorded_by=actor,
    )
    record_create(completion, user=actor)
    return completion


@transaction.atomic
def completion_update(
    *,
    actor: User,
    completion: Completion,
    completed_on: datetime.date | None,
    source_reference: str | None = None,
) -> Completion:
    """Correct the date (and reference) of a completion registered by hand; an imported one is
    the LMS's record and is removed instead (`completion_delete`)."""
    p = _principal(actor)
    _refuse_own(p, completion.person)
    access.require(
        selectors.can_register_completion(p, completion.person),
        _("Du kan rätta utbildning bara för dina medarbetare."),
    )
    if completion.source != Completion.Source.MANUAL:
        raise ValidationError(
            {
                "completed_on": _(
                    "En utbildning som importerats från lärplattformen kan inte ändras. Ta bort den och "
                    "rätta den i lärplattformen."
                )
            }
        )
    errors: dict[str, str] = {}
    if completed_on is None:
        errors["completed_on"] = _("Ange när utbildningen genomfördes.")
    elif completed_on > access.today():
        errors["completed_on"] = _("Datumet kan inte ligga i framtiden.")
    elif (
        Completion.objects.filter(
            person_id=completion.person_id, course_id=completion.course_id, completed_on=completed_on
        )
        .exclude(pk=completion.pk)
        .exists()
    ):
        errors["completed_on"] = _("Personen har redan genomfört kursen den dagen.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(completion)
    completion.completed_on = completed_on
    if source_reference is not None:
        completion.source_reference = source_reference.strip()[:200]
    completion.save(update_fields=["completed_on", "source_reference"])
    record_update(completion, before, user=actor)
    return completion


@transaction.atomic
def completion_delete(*, actor: User, completion: Completion, reason: str) -> None:
    """Remove a wrong completion, registered by hand or imported, with the reason. The change log
    keeps what was removed (record_delete) and, on the person, the event with the reason, so the
    person's Historik shows who removed which completion and why."""
    p = _principal(actor)
    _refuse_own(p, completion.person)
    access.require(
        selectors.can_remove_completion(p, completion),
        _("Du kan ta bort utbildning bara för dina medarbetare."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Ange varför den genomförda utbildningen tas bort.")})
    if len(reason) > 1000:
        raise ValidationError({"reason": _("Skälet får vara högst 1000 tecken.")})
    person = completion.person
    record_event(
        "training_completion_removed",
        user=actor,
        obj=person,
        details={
            "completion": completion.pk,
            "course": completion.course_id,
            "completed_on": completion.completed_on.isoformat(),
            "source": completion.source,
            "reason": reason,
        },
    )
    record_delete(completion, user=actor)
    completion.delete()


@transaction.atomic
def completions_import(
    *, actor: User, rows: list[tuple[Person, Course, datetime.date, str]], filename: str, unchanged: int = 0
) -> list[Completion]:
    """Completions read from the LMS export; all or nothing. lms.plan has checked every row
    against the register (duplicates in the file and in the database, in three queries), so the
    rows are checked again here without a query each, written with one bulk insert (the unique
    constraint catches a completion registered since the plan) and recorded one change-log entry
    each (the change log is a hash chain and has no bulk append)."""
    access.require(selectors.can_import(_principal(actor)))
    today = access.today()
    errors: list[str] = []
    completions = []
    for person, course, completed_on, reference in rows:
        if completed_on is None:
            errors.append(_("%(reference)s: ange när utbildningen genomfördes.") % {"reference": reference})
        elif completed_on > today:
            errors.append(_("%(reference)s: datumet kan inte ligga i framtiden.") % {"reference": reference})
        if person.ended_on is not None and person.ended_on <= today:
            errors.append(_("%(reference)s: personen har slutat.") % {"reference": reference})
        completions.append(
            Completion(
                person=person,
                course=course,
                completed_on=completed_on,
                source=Completion.Source.IMPORT,
                source_reference=reference[:200],
                recorded_by=actor,
            )
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            created = Completion.objects.bulk_create(completions)
    except IntegrityError as exc:
        raise ValidationError(
            _("Någon genomförd utbildning i filen har registrerats sedan granskningen. Läs in filen igen.")
        ) from exc
    for completion in created:
        record_create(completion, user=actor)
    record_event(
        "training_import",
        user=actor,
        details={
            "file": filename[:200],
            "rows": len(rows) + unchanged,
            "created": len(created),
            "unchanged": unchanged,
        },
    )
    return created
