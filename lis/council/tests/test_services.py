"""The council's services: who may do what, what is refused (and then nothing is written), the
change log, the e-mailed agenda, justering by two different people on the content they saw, the
frozen minutes with their PDF/A, and the diarienummer."""

from __future__ import annotations

import datetime
import hashlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from lis.core.models import ChangeLogEntry, ImmutableError
from lis.council import selectors, services
from lis.council.models import Advice, AgendaItem, Attendance, Meeting, Minutes, SuaAssessment
from lis.organisation.models import Role

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=STOCKHOLM)


def at(day: datetime.date, hour: int = 13) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def council(personas, amal, now):
    """A planned meeting on 2026-03-10 (after NOW) with one accepted item."""
    meeting = services.meeting_create(
        actor=personas["strategist"].user,
        starts_at=at(datetime.date(2026, 3, 10)),
        ends_at=at(datetime.date(2026, 3, 10), 15),
        location="Kommunhuset",
    )
    item = services.agenda_item_add(actor=personas["it_manager"].user, meeting=meeting, title="Policyn")
    return {"meeting": meeting, "item": item, **personas}


def hold(c, meeting: Meeting) -> Meeting:
    """Record attendance (the meeting must have started) and appoint the TFF representative justerare."""
    services.attendance_record(
        actor=c["strategist"].user,
        meeting=meeting,
        rows=[
            (c["it_manager"].person, Role.COUNCIL_CHAIR, None, "present"),
            (c["strategist"].person, Role.SECURITY_STRATEGIST, None, "present"),
            (c["representative_tff"].person, Role.COUNCIL_REPRESENTATIVE, None, "present"),
        ],
    )
    services.adjuster_appoint(actor=c["strategist"].user, meeting=meeting, person=c["representative_tff"].person)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def held(council):
    """The meeting held: time has moved past its start."""
    with time_machine.travel(at(datetime.date(2026, 3, 10), 16), tick=False):
        hold(council, council["meeting"])
        yield council


def entries() -> int:
    return ChangeLogEntry.objects.count()


# --- meetings ----------------------------------------------------------------------------------


def test_the_chair_strategist_and_administrator_may_plan_meetings_and_others_may_not(personas, now):
    for key in ("it_manager", "strategist", "administrator"):
        services.meeting_create(
            actor=personas[key].user, starts_at=at(datetime.date(2026, 4, 1)), ends_at=at(datetime.date(2026, 4, 1), 15)
        )
    before = (Meeting.objects.count(), entries())
    for key in ("representative_tff", "unit_head_buf", "coordinator_vaf", "employee_vaf", "board_member_bun", "hr"):
        with pytest.raises(PermissionDenied):
            services.meeting_create(
                actor=personas[key].user,
                starts_at=at(datetime.date(2026, 4, 2)),
                ends_at=at(datetime.date(2026, 4, 2), 15),
            )
    assert (Meeting.objects.count(), entries()) == before


def test_it_rejects_a_meeting_that_ends_before_it_starts_and_writes_nothing(personas, now):
    before = entries()
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            actor=personas["strategist"].user,
            starts_at=at(datetime.date(2026, 4, 1), 15),
            ends_at=at(datetime.date(2026, 4, 1), 13),
        )
    assert "sluta efter" in str(error.value)
    assert Meeting.objects.count() == 0 and entries() == before


def test_creating_a_meeting_is_in_the_change_log(personas, now):
    meeting = services.meeting_create(
        actor=personas["strategist"].user,
        starts_at=at(datetime.date(2026, 4, 1)),
        ends_at=at(datetime.date(2026, 4, 1), 15),
    )
    entry = ChangeLogEntry.objects.get(object_type="council.meeting", object_id=str(meeting.pk))
    assert entry.action == ChangeLogEntry.Action.CREATE and entry.user == personas["strategist"].user


def test_moving_a_meeting_raises_its_ics_sequence_and_a_title_edit_elsewhere_does_not(council):
    meeting = council["meeting"]
    services.meeting_update(actor=council["strategist"].user, meeting=meeting, location="Stadshuset")
    assert meeting.ics_sequence == 1
    services.meeting_update(actor=council["strategist"].user, meeting=meeting, location="Stadshuset")
    assert meeting.ics_sequence == 1
    services.meeting_update(
        actor=council["strategist"].user, meeting=meeting, starts_at=at(datetime.date(2026, 3, 10), 12)
    )
    assert meeting.ics_sequence == 2 and meeting.location == "Stadshuset"


