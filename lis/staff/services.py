"""Every write of the staff app: exceptions as tjänsteanteckningar (POL-3.20), distansarbete
agreements (POL-3.19) and säkerhetsklassade placeringar (POL-3.25). Each service checks
permission (selectors), validates with Swedish messages naming the field (nothing is written on
error) and records the change in the change log in the same transaction.

A record never says something that did not happen: decisions made in LIS are dated today, and
nothing is dated in the future."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.clock import as_of  # noqa: F401  (the demo loader records its invented past through it)
from lis.core.clock import now as _now
from lis.core.models import User
from lis.core.notifications import notify
from lis.core.pack import get_pack
from lis.core.services import create_object, update_object
from lis.organisation.models import OrgUnit, Person
from lis.organisation.selectors import manager_of

from . import selectors
from .models import ClassifiedPosition, PolicyException, RemoteWorkAgreement

Status = PolicyException.Status

# --- helpers ------------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate(_now())


def _principal(actor: User | None) -> access.Principal:
    return access.principal_for(actor)


def _link(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the pages are not mounted (a test of the services alone)
        return ""


def _users(*people: Person | None) -> list[User]:
    return [p.user for p in people if p is not None and p.user_id is not None and p.user.is_active]


def _text(value: str | None) -> str:
    return (value or "").strip()


def _not_future(value: datetime.date | None, field: str, errors: dict[str, Any], today: datetime.date) -> None:
    if value is not None and value > today:
        errors[field] = _("Datumet kan inte ligga i framtiden.")


def _locked(exception: PolicyException) -> PolicyException:
    return (
        PolicyException.objects.select_for_update(of=("self",))
        .select_related("person__unit", "person__user", "unit", "requested_by")
        .get(pk=exception.pk)
    )


def _limit_text(start: datetime.date) -> str:
    return _("Ett undantag kan gälla högst till och med %(date)s (%(months)s månader).") % {
        "date": selectors.latest_valid_until(start).isoformat(),
        "months": get_pack().exception_max_months,
    }


def _no_chef_text() -> str:
    # Built when raised, so it is in the language of the request, not of the import.
    return _(
        "Det finns ingen chef registrerad för dig i LIS, så begäran kan inte skickas. Kontakta "
        "säkerhetsstrategen, som hjälper dig att få rätt chef registrerad."
    )


# --- exceptions (POL-3.20) ----------------------------------------------------------------------


@transaction.atomic
def exception_request(
    *, actor: User, source: str, reason: str, requested_until: datetime.date | None
) -> PolicyException:
    """A medarbetare asks their chef (manager_of) for an exception before using the source.
    Without a chef in LIS nothing is written: the säkerhetsstrateg helps."""
    p = _principal(actor)
    access.require(selectors.can_request(p), _("Bara medarbetare som finns i LIS kan begära undantag."))
    person = p.person
    today = _today()
    errors: dict[str, Any] = {}
    source, reason = _text(source), _text(reason)
    if not source:
        errors["source"] = _("Ange vilken informationskälla eller tjänst du behöver använda.")
    if not reason:
        errors["reason"] = _("Beskriv varför du behöver den i arbetet.")
    if requested_until is None:
        errors["requested_until"] = _("Ange till och med vilket datum du behöver undantaget.")
    elif requested_until < today:
        errors["requested_until"] = _("Datumet har redan passerat.")
    elif requested_until > selectors.latest_valid_until(today):
        errors["requested_until"] = _limit_text(today)
    if errors:
        raise ValidationError(errors)
    chef = manager_of(person)
    if chef is None or person.unit_id is None:
        raise ValidationError(_no_chef_text())
    exception = create_object(
        PolicyException(
            person=person,
            unit=person.unit,
            source=source,
            reason=reason,
            requested_until=requested_until,
            requested_by=actor,
            requested_at=_now(),
            status=Status.REQUESTED,
            recorded_by=actor,
        ),
        actor=actor,
    )
    notify(
        recipients=[u for u in _users(chef) if u.pk != actor.pk],
        message=_("%(person)s begär undantag för att använda %(source)s. Bevilja eller avslå begäran.")
        % {"person": access.person_label(access.principal_for(chef.user), person), "source": source},
        subject=_("Begäran om undantag att besluta"),
        link=_link("staff:exception_detail", exception.pk),
        actor=actor,
    )
    return exception


def _require_decider(p: access.Principal, exception: PolicyException) -> None:
    if selectors.is_requester(p, exception):
        access.require(False, _("Du kan inte besluta om ditt eget undantag. Din chef beslutar."))
    access.require(
        selectors.is_chef_of(p, exception.person),
        _("Bara medarbetarens chef kan besluta om undantaget."),
    )
    if exception.status != Status.REQUESTED:
        raise ValidationError(_("Begäran är redan hanterad (%(status)s).") % {"status": exception.get_status_display()})


def _notify_decision(exception: PolicyException, actor: User, message: str) -> None:
    recipients = [u for u in _users(exception.person) if u.pk != actor.pk]
    if exception.requested_by_id and exception.requested_by_id != actor.pk and exception.requested_by.is_active:
        recipients.append(exception.requested_by)
    notify(
        recipients=recipients,
        message=message,
        subject=_("Beslut om undantag"),
        link=_link("staff:exception_detail", exception.pk),
        actor=actor,
    )


@transaction.atomic
def exception_grant(
    *,
    actor: User,
    exception: PolicyException,
    decision_reason: str,
    valid_until: datetime.date | None,
    diary_number: str = "",
) -> PolicyException:
    """The chef grants: the tjänsteanteckning, dated today, valid until a date no later than
    asked for and no further than the pack's maximum."""
    p = _principal(actor)
    exception = _locked(exception)
    _require_decider(p, exception)
    today = _today()
    errors: dict[str, Any] = {}
    if not _text(decision_reason):
        errors["decision_reason"] = _("Motivera beslutet: varför är informationskällan relevant för arbetet?")
    if valid_until is None:
        errors["valid_until"] = _("Ange till och med vilket datum undantaget gäller.")
    elif valid_until < today:
        errors["valid_until"] = _("Undantaget kan inte upphöra före beslutet.")
    elif exception.requested_until is not None and valid_until > exception.requested_until:
        errors["valid_until"] = _("Undantaget kan inte gälla längre än medarbetaren bad om (%(date)s).") % {
            "date": exception.requested_until.isoformat()
        }
    elif valid_until > selectors.latest_valid_until(today):
        errors["valid_until"] = _limit_text(today)
    if errors:
        raise ValidationError(errors)
    update_object(
        exception,
        {
            "status": Status.GRANTED,
            "decided_by": p.person,
            "decided_on": today,
            "decision_reason": _text(decision_reason),
            "valid_until": valid_until,
            "diary_number": _text(diary_number),
        },
        actor=actor,
    )
    _notify_decision(
        exception,
        actor,
        _("Ditt undantag för %(source)s är beviljat till och med %(date)s.")
        % {"source": exception.source, "date": valid_until.isoformat()},
    )
    return exception


