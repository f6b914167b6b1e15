"""Every write of driftinformation (POL-3.28): IT-enheten plans maintenance and upgrades with the
systemägare and systemförvaltare and notifies the systems' users in good time (the pack's
[maintenance] notice_days); a disruption is posted at once, by IT-enheten or the system's own
systemförvaltare or ansvarig chef, and closed when it is over. Each service checks permission,
validates with Swedish messages naming the field (nothing is written on error), writes and
records the change in the change log in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.changelog import record_event, record_update, snapshot
from lis.core.clock import as_of  # noqa: F401  (the demo loader records its invented past through it)
from lis.core.clock import now as _now
from lis.core.models import User
from lis.core.notifications import notify
from lis.core.pack import get_pack
from lis.core.services import create_object, update_object
from lis.organisation.models import Person
from lis.systems.models import InformationSystem

from . import selectors
from .models import NoticeRecipient, ServiceNotice

Status = ServiceNotice.Status
Kind = ServiceNotice.Kind
EDIT_FIELDS = ("title", "description", "impact", "starts_at", "ends_at", "planned_with_owner", "planned_with_steward")
TIME_FIELDS = ("starts_at", "ends_at")

# --- helpers ------------------------------------------------------------------------------------


def _principal(actor: User | None) -> access.Principal:
    return access.principal_for(actor)


def notice_link(notice: ServiceNotice) -> str:
    try:
        return reverse("operations:notice_detail", args=[notice.pk])
    except NoReverseMatch:  # the pages are not mounted (a test of the services alone)
        return ""


def local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value)


def when_text(notice: ServiceNotice) -> str:
    """ "tisdag 8 december 2026 kl. 18:00–22:00" in Europe/Stockholm."""
    start = local(notice.starts_at)
    text = start.strftime("%Y-%m-%d %H:%M")
    if notice.ends_at is not None:
        end = local(notice.ends_at)
        text += "–" + (end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M"))
    return text


def _locked(notice: ServiceNotice) -> ServiceNotice:
    return ServiceNotice.objects.select_for_update(of=("self",)).get(pk=notice.pk)


def _system_names(notice: ServiceNotice) -> str:
    return ", ".join(s.name for s in notice.systems.order_by("name"))


def _require_manage(actor: User | None) -> access.Principal:
    p = _principal(actor)
    access.require(
        actor is None or selectors.can_manage_notices(p),
        _("Bara IT-enheten planerar underhåll och uppgraderingar."),
    )
    return p


def _require_change(actor: User | None, notice: ServiceNotice) -> None:
    access.require(
        actor is None or selectors.can_change(_principal(actor), notice),
        _("Du har inte behörighet att ändra driftinformationen."),
    )


def _validate_times(
    errors: dict[str, Any], starts_at: datetime.datetime | None, ends_at: datetime.datetime | None
) -> None:
    if starts_at is None:
        errors["starts_at"] = _("Ange när arbetet börjar.")
    elif ends_at is not None and ends_at < starts_at:
        errors["ends_at"] = _("Beräknat klart kan inte vara före starten.")


def _validate_text(errors: dict[str, Any], title: str, impact: str) -> None:
    if not title:
        errors["title"] = _("Skriv en rubrik.")
    if not impact:
        errors["impact"] = _("Beskriv vad användarna märker: vad som inte går att använda, och hur länge.")


def _validate_systems(errors: dict[str, Any], systems: list[InformationSystem]) -> None:
    if not systems:
        errors["systems"] = _("Välj minst ett system som berörs.")


def short_notice_message(days: int) -> str:
    return _(
        "Arbetet börjar om mindre än %(days)s dagar. Användarna ska aviseras minst %(days)s dagar i förväg "
        "(POL-3.28). Flytta starten, eller kryssa i ”Kortare varsel än %(days)s dagar” och skriv varför."
    ) % {"days": days}


def is_short_notice(starts_at: datetime.datetime, now: datetime.datetime) -> bool:
    return starts_at - now < datetime.timedelta(days=get_pack().maintenance_notice_days)


def _check_notice(
    errors: dict[str, Any], starts_at: datetime.datetime | None, short_notice: bool, reason: str, now
) -> str:
    """Planned work starting sooner than the pack's least notice needs an explicit, reasoned
    exception; returns the reason to record ("" when the notice is long enough)."""
    if starts_at is None or not is_short_notice(starts_at, now):
        return ""
    days = get_pack().maintenance_notice_days
    if not short_notice:
        errors["short_notice"] = short_notice_message(days)
    elif not reason:
        errors["short_notice_reason"] = _("Skriv varför varslet blir kortare än %(days)s dagar.") % {"days": days}
    return reason


def _default_steward(systems: list[InformationSystem]) -> Person | None:
    stewards = {s.system_steward_id for s in systems if s.system_steward_id}
    if len(stewards) == 1:
        return next(s.system_steward for s in systems if s.system_steward_id)
    return None


def _record_systems(notice: ServiceNotice, before: list[int], actor: User | None) -> None:
    after = sorted(notice.systems.values_list("pk", flat=True))
    if after != sorted(before):
        record_update(notice, snapshot(notice) | {"systems": sorted(before)}, user=actor, extra={"systems": after})


# --- planning -----------------------------------------------------------------------------------


@transaction.atomic
def notice_plan(
    *,
    actor: User | None,
    kind: str,
    title: str,
    impact: str,
    systems: Iterable[InformationSystem],
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    description: str = "",
    planned_with_owner: str = "",
    planned_with_steward: Person | None = None,
    short_notice: bool = False,
    short_notice_reason: str = "",
) -> ServiceNotice:
    """IT-enheten plans maintenance or an upgrade (status planned, not yet notified). The
    systemförvaltare it was planned with defaults to the systems' steward when they share one."""
    _require_manage(actor)
    now = _now()
    systems = list(systems)
    title, impact = (title or "").strip(), (impact or "").strip()
    reason = (short_notice_reason or "").strip()
    errors: dict[str, Any] = {}
    if kind not in selectors.PLANNED_KINDS:
        errors["kind"] = _("Välj planerat underhåll eller uppgradering.")
    _validate_text(errors, title, impact)
    _validate_systems(errors, systems)
    _validate_times(errors, starts_at, ends_at)
    if starts_at is not None and starts_at < now:
        errors["starts_at"] = _(
            "Planerat arbete kan inte börja i det förflutna. Ett fel som redan pågår är en driftstörning."
        )
    elif "starts_at" not in errors:
        reason = _check_notice(errors, starts_at, short_notice, reason, now)
    if errors:
        raise ValidationError(errors)
    notice = create_object(
        ServiceNotice(
            kind=kind,
            status=Status.PLANNED,
            title=title,
            description=(description or "").strip(),
            impact=impact,
            starts_at=starts_at,
            ends_at=ends_at,
            planned_with_owner=(planned_with_owner or "").strip(),
            planned_with_steward=planned_with_steward or _default_steward(systems),
            short_notice_reason=reason,
            created_by=actor or _system_user(),
            created_at=now,
        ),
        actor=actor,
    )
    notice.systems.set(systems)
    _record_systems(notice, [], actor)
    return notice


