"""Every write of the incidents app (POL-2.6): reporting (every signed-in user), triage and
handling (selectors.can_handle), the legal reporting clocks and the reminders of their
deadlines. Each service checks permission, validates with Swedish messages (nothing is written
on error) and records the change in the change log in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.changelog import record_event, record_update, snapshot
from lis.core.clock import as_of  # noqa: F401  (the demo loader records its invented past through it)
from lis.core.clock import now as _now
from lis.core.models import User
from lis.core.notifications import notify
from lis.core.pack import get_pack
from lis.core.services import create_object, update_object
from lis.organisation.models import OrgUnit, Person, RoleAssignment
from lis.risks import services as risk_services
from lis.risks.models import Measure, Risk, SecurityAnalysis
from lis.systems.models import InformationSet, InformationSystem

from . import clocks, selectors
from .models import Clock, DeadlineNotice, Incident, ReportSent, TimelineEntry

NUMBER_ATTEMPTS = 5

# What a handler may amend after the report (the GDPR art. 33 documentation among it).
UPDATE_FIELDS = (
    "description",
    "occurred_at",
    "noticed_at",
    "personal_data",
    "contact",
    "unit",
    "ended_at",
    "data_subject_categories",
    "data_subjects_approx",
    "record_categories",
    "records_approx",
    "likely_consequences",
    "measures_taken",
    "data_subjects_informed",
)

# Status changes a handler may make: forward one step, and back to investigation to reopen.
TRANSITIONS = {
    Incident.Status.NEW: {Incident.Status.INVESTIGATING},
    Incident.Status.INVESTIGATING: {Incident.Status.RESOLVED},
    Incident.Status.RESOLVED: {Incident.Status.INVESTIGATING, Incident.Status.CLOSED},
    Incident.Status.CLOSED: {Incident.Status.INVESTIGATING},
}


# --- helpers ------------------------------------------------------------------------------------


def _principal(actor: User | None) -> access.Principal:
    return access.principal_for(actor)


def _require_handle(actor: User | None, incident: Incident) -> None:
    access.require(
        actor is not None and selectors.can_handle(_principal(actor), incident),
        _("Du har inte behörighet att hantera incidenten."),
    )


def incident_link(incident: Incident) -> str:
    try:
        return reverse("incidents:incident_detail", args=[incident.pk])
    except NoReverseMatch:  # the pages are not mounted (a test of the services alone)
        return ""


def top_unit(unit: OrgUnit | None) -> OrgUnit | None:
    """The förvaltning or bolag `unit` belongs to (itself when it is one)."""
    seen = 0
    while unit is not None and not unit.is_top_level and unit.parent_id is not None and seen < 20:
        unit = unit.parent
        seen += 1
    return unit


def _touch(incident: Incident, now: datetime.datetime | None = None) -> None:
    incident.last_activity_at = now or _now()
    Incident.objects.filter(pk=incident.pk).update(last_activity_at=incident.last_activity_at)


def _not_future(value: datetime.datetime | None, field: str, errors: dict[str, Any], now: datetime.datetime) -> None:
    if value is not None and value > now:
        errors[field] = _("Tidpunkten kan inte ligga i framtiden.")


def _users_of(people: Iterable[Person | None]) -> list[User]:
    return [p.user for p in people if p is not None and getattr(p, "user", None) is not None and p.user.is_active]


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update(of=("self",)).select_related("unit", "handler").get(pk=incident.pk)


# --- reporting ----------------------------------------------------------------------------------


def _next_serial(year: int) -> int:
    return (Incident.objects.filter(year=year).aggregate(m=Max("serial"))["m"] or 0) + 1


@transaction.atomic
def incident_report(
    *,
    actor: User,
    description: str,
    noticed_at: datetime.datetime,
    occurred_at: datetime.datetime | None = None,
    system: InformationSystem | None = None,
    personal_data: str,
    contact: str = "",
    name_withheld_from_unit: bool = False,
) -> Incident:
    """A medarbetare (any signed-in user) reports what happened. The incident belongs to the
    system's förvaltning/bolag, else the reporter's; it gets the next number of the year; the
    säkerhetsstrateg, the förvaltning's samordnare and the system's ansvarig chef are told."""
    p = _principal(actor)
    access.require(selectors.can_report(p), _("Logga in för att rapportera en incident."))
    now = _now()
    errors: dict[str, Any] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Beskriv vad som har hänt.")
    if noticed_at is None:
        errors["noticed_at"] = _("Ange när händelsen upptäcktes.")
    else:
        _not_future(noticed_at, "noticed_at", errors, now)
    _not_future(occurred_at, "occurred_at", errors, now)
    if occurred_at is not None and noticed_at is not None and occurred_at > noticed_at and "occurred_at" not in errors:
        errors["occurred_at"] = _("Händelsen kan inte ha hänt efter att den upptäcktes.")
    if personal_data not in Incident.PersonalData.values:
        errors["personal_data"] = _("Svara på om personuppgifter kan vara berörda.")
    if errors:
        raise ValidationError(errors)
    unit = top_unit(system.unit if system is not None else (p.person.unit if p.person is not None else None))
    year = clocks.local(now).year
    incident = None
    for attempt in range(NUMBER_ATTEMPTS):
        candidate = Incident(
            year=year,
            serial=_next_serial(year),
            description=description,
            noticed_at=noticed_at,
            occurred_at=occurred_at,
            personal_data=personal_data,
            contact=(contact or "").strip(),
            reported_by=actor,
            reporter=p.person,
            name_withheld_from_unit=bool(name_withheld_from_unit),
            reported_at=now,
            last_activity_at=now,
            unit=unit,
        )
        try:
            with transaction.atomic():
                incident = create_object(candidate, actor=actor)
            break
        except (IntegrityError, ValidationError) as exc:
            # Another report took the number between our read and our write: take the next one.
            taken = Incident.objects.filter(year=year, serial=candidate.serial).exists()
            if not taken or attempt == NUMBER_ATTEMPTS - 1:
                raise exc
    if system is not None:
        incident.systems.add(system)
        record_update(incident, snapshot(incident) | {"systems": []}, user=actor, extra={"systems": [system.pk]})
    _notify_new(incident, actor)
    return incident


def _notify_new(incident: Incident, actor: User) -> None:
    people: list[Person | None] = list(selectors.strategists())
    if incident.unit is not None:
        people += [
            a.person
            for a in RoleAssignment.objects.active()
            .filter(role="security_coordinator", unit__in=_ancestors(incident.unit))
            .select_related("person__user")
        ]
    people += [s.responsible_manager for s in incident.systems.select_related("responsible_manager__user")]
    recipients = [u for u in _users_of(people) if u.pk != actor.pk]
    unit = incident.unit.name if incident.unit is not None else _("ingen förvaltning angiven")
    notify(
        recipients=recipients,
        message=_("Ny incident %(number)s rapporterad (%(unit)s). Bedöm den inom %(hours)s timmar.")
        % {"number": incident.number, "unit": unit, "hours": get_pack().incident_triage_hours},
        subject=_("Ny incident %(number)s") % {"number": incident.number},
        link=incident_link(incident),
        actor=actor,
    )


def _ancestors(unit: OrgUnit) -> list[OrgUnit]:
    result = []
    while unit is not None:
        result.append(unit)
        unit = unit.parent
    return result


# --- triage and handling -----------------------------------------------------------------------


@transaction.atomic
def incident_triage(
    *,
    actor: User,
    incident: Incident,
    category: str,
    severity: str,
    handler: Person | None = None,
    systems: Iterable[InformationSystem] = (),
    information_sets: Iterable[InformationSet] = (),
) -> Incident:
    """The handler's assessment: category and severity from the pack, who handles it, which
    systems and information sets are affected. A new incident goes under investigation."""
    _require_handle(actor, incident)
    incident = _locked(incident)
    pack = get_pack()
    systems = list(systems)
    information_sets = list(information_sets)
    errors: dict[str, Any] = {}
    if category not in pack.incident_categories:
        errors["category"] = _("Välj en kategori ur listan.")
    if severity not in {s.key for s in pack.incident_severities}:
        errors["severity"] = _("Välj en allvarlighetsgrad ur listan.")
    if handler is not None and not selectors.handler_candidates(incident).filter(pk=handler.pk).exists():
        # The systems chosen now may make their ansvarig chef a candidate.
        if not any(s.responsible_manager_id == handler.pk for s in systems):
            errors["handler"] = _("Handläggaren måste ha en roll som får hantera incidenten.")
    system_ids = {s.pk for s in systems}
    if any(s.system_id not in system_ids for s in information_sets):
        errors["information_sets"] = _("Informationsmängderna måste höra till de berörda systemen.")
    if errors:
        raise ValidationError(errors)
    before_systems = sorted(incident.systems.values_list("pk", flat=True))
    before_sets = sorted(incident.information_sets.values_list("pk", flat=True))
    before = snapshot(incident) | {"systems": before_systems, "information_sets": before_sets}
    previous_handler = incident.handler_id
    now = _now()
    incident.category = category
    incident.severity = severity
    incident.handler = handler
    if incident.triaged_at is None:
        incident.triaged_at = now
    if incident.status == Incident.Status.NEW:
        incident.status = Incident.Status.INVESTIGATING
    if incident.unit_id is None and systems:
        incident.unit = top_unit(systems[0].unit)
    incident.full_clean()
    incident.save()
    incident.systems.set(systems)
    incident.information_sets.set(information_sets)
    record_update(
        incident,
        before,
        user=actor,
        extra={"systems": sorted(system_ids), "information_sets": sorted(s.pk for s in information_sets)},
    )
    _touch(incident, now)
    if handler is not None and handler.pk != previous_handler:
        users = [u for u in _users_of([handler]) if u.pk != actor.pk]
        notify(
            recipients=users,
            message=_("Du är handläggare för incident %(number)s.") % {"number": incident.number},
            subject=_("Incident %(number)s") % {"number": incident.number},
            link=incident_link(incident),
            actor=actor,
        )
    return incident


@transaction.atomic
def incident_update(*, actor: User, incident: Incident, **fields: Any) -> Incident:
    """The handlers amend the description and document the incident (GDPR art. 33(3) and (5))."""
    _require_handle(actor, incident)
    incident = _locked(incident)
    unknown = set(fields) - set(UPDATE_FIELDS)
    if unknown:
        raise ValidationError(_("Fälten kan inte ändras här: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "unit" in fields and fields["unit"] is not None:
        fields["unit"] = top_unit(fields["unit"])
    now = _now()

    def validate(i: Incident) -> None:
        errors: dict[str, Any] = {}
        if not (i.description or "").strip():
            errors["description"] = _("Beskriv vad som har hänt.")
        for name in ("occurred_at", "noticed_at", "ended_at"):
            _not_future(getattr(i, name), name, errors, now)
        if i.occurred_at and i.noticed_at and i.occurred_at > i.noticed_at and "occurred_at" not in errors:
            errors["occurred_at"] = _("Händelsen kan inte ha hänt efter att den upptäcktes.")
        start = i.occurred_at or i.noticed_at
        if i.ended_at and start and i.ended_at < start and "ended_at" not in errors:
            errors["ended_at"] = _("Händelsen kan inte ha upphört innan den började.")
        if i.personal_data not in Incident.PersonalData.values:
            errors["personal_data"] = _("Svara på om personuppgifter kan vara berörda.")
        if "noticed_at" in fields and i.noticed_at is not None:
            earliest = ReportSent.objects.filter(clock__incident=i).order_by("sent_at").first()
            if earliest is not None and i.noticed_at > earliest.sent_at:
                errors["noticed_at"] = _("En rapport är redan skickad före den tidpunkten.")
        if errors:
            raise ValidationError(errors)

    update_object(incident, fields, actor=actor, validate=validate)
    if "noticed_at" in fields:
        # The legal clocks run from the moment the incident became known.
        for clock in incident.clocks.filter(triggered=True).exclude(started_at=incident.noticed_at):
            update_object(clock, {"started_at": incident.noticed_at}, actor=actor)
    _touch(incident, now)
    return incident


@transaction.atomic
def status_set(*, actor: User, incident: Incident, status: str, lessons_learned: str = "") -> Incident:
    """new → investigating → resolved → closed (closing records the lessons learned; reopening
    goes back to investigating). An incident is not closed while a legal report is due."""
    _require_handle(actor, incident)
    incident = _locked(incident)
    now = _now()
    if status not in Incident.Status.values:
        raise ValidationError({"status": _("Okänd status.")})
    if status == incident.status:
        raise ValidationError({"status": _("Incidenten har redan den statusen.")})
    if status not in TRANSITIONS[incident.status]:
        raise ValidationError(
            {
                "status": _("Incidenten kan inte gå från %(from)s till %(to)s.")
                % {"from": Incident.Status(incident.status).label, "to": Incident.Status(status).label}
            }
        )
    changes: dict[str, Any] = {"status": status}
    if status in (Incident.Status.RESOLVED, Incident.Status.CLOSED) and incident.triaged_at is None:
        raise ValidationError({"status": _("Bedöm incidenten (kategori och allvarlighet) först.")})
    if status == Incident.Status.RESOLVED:
        changes["resolved_at"] = now
    elif status == Incident.Status.CLOSED:
        lessons = (lessons_learned or incident.lessons_learned or "").strip()
        if not lessons:
            raise ValidationError({"lessons_learned": _("Skriv vilka lärdomar incidenten ger innan den avslutas.")})
        if clocks.open_deadlines(incident, now):
            raise ValidationError(
                {
                    "status": _(
                        "Incidenten kan inte avslutas medan en lagstadgad rapport återstår: registrera rapporten "
                        "eller beslutet att inte rapportera."
                    )
                }
            )
        changes["closed_at"] = now
        changes["lessons_learned"] = lessons
    else:  # back to investigation
        changes["closed_at"] = None
        if incident.status == Incident.Status.RESOLVED:
            changes["resolved_at"] = None
    update_object(incident, changes, actor=actor)
    _touch(incident, now)
    return incident


@transaction.atomic
def timeline_add(
    *, actor: User, incident: Incident, kind: str, text: str, happened_at: datetime.datetime
) -> TimelineEntry:
    _require_handle(actor, incident)
    now = _now()
    errors: dict[str, Any] = {}
    if kind not in TimelineEntry.Kind.values:
        errors["kind"] = _("Välj en typ ur listan.")
    if not (text or "").strip():
        errors["text"] = _("Skriv vad som hände.")
    if happened_at is None:
        errors["happened_at"] = _("Ange när det hände.")
    else:
        _not_future(happened_at, "happened_at", errors, now)
    if errors:
        raise ValidationError(errors)
    entry = create_object(
        TimelineEntry(incident=incident, kind=kind, text=text.strip(), happened_at=happened_at, author=actor),
        actor=actor,
    )
    _touch(incident, now)
    return entry


# --- legal clocks --------------------------------------------------------------------------------


@transaction.atomic
def clock_answer(*, actor: User, incident: Incident, key: str, triggered: bool) -> Clock:
    """The handler's answer to a clock's trigger question; yes starts the clock at the moment
    the incident became known."""
    _require_handle(actor, incident)
    if clocks.clock_spec(key) is None:
        raise ValidationError({"key": _("Klockan finns inte i policyn.")})
    now = _now()
    triggered = bool(triggered)
    clock = Clock.objects.select_for_update().filter(incident=incident, key=key).first()
    started_at = incident.noticed_at if triggered else None
    if clock is None:
        clock = create_object(
            Clock(
                incident=incident,
                key=key,
                triggered=triggered,
                started_at=started_at,
                answered_by=actor,
                answered_at=now,
            ),
            actor=actor,
        )
    else:
        if not triggered and clock.triggered and (clock.reports.exists() or clock.not_reporting_decided_at):
            raise ValidationError(
                {
                    "triggered": _(
                        "En rapport eller ett beslut är redan registrerat för klockan; svaret kan inte ändras."
                    )
                }
            )
        if clock.triggered == triggered:
            return clock
        update_object(
            clock,
            {"triggered": triggered, "started_at": started_at, "answered_by": actor, "answered_at": now},
            actor=actor,
        )
    _touch(incident, now)
    return clock


@transaction.atomic
def report_record(
    *,
    actor: User,
    clock: Clock,
    deadline: str,
    sent_at: datetime.datetime,
    channel: str,
    reference: str = "",
) -> ReportSent:
    """A report to the authority recorded as sent: it meets one deadline of the clock."""
    incident = clock.incident
    _require_handle(actor, incident)
    clock = Clock.objects.select_for_update().get(pk=clock.pk)
    now = _now()
    spec = clocks.deadline_spec(clock.key, deadline)
    errors: dict[str, Any] = {}
    if not clock.triggered:
        raise ValidationError(_("Klockan är inte utlöst; det finns inget att rapportera."))
    if spec is None:
        raise ValidationError({"deadline": _("Rapporten finns inte för den här klockan.")})
    if clock.not_reporting_decided_at is not None:
        raise ValidationError(_("Det är beslutat att inte rapportera; rapporten kan inte registreras."))
    if clock.reports.filter(deadline=deadline).exists():
        raise ValidationError({"deadline": _("Rapporten är redan registrerad som skickad.")})
    if sent_at is None:
        errors["sent_at"] = _("Ange när rapporten skickades.")
    else:
        _not_future(sent_at, "sent_at", errors, now)
        if "sent_at" not in errors and sent_at < incident.noticed_at:
            errors["sent_at"] = _("Rapporten kan inte ha skickats innan incidenten upptäcktes.")
    if "months_after" in spec:
        previous = clock.reports.filter(deadline=spec["months_after"]).first()
        if previous is None:
            previous_name = (clocks.deadline_spec(clock.key, spec["months_after"]) or {}).get("name", "")
            errors["deadline"] = _("Registrera först att %(name)s är skickad.") % {"name": previous_name.lower()}
        elif sent_at is not None and "sent_at" not in errors and sent_at < previous.sent_at:
            errors["sent_at"] = _("Slutrapporten kan inte ha skickats före anmälan.")
    if not (channel or "").strip():
        errors["channel"] = _("Ange hur rapporten skickades.")
    if errors:
        raise ValidationError(errors)
    report = create_object(
        ReportSent(
            clock=clock,
            deadline=deadline,
            sent_at=sent_at,
            channel=channel.strip(),
            reference=(reference or "").strip(),
            recorded_by=actor,
        ),
        actor=actor,
    )
    _touch(incident, now)
    return report


@transaction.atomic
def not_reporting_decide(*, actor: User, clock: Clock, reason: str, decided_by: Person) -> Clock:
    """A recorded decision not to report after all: who decided and why. It closes the clock's
    deadlines that are not yet met."""
    incident = clock.incident
    _require_handle(actor, incident)
    clock = Clock.objects.select_for_update().get(pk=clock.pk)
    errors: dict[str, Any] = {}
    if not clock.triggered:
        raise ValidationError(_("Klockan är inte utlöst; det finns inget att besluta."))
    if clock.not_reporting_decided_at is not None:
        raise ValidationError(_("Beslutet att inte rapportera är redan registrerat."))
    spec = clocks.clock_spec(clock.key) or {}
    sent = set(clock.reports.values_list("deadline", flat=True))
    if spec.get("deadlines") and all(d["key"] in sent for d in spec["deadlines"]):
        raise ValidationError(_("Alla rapporter är redan skickade."))
    if not (reason or "").strip():
        errors["not_reporting_reason"] = _("Skriv varför incidenten inte rapporteras.")
    if decided_by is None:
        errors["not_reporting_decided_by"] = _("Ange vem som beslutade.")
    elif not decided_by.is_active:
        errors["not_reporting_decided_by"] = _("Personen är inte längre verksam i kommunen.")
    if errors:
        raise ValidationError(errors)
    now = _now()
    update_object(
        clock,
        {
            "not_reporting_reason": reason.strip(),
            "not_reporting_decided_by": decided_by,
            "not_reporting_decided_at": now,
        },
        actor=actor,
    )
    _touch(incident, now)
    return clock


# --- measures and risks ----------------------------------------------------------------------------


def current_analysis(unit: OrgUnit | None) -> SecurityAnalysis | None:
    """The förvaltning's analysis that new risks and measures go into: the one of the current
    mandatperiod (or of the next, started early), preferring one not yet reported."""
    unit = top_unit(unit)
    if unit is None:
        return None
    today = access.today()
    candidates = list(SecurityAnalysis.objects.filter(unit=unit, period__ends_on__gte=today).select_related("period"))
    candidates = [a for a in candidates if a.period.starts_on <= today] or candidates
    if not candidates:
        return None
    return min(candidates, key=lambda a: (a.status == SecurityAnalysis.Status.REPORTED, a.period.starts_on))


def _analysis_or_refuse(unit: OrgUnit | None, what: str) -> SecurityAnalysis:
    analysis = current_analysis(unit)
    if analysis is None:
        name = unit.name if unit is not None else _("förvaltningen")
        raise ValidationError(
            _(
                "%(unit)s har ingen informationssäkerhetsanalys för mandatperioden att lägga %(what)s i. "
                "Starta analysen under Risker först."
            )
            % {"unit": name, "what": what}
        )
    return analysis


def _link_m2m(actor: User, incident: Incident, field: str, obj: Any) -> None:
    manager = getattr(incident, field)
    before = sorted(manager.values_list("pk", flat=True))
    manager.add(obj)
    record_update(incident, snapshot(incident) | {field: before}, user=actor, extra={field: sorted([*before, obj.pk])})


@transaction.atomic
def measure_create_from(*, actor: User, incident: Incident, **fields: Any) -> Measure:
    """A measure the incident calls for, in the förvaltning's current analysis (through
    lis.risks.services), linked to the incident."""
    _require_handle(actor, incident)
    analysis = _analysis_or_refuse(incident.unit, _("åtgärden"))
    measure = risk_services.measure_save(actor=actor, analysis=analysis, **fields)
    _link_m2m(actor, incident, "measures", measure)
    _touch(incident)
    return measure


@transaction.atomic
def risk_add_from(*, actor: User, incident: Incident, system: InformationSystem, **fields: Any) -> Risk:
    """A risk the incident revealed in one of its systems, in the current analysis of the
    system's förvaltning (through lis.risks.services), linked to the incident."""
    _require_handle(actor, incident)
    analysis = _analysis_or_refuse(system.unit, _("risken"))
    risk = risk_services.risk_create(actor=actor, analysis=analysis, system=system, **fields)
    _link_m2m(actor, incident, "risks", risk)
    _touch(incident)
    return risk


