"""Writes for decisions: validation in Swedish, change log. Callers check permission for what
the decision is about (an analysis, a plan) before recording it."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.changelog import record_create, record_delete
from lis.core.models import User
from lis.core.pack import get_pack
from lis.core.services import create_object, update_object
from lis.organisation.models import Board
from lis.organisation.services import mandate_period_for
from lis.risks.models import Measure

from .models import (
    ActionPlan,
    ActionPlanVersion,
    ContinuityContact,
    ContinuityPlan,
    ContinuityStep,
    Decision,
    FollowUp,
    Routine,
)


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
) -> Decision:
    pack = get_pack()
    errors: dict[str, str] = {}
    if board.ended_on is not None and board.ended_on < meeting_date:
        errors["board"] = _("Nämnden eller styrelsen hade upphört vid sammanträdet.")
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


# --- handlingsplaner (POL-3.2, POL-3.3, BIL1-5, BIL1-6) ----------------------------------------

PUBLIC = access.Principal(user=None, person=None)  # whoever reads an archived document


def plan_measures(plan: ActionPlan):
    """The unit's measures from its analysis of the plan's mandatperiod."""
    return (
        Measure.objects.filter(analysis__unit=plan.unit, analysis__period=plan.period)
        .select_related("responsible")
        .order_by("due_on", "pk")
    )


def _quarter(day: datetime.date) -> str:
    return f"{day.year} K{(day.month - 1) // 3 + 1}"


def plan_content(plan: ActionPlan) -> dict[str, Any]:
    """What the plan says now: each section's text, the measures it draws on, and the tidsplan
    by quarter over the mandatperiod. Names are written as anyone may read them (POL-3.30)."""
    pack = get_pack()
    kinds = {m.key: m.name for m in pack.measure_types}
    statuses = {s.key: s.name for s in pack.measure_statuses}
    measures = [
        {
            "id": m.pk,
            "title": m.title,
            "kind": m.kind,
            "kind_name": kinds.get(m.kind, m.kind),
            "status": m.status,
            "status_name": statuses.get(m.status, m.status),
            "responsible": access.person_label(PUBLIC, m.responsible),
            "due_on": m.due_on.isoformat() if m.due_on else "",
        }
        for m in plan_measures(plan)
    ]
    quarters: dict[str, list[str]] = {}
    day = plan.period.starts_on
    while day <= plan.period.ends_on:
        quarters[_quarter(day)] = []
        day = datetime.date(day.year + (day.month + 2) // 12, (day.month + 2) % 12 + 1, 1)
    undated = []
    for m in measures:
        label = _quarter(datetime.date.fromisoformat(m["due_on"])) if m["due_on"] else ""
        (quarters[label] if label in quarters else undated).append(m["title"])
    sections = []
    for section in pack.action_plan_sections:
        types = section.get("measure_types", [])
        entry = {"key": section.key, "name": section.name, "text": plan.sections.get(section.key, "").strip()}
        if types:
            entry["measures"] = [m for m in measures if m["kind"] in types]
        if section.get("timeline"):
            entry["timeline"] = [{"quarter": q, "measures": titles} for q, titles in quarters.items()]
            entry["undated"] = undated
        sections.append(entry)
    return {"unit": plan.unit.name, "period": str(plan.period), "version": plan.version, "sections": sections}


def empty_sections(content: dict[str, Any]) -> list[str]:
    """Required sections with nothing in them: no text, and no measures where the section draws on them."""
    empty = []
    for section in content["sections"]:
        has_measures = bool(section.get("measures"))
        has_timeline = any(q["measures"] for q in section.get("timeline", []))
        if not (section["text"] or has_measures or has_timeline):
            empty.append(section["name"])
    return empty


def _require_plan_unit(actor: User | None, unit) -> None:
    if actor is not None:
        access.require(access.principal_for(actor).can_manage_unit(unit))


def _locked_plan(plan: ActionPlan) -> ActionPlan:
    return ActionPlan.objects.select_for_update().select_related("unit", "period").get(pk=plan.pk)


@transaction.atomic
def plan_start(*, actor: User | None, unit, day: datetime.date | None = None) -> ActionPlan:
    _require_plan_unit(actor, unit)
    if not unit.is_top_level:
        raise ValidationError({"unit": _("En handlingsplan görs för en förvaltning eller ett bolag.")})
    period = mandate_period_for(day or access.today(), get_pack().action_plan_period_anchor)
    return create_object(ActionPlan(unit=unit, period=period), actor=actor)


@transaction.atomic
def plan_update(*, actor: User | None, plan: ActionPlan, sections: dict[str, str]) -> ActionPlan:
    """Change the plan's text. A decided plan starts its next version; one sent for decision
    must be taken back first."""
    _require_plan_unit(actor, plan.unit)
    locked = _locked_plan(plan)
    if locked.status == ActionPlan.Status.FOR_DECISION:
        raise ValidationError(_("Planen är skickad för beslut. Ta tillbaka den till utkast för att ändra den."))
    keys = {s.key for s in get_pack().action_plan_sections}
    changes: dict[str, Any] = {"sections": {k: v.strip() for k, v in sections.items() if k in keys and v.strip()}}
    if changes["sections"] == locked.sections:
        return locked
    if locked.status == ActionPlan.Status.DECIDED:
        changes |= {"status": ActionPlan.Status.DRAFT, "version": locked.version + 1}
    return update_object(locked, changes, actor=actor)


@transaction.atomic
def plan_submit(*, actor: User | None, plan: ActionPlan) -> ActionPlan:
    """Utkast → för beslut, when every required section has content (BIL1-6)."""
    _require_plan_unit(actor, plan.unit)
    locked = _locked_plan(plan)
    if locked.status != ActionPlan.Status.DRAFT:
        raise ValidationError(_("Bara ett utkast kan skickas för beslut."))
    empty = empty_sections(plan_content(locked))
    if empty:
        raise ValidationError(
            _("Planen kan inte skickas för beslut. Dessa avsnitt är tomma: %(sections)s.")
            % {"sections": ", ".join(empty)}
        )
    return update_object(locked, {"status": ActionPlan.Status.FOR_DECISION}, actor=actor)


@transaction.atomic
def plan_withdraw(*, actor: User | None, plan: ActionPlan) -> ActionPlan:
    _require_plan_unit(actor, plan.unit)
    locked = _locked_plan(plan)
    if locked.status != ActionPlan.Status.FOR_DECISION:
        raise ValidationError(_("Bara en plan som är skickad för beslut kan tas tillbaka."))
    return update_object(locked, {"status": ActionPlan.Status.DRAFT}, actor=actor)


@transaction.atomic
def plan_decide(
    *,
    actor: User | None,
    plan: ActionPlan,
    render_pdf: Callable[[ActionPlan, dict[str, Any], Decision], bytes],
    **decision: Any,
) -> ActionPlanVersion:
    """För beslut → beslutad: record the board's decision and freeze this version with its
    archival PDF/A (BIL1-5)."""
    _require_plan_unit(actor, plan.unit)
    locked = _locked_plan(plan)
    if locked.status != ActionPlan.Status.FOR_DECISION:
        raise ValidationError(_("Skicka planen för beslut innan beslutet registreras."))
    recorded = decision_record(
        actor=actor,
        subject=_("Handlingsplan %(period)s, %(unit)s, version %(version)s")
        % {"period": locked.period, "unit": locked.unit.name, "version": locked.version},
        **decision,
    )
    content = plan_content(locked)
    version = ActionPlanVersion(plan=locked, number=locked.version, content=content, decision=recorded, pdf=b"")
    version.pdf = render_pdf(locked, content, recorded)
    version.pdf_sha256 = hashlib.sha256(version.pdf).hexdigest()
    version.save()
    record_create(version, user=actor)
    update_object(locked, {"status": ActionPlan.Status.DECIDED}, actor=actor)
    plan.refresh_from_db()
    return version


@transaction.atomic
def follow_up_record(
    *,
    actor: User | None,
    plan: ActionPlan,
    followed_up_on: datetime.date,
    note: str = "",
    **decision: Any,
) -> FollowUp:
    """The board follows up the plan (POL-3.3): every measure's status is kept as it is today."""
    _require_plan_unit(actor, plan.unit)
    if not plan.versions.exists():
        raise ValidationError(_("Bara en beslutad plan kan följas upp."))
    if followed_up_on > access.today():
        raise ValidationError({"followed_up_on": _("Uppföljningen kan inte ligga i framtiden.")})
    recorded = decision_record(
        actor=actor,
        subject=_("Uppföljning av handlingsplan %(period)s, %(unit)s")
        % {"period": plan.period, "unit": plan.unit.name},
        **decision,
    )
    today = access.today()
    snapshot_rows = [
        {
            "id": m.pk,
            "title": m.title,
            "status": m.status,
            "due_on": m.due_on.isoformat() if m.due_on else "",
            "overdue": m.is_overdue(today),
        }
        for m in plan_measures(plan)
    ]
    return create_object(
        FollowUp(plan=plan, followed_up_on=followed_up_on, decision=recorded, measures=snapshot_rows, note=note),
        actor=actor,
    )


