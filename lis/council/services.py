"""Every write to the council's records: permission first (PermissionDenied), then Swedish
validation (ValidationError, nothing written), then the change and its change-log entry in one
transaction. Nothing here records what did not happen: a meeting is not held before it starts,
nobody justerar twice, a signature is given on the content its signer saw, and minutes get one
diarienummer, once."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.changelog import record_create, record_delete, record_event
from lis.core.models import User
from lis.core.pack import get_pack
from lis.core.services import create_object, update_object
from lis.organisation.models import Board, OrgUnit, Person, Role
from lis.organisation.services import diary_series
from lis.systems.models import InformationSystem

from . import ics, selectors
from .models import Advice, AgendaItem, Attendance, Meeting, Minutes, SuaAssessment

MEETING_FIELDS = ("starts_at", "ends_at", "location", "link")
ITEM_FIELDS = ("title", "description", "minutes", "secret", "secrecy_provision", "position", "unit")
SEATS = {
    Role.COUNCIL_CHAIR,
    Role.SECURITY_STRATEGIST,
    Role.COUNCIL_REPRESENTATIVE,
    Role.COUNCIL_DEPUTY,
}


def _p(actor: User) -> access.Principal:
    return access.principal_for(actor)


def _require_manage(actor: User) -> access.Principal:
    p = _p(actor)
    access.require(
        selectors.can_manage(p),
        _("Bara E-rådets ordförande, säkerhetsstrategen och administratören får göra detta."),
    )
    return p


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("council", "adjuster").get(pk=meeting.pk)


def _require_open(meeting: Meeting) -> None:
    """The minutes may still change: not justerade, no signature given on them."""
    if selectors.is_justered(meeting):
        raise ValidationError(_("Minnesanteckningarna är justerade och kan inte ändras."))
    if meeting.chair_signed_at or meeting.adjuster_signed_at:
        raise ValidationError(
            _("Minnesanteckningarna har börjat justeras. Dra tillbaka justeringen innan något ändras.")
        )


def _require_not_cancelled(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("Mötet är inställt."))


# --- meetings -----------------------------------------------------------------------------------


def _validate_meeting(meeting: Meeting) -> None:
    errors: dict[str, str] = {}
    if meeting.starts_at is None:
        errors["starts_at"] = _("Ange när mötet börjar.")
    if meeting.ends_at is None:
        errors["ends_at"] = _("Ange när mötet slutar.")
    if not errors and meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = _("Mötet måste sluta efter att det börjar.")
    if not errors and meeting.ends_at - meeting.starts_at > datetime.timedelta(hours=24):
        errors["ends_at"] = _("Ett möte kan inte vara längre än ett dygn.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_create(
    *, actor: User, starts_at: datetime.datetime, ends_at: datetime.datetime, location: str = "", link: str = ""
) -> Meeting:
    _require_manage(actor)
    meeting = Meeting(
        council=selectors.council_get(), starts_at=starts_at, ends_at=ends_at, location=location, link=link
    )
    return create_object(meeting, actor=actor, validate=_validate_meeting)


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, **fields: Any) -> Meeting:
    """Change the time, place or link; each change raises the invitation's SEQUENCE."""
    _require_manage(actor)
    locked = _locked(meeting)
    _require_not_cancelled(locked)
    changes = {k: v for k, v in fields.items() if k in MEETING_FIELDS}
    if locked.status == Meeting.Status.HELD and any(
        getattr(locked, k) != v for k, v in changes.items() if k in ("starts_at", "ends_at")
    ):
        raise ValidationError(_("Mötet är genomfört; tiden kan inte ändras i efterhand."))
    before = {k: getattr(locked, k) for k in MEETING_FIELDS}
    update_object(locked, changes, actor=actor, validate=_validate_meeting)
    if any(getattr(locked, k) != before[k] for k in MEETING_FIELDS):
        locked.ics_sequence += 1
        locked.save(update_fields=["ics_sequence"])
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting) -> Meeting:
    """Cancel a planned meeting; members who got the invitation are sent the cancellation."""
    _require_manage(actor)
    locked = _locked(meeting)
    if locked.status == Meeting.Status.HELD:
        raise ValidationError(_("Mötet är redan genomfört och kan inte ställas in."))
    _require_not_cancelled(locked)
    update_object(locked, {"status": Meeting.Status.CANCELLED}, actor=actor)
    locked.ics_sequence += 1
    locked.save(update_fields=["ics_sequence"])
    if locked.agenda_sent_at is not None:
        sent = _send(
            locked,
            subject=_("Inställt: %(meeting)s") % {"meeting": locked},
            body=_("%(meeting)s är inställt. Kalenderinbjudan tas bort med bifogad fil.") % {"meeting": locked},
        )
        record_event("agenda_cancel_sent", user=actor, obj=locked, details={"recipients": sent})
    meeting.refresh_from_db()
    return meeting


