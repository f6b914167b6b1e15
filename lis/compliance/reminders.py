"""Reminders by e-mail (issue 15 item 2, POL-3.31): what is due, told to whom it is for.

- A daily digest per person, at most one a day, from the pack's `reminders.digest_hour`: the
  deadlines that became due or overdue and those due within `reminders.horizon_days`, grouped
  by kind; sent only when something in it is new. Kinds the person wants weekly wait for the
  pack's `weekly_weekday`; kinds turned off are left out.
- A weekly summary to each förvaltning's/bolag's säkerhetssamordnare and to the
  säkerhetsstrateg: open deadlines counted per kind and unit, overdue first (and, for the
  strateg, the e-mails that could not be sent).
- Legal deadlines (`Deadline.legal`, the incident clocks) one e-mail each, at once, whatever the
  hour and the person's preferences: when the clock appears, when it enters the pack's
  `incidents.warning_hours`, and when it has passed.

Idempotent: a reminder is recorded per (deadline key, person, stage) and each e-mail per
(person, kind, period), both claimed with a conditional update before sending, so running the
job twice, or two runs at once, tells nobody twice. A failed send is recorded as failed with its
error and tried again at the next run, up to `reminders.max_attempts`; failures are printed by the
command and listed for the säkerhetsstrateg on "Mina påminnelser" and the start page. Every
reminder sent is a change-log event on the deadline's object, so it shows on its Historik.

What is due and for whom is asked only through lis.compliance.deadlines (`recipients`)."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core import access, changelog
from lis.core import deadlines as registry
from lis.core.deadlines import Deadline
from lis.core.pack import get_pack
from lis.organisation.models import OrgUnit, Person, RoleAssignment

from . import deadlines as due
from .models import ReminderMessage, ReminderPreference, ReminderSettings, SentReminder, Status

TZ = ZoneInfo("Europe/Stockholm")
Stage = SentReminder.Stage
Frequency = ReminderPreference.Frequency
# A message left "sending" this long (the process died between claiming and sending) is claimed again.
STALE_SENDING = datetime.timedelta(minutes=30)
# People are read and their digests computed this many at a time, in a fixed number of queries each.
BATCH_SIZE = 500
STAGE_ORDER = {Stage.OVERDUE: 0, Stage.DUE: 1, Stage.DUE_SOON: 2}
EVENT_SENT = "reminder_sent"
EVENT_SUMMARY = "reminder_summary_sent"
NO_ADDRESS = gettext_lazy("Personen saknar e-postadress i LIS.")


# --- what is due for one person ------------------------------------------------------------------


def local_now(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()).astimezone(TZ)


def moment_of(deadline: Deadline) -> datetime.datetime:
    """The deadline's exact moment: `due_at`, else the end of its day in Europe/Stockholm."""
    if deadline.due_at is not None:
        return deadline.due_at
    next_day = deadline.due + datetime.timedelta(days=1)
    return datetime.datetime.combine(next_day, datetime.time(), tzinfo=TZ)


def legal_stage(deadline: Deadline, now: datetime.datetime, warning_hours: int) -> str:
    """A legal clock is told when it appears, when it enters the warning window, when it passes."""
    moment = moment_of(deadline)
    if now >= moment:
        return Stage.OVERDUE
    if moment - now <= datetime.timedelta(hours=warning_hours):
        return Stage.DUE
    return Stage.DUE_SOON


def is_legal(deadline: Deadline) -> bool:
    if deadline.legal:
        return True
    try:
        return registry.kind(deadline.kind).legal
    except KeyError:
        return False


@dataclass(frozen=True)
class Item:
    """One deadline as a person is told of it."""

    deadline: Deadline
    stage: str
    new: bool  # not yet told at this stage (or told, but the e-mail failed and is tried again)

    @property
    def stage_label(self) -> str:
        d = self.deadline
        if registry.is_appointment(d):  # a meeting: when it is, never "late"
            return _("I dag, %(date)s") % {"date": _when(d)} if self.stage == Stage.DUE else _when(d)
        if self.stage == Stage.OVERDUE:
            return _("Försenad, skulle vara klar %(date)s") % {"date": _when(d)}
        if self.stage == Stage.DUE:
            return _("Förfaller i dag, %(date)s") % {"date": _when(d)}
        return _("Förfaller %(date)s") % {"date": _when(d)}

    @property
    def link(self) -> str:
        return absolute(self.deadline.url)