def test_cancelling_raises_the_sequence_and_a_cancelled_meeting_cannot_be_held(council):
    meeting = services.meeting_cancel(actor=council["it_manager"].user, meeting=council["meeting"])
    assert meeting.status == Meeting.Status.CANCELLED and meeting.ics_sequence == 1
    with time_machine.travel(at(datetime.date(2026, 3, 10), 16), tick=False), pytest.raises(ValidationError):
        hold(council, meeting)
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(actor=council["representative_tff"].user, meeting=meeting)


# --- agenda ---------------------------------------------------------------------------------------


def test_a_representative_proposes_an_item_for_their_own_unit_only_and_it_waits_to_be_accepted(council, amal):
    rep = council["representative_tff"].user
    item = services.agenda_item_add(
        actor=rep, meeting=council["meeting"], title="E-tjänster", unit=amal["units"]["TFF"]
    )
    assert item.accepted is False and item.proposed_by == council["representative_tff"].person
    before = (AgendaItem.objects.count(), entries())
    for unit in (amal["units"]["VAF"], None):
        with pytest.raises(PermissionDenied):
            services.agenda_item_add(actor=rep, meeting=council["meeting"], title="Annat", unit=unit)
    with pytest.raises(PermissionDenied):
        services.agenda_item_accept(actor=rep, item=item)
    assert (AgendaItem.objects.count(), entries()) == before
    services.agenda_item_accept(actor=council["it_manager"].user, item=item)
    item.refresh_from_db()
    assert item.accepted


def test_employees_and_board_members_cannot_add_items(council, amal):
    for key in ("employee_vaf", "board_member_bun", "unit_head_buf"):
        with pytest.raises(PermissionDenied):
            services.agenda_item_add(
                actor=council[key].user, meeting=council["meeting"], title="X", unit=amal["units"]["TFF"]
            )


def test_a_secret_item_needs_its_lagrum(council):
    item = council["item"]
    before = entries()
    with pytest.raises(ValidationError) as error:
        services.agenda_item_update(actor=council["it_manager"].user, item=item, secret=True)
    assert "lagrum" in str(error.value).lower()
    item.refresh_from_db()
    assert item.secret is False and entries() == before
    services.agenda_item_update(
        actor=council["it_manager"].user, item=item, secret=True, secrecy_provision="OSL 18 kap. 8 §"
    )
    item.refresh_from_db()
    assert item.secret and item.secrecy_provision == "OSL 18 kap. 8 §"


def test_drafting_the_agenda_adds_open_advice_and_unraised_sua_once(council, make_system):
    system = make_system(name="Molnsystem")
    sua = services.sua_create(
        actor=council["strategist"].user,
        system=system,
        reason="procurement",
        classified_information=False,
        security_sensitive_activity=False,
        protection_class="",
        agreement_needed=False,
        agreement_level=None,
        sapo_consultation=False,
        decision="Ingen SUA krävs.",
        decided_by=council["strategist"].person,
        decided_on=datetime.date(2026, 3, 1),
    )
    added = services.agenda_draft(actor=council["strategist"].user, meeting=council["meeting"])
    kinds = [item.kind for item in added]
    assert AgendaItem.Kind.SUA in kinds
    sua.refresh_from_db()
    assert sua.agenda_item is not None and sua.agenda_item.meeting == council["meeting"]
    assert services.agenda_draft(actor=council["strategist"].user, meeting=council["meeting"]) == []
    with pytest.raises(PermissionDenied):
        services.agenda_draft(actor=council["representative_tff"].user, meeting=council["meeting"])


def test_sending_the_agenda_mails_every_member_with_the_ics_invitation(council):
    sent = services.agenda_send(actor=council["strategist"].user, meeting=council["meeting"])
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert sent == 3 == len(recipients)  # chair, strategist, TFF representative
    assert "employee_vaf@test.invalid" not in recipients
    message = mail.outbox[0]
    assert "Dagordning" in message.body and "1. Policyn" in message.body
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics") and "method=REQUEST" in mimetype
    assert "METHOD:REQUEST" in (content.decode() if isinstance(content, bytes) else content)
    council["meeting"].refresh_from_db()
    assert council["meeting"].agenda_sent_at is not None
    assert ChangeLogEntry.objects.filter(event="agenda_sent", object_id=str(council["meeting"].pk)).exists()