# --- the dagordning -------------------------------------------------------------------------------


def _next_position(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(top=Max("position"))["top"] or 0) + 1


def _validate_item(item: AgendaItem) -> None:
    errors: dict[str, str] = {}
    if not item.title.strip():
        errors["title"] = _("Ange en rubrik.")
    if item.secret and not item.secrecy_provision.strip():
        errors["secrecy_provision"] = _("Ange lagrummet för sekretessen, till exempel OSL 18 kap. 8 §.")
    if not item.secret and item.secrecy_provision.strip():
        errors["secrecy_provision"] = _("Ange lagrum bara för en punkt som omfattas av sekretess.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agenda_draft(*, actor: User, meeting: Meeting) -> list[AgendaItem]:
    """Add the standing items, open advice and SUA assessments not yet raised that are not on
    the dagordning already. Idempotent: returns the items it added."""
    _require_manage(actor)
    locked = _locked(meeting)
    _require_not_cancelled(locked)
    if locked.status == Meeting.Status.HELD:
        raise ValidationError(_("Mötet är genomfört; dagordningen kan inte utökas med stående punkter."))
    _require_open(locked)
    existing = set(locked.agenda_items.values_list("standing_key", "unit_id"))
    followed = set(locked.agenda_items.exclude(followed_advice=None).values_list("followed_advice_id", flat=True))
    position = _next_position(locked)
    added: list[AgendaItem] = []

    def add(item: AgendaItem) -> AgendaItem:
        nonlocal position
        item.meeting, item.position, item.accepted = locked, position, True
        position += 1
        added.append(create_object(item, actor=actor, validate=_validate_item))
        return item

    for standing in selectors.standing_items(locked):
        if standing.key == "open_advice" or (standing.key, standing.unit.pk if standing.unit else None) in existing:
            continue
        links = "\n".join(f"{label}: {url}" for label, url in standing.links)
        add(
            AgendaItem(
                kind=AgendaItem.Kind.STANDING,
                standing_key=standing.key,
                title=standing.title[:300],
                description=f"{standing.description}\n{links}".strip(),
                unit=standing.unit,
            )
        )
    for advice in selectors.open_advice().exclude(agenda_item__meeting=locked):
        if advice.pk in followed:
            continue
        add(
            AgendaItem(
                kind=AgendaItem.Kind.ADVICE,
                title=(_("Uppföljning av råd: %(text)s") % {"text": advice.text})[:300],
                description=_("Följs upp av %(person)s senast %(date)s.")
                % {
                    "person": access.person_label(selectors.ARCHIVE, advice.follow_up_by),
                    "date": advice.follow_up_on.isoformat(),
                },
                unit=advice.unit,
                followed_advice=advice,
                secret=advice.agenda_item.secret,
                secrecy_provision=advice.agenda_item.secrecy_provision,
            )
        )
    for assessment in SuaAssessment.objects.filter(agenda_item__isnull=True).select_related("system", "system__unit"):
        item = add(_sua_item(assessment))
        update_object(assessment, {"agenda_item": item}, actor=actor)
    return added


def _sua_item(assessment: SuaAssessment) -> AgendaItem:
    return AgendaItem(
        kind=AgendaItem.Kind.SUA,
        title=(_("SUA-bedömning: %(system)s") % {"system": assessment.system.name})[:300],
        description=assessment.decision,
        unit=assessment.system.unit,
    )


@transaction.atomic
def agenda_item_add(
    *, actor: User, meeting: Meeting, title: str, description: str = "", unit: OrgUnit | None = None
) -> AgendaItem:
    """The chair, the säkerhetsstrateg and the administrator add items; a representative or
    deputy proposes one for their own förvaltning/bolag, which waits to be accepted."""
    p = _p(actor)
    manages = selectors.can_manage(p)
    if not manages:
        access.require(
            selectors.can_propose(p, unit),
            _("Du kan anmäla punkter bara för den förvaltning eller det bolag du företräder i E-rådet."),
        )
    locked = _locked(meeting)
    _require_not_cancelled(locked)
    _require_open(locked)
    if not manages and locked.status == Meeting.Status.HELD:
        raise ValidationError(_("Mötet är redan genomfört."))
    item = AgendaItem(
        meeting=locked,
        position=_next_position(locked),
        kind=AgendaItem.Kind.MEMBER,
        title=title.strip(),
        description=description.strip(),
        unit=unit,
        proposed_by=p.person,
        accepted=manages,
    )
    return create_object(item, actor=actor, validate=_validate_item)


@transaction.atomic
def agenda_item_accept(*, actor: User, item: AgendaItem) -> AgendaItem:
    _require_manage(actor)
    _require_open(_locked(item.meeting))
    if item.accepted:
        raise ValidationError(_("Punkten står redan på dagordningen."))
    return update_object(item, {"accepted": True}, actor=actor)


@transaction.atomic
def agenda_item_update(*, actor: User, item: AgendaItem, **fields: Any) -> AgendaItem:
    """Title, description, minnesanteckning, sekretess with lagrum, order."""
    _require_manage(actor)
    locked = _locked(item.meeting)
    _require_open(locked)
    changes = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items() if k in ITEM_FIELDS}
    if "secret" in changes and not changes["secret"] and "secrecy_provision" not in changes:
        changes["secrecy_provision"] = ""
    if "position" in changes and (not isinstance(changes["position"], int) or changes["position"] < 1):
        raise ValidationError({"position": _("Ordningen ska vara ett heltal från 1.")})
    return update_object(item, changes, actor=actor, validate=_validate_item)