# --- deadline reminders ------------------------------------------------------------------------


def _notice_message(deadline: clocks.Deadline, incident: Incident, stage: str) -> str:
    values = {
        "number": incident.number,
        "name": deadline.name,
        "clock": deadline.clock_name,
        "recipient": deadline.recipient,
        "due": clocks.local(deadline.due_at).strftime("%Y-%m-%d %H:%M") if deadline.due_at else "",
    }
    if deadline.state == clocks.IMMEDIATELY:
        return _("Incident %(number)s: %(name)s till %(recipient)s (%(clock)s) ska göras skyndsamt.") % values
    if stage == "passed":
        return (
            _("Incident %(number)s: tidsfristen för %(name)s till %(recipient)s (%(clock)s) passerade %(due)s.")
            % values
        )
    return _("Incident %(number)s: tidsfristen för %(name)s till %(recipient)s (%(clock)s) går ut %(due)s.") % values


def deadline_notices_send(now: datetime.datetime | None = None, *, sent: list[str] | None = None) -> int:
    """Tell the assigned handler and every säkerhetsstrateg in LIS when a legal deadline nears
    (fewer than the pack's warning hours left) and when it has passed (the e-mail goes out at once
    through lis.compliance.reminders, which reads the same clocks as legal deadlines): once per
    deadline and stage (DeadlineNotice), so running it twice sends nothing twice. Appends a line
    per notice to `sent`; returns the number of notices."""
    now = now or _now()
    open_clocks = (
        Clock.objects.filter(triggered=True, not_reporting_decided_at__isnull=True)
        .exclude(incident__status=Incident.Status.CLOSED)
        .select_related("incident__handler__user")
        .prefetch_related("reports", "notices")
    )
    strategist_users = _users_of(selectors.strategists())
    count = 0
    for clock in open_clocks:
        incident = clock.incident
        done = {(n.deadline, n.stage) for n in clock.notices.all()}
        for deadline in clocks.clock_deadlines(clock, now, noticed_at=incident.noticed_at):
            if deadline.state == clocks.PASSED:
                stage = "passed"
            elif deadline.state in (clocks.WARNING, clocks.IMMEDIATELY):
                stage = "warning"
            else:
                continue
            if (deadline.key, stage) in done:
                continue
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        DeadlineNotice.objects.create(clock=clock, deadline=deadline.key, stage=stage, sent_at=now)
                except IntegrityError:  # another run sent it just now
                    continue
                message = _notice_message(deadline, incident, stage)
                recipients = [*_users_of([incident.handler]), *strategist_users]
                notify(
                    recipients=recipients,
                    message=message,
                    link=incident_link(incident),
                    email=False,
                )
                record_event(
                    "incident_deadline_notice",
                    user=None,
                    obj=incident,
                    details={"clock": clock.key, "deadline": deadline.key, "stage": stage},
                )
            count += 1
            if sent is not None:
                sent.append(f"{message} ({len({u.pk for u in recipients})} mottagare)")
    return count