def _when(deadline: Deadline) -> str:
    if deadline.due_at is not None:
        return deadline.due_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
    return deadline.due.isoformat()


def absolute(path: str) -> str:
    if not path or "://" in path:
        return path
    return f"{settings.LIS_BASE_URL}{path if path.startswith('/') else '/' + path}"


def kind_label(key: str) -> str:
    try:
        return str(registry.kind(key).label)
    except KeyError:
        return key


def kind_order(key: str) -> tuple[int, str]:
    try:
        found = registry.kind(key)
    except KeyError:
        return (1000, key)
    return (found.order, key)


def group_by_kind(items: Iterable[Item]) -> list[tuple[str, list[Item]]]:
    """[(kind label, items)], kinds in the registry's order, items overdue first, then by date."""
    by_kind: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_kind[item.deadline.kind].append(item)
    return [
        (
            kind_label(key),
            sorted(by_kind[key], key=lambda i: (STAGE_ORDER[i.stage], i.deadline.due, i.deadline.title)),
        )
        for key in sorted(by_kind, key=kind_order)
    ]


# --- reading a batch of people in a fixed number of queries ---------------------------------------


@dataclass
class Told:
    status: str
    attempts: int


@dataclass
class PersonState:
    person: Person
    language: str
    preferences: dict[str, str]
    told: dict[tuple[str, str], Told]  # (key, stage) → what was recorded
    messages: dict[tuple[str, datetime.date, str], ReminderMessage]  # (kind, period, claim)

    @property
    def address(self) -> str:
        return self.person.email or (self.person.user.email if self.person.user_id else "")

    def frequency(self, kind: str) -> str:
        return self.preferences.get(kind, Frequency.DAILY)


def _load_states(person_ids: list[int], keys: set[str], periods: set[datetime.date]) -> dict[int, PersonState]:
    """Five queries whatever the number of people in the batch."""
    people = Person.objects.filter(pk__in=person_ids).select_related("user")
    languages = dict(ReminderSettings.objects.filter(person_id__in=person_ids).values_list("person_id", "language"))
    states = {
        p.pk: PersonState(person=p, language=languages.get(p.pk) or "", preferences={}, told={}, messages={})
        for p in people
    }
    for person_id, kind, frequency in ReminderPreference.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "kind", "frequency"
    ):
        states[person_id].preferences[kind] = frequency
    if keys:
        for person_id, key, stage, status, attempts in SentReminder.objects.filter(
            person_id__in=person_ids, key__in=keys
        ).values_list("person_id", "key", "stage", "status", "attempts"):
            states[person_id].told[(key, stage)] = Told(status, attempts)
    # Today's digest and this week's summary; a legal message is looked up when it is claimed
    # (whether it was sent is already in `told`).
    for message in ReminderMessage.objects.filter(
        person_id__in=person_ids,
        period__in=periods,
        kind__in=[ReminderMessage.Kind.DIGEST, ReminderMessage.Kind.SUMMARY],
    ):
        states[message.person_id].messages[(message.kind, message.period, message.claim)] = message
    return states


def _is_new(state: PersonState, key: str, stage: str, max_attempts: int) -> bool:
    told = state.told.get((key, stage))
    if told is None:
        return True
    return told.status == Status.FAILED and told.attempts < max_attempts


def digest_items(
    state: PersonState, deadlines: Iterable[Deadline], *, now: datetime.datetime, weekly_day: bool
) -> list[Item]:
    """What one person's digest lists today: every open deadline of theirs within the horizon or
    overdue, of the kinds they want today (daily, or weekly on the weekly day); legal ones go
    separately."""
    pack = get_pack()
    items = []
    for deadline in deadlines:
        if is_legal(deadline):
            continue
        frequency = state.frequency(deadline.kind)
        if frequency == Frequency.OFF or (frequency == Frequency.WEEKLY and not weekly_day):
            continue
        stage = registry.stage_of(deadline, now, pack.reminder_horizon_days)
        if stage is None:
            continue
        items.append(Item(deadline, stage, _is_new(state, deadline.key, stage, pack.reminder_max_attempts)))
    return items