@transaction.atomic
def agenda_item_delete(*, actor: User, item: AgendaItem) -> None:
    p = _p(actor)
    own_proposal = not item.accepted and p.person is not None and item.proposed_by_id == p.person.pk
    if not own_proposal:
        _require_manage(actor)
    _require_open(_locked(item.meeting))
    if item.advice.exists():
        raise ValidationError(_("Punkten har råd och kan inte tas bort."))
    if SuaAssessment.objects.filter(agenda_item=item).exists():
        raise ValidationError(_("Punkten är ärendet för en SUA-bedömning och kan inte tas bort."))
    record_delete(item, user=actor)
    item.delete()


def _agenda_text(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.starts_at)
    lines = [
        _("Välkommen till %(council)s %(date)s kl. %(start)s–%(end)s.")
        % {
            "council": meeting.council.name,
            "date": local.date().isoformat(),
            "start": local.strftime("%H:%M"),
            "end": timezone.localtime(meeting.ends_at).strftime("%H:%M"),
        }
    ]
    if meeting.location:
        lines.append(_("Plats: %(location)s") % {"location": meeting.location})
    if meeting.link:
        lines.append(_("Länk: %(link)s") % {"link": meeting.link})
    lines += ["", _("Dagordning:")]
    for number, item in enumerate(selectors.agenda(meeting, include_proposals=False), start=1):
        lines.append(f"{number}. {item.title}")
        if item.secret:
            lines.append("   " + _("Omfattas av sekretess (%(law)s).") % {"law": item.secrecy_provision})
    lines += [
        "",
        _("E-rådet är rådgivande (POL-3.6). Kalenderinbjudan finns som bifogad fil."),
        settings.LIS_BASE_URL,
    ]
    return "\n".join(lines)


def _send(meeting: Meeting, *, subject: str, body: str) -> int:
    recipients = sorted({p.email for p in selectors.member_people() if p.email})
    if not recipients:
        return 0
    invitation = ics.meeting_invitation(meeting)
    method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST"
    messages = []
    for address in recipients:
        message = EmailMessage(subject=subject, body=body, to=[address])
        message.attach("inbjudan.ics", invitation, f"text/calendar; charset=utf-8; method={method}")
        messages.append(message)
    get_connection().send_messages(messages)
    return len(messages)