@transaction.atomic
def exception_refuse(*, actor: User, exception: PolicyException, decision_reason: str) -> PolicyException:
    p = _principal(actor)
    exception = _locked(exception)
    _require_decider(p, exception)
    if not _text(decision_reason):
        raise ValidationError({"decision_reason": _("Motivera varför undantaget inte beviljas.")})
    update_object(
        exception,
        {
            "status": Status.REFUSED,
            "decided_by": p.person,
            "decided_on": _today(),
            "decision_reason": _text(decision_reason),
        },
        actor=actor,
    )
    _notify_decision(
        exception, actor, _("Din begäran om undantag för %(source)s är avslagen.") % {"source": exception.source}
    )
    return exception


@transaction.atomic
def exception_withdraw(*, actor: User, exception: PolicyException) -> PolicyException:
    """The requester takes back a pending request."""
    p = _principal(actor)
    exception = _locked(exception)
    access.require(selectors.is_requester(p, exception), _("Bara den som begärde undantaget kan återkalla det."))
    if exception.status != Status.REQUESTED:
        raise ValidationError(_("Bara en begäran som väntar på beslut kan återkallas."))
    update_object(exception, {"status": Status.WITHDRAWN}, actor=actor)
    return exception


@transaction.atomic
def exception_end(*, actor: User, exception: PolicyException, end_reason: str = "") -> PolicyException:
    """The person or their chef ends a granted exception early ("används inte längre"), today."""
    p = _principal(actor)
    exception = _locked(exception)
    access.require(
        selectors.is_requester(p, exception) or selectors.is_chef_of(p, exception.person),
        _("Bara medarbetaren och dennes chef kan avsluta undantaget."),
    )
    if exception.status != Status.GRANTED:
        raise ValidationError(_("Bara ett beviljat undantag kan avslutas."))
    update_object(
        exception,
        {
            "status": Status.ENDED,
            "ended_on": _today(),
            "end_reason": _text(end_reason) or _("Används inte längre"),
        },
        actor=actor,
    )
    return exception