def legal_items(state: PersonState, deadlines: Iterable[Deadline], *, now: datetime.datetime) -> list[Item]:
    """The legal deadlines this person has not been told of at their present stage."""
    pack = get_pack()
    items = []
    for deadline in deadlines:
        if not is_legal(deadline):
            continue
        stage = legal_stage(deadline, now, pack.incident_warning_hours)
        if _is_new(state, deadline.key, stage, pack.reminder_max_attempts):
            items.append(Item(deadline, stage, True))
    return items


# --- the e-mails ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def _render(template: str, context: dict[str, Any], language: str) -> Email:
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            **context,
            "base_url": settings.LIS_BASE_URL,
            "preferences_url": absolute(reverse("compliance:reminders")),
            "municipality_name": get_pack().municipality_name,
        }
        subject = context["subject_fn"]()
        context["subject"] = subject
        text = render_to_string(f"compliance/email/{template}.txt", context)
        html = render_to_string(f"compliance/email/{template}.html", context)
    return Email(subject=" ".join(str(subject).split())[:200], text=text, html=html)


def render_digest(state: PersonState, items: list[Item], *, today: datetime.date) -> Email:
    new = [item for item in items if item.new]

    def subject() -> str:
        overdue = sum(1 for item in items if item.stage == Stage.OVERDUE)
        text = ngettext("LIS: %(count)s ny påminnelse", "LIS: %(count)s nya påminnelser", len(new)) % {
            "count": len(new)
        }
        if overdue:
            text += " – " + ngettext("%(count)s försenad", "%(count)s försenade", overdue) % {"count": overdue}
        return text

    return _render(
        "reminder_digest",
        {
            "subject_fn": subject,
            "groups": group_by_kind(items),
            "today": today,
            "horizon_days": get_pack().reminder_horizon_days,
            "new_count": len(new),
        },
        state.language,
    )


def render_legal(state: PersonState, item: Item) -> Email:
    def subject() -> str:
        if item.stage == Stage.OVERDUE:
            return _("LIS: lagstadgad tidsfrist har passerat – %(title)s") % {"title": item.deadline.title}
        return _("LIS: lagstadgad tidsfrist – %(title)s") % {"title": item.deadline.title}

    return _render("reminder_legal", {"subject_fn": subject, "item": item}, state.language)


@dataclass(frozen=True)
class SummaryRow:
    unit: str
    kind: str
    overdue: int
    upcoming: int


def render_summary(
    state: PersonState, rows: list[SummaryRow], failures: list[ReminderMessage], *, week: datetime.date
) -> Email:
    def subject() -> str:
        overdue = sum(row.overdue for row in rows)
        return _("LIS: veckosammanfattning vecka %(week)s – %(overdue)s försenade") % {
            "week": week.isocalendar().week,
            "overdue": overdue,
        }

    return _render(
        "reminder_summary",
        {
            "subject_fn": subject,
            "rows": rows,
            "failures": failures,
            "week": week.isocalendar().week,
            "horizon_days": get_pack().reminder_horizon_days,
        },
        state.language,
    )


def _send(email: Email, address: str) -> str | None:
    """Send; the error as text if the mail server refused or could not be reached."""
    message = EmailMultiAlternatives(
        email.subject, email.text, None, [address], headers={"Auto-Submitted": "auto-generated"}
    )
    message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - whatever the backend raises, the send is recorded failed
        return (f"{type(exc).__name__}: {exc}")[:500]
    return None


# --- claiming, sending and recording -----------------------------------------------------------


def _claim(
    state: PersonState, kind: str, period: datetime.date, claim: str, *, now: datetime.datetime, max_attempts: int
) -> ReminderMessage | None:
    """The message row to send now, claimed by this run; None if sent, given up or being sent."""
    existing = state.messages.get((kind, period, claim))
    if existing is None:
        message, created = ReminderMessage.objects.get_or_create(
            person=state.person, kind=kind, period=period, claim=claim, defaults={"attempted_at": now}
        )
        if created:
            return message
        existing = message
    if existing.status == Status.SENT:
        return None
    if existing.status == Status.FAILED and existing.attempts >= max_attempts:
        return None
    if existing.status == Status.SENDING and existing.attempted_at and existing.attempted_at > now - STALE_SENDING:
        return None
    claimed = ReminderMessage.objects.filter(pk=existing.pk, status=existing.status, attempts=existing.attempts).update(
        status=Status.SENDING, attempted_at=now
    )
    return existing if claimed else None