@transaction.atomic
def agenda_send(*, actor: User, meeting: Meeting) -> int:
    """E-mail the dagordning and the .ics invitation to every member with an e-mail address."""
    _require_manage(actor)
    locked = _locked(meeting)
    _require_not_cancelled(locked)
    if locked.status == Meeting.Status.HELD or locked.starts_at <= timezone.now():
        raise ValidationError(_("Mötet har redan börjat; kallelsen kan inte skickas."))
    if not locked.agenda_items.filter(accepted=True).exists():
        raise ValidationError(_("Dagordningen är tom. Lägg till punkter innan kallelsen skickas."))
    if not any(p.email for p in selectors.member_people()):
        raise ValidationError(_("Ingen ledamot i E-rådet har en e-postadress."))
    update_object(locked, {"agenda_sent_at": timezone.now()}, actor=actor)
    sent = _send(
        locked,
        subject=_("Kallelse: %(meeting)s") % {"meeting": locked},
        body=_agenda_text(locked),
    )
    record_event("agenda_sent", user=actor, obj=locked, details={"recipients": sent, "sequence": locked.ics_sequence})
    meeting.refresh_from_db()
    return sent


# --- attendance and justering ----------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, actor: User, meeting: Meeting, rows: list[tuple[Person, str, OrgUnit | None, str]]) -> Meeting:
    """Who attended, in which seat; marks the meeting held. Refused before the meeting starts."""
    _require_manage(actor)
    locked = _locked(meeting)
    _require_not_cancelled(locked)
    if locked.starts_at > timezone.now():
        raise ValidationError(_("Mötet har inte börjat än. Närvaron registreras när mötet har hållits."))
    _require_open(locked)
    errors: list[str] = []
    seen: set[int] = set()
    presences = set(Attendance.Presence.values)
    for person, seat, _unit, presence in rows:
        if person.pk in seen:
            errors.append(_("%(person)s står med två gånger.") % {"person": access.person_label(_p(actor), person)})
        seen.add(person.pk)
        if seat not in SEATS:
            errors.append(_("Okänd plats i rådet: %(seat)s.") % {"seat": seat})
        if presence not in presences:
            errors.append(_("Okänd närvaro: %(presence)s.") % {"presence": presence})
    if not rows:
        errors.append(_("Ange vilka som deltog."))
    if errors:
        raise ValidationError(errors)
    current = {row.person_id: row for row in locked.attendance.all()}
    for person, seat, unit, presence in rows:
        row = current.pop(person.pk, None)
        if row is None:
            create_object(
                Attendance(meeting=locked, person=person, seat=seat, unit=unit, presence=presence), actor=actor
            )
        else:
            update_object(row, {"seat": seat, "unit": unit, "presence": presence}, actor=actor)
    for row in current.values():
        record_delete(row, user=actor)
        row.delete()
    if locked.status != Meeting.Status.HELD:
        update_object(locked, {"status": Meeting.Status.HELD}, actor=actor)
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def adjuster_appoint(*, actor: User, meeting: Meeting, person: Person) -> Meeting:
    """The justerare, who justerar the minutes with the chair: never the chair."""
    _require_manage(actor)
    locked = _locked(meeting)
    _require_not_cancelled(locked)
    _require_open(locked)
    if selectors.chair_people().filter(pk=person.pk).exists():
        raise ValidationError({"adjuster": _("Ordföranden kan inte också vara justerare.")})
    if not person.is_active:
        raise ValidationError({"adjuster": _("Personen har slutat.")})
    update_object(locked, {"adjuster": person}, actor=actor)
    meeting.refresh_from_db()
    return meeting


def _capacity(p: access.Principal, meeting: Meeting) -> str:
    if selectors.is_adjuster(p, meeting):
        return "adjuster"
    if selectors.is_chair(p):
        return "chair"
    raise PermissionDenied(_("Bara ordföranden och den utsedda justeraren justerar minnesanteckningarna."))