@transaction.atomic
def exception_register(
    *,
    actor: User,
    person: Person,
    source: str,
    reason: str,
    decided_on: datetime.date | None,
    decision_reason: str,
    valid_until: datetime.date | None = None,
    diary_number: str = "",
) -> PolicyException:
    """A chef records a tjänsteanteckning made outside LIS for one of their staff. The decision
    may be in the past, never in the future; without an expiry Efterlevnad flags it."""
    p = _principal(actor)
    access.require(
        person is not None and selectors.can_register_for(p, person),
        _("Du kan bara registrera undantag för medarbetare som du är chef för."),
    )
    today = _today()
    errors: dict[str, Any] = {}
    source, reason = _text(source), _text(reason)
    if not source:
        errors["source"] = _("Ange vilken informationskälla eller tjänst undantaget gäller.")
    if not reason:
        errors["reason"] = _("Beskriv varför den behövs i arbetet.")
    if not _text(decision_reason):
        errors["decision_reason"] = _("Skriv chefens motivering som den står i tjänsteanteckningen.")
    if decided_on is None:
        errors["decided_on"] = _("Ange när tjänsteanteckningen gjordes.")
    else:
        _not_future(decided_on, "decided_on", errors, today)
    if valid_until is not None and decided_on is not None and "decided_on" not in errors:
        if valid_until < decided_on:
            errors["valid_until"] = _("Undantaget kan inte upphöra före beslutet.")
        elif valid_until > selectors.latest_valid_until(decided_on):
            errors["valid_until"] = _limit_text(decided_on)
    if person.unit_id is None:
        errors["person"] = _("Medarbetaren hör inte till någon enhet.")
    if errors:
        raise ValidationError(errors)
    return create_object(
        PolicyException(
            person=person,
            unit=person.unit,
            source=source,
            reason=reason,
            status=Status.GRANTED,
            decided_by=p.person,
            decided_on=decided_on,
            decision_reason=_text(decision_reason),
            valid_until=valid_until,
            diary_number=_text(diary_number),
            recorded_by=actor,
        ),
        actor=actor,
    )


# --- distansarbete (POL-3.19) -------------------------------------------------------------------

REMOTE_FIELDS = ("agreed_on", "review_on", "ends_on", "note")


def _validate_remote(a: RemoteWorkAgreement, today: datetime.date) -> None:
    errors: dict[str, Any] = {}
    if a.agreed_on is None:
        errors["agreed_on"] = _("Ange när överenskommelsen träffades.")
    else:
        _not_future(a.agreed_on, "agreed_on", errors, today)
        if a.review_on is not None and a.review_on < a.agreed_on:
            errors["review_on"] = _("Överenskommelsen kan inte ses över innan den träffades.")
        if a.ends_on is not None and a.ends_on < a.agreed_on:
            errors["ends_on"] = _("Överenskommelsen kan inte upphöra innan den träffades.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def remote_work_create(
    *,
    actor: User,
    person: Person,
    agreed_on: datetime.date | None,
    review_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    note: str = "",
) -> RemoteWorkAgreement:
    """The person's chef, or HR, records the agreement between chef and medarbetare."""
    p = _principal(actor)
    access.require(
        person is not None and selectors.can_manage_remote_work(p, person),
        _("Bara medarbetarens chef eller HR kan registrera en överenskommelse om distansarbete."),
    )
    chef = manager_of(person)
    if chef is None or person.unit_id is None:
        raise ValidationError({"person": _("Medarbetaren har ingen chef registrerad i LIS.")})
    agreement = RemoteWorkAgreement(
        person=person,
        unit=person.unit,
        manager=chef,
        agreed_on=agreed_on,
        review_on=review_on,
        ends_on=ends_on,
        note=_text(note),
        recorded_by=actor,
    )
    return create_object(agreement, actor=actor, validate=lambda a: _validate_remote(a, _today()))


def _require_remote(p: access.Principal, agreement: RemoteWorkAgreement) -> None:
    access.require(
        selectors.can_manage_remote_work(p, agreement.person)
        or (p.person is not None and agreement.manager_id == p.person.pk),
        _("Bara medarbetarens chef eller HR kan ändra överenskommelsen."),
    )