@functools.cache
def _model_for(object_type: str) -> type[models.Model] | None:
    for model in apps.get_models():
        if changelog.object_type_of(model) == object_type:
            return model
    return None


def _objects_of(items: list[Item]) -> dict[tuple[str, str], models.Model]:
    """The deadlines' objects, one query per kind of object, for the change-log entries."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for item in items:
        if item.deadline.object_type and item.deadline.object_id:
            wanted[item.deadline.object_type].add(item.deadline.object_id)
    found: dict[tuple[str, str], models.Model] = {}
    for object_type, ids in wanted.items():
        model = _model_for(object_type)
        if model is None:
            continue
        try:
            rows = model._default_manager.in_bulk(list(ids))
        except (ValueError, TypeError):
            continue
        for pk, obj in rows.items():
            found[(object_type, str(pk))] = obj
    return found


def _finish(
    state: PersonState,
    message: ReminderMessage,
    items: list[Item],
    email: Email,
    error: str | None,
    *,
    now: datetime.datetime,
    channel: str,
) -> None:
    """Record the outcome of one e-mail: the message, each reminder it carried, and for each one
    sent a change-log event on the deadline's object."""
    objects = _objects_of(items) if error is None else {}
    with transaction.atomic():
        message.attempts += 1
        message.status = Status.FAILED if error else Status.SENT
        message.last_error = error or ""
        message.subject = email.subject
        message.address = state.address
        message.attempted_at = now
        message.sent_at = None if error else now
        message.save()
        for item in items:
            d = item.deadline
            told, _created = SentReminder.objects.get_or_create(
                key=d.key,
                person=state.person,
                stage=item.stage,
                defaults={"kind": d.kind, "title": d.title[:300], "due": d.due},
            )
            told.attempts += 1
            told.status = message.status
            told.last_error = message.last_error
            told.message = message
            told.sent_at = message.sent_at
            told.save()
            state.told[(d.key, item.stage)] = Told(told.status, told.attempts)
            if error is None:
                changelog.record_event(
                    EVENT_SENT,
                    user=None,
                    obj=objects.get((d.object_type, d.object_id)),
                    details={
                        "person": state.person.pk,
                        "stage": item.stage,
                        "due": _when(d),
                        "channel": channel,
                        "deadline": d.key,
                    },
                )


def _fail_without_address(
    state: PersonState, message: ReminderMessage, items: list[Item], email: Email, *, now, channel
):
    """No address: recorded failed at once and not tried again (nothing would change by trying)."""
    _finish(state, message, items, email, str(NO_ADDRESS), now=now, channel=channel)
    max_attempts = get_pack().reminder_max_attempts
    ReminderMessage.objects.filter(pk=message.pk).update(attempts=max_attempts)
    SentReminder.objects.filter(message=message).update(attempts=max_attempts)
    for item in items:
        state.told[(item.deadline.key, item.stage)] = Told(Status.FAILED, max_attempts)


# --- the run -----------------------------------------------------------------------------------------


@dataclass
class Planned:
    """One e-mail a run sends (or, in a dry run, would send)."""

    person: Person
    kind: str
    email: Email
    items: list[Item] = field(default_factory=list)
    address: str = ""