# --- Handlingsplan IT – kontinuitet och drift (BIL1-7, POL-3.16, POL-3.17) ---------------------

CONTINUITY_FIELDS = ("title", "reviewed_on", "review_due")


def _require_continuity(actor: User | None, plan: ContinuityPlan) -> None:
    if actor is not None:
        access.require(access.can_manage_continuity(access.principal_for(actor), plan))


def continuity_empty_sections(plan: ContinuityPlan) -> list[str]:
    """The pack's sections with nothing in them: no text, no steps, or no contact persons."""
    step_sections = set(plan.steps.values_list("section", flat=True))
    has_contacts = plan.contacts.exists()
    empty = []
    for section in get_pack().continuity_sections:
        if section.get("steps"):
            filled = section.key in step_sections
        elif section.get("contacts"):
            filled = has_contacts
        else:
            filled = bool(plan.sections.get(section.key, "").strip())
        if not filled:
            empty.append(section.name)
    return empty


def _default_review_due() -> datetime.date:
    today = access.today()
    months = today.month - 1 + get_pack().continuity_review_interval_months
    return datetime.date(today.year + months // 12, months % 12 + 1, min(today.day, 28))


@transaction.atomic
def continuity_plan_create(*, actor: User | None, owner_unit, title: str, system=None) -> ContinuityPlan:
    plan = ContinuityPlan(owner_unit=owner_unit, system=system, title=title, review_due=_default_review_due())
    _require_continuity(actor, plan)
    return create_object(plan, actor=actor)


@transaction.atomic
def continuity_plan_update(
    *, actor: User | None, plan: ContinuityPlan, sections: dict[str, str] | None = None, **fields: Any
) -> ContinuityPlan:
    _require_continuity(actor, plan)
    changes = {k: v for k, v in fields.items() if k in CONTINUITY_FIELDS}
    if sections is not None:
        text_keys = {s.key for s in get_pack().continuity_sections if not s.get("steps") and not s.get("contacts")}
        changes["sections"] = {k: v.strip() for k, v in sections.items() if k in text_keys and v.strip()}

    def validate(p: ContinuityPlan) -> None:
        if p.reviewed_on and p.reviewed_on > access.today():
            raise ValidationError({"reviewed_on": _("Granskningen kan inte ligga i framtiden.")})

    return update_object(plan, changes, actor=actor, validate=validate)


def _validate_step(step: ContinuityStep) -> None:
    errors = {}
    if step.section not in {s.key for s in get_pack().continuity_sections if s.get("steps")}:
        errors["section"] = _("Välj ett avsnitt som består av steg.")
    if step.responsible_id is None:
        errors["responsible"] = _("Ange vem som ansvarar för steget.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def continuity_step_save(
    *, actor: User | None, plan: ContinuityPlan, step: ContinuityStep | None = None, **fields: Any
) -> ContinuityStep:
    _require_continuity(actor, plan)
    values = {k: v for k, v in fields.items() if k in ("section", "order", "text", "responsible")}
    if step is None:
        return create_object(ContinuityStep(plan=plan, **values), actor=actor, validate=_validate_step)
    return update_object(step, values, actor=actor, validate=_validate_step)


@transaction.atomic
def continuity_contact_save(
    *, actor: User | None, plan: ContinuityPlan, contact: ContinuityContact | None = None, **fields: Any
) -> ContinuityContact:
    _require_continuity(actor, plan)
    values = {k: v for k, v in fields.items() if k in ("person", "role", "order")}
    if contact is None:
        return create_object(ContinuityContact(plan=plan, **values), actor=actor)
    return update_object(contact, values, actor=actor)


@transaction.atomic
def continuity_part_delete(*, actor: User | None, part: ContinuityStep | ContinuityContact) -> None:
    _require_continuity(actor, part.plan)
    record_delete(part, user=actor)
    part.delete()


# --- rutiner och riktlinjer (BIL1-8, BIL1-9) ---------------------------------------------------

ROUTINE_FIELDS = ("name", "owner_unit", "owner", "version", "next_review", "content")
MAX_ROUTINE_BYTES = 10 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def routines_ensure_required() -> int:
    """Create the pack's required routines that do not exist yet, as items to fill. Idempotent."""
    existing = set(Routine.objects.exclude(key="").values_list("key", flat=True))
    created = 0
    for required in get_pack().required_routines:
        if required.key not in existing:
            create_object(Routine(key=required.key, name=required.name), actor=None)
            created += 1
    return created


def detect_document_type(data: bytes) -> str:
    """'pdf', 'docx' or 'odt' from the content itself, never the file name; '' otherwise."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith(b"PK\x03\x04"):
        return ""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    return ""  # macros: not a document we keep
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError):
        return ""
    return ""


def _validate_routine(routine: Routine) -> None:
    errors = {}
    if routine.status == Routine.Status.ADOPTED:
        if routine.owner_unit_id is None or routine.owner_id is None:
            errors["owner"] = _("En antagen rutin har en ägande enhet och en ansvarig person.")
        if not (routine.content.strip() or routine.file):
            errors["content"] = _("Skriv rutinen eller ladda upp den innan den antas.")
    if errors:
        raise ValidationError(errors)


def _require_routine(actor: User | None, routine: Routine) -> None:
    if actor is not None:
        access.require(access.can_manage_routine(access.principal_for(actor), routine))


@transaction.atomic
def routine_create(*, actor: User | None, **fields: Any) -> Routine:
    """A local routine of a förvaltning or bolag (BIL1-9)."""
    routine = Routine(status=Routine.Status.DRAFT, **{k: v for k, v in fields.items() if k in ROUTINE_FIELDS})
    _require_routine(actor, routine)
    if routine.owner_unit_id is None:
        raise ValidationError({"owner_unit": _("Ange vilken förvaltning eller enhet som äger rutinen.")})
    return create_object(routine, actor=actor, validate=_validate_routine)


@transaction.atomic
def routine_update(
    *, actor: User | None, routine: Routine, upload: tuple[str, bytes] | None = None, **fields: Any
) -> Routine:
    """Change a routine; `upload` (file name, content) replaces its document."""
    _require_routine(actor, routine)
    changes = {k: v for k, v in fields.items() if k in ROUTINE_FIELDS}
    if routine.status == Routine.Status.MISSING and (changes.get("content") or upload):
        changes["status"] = Routine.Status.DRAFT
    if upload is not None:
        name, data = upload
        if len(data) > MAX_ROUTINE_BYTES:
            raise ValidationError({"file": _("Filen är större än 10 MB.")})
        kind = detect_document_type(data)
        if not kind:
            raise ValidationError({"file": _("Filen är inte en PDF-, Word- (DOCX) eller OpenDocument-fil (ODT).")})
        previous = routine.file.name
        routine.file.save(name, ContentFile(data), save=False)
        changes |= {"file": routine.file.name, "file_name": Path(name).name[:200], "file_type": kind}
        routine.file.name = previous  # the change is applied, and recorded, by update_object
    try:
        return update_object(routine, changes, actor=actor, validate=_validate_routine)
    except ValidationError:
        if upload is not None:
            routine.file.storage.delete(changes["file"])
        raise


@transaction.atomic
def routine_adopt(
    *, actor: User | None, routine: Routine, next_review: datetime.date | None = None, **decision: Any
) -> Routine:
    """Record the decision that adopts the routine; the next review follows the pack's interval."""
    _require_routine(actor, routine)
    recorded = decision_record(actor=actor, subject=_("Antagande av %(name)s") % {"name": routine.name}, **decision)
    if next_review is None:
        months = recorded.meeting_date.month - 1 + get_pack().routine_review_interval_months
        next_review = datetime.date(recorded.meeting_date.year + months // 12, months % 12 + 1, 1)
    return update_object(
        routine,
        {"status": Routine.Status.ADOPTED, "decision": recorded, "next_review": next_review},
        actor=actor,
        validate=_validate_routine,
    )
