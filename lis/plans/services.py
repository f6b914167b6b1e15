"""Writes for decisions: validation in Swedish, change log. Callers check permission for what
the decision is about (an analysis, a plan) before recording it."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lis.core import access, reviews
from lis.core.changelog import record_create, record_delete
from lis.core.models import User
from lis.core.pack import PackError, get_pack
from lis.core.policytext import parse_policy_text
from lis.core.services import create_object, update_object
from lis.core.uploads import store_document
from lis.organisation.models import Board, Decision, MandatePeriod, Person
from lis.organisation.services import decision_record, startable_mandate_periods
from lis.risks.models import Measure

from .models import (
    ActionPlan,
    ActionPlanVersion,
    ContinuityContact,
    ContinuityPlan,
    ContinuityStep,
    FollowUp,
    PolicyVersion,
    Routine,
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


def _timeline(period: MandatePeriod, measures: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """The tidsplan: the quarters that remain of the mandatperiod (all of them before it starts),
    measures due earlier first and those due after the period last; and the undated measures."""
    today = access.today()
    first = max(period.starts_on, datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1))
    quarters: dict[str, list[str]] = {}
    day = first
    while day <= period.ends_on:
        quarters[_quarter(day)] = []
        day = datetime.date(day.year + (day.month + 2) // 12, (day.month + 2) % 12 + 1, 1)
    earlier: list[str] = []
    after: list[str] = []
    undated: list[str] = []
    for m in measures:
        if not m["due_on"]:
            undated.append(m["title"])
            continue
        due = datetime.date.fromisoformat(m["due_on"])
        if due > period.ends_on:
            after.append(m["title"])
        elif due < first:
            earlier.append(m["title"])
        else:
            quarters[_quarter(due)].append(m["title"])
    rows = [{"quarter": q, "measures": titles} for q, titles in quarters.items()]
    if earlier:
        rows.insert(0, {"quarter": _("Tidigare"), "measures": earlier})
    if after:
        rows.append({"quarter": _("Efter perioden"), "measures": after})
    return rows, undated


def plan_content(plan: ActionPlan) -> dict[str, Any]:
    """What the plan says now: each section's text, the measures it draws on, and the tidsplan
    by quarter over what remains of the mandatperiod. Names are written as anyone may read them
    (POL-3.30)."""
    pack = get_pack()
    kinds = {m.key: m.name for m in pack.measure_types}
    statuses = {s.key: s.name for s in pack.measure_statuses}
    # Plain values and each person's name once: a förvaltning may have thousands of measures.
    rows = list(
        plan_measures(plan)
        .select_related(None)
        .values("pk", "title", "kind", "status", "verified_at", "responsible_id", "due_on")
    )
    people = Person.objects.in_bulk({row["responsible_id"] for row in rows if row["responsible_id"]})
    names = {pk: access.person_label(PUBLIC, person) for pk, person in people.items()}

    def status_name(row) -> str:
        name = statuses.get(row["status"], row["status"])
        if row["status"] == Measure.COMPLETED and row["verified_at"] is None:  # Measure.status_label
            return str(_("%(status)s, ej verifierad") % {"status": name})
        return name

    measures = [
        {
            "id": row["pk"],
            "title": row["title"],
            "kind": row["kind"],
            "kind_name": kinds.get(row["kind"], row["kind"]),
            "status": row["status"],
            "status_name": status_name(row),
            "responsible": names.get(row["responsible_id"], ""),
            "due_on": row["due_on"].isoformat() if row["due_on"] else "",
        }
        for row in rows
    ]
    timeline, undated = _timeline(plan.period, measures)
    sections = []
    for section in pack.action_plan_sections:
        types = section.get("measure_types", [])
        entry = {"key": section.key, "name": section.name, "text": plan.sections.get(section.key, "").strip()}
        if types:
            entry["measures"] = [m for m in measures if m["kind"] in types]
        if section.get("timeline"):
            entry["timeline"] = timeline
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


def plan_periods(day: datetime.date | None = None) -> list[MandatePeriod]:
    """The mandatperioder a plan can be started for on `day`: the current one, and the next
    once its election has been held."""
    return startable_mandate_periods(day or access.today(), get_pack().action_plan_period_anchor)


@transaction.atomic
def plan_start(*, actor: User | None, unit, period: MandatePeriod | None = None) -> ActionPlan:
    """Start the unit's plan for the current mandatperiod, or `period` (the next one, in the
    last months of the current)."""
    _require_plan_unit(actor, unit)
    if not unit.is_top_level:
        raise ValidationError({"unit": _("En handlingsplan görs för en förvaltning eller ett bolag.")})
    periods = plan_periods()
    if period is not None and period not in periods:
        raise ValidationError(
            {"period": _("En plan kan göras för den pågående mandatperioden, och för nästa när valet är hållet.")}
        )
    return create_object(ActionPlan(unit=unit, period=period or periods[0]), actor=actor)


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
        unit=locked.unit,
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
        unit=plan.unit,
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
    """A new plan's first review: the pack's interval from today (issue 15: add_months)."""
    return reviews.next_review(access.today(), get_pack().continuity_review_interval_months)


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
    # A date typed in the form says nothing of who reviewed: only "Granskad" names the reviewer.
    forget_reviewer = "reviewed_on" in changes and changes["reviewed_on"] != plan.reviewed_on
    if sections is not None:
        text_keys = {s.key for s in get_pack().continuity_sections if not s.get("steps") and not s.get("contacts")}
        changes["sections"] = {k: v.strip() for k, v in sections.items() if k in text_keys and v.strip()}

    def validate(p: ContinuityPlan) -> None:
        if p.reviewed_on and p.reviewed_on > access.today():
            raise ValidationError({"reviewed_on": _("Granskningen kan inte ligga i framtiden.")})

    update_object(plan, changes, actor=actor, validate=validate)
    if forget_reviewer and plan.reviewed_by_id is not None:
        plan.reviewed_by = None
        plan.save(update_fields=["reviewed_by"])
    return plan


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


def routines_ensure_required() -> int:
    """Create the pack's required routines that do not exist yet, as items to fill. Idempotent."""
    existing = set(Routine.objects.exclude(key="").values_list("key", flat=True))
    created = 0
    for required in get_pack().required_routines:
        if required.key not in existing:
            create_object(Routine(key=required.key, name=required.name), actor=None)
            created += 1
    return created