@dataclass
class RunReport:
    sent: list[Planned] = field(default_factory=list)
    failed: list[tuple[Planned, str]] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)  # a dry run: what would be sent
    skipped: list[str] = field(default_factory=list)  # why nothing went to a person asked for


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _process_person(
    state: PersonState,
    deadlines: list[Deadline],
    *,
    now: datetime.datetime,
    digests: bool,
    weekly_day: bool,
    dry_run: bool,
    report: RunReport,
    only_legal: bool = False,
) -> None:
    pack = get_pack()
    today = now.date()
    max_attempts = pack.reminder_max_attempts
    if not state.person.is_active:
        return
    # Legal deadlines first, one e-mail each, at whatever hour.
    for item in legal_items(state, deadlines, now=now):
        email = render_legal(state, item)
        planned = Planned(state.person, ReminderMessage.Kind.LEGAL, email, [item], state.address)
        claim = f"{item.deadline.key}|{item.stage}"[:300]
        if dry_run:
            report.planned.append(planned)
            continue
        message = _claim(
            state, ReminderMessage.Kind.LEGAL, item.deadline.due, claim, now=now, max_attempts=max_attempts
        )
        if message is None:
            continue
        _deliver(state, message, planned, now=now, channel="legal", report=report)
    if only_legal or not digests:
        return
    items = digest_items(state, deadlines, now=now, weekly_day=weekly_day)
    if not any(item.new for item in items):
        return
    existing = state.messages.get((ReminderMessage.Kind.DIGEST, today, ""))
    if existing is not None and existing.status == Status.SENT:
        report.skipped.append(_("Dagens sammanställning är redan skickad till %(person)s.") % {"person": state.person})
        return
    email = render_digest(state, items, today=today)
    planned = Planned(state.person, ReminderMessage.Kind.DIGEST, email, items, state.address)
    if dry_run:
        report.planned.append(planned)
        return
    message = _claim(state, ReminderMessage.Kind.DIGEST, today, "", now=now, max_attempts=max_attempts)
    if message is None:
        return
    _deliver(state, message, planned, now=now, channel="digest", report=report)


def _deliver(state: PersonState, message: ReminderMessage, planned: Planned, *, now, channel: str, report: RunReport):
    new = [item for item in planned.items if item.new]
    address = state.address
    if not address:
        _fail_without_address(state, message, new, planned.email, now=now, channel=channel)
        report.failed.append((planned, str(NO_ADDRESS)))
        return
    error = _send(planned.email, address)
    _finish(state, message, new, planned.email, error, now=now, channel=channel)
    if error:
        report.failed.append((planned, error))
    else:
        report.sent.append(planned)


def _summary_recipients(today: datetime.date) -> dict[int, list[str] | None]:
    """person pk → unit paths they summarise (None: the whole kommun, for the säkerhetsstrateg)."""
    found: dict[int, list[str] | None] = {}
    for person_id, role, path in (
        RoleAssignment.objects.active(today)
        .filter(role__in=["security_strategist", "security_coordinator"])
        .values_list("person_id", "role", "unit__path")
    ):
        if role == "security_strategist":
            found[person_id] = None
        elif found.get(person_id, []) is not None and path:
            found.setdefault(person_id, []).append(path)
    return found


def summary_rows(
    deadlines: Iterable[Deadline], paths: list[str] | None, *, now: datetime.datetime, units: dict[int, OrgUnit]
) -> list[SummaryRow]:
    """Open deadlines counted per kind and förvaltning/bolag within `paths` (None: everywhere),
    the rows with most overdue first."""
    horizon = get_pack().reminder_horizon_days
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    seen: set[str] = set()
    by_id = {str(u.pk): u for u in units.values()}
    for deadline in deadlines:
        if deadline.key in seen:
            continue
        seen.add(deadline.key)
        unit = units.get(deadline.unit_id) if deadline.unit_id else None
        if paths is not None and (unit is None or not any(unit.path.startswith(p) for p in paths)):
            continue
        stage = registry.stage_of(deadline, now, horizon)
        if stage is None:
            continue
        top = by_id.get(unit.path.strip("/").split("/")[0]) if unit is not None else None
        name = top.name if top is not None else str(_("Kommunen gemensamt"))
        counts[(name, deadline.kind)][0 if stage == Stage.OVERDUE else 1] += 1
    rows = [
        SummaryRow(unit, kind_label(kind), overdue, upcoming) for (unit, kind), (overdue, upcoming) in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row.overdue, row.unit, row.kind))


# Failed e-mails are reported for this long (their reminders go with later e-mails, or stay failed).
REPORT_DAYS = 7


def _failed(now: datetime.datetime | None = None):
    since = local_now(now) - datetime.timedelta(days=REPORT_DAYS)
    return ReminderMessage.objects.filter(status=Status.FAILED, attempted_at__gte=since)


def failed_messages(now: datetime.datetime | None = None) -> list[ReminderMessage]:
    """E-mails of the last REPORT_DAYS days that could not be sent (still being tried, or given
    up), newest first."""
    return list(_failed(now).select_related("person").order_by("-attempted_at", "-pk")[:200])