def test_the_agenda_cannot_be_sent_by_a_representative_or_after_the_meeting_started(council):
    with pytest.raises(PermissionDenied):
        services.agenda_send(actor=council["representative_tff"].user, meeting=council["meeting"])
    with time_machine.travel(at(datetime.date(2026, 3, 10), 14), tick=False), pytest.raises(ValidationError):
        services.agenda_send(actor=council["strategist"].user, meeting=council["meeting"])
    assert mail.outbox == []


# --- attendance and justering ---------------------------------------------------------------------


def test_attendance_is_refused_before_the_meeting_starts_and_nothing_is_written(council):
    before = entries()
    with pytest.raises(ValidationError) as error:
        hold(council, council["meeting"])
    assert "inte börjat" in str(error.value)
    council["meeting"].refresh_from_db()
    assert council["meeting"].status == Meeting.Status.PLANNED
    assert Attendance.objects.count() == 0 and entries() == before


def test_recording_attendance_marks_the_meeting_held(held):
    assert held["meeting"].status == Meeting.Status.HELD
    assert Attendance.objects.filter(meeting=held["meeting"]).count() == 3


def test_the_chair_cannot_be_the_justerare(held):
    with pytest.raises(ValidationError):
        services.adjuster_appoint(
            actor=held["strategist"].user, meeting=held["meeting"], person=held["it_manager"].person
        )


def test_justering_by_chair_and_justerare_freezes_the_minutes_with_a_pdf_a_in_the_change_log(held):
    meeting = held["meeting"]
    sha = selectors.content_sha256(meeting)
    assert services.minutes_sign(actor=held["it_manager"].user, meeting=meeting, content_sha256=sha) is None
    minutes = services.minutes_sign(actor=held["representative_tff"].user, meeting=meeting, content_sha256=sha)
    assert isinstance(minutes, Minutes)
    assert minutes.pdf[:5] == b"%PDF-" and minutes.pdf_sha256 == hashlib.sha256(minutes.pdf).hexdigest()
    assert selectors.sha256_of(minutes.content) == sha
    event = ChangeLogEntry.objects.get(event="minutes_justered", object_id=str(minutes.pk))
    assert event.changes["pdf_sha256"] == minutes.pdf_sha256
    meeting.refresh_from_db()
    assert meeting.chair_signed_sha256 == meeting.adjuster_signed_sha256 == sha
    # Frozen: nothing changes the minutes or what they say.
    minutes.content = {}
    with pytest.raises(ImmutableError):
        minutes.save()
    with pytest.raises(ValidationError):
        services.agenda_item_update(actor=held["it_manager"].user, item=held["item"], minutes="Ändrat")
    with pytest.raises(ValidationError):
        services.minutes_withdraw_signature(actor=held["it_manager"].user, meeting=meeting)


def test_the_same_person_cannot_justera_twice(held, amal):
    meeting = held["meeting"]
    sha = selectors.content_sha256(meeting)
    services.minutes_sign(actor=held["it_manager"].user, meeting=meeting, content_sha256=sha)
    before = entries()
    with pytest.raises(ValidationError):
        services.minutes_sign(actor=held["it_manager"].user, meeting=meeting, content_sha256=sha)
    # The chair appointed justerare too would sign in both capacities: refused as well.
    meeting.adjuster = held["it_manager"].person
    meeting.save(update_fields=["adjuster"])
    with pytest.raises(ValidationError) as error:
        services.minutes_sign(actor=held["it_manager"].user, meeting=meeting, content_sha256=sha)
    assert "två olika personer" in str(error.value)
    assert entries() == before and not Minutes.objects.exists()