def _validate_routine(routine: Routine) -> None:
    errors = {}
    if not routine.required and routine.owner_unit_id is None:
        errors["owner_unit"] = _("Ange vilken förvaltning eller enhet som äger rutinen.")
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


def _save_with_upload(
    routine: Routine, upload: tuple[str, bytes] | None, save: Callable[[dict[str, Any]], Routine]
) -> Routine:
    """Save the routine with its uploaded document, all or nothing: when the save fails, the
    stored file is removed and the transaction writes nothing."""
    changes = store_document(routine, "file", upload) if upload is not None else {}
    try:
        return save(changes)
    except Exception:
        if changes:
            routine.file.storage.delete(changes["file"])
        raise


@transaction.atomic
def routine_create(*, actor: User | None, upload: tuple[str, bytes] | None = None, **fields: Any) -> Routine:
    """A local routine of a förvaltning or bolag (BIL1-9), with its document when `upload`
    (file name, content) is given."""
    routine = Routine(status=Routine.Status.DRAFT, **{k: v for k, v in fields.items() if k in ROUTINE_FIELDS})
    _validate_routine(routine)  # a missing owning unit is the user's to fix, before access is decided on it
    _require_routine(actor, routine)

    def save(changes: dict[str, Any]) -> Routine:
        for name, value in changes.items():
            setattr(routine, name, value)
        return create_object(routine, actor=actor, validate=_validate_routine)

    return _save_with_upload(routine, upload, save)


@transaction.atomic
def routine_update(
    *, actor: User | None, routine: Routine, upload: tuple[str, bytes] | None = None, **fields: Any
) -> Routine:
    """Change a routine; `upload` (file name, content) replaces its document."""
    _require_routine(actor, routine)
    changes = {k: v for k, v in fields.items() if k in ROUTINE_FIELDS}
    if routine.status == Routine.Status.MISSING and (changes.get("content") or upload):
        changes["status"] = Routine.Status.DRAFT
    return _save_with_upload(
        routine,
        upload,
        lambda stored: update_object(routine, changes | stored, actor=actor, validate=_validate_routine),
    )


@transaction.atomic
def routine_adopt(
    *, actor: User | None, routine: Routine, next_review: datetime.date | None = None, **decision: Any
) -> Routine:
    """Record the decision that adopts the routine; the next review follows the pack's interval."""
    _require_routine(actor, routine)
    recorded = decision_record(actor=actor, subject=_("Antagande av %(name)s") % {"name": routine.name}, **decision)
    if next_review is None:
        # Counted from the adopting decision, like every later review from the review (issue 15).
        next_review = reviews.next_review(recorded.meeting_date, get_pack().routine_review_interval_months)
    return update_object(
        routine,
        {"status": Routine.Status.ADOPTED, "decision": recorded, "next_review": next_review},
        actor=actor,
        validate=_validate_routine,
    )


# --- IT- och informationssäkerhetspolicyn (POL-2.4, POL-3.7) -----------------------------------


def _require_policy_publisher(actor: User | None) -> None:
    if actor is not None:
        access.require(access.can_publish_policy(access.principal_for(actor)))


def _policy_adoption_record(*, actor: User | None, label: str, board: Board, **decision: Any) -> Decision:
    """Kommunfullmäktige's decision adopting version `label` of the policy."""
    if board.kind != Board.Kind.COUNCIL:
        raise ValidationError({"board": _("Policyn antas av kommunfullmäktige. Välj kommunfullmäktige.")})
    return decision_record(
        actor=actor,
        board=board,
        subject=_("Antagande av IT- och informationssäkerhetspolicyn, version %(label)s") % {"label": label},
        **decision,
    )