@transaction.atomic
def minutes_sign(*, actor: User, meeting: Meeting, content_sha256: str) -> Minutes | None:
    """Justera as the chair or as the appointed justerare, on the content the signer saw
    (its SHA-256). The second signature freezes the minutes: returns the Minutes then."""
    p = _p(actor)
    locked = _locked(meeting)
    capacity = _capacity(p, locked)
    if selectors.is_justered(locked):
        raise ValidationError(_("Minnesanteckningarna är redan justerade."))
    if locked.status != Meeting.Status.HELD:
        raise ValidationError(_("Mötet är inte genomfört. Registrera närvaron först."))
    if locked.adjuster_id is None:
        raise ValidationError(_("Utse en justerare innan minnesanteckningarna justeras."))
    other = "chair" if capacity == "adjuster" else "adjuster"
    if getattr(locked, f"{other}_signed_by_id") == actor.pk:
        raise ValidationError(_("Du har redan justerat minnesanteckningarna. Justeringen görs av två olika personer."))
    if getattr(locked, f"{capacity}_signed_at") is not None:
        raise ValidationError(_("Du har redan justerat minnesanteckningarna."))
    current = selectors.content_sha256(locked)
    if content_sha256 != current:
        raise ValidationError(_("Minnesanteckningarna har ändrats sedan du läste dem. Läs dem igen innan du justerar."))
    other_sha = getattr(locked, f"{other}_signed_sha256")
    if other_sha and other_sha != current:
        raise ValidationError(_("Justeringarna gäller olika versioner av minnesanteckningarna."))
    now = timezone.now()
    update_object(
        locked,
        {f"{capacity}_signed_by": actor, f"{capacity}_signed_at": now, f"{capacity}_signed_sha256": current},
        actor=actor,
    )
    record_event("minutes_signed", user=actor, obj=locked, details={"capacity": capacity, "content_sha256": current})
    if not other_sha:
        meeting.refresh_from_db()
        return None
    minutes = _freeze(locked, actor=actor, when=now)
    meeting.refresh_from_db()
    return minutes


def _freeze(meeting: Meeting, *, actor: User, when: datetime.datetime) -> Minutes:
    from .documents import minutes_pdf

    value = selectors.content(meeting)
    pdf = minutes_pdf(value)
    minutes = Minutes(
        meeting=meeting, content=value, pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(), justered_at=when
    )
    minutes.save()
    record_create(minutes, user=actor)
    record_event(
        "minutes_justered",
        user=actor,
        obj=minutes,
        details={"pdf_sha256": minutes.pdf_sha256, "content_sha256": selectors.sha256_of(value)},
    )
    return minutes


@transaction.atomic
def minutes_withdraw_signature(*, actor: User, meeting: Meeting) -> Meeting:
    """Withdraw one's own justering before the minutes are frozen."""
    locked = _locked(meeting)
    if selectors.is_justered(locked):
        raise ValidationError(_("Minnesanteckningarna är justerade; justeringen kan inte dras tillbaka."))
    capacity = next(
        (c for c in ("chair", "adjuster") if getattr(locked, f"{c}_signed_by_id") == actor.pk),
        None,
    )
    if capacity is None:
        raise ValidationError(_("Du har inte justerat minnesanteckningarna."))
    update_object(
        locked,
        {f"{capacity}_signed_by": None, f"{capacity}_signed_at": None, f"{capacity}_signed_sha256": ""},
        actor=actor,
    )
    record_event("minutes_signature_withdrawn", user=actor, obj=locked, details={"capacity": capacity})
    meeting.refresh_from_db()
    return meeting


def default_diary_board() -> Board | None:
    """Kommunstyrelsen: the E-råd's minutes are registered in its diarium."""
    return (
        Board.objects.filter(kind=Board.Kind.EXECUTIVE, ended_on__isnull=True).order_by("pk").first()
        or Board.objects.filter(short_name="KS").first()
    )