def _summaries(
    found: dict[int, list[Deadline]], *, now: datetime.datetime, dry_run: bool, only: Person | None, report: RunReport
) -> None:
    today = now.date()
    week = week_start(today)
    recipients = _summary_recipients(today)
    if only is not None:
        recipients = {pk: paths for pk, paths in recipients.items() if pk == only.pk}
    if not recipients:
        return
    every = [deadline for items in found.values() for deadline in items]
    units = OrgUnit.objects.in_bulk()
    failures = failed_messages(now)
    states = _load_states(list(recipients), set(), {week})
    max_attempts = get_pack().reminder_max_attempts
    for person_id, paths in recipients.items():
        state = states.get(person_id)
        if state is None or not state.person.is_active:
            continue
        rows = summary_rows(every, paths, now=now, units=units)
        mine = failures if paths is None else []
        if not rows and not mine:
            continue
        email = render_summary(state, rows, mine, week=week)
        planned = Planned(state.person, ReminderMessage.Kind.SUMMARY, email, address=state.address)
        if dry_run:
            report.planned.append(planned)
            continue
        message = _claim(state, ReminderMessage.Kind.SUMMARY, week, "", now=now, max_attempts=max_attempts)
        if message is None:
            continue
        address = state.address
        error = _send(email, address) if address else str(NO_ADDRESS)
        with transaction.atomic():
            message.attempts = max_attempts if not address else message.attempts + 1
            message.status = Status.FAILED if error else Status.SENT
            message.last_error = error or ""
            message.subject = email.subject
            message.address = address
            message.attempted_at = now
            message.sent_at = None if error else now
            message.save()
            if error is None:
                changelog.record_event(
                    EVENT_SUMMARY, user=None, details={"person": person_id, "rows": len(rows), "week": str(week)}
                )
        (report.failed.append((planned, error)) if error else report.sent.append(planned))


def run(
    *,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
    only: Person | None = None,
    weekly: bool = False,
    legal_only: bool = False,
) -> RunReport:
    """One pass of the reminders (the management command, the scheduled job): legal deadlines at
    once, the daily digests from the pack's hour, the weekly summaries on its weekday (or now,
    with `weekly`). `only`: one person. `dry_run`: compute and render, write and send nothing.
    Safe to run every few minutes and concurrently."""
    pack = get_pack()
    now = local_now(now)
    today = now.date()
    # A dry run for one person shows what today's digest holds, even before the hour it goes out.
    digests = now.hour >= pack.reminder_digest_hour or (dry_run and only is not None)
    weekly_day = weekly or today.isoweekday() == pack.reminder_weekly_weekday
    report = RunReport()
    until = today + datetime.timedelta(days=pack.reminder_horizon_days)
    found = due.recipients(until)
    # Titles are translated when collected: those who read English get theirs collected in English.
    languages = dict(ReminderSettings.objects.exclude(language="").values_list("person_id", "language"))
    found_in: dict[str, dict[int, list[Deadline]]] = {}
    for language in set(languages.values()) - {settings.LANGUAGE_CODE}:
        with translation.override(language):
            found_in[language] = due.recipients(until)

    def theirs(pk: int) -> list[Deadline]:
        language = languages.get(pk, "")
        return (found_in[language] if language in found_in else found).get(pk, [])

    person_ids = sorted(found) if only is None else [only.pk]
    for start in range(0, len(person_ids), BATCH_SIZE):
        batch = person_ids[start : start + BATCH_SIZE]
        keys = {deadline.key for pk in batch for deadline in theirs(pk)}
        periods = {today, week_start(today)}
        states = _load_states(batch, keys, periods)
        for pk in batch:
            state = states.get(pk)
            if state is None:
                continue
            _process_person(
                state,
                theirs(pk),
                now=now,
                digests=digests,
                weekly_day=weekly_day,
                dry_run=dry_run,
                report=report,
                only_legal=legal_only,
            )
    if not legal_only and digests and weekly_day:
        _summaries(found, now=now, dry_run=dry_run, only=only, report=report)
    return report


def send_legal(now: datetime.datetime | None = None) -> RunReport:
    """Legal deadlines only, at once: for the incidents flow or a job every few minutes."""
    return run(now=now, legal_only=True)