def test_a_signature_on_content_the_signer_did_not_see_is_refused(held):
    meeting = held["meeting"]
    stale = selectors.content_sha256(meeting)
    services.agenda_item_update(actor=held["it_manager"].user, item=held["item"], minutes="Nytt")
    before = entries()
    with pytest.raises(ValidationError) as error:
        services.minutes_sign(actor=held["it_manager"].user, meeting=meeting, content_sha256=stale)
    assert "ändrats" in str(error.value)
    meeting.refresh_from_db()
    assert meeting.chair_signed_at is None and entries() == before


def test_items_cannot_change_while_a_signature_stands_until_it_is_withdrawn(held):
    meeting = held["meeting"]
    services.minutes_sign(
        actor=held["it_manager"].user, meeting=meeting, content_sha256=selectors.content_sha256(meeting)
    )
    with pytest.raises(ValidationError):
        services.agenda_item_update(actor=held["it_manager"].user, item=held["item"], minutes="Ändrat")
    services.minutes_withdraw_signature(actor=held["it_manager"].user, meeting=meeting)
    services.agenda_item_update(actor=held["it_manager"].user, item=held["item"], minutes="Ändrat")
    assert ChangeLogEntry.objects.filter(event="minutes_signature_withdrawn").count() == 1


def test_others_cannot_justera_and_a_meeting_not_held_cannot_be_justerat(council, held):
    meeting = held["meeting"]
    sha = selectors.content_sha256(meeting)
    for key in ("strategist", "administrator", "coordinator_vaf", "employee_vaf"):
        with pytest.raises(PermissionDenied):
            services.minutes_sign(actor=held[key].user, meeting=meeting, content_sha256=sha)
    other = services.meeting_create(
        actor=held["strategist"].user,
        starts_at=at(datetime.date(2026, 3, 20)),
        ends_at=at(datetime.date(2026, 3, 20), 15),
    )
    with pytest.raises(ValidationError):
        services.minutes_sign(
            actor=held["it_manager"].user, meeting=other, content_sha256=selectors.content_sha256(other)
        )


@pytest.fixture
def justered(held):
    meeting = held["meeting"]
    sha = selectors.content_sha256(meeting)
    services.minutes_sign(actor=held["it_manager"].user, meeting=meeting, content_sha256=sha)
    held["minutes"] = services.minutes_sign(actor=held["representative_tff"].user, meeting=meeting, content_sha256=sha)
    return held


def test_minutes_are_registered_once_in_the_pack_format_in_the_ks_series(justered):
    minutes = justered["minutes"]
    for key in ("representative_tff", "employee_vaf"):
        with pytest.raises(PermissionDenied):
            services.minutes_register(actor=justered[key].user, minutes=minutes, diary_number="2026-00014")
    with pytest.raises(ValidationError) as error:
        services.minutes_register(actor=justered["strategist"].user, minutes=minutes, diary_number="KS 14")
    assert "till exempel 2026-00014" in str(error.value)
    services.minutes_register(actor=justered["strategist"].user, minutes=minutes, diary_number="2026-00014")
    minutes.refresh_from_db()
    assert (minutes.diary_series, minutes.diary_year, minutes.diary_serial) == ("KS", 2026, 14)
    assert minutes.diary_number == "2026-00014"
    before = entries()
    with pytest.raises(ValidationError) as error:
        services.minutes_register(actor=justered["strategist"].user, minutes=minutes, diary_number="2026-00015")
    assert "redan diarieförda" in str(error.value)
    assert entries() == before
    assert ChangeLogEntry.objects.filter(event="minutes_registered", object_id=str(minutes.pk)).exists()


def test_a_diary_number_from_a_coming_year_is_refused(justered):
    with pytest.raises(ValidationError):
        services.minutes_register(
            actor=justered["strategist"].user, minutes=justered["minutes"], diary_number="2027-00001"
        )


# --- advice -------------------------------------------------------------------------------------------