@transaction.atomic
def minutes_register(*, actor: User, minutes: Minutes, diary_number: str, board: Board | None = None) -> Minutes:
    """Record the diarienummer of justerade minutes (POL-3.5), once, in the pack's format and
    kommunstyrelsen's series unless another board is given."""
    _require_manage(actor)
    locked = Minutes.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=minutes.pk)
    if locked.diary_serial is not None:
        raise ValidationError(
            _("Minnesanteckningarna är redan diarieförda med %(number)s.") % {"number": locked.diary_number}
        )
    pack = get_pack()
    board = board or default_diary_board()
    short_name = board.short_name if board is not None else ""
    series = diary_series(board) if board is not None else ""
    try:
        year, serial = pack.parse_diary_number(diary_number, board=short_name)
    except ValueError:
        example = pack.format_diary_number(year=access.today().year, serial=14, board=short_name)
        raise ValidationError(
            {"diary_number": _("Skriv diarienumret som i diariet, till exempel %(example)s.") % {"example": example}}
        ) from None
    if year > access.today().year:
        raise ValidationError({"diary_number": _("Diarienumret kan inte vara från ett kommande år.")})
    if Minutes.objects.filter(diary_series=series, diary_year=year, diary_serial=serial).exists():
        raise ValidationError({"diary_number": _("Diarienumret är redan registrerat på andra minnesanteckningar.")})
    update_object(
        locked,
        {
            "diary_series": series,
            "diary_year": year,
            "diary_serial": serial,
            "registered_at": timezone.now(),
            "registered_by": actor,
        },
        actor=actor,
    )
    record_event("minutes_registered", user=actor, obj=locked, details={"diary_number": locked.diary_number})
    minutes.refresh_from_db()
    return minutes


# --- advice (POL-3.6) --------------------------------------------------------------------------------


@transaction.atomic
def advice_create(
    *,
    actor: User,
    item: AgendaItem,
    text: str,
    follow_up_by: Person,
    follow_up_on: datetime.date,
    unit: OrgUnit | None = None,
    board: Board | None = None,
) -> Advice:
    """The council's advice on an item, to a förvaltning, bolag or nämnd, with who follows it up
    and by when. Never a decision (POL-3.6)."""
    _require_manage(actor)
    locked = _locked(item.meeting)
    _require_not_cancelled(locked)
    _require_open(locked)
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = _("Skriv rådet.")
    if unit is None and board is None:
        errors["unit"] = _("Ange vilken förvaltning, vilket bolag eller vilken nämnd rådet ges till.")
    if follow_up_by is None:
        errors["follow_up_by"] = _("Ange vem som följer upp rådet.")
    if follow_up_on is None:
        errors["follow_up_on"] = _("Ange när rådet ska vara uppföljt.")
    elif follow_up_on < timezone.localtime(locked.starts_at).date():
        errors["follow_up_on"] = _("Uppföljningen kan inte ligga före mötet.")
    if not item.accepted:
        errors["item"] = _("Punkten står inte på dagordningen.")
    if errors:
        raise ValidationError(errors)
    advice = Advice(
        agenda_item=item,
        text=text.strip(),
        unit=unit,
        board=board,
        follow_up_by=follow_up_by,
        follow_up_on=follow_up_on,
    )
    return create_object(advice, actor=actor)


@transaction.atomic
def advice_follow_up(*, actor: User, advice: Advice, followed_up_on: datetime.date, note: str) -> Advice:
    """Mark advice followed up: by the council's managers or the person named to follow it up."""
    access.require(selectors.can_follow_up(_p(actor), advice))
    locked = Advice.objects.select_for_update(of=("self",)).select_related("agenda_item__meeting").get(pk=advice.pk)
    errors: dict[str, str] = {}
    if locked.followed_up_on is not None:
        raise ValidationError(_("Rådet är redan uppföljt."))
    if followed_up_on is None:
        errors["followed_up_on"] = _("Ange när rådet följdes upp.")
    elif followed_up_on > access.today():
        errors["followed_up_on"] = _("Uppföljningen kan inte ligga i framtiden.")
    elif followed_up_on < timezone.localtime(locked.agenda_item.meeting.starts_at).date():
        errors["followed_up_on"] = _("Uppföljningen kan inte ligga före mötet där rådet gavs.")
    if not note.strip():
        errors["note"] = _("Beskriv hur rådet har följts upp.")
    if errors:
        raise ValidationError(errors)
    update_object(
        locked,
        {"followed_up_on": followed_up_on, "follow_up_note": note.strip(), "followed_up_by": actor},
        actor=actor,
    )
    advice.refresh_from_db()
    return advice