# --- preferences (the "Mina påminnelser" page) ---------------------------------------------------


def preferences_of(person: Person) -> dict[str, str]:
    return dict(ReminderPreference.objects.filter(person=person).values_list("kind", "frequency"))


def language_of(person: Person) -> str:
    return ReminderSettings.objects.filter(person=person).values_list("language", flat=True).first() or ""


@transaction.atomic
def preferences_update(*, actor, person: Person, frequencies: dict[str, str], language: str) -> None:
    """Store one's own choices: a frequency per (non-legal) kind and the e-mail language."""
    p = access.principal_for(actor)
    access.require(p.person is not None and p.person.pk == person.pk)
    legal = {k.key for k in registry.kinds() if k.legal}
    valid = {choice for choice, _label in Frequency.choices}
    changed: dict[str, list[str]] = {}
    current = preferences_of(person)
    for kind, frequency in frequencies.items():
        if kind in legal or frequency not in valid:
            continue
        before = current.get(kind, Frequency.DAILY)
        if before == frequency:
            continue
        ReminderPreference.objects.update_or_create(person=person, kind=kind, defaults={"frequency": frequency})
        changed[kind] = [before, frequency]
    settings_row, _created = ReminderSettings.objects.get_or_create(person=person)
    if settings_row.language != language:
        changed["language"] = [settings_row.language, language]
        settings_row.language = language
        settings_row.save(update_fields=["language"])
    if changed:
        changelog.record_event("reminder_preferences_changed", user=actor, obj=person, details=changed)


def due_for(person: Person, *, now: datetime.datetime | None = None) -> list[tuple[str, list[Item]]]:
    """What is due for this person now (overdue and within the horizon), grouped by kind,
    whatever their preferences: the list on their page."""
    pack = get_pack()
    now = local_now(now)
    items = []
    for deadline in due.deadlines_for(person, now.date() + datetime.timedelta(days=pack.reminder_horizon_days)):
        stage = registry.stage_of(deadline, now, pack.reminder_horizon_days)
        if stage is not None:
            items.append(Item(deadline, stage, False))
    return group_by_kind(items)


# --- registrations (AppConfig.ready) -------------------------------------------------------------


def _attention(request) -> list:
    from lis.core.extensions import Attention

    p = request.principal
    if not p.has_role("security_strategist"):
        return []
    count = _failed().count()
    if not count:
        return []
    text = ngettext(
        "Påminnelser: %(count)s e-postmeddelande kunde inte skickas.",
        "Påminnelser: %(count)s e-postmeddelanden kunde inte skickas.",
        count,
    ) % {"count": count}
    return [Attention(text, reverse("compliance:reminders"), group="kommun", tone="overdue", order=15, badge=_("Fel"))]


def register() -> None:
    from lis.core import history
    from lis.core.extensions import register_attention

    stages = {value: label for value, label in Stage.choices}
    channels = {"digest": gettext_lazy("Daglig sammanställning"), "legal": gettext_lazy("Direkt (lagstadgad)")}
    history.register_event(
        EVENT_SENT,
        gettext_lazy("Påminnelse skickad"),
        details={
            "person": (gettext_lazy("Till"), history.Related("organisation.person")),
            "stage": (gettext_lazy("Skede"), history.mapping(stages)),
            "due": (gettext_lazy("Tidsfrist"), None),
            "channel": (gettext_lazy("Utskick"), history.mapping(channels)),
            "deadline": (gettext_lazy("Nyckel"), None),
        },
    )
    history.register_event(
        EVENT_SUMMARY,
        gettext_lazy("Veckosammanfattning skickad"),
        details={
            "person": (gettext_lazy("Till"), history.Related("organisation.person")),
            "rows": (gettext_lazy("Rader"), None),
            "week": (gettext_lazy("Vecka från"), None),
        },
    )
    history.register_event(
        "reminder_preferences_changed",
        gettext_lazy("Val för påminnelser ändrade"),
    )
    history.register_event(
        "calendar_feed_created",
        gettext_lazy("Kalenderadress skapad"),
        details={"renewed": (gettext_lazy("Ersätter en tidigare adress"), None)},
    )
    history.register_event("calendar_feed_revoked", gettext_lazy("Kalenderadress återkallad"))
    register_attention("reminders", _attention)