@transaction.atomic
def policy_version_publish(*, actor: User | None, label: str, title: str, text: str, **decision: Any) -> PolicyVersion:
    """Publish a version of the policy with the decision of kommunfullmäktige that adopted it
    (board, meeting_date, paragraph, diary_number). From now on it is the version in force."""
    _require_policy_publisher(actor)
    version = PolicyVersion(label=label.strip(), title=title.strip(), text=text.strip(), published_by=actor)
    errors: dict[str, list[str]] = {}
    try:
        version.full_clean(exclude=["decision"])
    except ValidationError as exc:
        errors |= exc.message_dict
    if version.text and not any(block.kind == "h2" for block in parse_policy_text(version.text)):
        errors.setdefault("text", []).append(
            _("Texten behöver minst en rubrik: en rad som börjar med # och mellanslag.")
        )
    try:
        version.decision = _policy_adoption_record(actor=actor, label=version.label, **decision)
    except ValidationError as exc:
        errors |= exc.message_dict
    if errors:
        raise ValidationError(errors)
    return create_object(version, actor=actor)


@transaction.atomic
def policy_version_record_adoption(*, actor: User | None, version: PolicyVersion, **decision: Any) -> PolicyVersion:
    """Record the adopting decision of a version published without it: the pack's text, loaded
    before the decision was registered in LIS."""
    _require_policy_publisher(actor)
    locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if locked.decision_id is not None:
        raise ValidationError(
            _("Beslutet om att anta version %(label)s är redan registrerat.") % {"label": locked.label}
        )
    recorded = _policy_adoption_record(actor=actor, label=locked.label, **decision)
    return update_object(locked, {"decision": recorded}, actor=actor)


@transaction.atomic
def policy_ensure_first_version() -> PolicyVersion | None:
    """The policy pack's text as the first published version, with the adopting decision when
    the pack states it; without one, the version shows that its decision is not recorded yet.
    Idempotent: nothing is written once a version exists."""
    if PolicyVersion.objects.exists():
        return None
    pack = get_pack()
    text = pack.policy_file.read_text(encoding="utf-8")
    adoption = pack.policy_adoption
    if adoption is None:
        return create_object(
            PolicyVersion(label=pack.policy_version, title=pack.policy_title, text=text.strip()), actor=None
        )
    board = Board.objects.filter(short_name=adoption.board).first()
    if board is None:
        raise PackError("policy_document.adopted.board", f"'{adoption.board}' finns inte i organisationen.")
    return policy_version_publish(
        actor=None,
        label=pack.policy_version,
        title=pack.policy_title,
        text=text,
        board=board,
        meeting_date=adoption.meeting_date,
        paragraph=adoption.paragraph,
        diary_number=adoption.diary_number,
    )


# --- recurring reviews (issue 15, POL-3.31): "Granskad" -----------------------------------------


@transaction.atomic
def continuity_plan_review(
    *, actor: User | None, plan: ContinuityPlan, note: str = "", on: datetime.date | None = None
) -> ContinuityPlan:
    """The continuity plan is reviewed and still right: record the review (today, or an earlier
    day it was made; never the future) and set the next review the pack's interval after it.
    Who may edit the plan may review it."""
    _require_continuity(actor, plan)
    reviewed_on = reviews.review_day(on, access.today(), plan.reviewed_on)
    note = reviews.note_text(note)
    next_due = reviews.next_review(reviewed_on, get_pack().continuity_review_interval_months)
    reviews.review_record(
        plan,
        actor=actor,
        what="continuity_plan",
        changes={"reviewed_on": reviewed_on, "reviewed_by": actor, "review_due": next_due},
        reviewed_on=reviewed_on,
        next_due=next_due,
        note=note,
    )
    return plan


@transaction.atomic
def routine_review(*, actor: User | None, routine: Routine, note: str = "", on: datetime.date | None = None) -> Routine:
    """The adopted routine is reviewed and still right: record the review and set the next one
    the pack's interval after it. Who may edit the routine may review it; a routine that is not
    adopted is worked on, not reviewed."""
    _require_routine(actor, routine)
    if routine.status != Routine.Status.ADOPTED:
        raise ValidationError(_("Bara en antagen rutin granskas."))
    reviewed_on = reviews.review_day(on, access.today(), routine.last_reviewed_on)
    note = reviews.note_text(note)
    next_due = reviews.next_review(reviewed_on, get_pack().routine_review_interval_months)
    reviews.review_record(
        routine,
        actor=actor,
        what="routine",
        changes={"last_reviewed_on": reviewed_on, "last_reviewed_by": actor, "next_review": next_due},
        reviewed_on=reviewed_on,
        next_due=next_due,
        note=note,
    )
    return routine