# --- SUA (POL-3.26) ------------------------------------------------------------------------------------


@transaction.atomic
def sua_create(
    *,
    actor: User,
    system: InformationSystem,
    reason: str,
    classified_information: bool,
    security_sensitive_activity: bool,
    protection_class: str,
    agreement_needed: bool,
    agreement_level: int | None,
    sapo_consultation: bool,
    decision: str,
    decided_by: Person,
    decided_on: datetime.date,
) -> SuaAssessment:
    """Record whether a system run by a third party needs säkerhetsskyddad upphandling, for its
    current driftsform. Facts only: no classified content (POL-3.24)."""
    access.require(selectors.can_create_sua(_p(actor), system))
    pack = get_pack()
    errors: dict[str, str] = {}
    if not system.operating_model:
        errors["system"] = _("Ange systemets driftsform innan SUA-bedömningen registreras.")
    elif system.operating_model not in selectors.external_operating_models():
        errors["system"] = _("Driftsformen %(model)s är inte extern; ingen SUA-bedömning behövs.") % {
            "model": pack.choice_name("operating_models", system.operating_model)
        }
    if reason not in SuaAssessment.Reason.values:
        errors["reason"] = _("Välj anledningen till bedömningen.")
    protection_class = (protection_class or "").strip()
    if protection_class and protection_class not in pack.security_protection_classes:
        errors["protection_class"] = _("Välj en säkerhetsskyddsklass ur listan.")
    if classified_information and not protection_class:
        errors["protection_class"] = _("Ange säkerhetsskyddsklassen när klassificerade uppgifter berörs.")
    if not classified_information and protection_class:
        errors["protection_class"] = _("Ange säkerhetsskyddsklass bara när klassificerade uppgifter berörs.")
    if agreement_needed and agreement_level not in (1, 2, 3):
        errors["agreement_level"] = _("Ange säkerhetsskyddsavtalets nivå (1–3).")
    if not agreement_needed and agreement_level is not None:
        errors["agreement_level"] = _("Ange nivå bara när ett säkerhetsskyddsavtal behövs.")
    if not (decision or "").strip():
        errors["decision"] = _("Skriv vad som beslutades.")
    if decided_by is None:
        errors["decided_by"] = _("Ange vem som beslutade.")
    if decided_on is None:
        errors["decided_on"] = _("Ange beslutsdatum.")
    elif decided_on > access.today():
        errors["decided_on"] = _("Beslutsdatumet kan inte ligga i framtiden.")
    if errors:
        raise ValidationError(errors)
    assessment = SuaAssessment(
        system=system,
        reason=reason,
        operating_model=system.operating_model,
        classified_information=classified_information,
        security_sensitive_activity=security_sensitive_activity,
        protection_class=protection_class,
        agreement_needed=agreement_needed,
        agreement_level=agreement_level if agreement_needed else None,
        sapo_consultation=sapo_consultation,
        decision=decision.strip(),
        decided_by=decided_by,
        decided_on=decided_on,
    )
    return create_object(assessment, actor=actor)


@transaction.atomic
def sua_raise(*, actor: User, assessment: SuaAssessment, meeting: Meeting) -> AgendaItem:
    """Put an SUA assessment on a meeting's dagordning (POL-3.26: it is raised in the E-råd)."""
    _require_manage(actor)
    locked = _locked(meeting)
    _require_not_cancelled(locked)
    _require_open(locked)
    assessment = (
        SuaAssessment.objects.select_for_update(of=("self",))
        .select_related("system", "system__unit")
        .get(pk=assessment.pk)
    )
    if assessment.agenda_item_id is not None:
        raise ValidationError(_("Bedömningen är redan ett ärende i E-rådet."))
    item = _sua_item(assessment)
    item.meeting, item.position = locked, _next_position(locked)
    create_object(item, actor=actor, validate=_validate_item)
    update_object(assessment, {"agenda_item": item}, actor=actor)
    return item
