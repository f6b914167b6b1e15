"""Handlingsplan IT – kontinuitet och drift (BIL1-7, POL-3.16, POL-3.17) and the routines library
(BIL1-8, BIL1-9): sections, steps with a responsible person, contacts, uploads checked by content."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from lis.core.models import ChangeLogEntry
from lis.core.rules import registered_rules
from lis.core.uploads import detect_document_type
from lis.plans import services
from lis.plans.models import Routine

TODAY = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)
TEXTS = {
    "activation_conditions": "Avbrott längre än fyra timmar i verksamhetskritiska system.",
    "fallback_activation": "Starta reservmiljön i andra serverhallen.",
    "return_to_normal": "Återläs data och kontrollera med systemförvaltarna.",
    "information_channels": "Intranätet, SMS till chefer, kommunens webbplats.",
}


@pytest.fixture(autouse=True)
def today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def it_plan(amal):
    return services.continuity_plan_create(
        actor=None, owner_unit=amal["units"]["IT"], title="Handlingsplan IT – kontinuitet och drift"
    )


def _findings(rule_id):
    return registered_rules()[rule_id]()


def test_the_it_plan_is_complete_with_all_seven_sections_and_a_review_date(it_plan, personas):
    assert it_plan.review_due == datetime.date(2027, 11, 28)
    assert len(services.continuity_empty_sections(it_plan)) == 7
    assert any("Kontaktpersoner" in f.message for f in _findings("BIL1-7"))
    manager = personas["it_manager"]
    services.continuity_plan_update(actor=manager.user, plan=it_plan, sections=TEXTS)
    for section in ("initial_activities", "interruption_measures"):
        services.continuity_step_save(
            actor=manager.user, plan=it_plan, section=section, text="Larma IT-jouren", responsible=manager.person
        )
    services.continuity_contact_save(actor=manager.user, plan=it_plan, person=manager.person, role="IT-chef")
    assert services.continuity_empty_sections(it_plan) == []
    assert _findings("BIL1-7") == []
    with time_machine.travel(datetime.datetime(2027, 12, 1, tzinfo=datetime.UTC), tick=False):
        assert any("granskats senast 2027-11-28" in f.message for f in _findings("BIL1-7"))


def test_a_step_needs_a_responsible_person_and_a_steps_section(it_plan, personas):
    with pytest.raises(ValidationError) as caught:
        services.continuity_step_save(
            actor=None, plan=it_plan, section="activation_conditions", text="x", responsible=None
        )
    assert {"section", "responsible"} <= set(caught.value.message_dict)


@pytest.mark.parametrize("persona", ["unit_head_buf", "coordinator_vaf", "board_member_bun", "employee_vaf"])
def test_only_it_and_the_kommun_wide_roles_maintain_the_it_plan(it_plan, personas, persona):
    with pytest.raises(PermissionDenied):
        services.continuity_plan_update(actor=personas[persona].user, plan=it_plan, sections=TEXTS)


def test_a_system_has_its_own_continuity_plan(amal, make_system, personas):
    payroll = make_system(unit="KSF", name="Lönesystemet", system_steward=personas["hr"].person)
    plan = services.continuity_plan_create(
        actor=personas["hr"].user, owner_unit=amal["units"]["PE"], system=payroll, title="Kontinuitetsplan lön"
    )
    assert payroll.continuity_plan == plan


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
        )
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"%PDF-1.7\n...", "pdf"), (_docx(), "docx"), (_odt(), "odt"), (b"MZ\x90\x00", ""), (b"PK\x03\x04broken", "")],
)
def test_it_tells_the_document_type_from_the_content(data, kind):
    assert detect_document_type(data) == kind


def test_the_required_routines_exist_from_the_start_and_are_adopted_one_by_one(amal, personas):
    assert services.routines_ensure_required() == 8
    assert services.routines_ensure_required() == 0
    assert any("8 av 8" in f.message for f in _findings("BIL1-8"))
    routine = Routine.objects.get(key="incident_reporting")
    strategist = personas["strategist"]
    with pytest.raises(ValidationError, match="ägande enhet"):
        services.routine_adopt(
            actor=strategist.user,
            routine=routine,
            board=amal["boards"]["KS"],
            meeting_date=datetime.date(2026, 11, 20),
            paragraph=5,
            diary_number="2026-00040",
        )
    services.routine_update(
        actor=strategist.user,
        routine=routine,
        owner_unit=amal["units"]["IT"],
        owner=personas["it_manager"].person,
        version="1.0",
        upload=("Incidentrutin.exe.pdf", b"%PDF-1.7\n%test"),
    )
    routine.refresh_from_db()
    assert (routine.status, routine.file_type, routine.file_name) == ("draft", "pdf", "Incidentrutin.exe.pdf")
    assert "Incidentrutin" not in routine.file.name  # stored under a name of LIS's own
    services.routine_adopt(
        actor=strategist.user,
        routine=routine,
        board=amal["boards"]["KS"],
        meeting_date=datetime.date(2026, 11, 20),
        paragraph=5,
        diary_number="2026-00040",
    )
    routine.refresh_from_db()
    assert routine.status == "adopted" and routine.next_review == datetime.date(2028, 11, 20)
    assert any("7 av 8" in f.message for f in _findings("BIL1-8"))


def test_it_refuses_an_upload_that_is_not_a_document_and_keeps_nothing(amal, personas, settings):
    services.routines_ensure_required()
    routine = Routine.objects.get(key="licence_management")
    with pytest.raises(ValidationError, match="PDF"):
        services.routine_update(actor=None, routine=routine, upload=("rutin.pdf", b"MZ\x90\x00 not a pdf"))
    routine.refresh_from_db()
    assert not routine.file and routine.status == "missing"
    stored = settings.MEDIA_ROOT / "routines"
    assert not stored.exists() or not any(stored.iterdir())


def test_a_forvaltning_adds_a_local_routine(amal, personas):
    routine = services.routine_create(
        actor=personas["coordinator_vaf"].user,
        name="Rutin för journalåtkomst",
        owner_unit=amal["units"]["VAF"],
        content="## Syfte\nLogga all åtkomst.",
    )
    assert not routine.required and routine.status == "draft"
    with pytest.raises(PermissionDenied):
        services.routine_create(actor=personas["coordinator_vaf"].user, name="X", owner_unit=amal["units"]["BUF"])


def test_it_creates_a_routine_with_its_document_or_nothing_at_all(amal, personas, settings):
    coordinator = personas["coordinator_vaf"].user
    before = ChangeLogEntry.objects.count()
    for _attempt in range(2):
        with pytest.raises(ValidationError) as refused:
            services.routine_create(
                actor=coordinator,
                name="Rutin för journalåtkomst",
                owner_unit=amal["units"]["VAF"],
                upload=("rutin.pdf", b"MZ\x90\x00 not a pdf"),
            )
        assert "file" in refused.value.error_dict
    assert not Routine.objects.filter(name="Rutin för journalåtkomst").exists()
    assert ChangeLogEntry.objects.count() == before
    stored = settings.MEDIA_ROOT / "routines"
    assert not stored.exists() or not any(stored.iterdir())

    routine = services.routine_create(
        actor=coordinator,
        name="Rutin för journalåtkomst",
        owner_unit=amal["units"]["VAF"],
        upload=("Rutin.pdf", b"%PDF-1.7\n%test"),
    )
    assert (routine.file_type, routine.file_name) == ("pdf", "Rutin.pdf")
    assert list(ChangeLogEntry.objects.order_by("sequence").values_list("action", "object_type")[before:]) == [
        ("create", "plans.routine")
    ]


def test_it_rejects_a_local_routine_without_an_owning_unit_as_a_field_error(amal, personas):
    with pytest.raises(ValidationError) as refused:
        services.routine_create(actor=personas["coordinator_vaf"].user, name="Rutin utan ägare", owner_unit=None)
    assert refused.value.message_dict == {"owner_unit": ["Ange vilken förvaltning eller enhet som äger rutinen."]}
    routine = services.routine_create(
        actor=personas["coordinator_vaf"].user, name="Lokal rutin", owner_unit=amal["units"]["VAF"]
    )
    with pytest.raises(ValidationError, match="äger rutinen"):
        services.routine_update(actor=personas["coordinator_vaf"].user, routine=routine, owner_unit=None)
    routine.refresh_from_db()
    assert routine.owner_unit == amal["units"]["VAF"]


def test_it_rejects_a_next_review_before_the_last_review(it_plan):
    before = ChangeLogEntry.objects.count()
    for due in (datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)):
        with pytest.raises(ValidationError) as refused:
            services.continuity_plan_update(
                actor=None, plan=it_plan, reviewed_on=datetime.date(2026, 11, 1), review_due=due
            )
        assert refused.value.message_dict["review_due"] == [
            "Nästa granskning ska ligga efter den senaste granskningen."
        ]
    it_plan.refresh_from_db()
    assert it_plan.reviewed_on is None and ChangeLogEntry.objects.count() == before
    services.continuity_plan_update(
        actor=None, plan=it_plan, reviewed_on=datetime.date(2026, 11, 1), review_due=datetime.date(2027, 11, 1)
    )
    it_plan.refresh_from_db()
    assert it_plan.review_due == datetime.date(2027, 11, 1)