def _system_user() -> User:
    """The demo loader and commands write without a login: the notice needs a creator."""
    user = User.objects.filter(is_superuser=True).order_by("pk").first() or User.objects.order_by("pk").first()
    if user is None:
        raise ValidationError(_("Det finns ingen användare att registrera driftinformationen på."))
    return user


@transaction.atomic
def notice_update(
    *,
    actor: User | None,
    notice: ServiceNotice,
    systems: Iterable[InformationSystem] | None = None,
    short_notice: bool = False,
    short_notice_reason: str = "",
    **fields: Any,
) -> ServiceNotice:
    """Change a planned or ongoing notice. A change of time raises the iCalendar SEQUENCE (the
    recipients are then told again with "Avisera igen"); planned work moved closer than the least
    notice needs the reasoned exception as when it was planned."""
    _require_change(actor, notice)
    notice = _locked(notice)
    if notice.status not in selectors.OPEN_STATUSES:
        raise ValidationError(_("Avslutad eller inställd driftinformation kan inte ändras."))
    now = _now()
    changes = {name: value for name, value in fields.items() if name in EDIT_FIELDS}
    for name in ("title", "impact", "description", "planned_with_owner"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    errors: dict[str, Any] = {}
    _validate_text(errors, changes.get("title", notice.title), changes.get("impact", notice.impact))
    new_systems = list(systems) if systems is not None else None
    if new_systems is not None:
        _validate_systems(errors, new_systems)
        p = _principal(actor)
        if (
            actor is not None
            and not selectors.can_manage_notices(p)
            and not selectors.can_post_disruption(p, new_systems)
        ):
            errors["systems"] = _("Du kan bara välja system som du är systemförvaltare eller ansvarig chef för.")
    starts_at = changes.get("starts_at", notice.starts_at)
    ends_at = changes.get("ends_at", notice.ends_at)
    _validate_times(errors, starts_at, ends_at)
    time_changed = any(name in changes and changes[name] != getattr(notice, name) for name in TIME_FIELDS)
    reason = notice.short_notice_reason
    if notice.kind == Kind.DISRUPTION:
        if starts_at is not None and starts_at > now and "starts_at" not in errors:
            errors["starts_at"] = _(
                "En driftstörning kan inte börja i framtiden. Arbete som inte har börjat är planerat arbete."
            )
    elif notice.status == Status.ONGOING and "starts_at" not in errors:
        if starts_at > now:
            errors["starts_at"] = _("Börjar kan inte ligga i framtiden för arbete som pågår. Ange när arbetet började.")
    elif notice.status == Status.PLANNED and "starts_at" not in errors:
        moved = "starts_at" in changes and changes["starts_at"] != notice.starts_at
        if moved and starts_at < now:
            errors["starts_at"] = _("Planerat arbete kan inte börja i det förflutna.")
        elif moved or notice.notified_at is None:
            # The form shows a recorded reason again: it is confirmed, or changed, with each save.
            reason = _check_notice(errors, starts_at, short_notice, (short_notice_reason or "").strip(), now)
    if errors:
        raise ValidationError(errors)
    if time_changed:
        notice.sequence += 1
    changes["short_notice_reason"] = reason
    update_object(notice, changes, actor=actor)
    if time_changed:
        ServiceNotice.objects.filter(pk=notice.pk).update(sequence=notice.sequence)
    if new_systems is not None:
        before = list(notice.systems.values_list("pk", flat=True))
        notice.systems.set(new_systems)
        _record_systems(notice, before, actor)
    return notice


# --- notifying ----------------------------------------------------------------------------------


def _message(notice: ServiceNotice, *, again: bool, cancelled: bool = False) -> tuple[str, str]:
    values = {
        "kind": notice.get_kind_display(),
        "title": notice.title,
        "systems": _system_names(notice),
        "when": when_text(notice),
        "impact": notice.impact,
        "note": notice.closing_note,
    }
    if cancelled:
        subject = _("Inställt: %(title)s") % values
        message = _("%(kind)s av %(systems)s %(when)s är inställt: %(title)s. %(note)s") % values
    elif notice.kind == Kind.DISRUPTION:
        subject = _("Driftstörning: %(title)s") % values
        message = _("Driftstörning i %(systems)s sedan %(when)s: %(title)s. Påverkan: %(impact)s") % values
    elif again:
        subject = _("Ändrad tid: %(title)s") % values
        message = _("Ny tid för %(kind)s av %(systems)s: %(when)s. %(title)s. Påverkan: %(impact)s") % values
    else:
        subject = _("%(kind)s: %(title)s") % values
        message = _("%(kind)s av %(systems)s %(when)s: %(title)s. Påverkan: %(impact)s") % values
    return subject, message


def _reachable(people: Iterable[Person]) -> list[Person]:
    """Those of `people` with an active login (told in the app and by e-mail), each once."""
    return [p for p in {p.pk: p for p in people}.values() if p.user is not None and p.user.is_active]


def _send(
    notice: ServiceNotice, people: list[Person], *, actor: User | None, subject: str, message: str
) -> list[Person]:
    """Tell `people` (those with an active login, each once); returns those told."""
    reached = _reachable(people)
    notify(
        recipients=[p.user for p in reached],
        message=message,
        subject=subject,
        link=notice_link(notice),
        actor=actor,
    )
    return reached


@transaction.atomic
def notice_notify(*, actor: User | None, notice: ServiceNotice) -> list[Person]:
    """Avisera: tell the contact persons of the systems' user groups and each system's
    systemförvaltare and ansvarig chef, once each (in the app and by e-mail). After a change of
    time, the same people (and anyone new) are told of the change. Records who was told and when;
    the notice's `notified_at` is the first notification (the notice given, POL-3.28)."""
    _require_change(actor, notice)
    notice = _locked(notice)
    if notice.status not in selectors.OPEN_STATUSES:
        raise ValidationError(_("Avslutad eller inställd driftinformation aviseras inte."))
    now = _now()
    again = notice.notified_at is not None
    if again and (notice.notified_sequence or 0) >= notice.sequence:
        raise ValidationError(_("Mottagarna är redan aviserade om det här. Ändra tiden först om den har ändrats."))
    earlier = {r.person_id: r for r in notice.recipients.select_related("person__user")}
    people = list(selectors.recipients_for(notice)) + [r.person for r in earlier.values()]
    if not _reachable(people):
        raise ValidationError(
            _(
                "Det finns ingen att avisera: systemen har inga kontaktpersoner, systemförvaltare eller ansvariga "
                "chefer med inloggning. Ange kontaktpersoner för systemens användargrupper."
            )
        )
    subject, message = _message(notice, again=again)
    reached = _send(notice, people, actor=actor, subject=subject, message=message)
    NoticeRecipient.objects.bulk_create(
        [NoticeRecipient(notice=notice, person=p, notified_at=now) for p in reached if p.pk not in earlier]
    )
    NoticeRecipient.objects.filter(notice=notice, person_id__in=[p.pk for p in reached if p.pk in earlier]).update(
        notified_at=now
    )
    notice.notified_at = notice.notified_at or now
    notice.notified_sequence = notice.sequence
    ServiceNotice.objects.filter(pk=notice.pk).update(
        notified_at=notice.notified_at, notified_sequence=notice.notified_sequence
    )
    record_event(
        "service_notice_notified",
        user=actor,
        obj=notice,
        details={"recipients": len(reached), "again": again, "sequence": notice.sequence, "at": now.isoformat()},
    )
    return reached


# --- disruptions --------------------------------------------------------------------------------


@transaction.atomic
def disruption_post(
    *,
    actor: User | None,
    title: str,
    impact: str,
    systems: Iterable[InformationSystem],
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    description: str = "",
) -> ServiceNotice:
    """Post a disruption at once (status ongoing) and tell the systems' contact persons,
    systemförvaltare and ansvariga chefer. It began now, or at a time that has passed."""
    p = _principal(actor)
    access.require(
        actor is None or selectors.can_post_disruption(p),
        _("Bara IT-enheten och systemets systemförvaltare eller ansvariga chef kan rapportera en driftstörning."),
    )
    now = _now()
    systems = list(systems)
    starts_at = starts_at or now
    title, impact = (title or "").strip(), (impact or "").strip()
    errors: dict[str, Any] = {}
    _validate_text(errors, title, impact)
    _validate_systems(errors, systems)
    if systems and actor is not None and not selectors.can_post_disruption(p, systems):
        errors["systems"] = _("Du kan bara välja system som du är systemförvaltare eller ansvarig chef för.")
    if starts_at > now:
        errors["starts_at"] = _(
            "En driftstörning kan inte börja i framtiden. Arbete som inte har börjat är planerat arbete."
        )
    _validate_times(errors, starts_at, ends_at)
    if errors:
        raise ValidationError(errors)
    notice = create_object(
        ServiceNotice(
            kind=Kind.DISRUPTION,
            status=Status.ONGOING,
            title=title,
            description=(description or "").strip(),
            impact=impact,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor or _system_user(),
            created_at=now,
        ),
        actor=actor,
    )
    notice.systems.set(systems)
    _record_systems(notice, [], actor)
    if _reachable(selectors.recipients_for(notice)):
        notice_notify(actor=actor, notice=notice)
        notice.refresh_from_db()
    return notice


# --- status -------------------------------------------------------------------------------------


@transaction.atomic
def notice_start(*, actor: User | None, notice: ServiceNotice) -> ServiceNotice:
    """Planned work has begun: planned → ongoing. Work begun before its planned start starts now
    (the start moves, and with it the iCalendar SEQUENCE, both recorded in the change log), so
    that an ongoing notice never has a start in the future."""
    _require_change(actor, notice)
    notice = _locked(notice)
    if notice.status != Status.PLANNED:
        raise ValidationError(_("Bara planerat arbete kan påbörjas."))
    now = _now()
    changes: dict[str, Any] = {"status": Status.ONGOING}
    moved = notice.starts_at > now
    if moved:
        changes["starts_at"] = now
        notice.sequence += 1
    update_object(notice, changes, actor=actor)
    if moved:
        ServiceNotice.objects.filter(pk=notice.pk).update(sequence=notice.sequence)
    return notice


@transaction.atomic
def notice_close(
    *, actor: User | None, notice: ServiceNotice, ended_at: datetime.datetime | None = None, summary: str = ""
) -> ServiceNotice:
    """Ongoing work or a disruption is over: ongoing → completed, at `ended_at` (now by default;
    not in the future, not before the start), with a summary of what was done."""
    _require_change(actor, notice)
    notice = _locked(notice)
    if notice.status != Status.ONGOING:
        raise ValidationError(_("Bara pågående arbete eller driftstörningar kan avslutas."))
    now = _now()
    ended_at = ended_at or now
    errors: dict[str, Any] = {}
    if ended_at > now:
        errors["ended_at"] = _("Klart kan inte ligga i framtiden.")
    elif ended_at < notice.starts_at:
        errors["ended_at"] = _("Klart kan inte vara före starten (%(start)s).") % {
            "start": local(notice.starts_at).strftime("%Y-%m-%d %H:%M")
        }
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Skriv en kort sammanfattning: vad hände och vad gjordes.")
    if errors:
        raise ValidationError(errors)
    return update_object(
        notice, {"status": Status.COMPLETED, "ended_at": ended_at, "closing_note": summary}, actor=actor
    )


@transaction.atomic
def notice_cancel(*, actor: User | None, notice: ServiceNotice, note: str) -> ServiceNotice:
    """Planned work is called off: planned → cancelled, with a note; those already told are
    told of the cancellation (the calendar feed shows it as cancelled)."""
    _require_change(actor, notice)
    notice = _locked(notice)
    if notice.status != Status.PLANNED:
        raise ValidationError(_("Bara planerat arbete kan ställas in."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Skriv varför arbetet ställs in.")})
    notice.sequence += 1
    update_object(notice, {"status": Status.CANCELLED, "closing_note": note}, actor=actor)
    ServiceNotice.objects.filter(pk=notice.pk).update(sequence=notice.sequence)
    told = [r.person for r in notice.recipients.select_related("person__user")]
    if told:
        now = _now()
        subject, message = _message(notice, again=True, cancelled=True)
        reached = _send(notice, told, actor=actor, subject=subject, message=message)
        NoticeRecipient.objects.filter(notice=notice, person_id__in=[p.pk for p in reached]).update(notified_at=now)
        notice.notified_sequence = notice.sequence
        ServiceNotice.objects.filter(pk=notice.pk).update(notified_sequence=notice.sequence)
        record_event(
            "service_notice_notified",
            user=actor,
            obj=notice,
            details={"recipients": len(reached), "again": True, "sequence": notice.sequence, "at": now.isoformat()},
        )
    return notice