@transaction.atomic
def remote_work_update(*, actor: User, agreement: RemoteWorkAgreement, **fields: Any) -> RemoteWorkAgreement:
    p = _principal(actor)
    _require_remote(p, agreement)
    unknown = set(fields) - set(REMOTE_FIELDS)
    if unknown:
        raise ValidationError(_("Fälten kan inte ändras här: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "note" in fields:
        fields["note"] = _text(fields["note"])
    return update_object(agreement, fields, actor=actor, validate=lambda a: _validate_remote(a, _today()))


@transaction.atomic
def remote_work_end(
    *, actor: User, agreement: RemoteWorkAgreement, ends_on: datetime.date | None
) -> RemoteWorkAgreement:
    p = _principal(actor)
    _require_remote(p, agreement)
    errors: dict[str, Any] = {}
    if ends_on is None:
        errors["ends_on"] = _("Ange när överenskommelsen upphör.")
    else:
        _not_future(ends_on, "ends_on", errors, _today())
    if errors:
        raise ValidationError(errors)
    return update_object(agreement, {"ends_on": ends_on}, actor=actor, validate=lambda a: _validate_remote(a, _today()))


# --- säkerhetsklassade placeringar (POL-3.25) ---------------------------------------------------

CLASSIFIED_FIELDS = ("unit", "title", "security_class", "holder", "decided_on", "decided_by", "note")


def _require_classified(p: access.Principal) -> None:
    # Nobody else may learn the register exists: the same answer as for a page that is not there.
    access.require(selectors.can_see_classified(p), _("Du har inte behörighet till detta."))


def _validate_classified(position: ClassifiedPosition, today: datetime.date) -> None:
    errors: dict[str, Any] = {}
    if not _text(position.title):
        errors["title"] = _("Ange befattningen.")
    if position.security_class not in ClassifiedPosition.SecurityClass.values:
        errors["security_class"] = _("Välj säkerhetsklass 1, 2 eller 3.")
    if position.unit_id is None:
        errors["unit"] = _("Välj förvaltning eller enhet.")
    if position.decided_on is None:
        errors["decided_on"] = _("Ange när placeringen beslutades.")
    else:
        _not_future(position.decided_on, "decided_on", errors, today)
    if position.ended_on is not None:
        _not_future(position.ended_on, "ended_on", errors, today)
        if position.decided_on is not None and position.ended_on < position.decided_on:
            errors["ended_on"] = _("Placeringen kan inte upphöra före beslutet.")
    if errors:
        raise ValidationError(errors)


def _check_decider(decided_by: Person | None, errors: dict[str, Any], *, unchanged: Person | None = None) -> None:
    """Decided centrally (POL-3.25): the record names the säkerhetsskyddschef who decided, as
    chosen by the one recording it, never a guess. A decider kept unchanged on an edit may have
    left the role since."""
    if decided_by is None:
        errors["decided_by"] = _("Ange vilken säkerhetsskyddschef som beslutade placeringen.")
    elif (unchanged is None or decided_by.pk != unchanged.pk) and not selectors.security_chiefs().filter(
        pk=decided_by.pk
    ).exists():
        errors["decided_by"] = _("Beslutet fattas av en säkerhetsskyddschef. Välj en av dem.")


@transaction.atomic
def classified_create(
    *,
    actor: User,
    unit: OrgUnit | None,
    title: str,
    security_class: str,
    decided_on: datetime.date | None,
    decided_by: Person | None,
    holder: Person | None = None,
    note: str = "",
) -> ClassifiedPosition:
    p = _principal(actor)
    _require_classified(p)
    position = ClassifiedPosition(
        unit=unit,
        title=_text(title),
        security_class=security_class or "",
        holder=holder,
        decided_on=decided_on,
        decided_by=decided_by,
        note=_text(note),
        recorded_by=actor,
    )
    errors: dict[str, Any] = {}
    _check_decider(decided_by, errors)
    try:
        _validate_classified(position, _today())
    except ValidationError as error:
        errors = {**error.message_dict, **{k: [v] for k, v in errors.items()}}
    if errors:
        raise ValidationError(errors)
    return create_object(position, actor=actor)


@transaction.atomic
def classified_update(*, actor: User, position: ClassifiedPosition, **fields: Any) -> ClassifiedPosition:
    p = _principal(actor)
    _require_classified(p)
    unknown = set(fields) - set(CLASSIFIED_FIELDS)
    if unknown:
        raise ValidationError(_("Fälten kan inte ändras här: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for name in ("title", "note"):
        if name in fields:
            fields[name] = _text(fields[name])
    if "decided_by" in fields:
        errors: dict[str, Any] = {}
        _check_decider(fields["decided_by"], errors, unchanged=position.decided_by)
        if errors:
            raise ValidationError(errors)
    return update_object(position, fields, actor=actor, validate=lambda pos: _validate_classified(pos, _today()))


@transaction.atomic
def classified_end(*, actor: User, position: ClassifiedPosition, ended_on: datetime.date | None) -> ClassifiedPosition:
    p = _principal(actor)
    _require_classified(p)
    if ended_on is None:
        raise ValidationError({"ended_on": _("Ange när placeringen upphörde.")})
    return update_object(
        position, {"ended_on": ended_on}, actor=actor, validate=lambda pos: _validate_classified(pos, _today())
    )