def test_advice_is_given_by_the_managers_and_followed_up_by_the_named_person(held, amal):
    with pytest.raises(PermissionDenied):
        services.advice_create(
            actor=held["representative_tff"].user,
            item=held["item"],
            text="Råd",
            follow_up_by=held["representative_tff"].person,
            follow_up_on=datetime.date(2026, 6, 1),
            unit=amal["units"]["TFF"],
        )
    with pytest.raises(ValidationError):
        services.advice_create(
            actor=held["it_manager"].user,
            item=held["item"],
            text="Råd",
            follow_up_by=held["representative_tff"].person,
            follow_up_on=datetime.date(2026, 6, 1),
        )
    assert not Advice.objects.exists()
    advice = services.advice_create(
        actor=held["it_manager"].user,
        item=held["item"],
        text="Inför tvåfaktorsinloggning.",
        follow_up_by=held["representative_tff"].person,
        follow_up_on=datetime.date(2026, 6, 1),
        unit=amal["units"]["TFF"],
    )
    with pytest.raises(PermissionDenied):
        services.advice_follow_up(
            actor=held["employee_vaf"].user, advice=advice, followed_up_on=datetime.date(2026, 3, 10), note="Klart"
        )
    with pytest.raises(ValidationError):
        services.advice_follow_up(
            actor=held["representative_tff"].user,
            advice=advice,
            followed_up_on=datetime.date(2026, 12, 1),
            note="Klart",
        )
    services.advice_follow_up(
        actor=held["representative_tff"].user, advice=advice, followed_up_on=datetime.date(2026, 3, 10), note="Klart"
    )
    advice.refresh_from_db()
    assert advice.followed_up_by == held["representative_tff"].user
    with pytest.raises(ValidationError):
        services.advice_follow_up(
            actor=held["strategist"].user, advice=advice, followed_up_on=datetime.date(2026, 3, 10), note="Igen"
        )


# --- SUA ---------------------------------------------------------------------------------------------------


def sua_values(c, **overrides):
    values = {
        "reason": "procurement",
        "classified_information": False,
        "security_sensitive_activity": False,
        "protection_class": "",
        "agreement_needed": False,
        "agreement_level": None,
        "sapo_consultation": False,
        "decision": "Ingen SUA krävs.",
        "decided_by": c["strategist"].person,
        "decided_on": datetime.date(2026, 3, 1),
    }
    return values | overrides


def test_sua_copies_the_driftsform_and_validates_agreement_level_and_class(council, make_system):
    system = make_system(name="Molnsystem", operating_model="saas")
    before = entries()
    for overrides in (
        {"agreement_needed": True, "agreement_level": None},
        {"agreement_needed": False, "agreement_level": 2},
        {"agreement_needed": True, "agreement_level": 4},
        {"classified_information": True, "protection_class": ""},
        {"decided_on": datetime.date(2026, 4, 1)},
        {"decision": " "},
    ):
        with pytest.raises(ValidationError):
            services.sua_create(actor=council["strategist"].user, system=system, **sua_values(council, **overrides))
    assert not SuaAssessment.objects.exists() and entries() == before
    sua = services.sua_create(
        actor=council["strategist"].user,
        system=system,
        **sua_values(council, agreement_needed=True, agreement_level=2),
    )
    assert sua.operating_model == "saas" and sua.agreement_level == 2
    assert selectors.sua_status(system) == "done"


def test_sua_is_refused_for_an_internal_driftsform_and_for_outsiders(council, make_system):
    internal = make_system(name="Eget", operating_model="on_premises")
    with pytest.raises(ValidationError):
        services.sua_create(actor=council["strategist"].user, system=internal, **sua_values(council))
    external = make_system(name="Moln", unit="VAF")
    for key in ("employee_vaf", "representative_tff", "board_member_bun"):
        with pytest.raises(PermissionDenied):
            services.sua_create(actor=council[key].user, system=external, **sua_values(council))
    # The unit's samordnare raises the SUA question for its own systems.
    services.sua_create(actor=council["coordinator_vaf"].user, system=external, **sua_values(council))


def test_raising_an_sua_assessment_puts_it_on_the_agenda_once(council, make_system):
    system = make_system(name="Moln")
    sua = services.sua_create(actor=council["strategist"].user, system=system, **sua_values(council))
    with pytest.raises(PermissionDenied):
        services.sua_raise(actor=council["representative_tff"].user, assessment=sua, meeting=council["meeting"])
    item = services.sua_raise(actor=council["strategist"].user, assessment=sua, meeting=council["meeting"])
    assert item.kind == AgendaItem.Kind.SUA and "Moln" in item.title
    with pytest.raises(ValidationError):
        services.sua_raise(actor=council["strategist"].user, assessment=sua, meeting=council["meeting"])
