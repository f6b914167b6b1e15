"""Writes for the informationssäkerhetsanalys: permission, validation in Swedish, change log.

The analysis goes pågående → klar → rapporterad. Reporting records the nämnd's or styrelse's
decision and freezes what was reported as an AnalysisVersion (content, PDF/A, SHA-256). Work
continues in the live analysis, which stays rapporterad (the period's analysis has been
reported, POL-3.15) and shows when it differs from its last version; reported again, with a new
decision, it becomes version n+1. Only a klar analysis that was never reported can be reopened."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.changelog import record_create, record_delete, record_update, snapshot
from lis.core.models import User
from lis.core.pack import SECRECY_MARKING_MAX_LENGTH, get_pack
from lis.core.services import create_object, update_object
from lis.core.uploads import store_document
from lis.organisation.models import Board, Decision, MandatePeriod, OrgUnit, Person
from lis.organisation.services import decision_record, mandate_period_opens_on, startable_mandate_periods
from lis.systems.models import InformationSystem

from . import selectors
from .models import AnalysisVersion, Measure, Risk, SecurityAnalysis

# The archival PDF/A of a reported version: (actor, analysis, decision) → bytes. The report is
# drawn by lis.reports, a higher layer, which registers its renderer here when it is ready.
ReportRenderer = Callable[[User | None, SecurityAnalysis, Decision], bytes]
_report_renderer: list[ReportRenderer] = []


def register_report_renderer(renderer: ReportRenderer) -> None:
    _report_renderer[:] = [renderer]


RISK_FIELDS = (
    "system",
    "threat",
    "cause",
    "event",
    "consequence_text",
    "aspects",
    "likelihood",
    "consequence",
    "existing_protection",
    "owner",
    "treatment",
    "treatment_motivation",
    "residual_likelihood",
    "residual_consequence",
)
MEASURE_FIELDS = ("title", "description", "kind", "aspects", "responsible", "due_on", "status", "completion_note")


def _pick(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k in allowed}


def _level_rank(key: str) -> int:
    return [level.key for level in get_pack().risk_levels].index(key)


def acceptable_level(actor: User | None, system: InformationSystem) -> int:
    """The highest risk level (as a rank) the actor may accept for this system, from the pack's
    acceptance criteria: by policy role, or as the system's ansvarig chef or systemförvaltare."""
    if actor is None:
        return len(get_pack().risk_levels) - 1
    p = access.principal_for(actor)
    held = set(p.roles)
    if p.person is not None and p.person.pk == system.responsible_manager_id:
        held.add("responsible_manager")
    if p.person is not None and p.person.pk == system.system_steward_id:
        held.add("system_steward")
    if "unit_head" in held and not p.can_manage_unit(system.unit):
        held.discard("unit_head")  # another förvaltning's chef accepts nothing here
    ranks = [_level_rank(level) for role, level in get_pack().acceptance.items() if role in held]
    return max(ranks, default=-1)


def _validate_risk(risk: Risk, actor: User | None) -> None:
    pack = get_pack()
    errors: dict[str, str] = {}
    if risk.system_id and risk.system.unit_id != risk.analysis.unit_id:
        errors["system"] = _("Systemet hör inte till analysens förvaltning eller bolag.")
    elif risk.system_id and risk.system.needs_no_risk_analysis:
        errors["system"] = _("Systemet ligger på lägsta nivån i alla aspekter och analyseras inte (POL-3.23).")
    scales = {
        "likelihood": pack.likelihood,
        "consequence": pack.consequence,
        "residual_likelihood": pack.likelihood,
        "residual_consequence": pack.consequence,
    }
    for name, scale in scales.items():
        value = getattr(risk, name)
        if value is None and name.startswith("residual"):
            continue
        if value is None or str(value) not in {c.key for c in scale}:
            errors[name] = _("Välj ett värde på skalan 1–%(max)s.") % {"max": len(scale)}
    if (risk.residual_likelihood is None) != (risk.residual_consequence is None):
        errors["residual_consequence"] = _("Ange både kvarstående sannolikhet och konsekvens, eller ingen av dem.")
    aspect_keys = {a.key for a in pack.aspects}
    if not risk.aspects or set(risk.aspects) - aspect_keys:
        errors["aspects"] = _("Välj vilka aspekter risken hotar.")
    if risk.threat and risk.threat not in {t.key for t in pack.threats}:
        errors["threat"] = _("Hotet finns inte i hotkatalogen.")
    if risk.treatment:
        if risk.treatment not in {t.key for t in pack.treatments}:
            errors["treatment"] = _("Välj en behandling ur listan.")
        elif not risk.treatment_motivation.strip():
            errors["treatment_motivation"] = _("Motivera behandlingen av risken.")
        elif risk.treatment == "accept" and "likelihood" not in errors and "consequence" not in errors:
            if _level_rank(risk.level.key) > acceptable_level(actor, risk.system):
                errors["treatment"] = _(
                    "Du får inte acceptera en risk på nivån %(level)s. Enligt acceptanskriterierna måste den "
                    "accepteras av någon med högre befogenhet."
                ) % {"level": risk.level.name}
    if errors:
        raise ValidationError(errors)


def analysis_periods(day: datetime.date | None = None) -> list[MandatePeriod]:
    """The mandatperioder an analysis can be started for on `day`: the current one, and the
    next once its election has been held."""
    return startable_mandate_periods(day or access.today(), get_pack().action_plan_period_anchor)


@transaction.atomic
def analysis_start(
    *,
    actor: User | None,
    unit: OrgUnit,
    started_on: datetime.date | None = None,
    period: MandatePeriod | None = None,
) -> SecurityAnalysis:
    """Start the unit's analysis on `started_on` for the mandatperiod containing it (the pack's
    anchor), or for `period`: the next one, in the last months of the current."""
    if actor is not None:
        access.require(access.principal_for(actor).can_manage_unit(unit))
    if not unit.is_top_level:
        raise ValidationError({"unit": _("En analys görs för en förvaltning eller ett bolag.")})
    day = started_on or access.today()
    periods = analysis_periods(day)
    if period is not None and period not in periods:
        raise ValidationError(
            {"period": _("En analys kan göras för den pågående mandatperioden, och för nästa när valet är hållet.")}
        )
    return create_object(SecurityAnalysis(unit=unit, period=period or periods[0], started_on=day), actor=actor)


ANALYSIS_FIELDS = ("started_on", "summary", "secrecy_marking")


def _require_unit(actor: User | None, analysis: SecurityAnalysis) -> None:
    if actor is not None:
        access.require(access.principal_for(actor).can_manage_unit(analysis.unit))


def _locked(analysis: SecurityAnalysis) -> SecurityAnalysis:
    """The analysis re-read under a row lock, so two status changes cannot cross."""
    return SecurityAnalysis.objects.select_for_update().select_related("unit", "period").get(pk=analysis.pk)


@transaction.atomic
def analysis_update(
    *, actor: User | None, analysis: SecurityAnalysis, participants: list[Person] | None = None, **fields: Any
) -> SecurityAnalysis:
    _require_unit(actor, analysis)

    def validate(a: SecurityAnalysis) -> None:
        if a.started_on and not (mandate_period_opens_on(a.period) <= a.started_on <= a.period.ends_on):
            raise ValidationError({"started_on": _("Datumet ligger utanför analysens mandatperiod.")})
        a.secrecy_marking = a.secrecy_marking.strip()
        if len(a.secrecy_marking) > SECRECY_MARKING_MAX_LENGTH or "\n" in a.secrecy_marking:
            raise ValidationError(
                {
                    "secrecy_marking": _("Sekretessmarkeringen ska vara en rad med högst %(max)d tecken.")
                    % {"max": SECRECY_MARKING_MAX_LENGTH}
                }
            )

    update_object(analysis, _pick(fields, ANALYSIS_FIELDS), actor=actor, validate=validate)
    if participants is not None:
        before = sorted(analysis.participants.values_list("pk", flat=True))
        after = sorted(p.pk for p in participants)
        if before != after:
            state = snapshot(analysis) | {"participants": before}
            analysis.participants.set(participants)
            record_update(analysis, state, user=actor, extra={"participants": after})
    return analysis


def systems_without_risks(analysis: SecurityAnalysis):
    return selectors.analysis_scope(analysis).in_scope.exclude(risks__analysis=analysis)


def _refuse_incomplete(analysis: SecurityAnalysis, message: str) -> None:
    missing = list(systems_without_risks(analysis).order_by("name").values_list("name", flat=True)[:11])
    if missing:
        names = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise ValidationError(message % {"systems": names})


def _set_status(analysis: SecurityAnalysis, status: str, *, actor: User | None, **fields: Any) -> SecurityAnalysis:
    return update_object(analysis, {"status": status, **fields}, actor=actor)


@transaction.atomic
def analysis_complete(*, actor: User | None, analysis: SecurityAnalysis) -> SecurityAnalysis:
    """Pågående → klar: every system in the analysis's scope has at least one assessed risk."""
    _require_unit(actor, analysis)
    locked = _locked(analysis)
    if locked.status != SecurityAnalysis.Status.ONGOING:
        raise ValidationError(_("Bara en pågående analys kan markeras som klar."))
    _refuse_incomplete(locked, _("Analysen är inte klar: dessa system saknar bedömda risker: %(systems)s."))
    return _set_status(locked, SecurityAnalysis.Status.DONE, actor=actor, completed_on=access.today())


@transaction.atomic
def analysis_reopen(*, actor: User | None, analysis: SecurityAnalysis) -> SecurityAnalysis:
    _require_unit(actor, analysis)
    locked = _locked(analysis)
    if locked.status != SecurityAnalysis.Status.DONE:
        raise ValidationError(_("Bara en klar analys som inte är rapporterad kan öppnas igen."))
    return _set_status(locked, SecurityAnalysis.Status.ONGOING, actor=actor, completed_on=None)


@transaction.atomic
def analysis_report(
    *,
    actor: User | None,
    analysis: SecurityAnalysis,
    board: Board,
    meeting_date: datetime.date,
    paragraph: int,
    diary_number: str,
) -> AnalysisVersion:
    """Klar → rapporterad, or rapporterad and changed → reported again: record the decision of
    the board that governs the unit (POL-3.15, BIL1-5) and freeze what was reported as the next
    version, with its archival PDF/A and SHA-256 in the change log. The reporter must see the
    whole analysis, since the archival copy shows all of it."""
    _require_unit(actor, analysis)
    locked = _locked(analysis)
    if actor is not None:
        access.require(selectors.sees_whole_analysis(access.principal_for(actor), locked))
    previous = selectors.latest_version(locked)
    if locked.status == SecurityAnalysis.Status.REPORTED:
        if not selectors.changed_since_report(locked, previous):
            raise ValidationError(_("Analysen har inte ändrats sedan den rapporterades."))
        _refuse_incomplete(
            locked, _("Analysen kan inte rapporteras igen: dessa system saknar bedömda risker: %(systems)s.")
        )
    elif locked.status != SecurityAnalysis.Status.DONE:
        raise ValidationError(_("Markera analysen som klar innan den rapporteras till nämnden."))
    if locked.completed_on and meeting_date < locked.completed_on:
        raise ValidationError({"meeting_date": _("Sammanträdet kan inte ligga före den dag analysen blev klar.")})
    if previous is not None and meeting_date < previous.decision.meeting_date:
        raise ValidationError({"meeting_date": _("Sammanträdet kan inte ligga före det förra beslutet om analysen.")})
    number = previous.number + 1 if previous else 1
    decision = decision_record(
        actor=actor,
        unit=locked.unit,
        board=board,
        meeting_date=meeting_date,
        paragraph=paragraph,
        diary_number=diary_number,
        subject=_("Informationssäkerhetsanalys %(period)s, %(unit)s, version %(version)s")
        % {"period": locked.period, "unit": locked.unit.name, "version": number},
    )
    if locked.status != SecurityAnalysis.Status.REPORTED:
        _set_status(locked, SecurityAnalysis.Status.REPORTED, actor=actor)
    version = AnalysisVersion(
        analysis=locked, number=number, content=selectors.analysis_content(locked), decision=decision
    )
    version.pdf = _report_renderer[0](actor, locked, decision)
    version.pdf_sha256 = hashlib.sha256(version.pdf).hexdigest()
    version.save()
    record_create(version, user=actor)
    analysis.refresh_from_db()
    return version


def _require_system(actor: User | None, system: InformationSystem) -> None:
    if actor is not None:
        access.require(access.can_manage_system(access.principal_for(actor), system))


@transaction.atomic
def risk_create(*, actor: User | None, analysis: SecurityAnalysis, **fields: Any) -> Risk:
    risk = Risk(analysis=analysis, **_pick(fields, RISK_FIELDS))
    if risk.system_id:
        # The system as it is now: its classification decides whether it is analysed at all.
        risk.system = InformationSystem.objects.select_related("unit").get(pk=risk.system_id)
        _require_system(actor, risk.system)
    return create_object(risk, actor=actor, validate=lambda r: _validate_risk(r, actor))


@transaction.atomic
def risk_update(*, actor: User | None, risk: Risk, **fields: Any) -> Risk:
    _require_system(actor, risk.system)
    return update_object(risk, _pick(fields, RISK_FIELDS), actor=actor, validate=lambda r: _validate_risk(r, actor))


def _refuse_if_reported(analysis: SecurityAnalysis, kind: str, pk: int, message: str) -> None:
    """What the nämnd was told stays in the live analysis too: a risk or measure in the last
    reported version is not removed (one added since may be)."""
    if selectors.reported_ids(analysis, kind, [pk]):
        raise ValidationError(message)


@transaction.atomic
def risk_delete(*, actor: User | None, risk: Risk) -> None:
    """Remove a risk registered by mistake; what was reported to the nämnd stays."""
    _require_system(actor, risk.system)
    _refuse_if_reported(
        risk.analysis,
        "risks",
        risk.pk,
        _("Risken är rapporterad till nämnden och kan inte tas bort, men den kan bedömas om."),
    )
    record_delete(risk, user=actor)
    risk.delete()


def _validate_measure(measure: Measure) -> None:
    pack = get_pack()
    errors: dict[str, str] = {}
    if measure.kind not in {m.key for m in pack.measure_types}:
        errors["kind"] = _("Välj en åtgärdstyp ur listan.")
    if measure.status not in {s.key for s in pack.measure_statuses}:
        errors["status"] = _("Välj en status ur listan.")
    if set(measure.aspects) - {a.key for a in pack.aspects}:
        errors["aspects"] = _("Okänd aspekt.")
    if errors:
        raise ValidationError(errors)


def _completion(
    measure: Measure | None, values: dict[str, Any], evidence: dict[str, Any], actor: User | None
) -> dict[str, Any]:
    """The completion fields that follow a change. Genomförd needs a comment or an evidence
    file and records who marked it; any change to the status, comment or evidence of a
    completed measure undoes its verification (what was verified is no longer what is there)."""
    before = measure.status if measure is not None else ""
    status = values.get("status", before)
    if status != Measure.COMPLETED:
        if before == Measure.COMPLETED:
            return {"completed_by": None, "completed_at": None, "verified_by": None, "verified_at": None}
        return {}
    note = values.get("completion_note", measure.completion_note if measure is not None else "")
    if not note.strip() and not (evidence or (measure is not None and measure.evidence)):
        message = _("Beskriv hur åtgärden är genomförd eller bifoga underlag innan den markeras som genomförd.")
        raise ValidationError({"completion_note": message})
    if before == Measure.COMPLETED and not evidence and note == measure.completion_note:
        return {}
    return {"completed_by": actor, "completed_at": timezone.now(), "verified_by": None, "verified_at": None}


def _save_with_evidence(
    measure: Measure | None, upload: tuple[str, bytes] | None, save: Callable[[dict[str, Any]], Measure]
) -> Measure:
    """Save with the uploaded evidence, all or nothing: when the save fails the stored file is
    removed; when it succeeds a replaced file is removed after commit."""
    evidence = store_document(measure or Measure(), "evidence", upload) if upload is not None else {}
    replaced = measure.evidence.name if measure is not None and evidence and measure.evidence else ""
    try:
        saved = save(evidence)
    except Exception:
        if evidence:
            Measure._meta.get_field("evidence").storage.delete(evidence["evidence"])
        raise
    if replaced:
        transaction.on_commit(lambda: saved.evidence.storage.delete(replaced))
    return saved


@transaction.atomic
def measure_save(
    *,
    actor: User | None,
    analysis: SecurityAnalysis,
    measure: Measure | None = None,
    risks: list[Risk] | None = None,
    upload: tuple[str, bytes] | None = None,
    **fields: Any,
) -> Measure:
    """Create or change a measure and the risks it treats (all in the same analysis); `upload`
    (file name, content) attaches evidence of its completion."""
    _require_unit(actor, analysis)
    if risks is not None and any(r.analysis_id != analysis.pk for r in risks):
        raise ValidationError({"risks": _("En åtgärd kan bara behandla risker i samma analys.")})
    values = _pick(fields, MEASURE_FIELDS)

    def save(evidence: dict[str, Any]) -> Measure:
        changes = values | evidence | _completion(measure, values, evidence, actor)
        if measure is None:
            return create_object(
                Measure(analysis=analysis, created_by=actor, **changes), actor=actor, validate=_validate_measure
            )
        return update_object(measure, changes, actor=actor, validate=_validate_measure)

    before_risks = sorted(measure.risks.values_list("pk", flat=True)) if measure is not None else []
    saved = _save_with_evidence(measure, upload, save)
    if risks is not None and sorted(r.pk for r in risks) != before_risks:
        state = snapshot(saved) | {"risks": before_risks}
        saved.risks.set(risks)
        # The many-to-many change is recorded as a field of the measure.
        record_update(saved, state, user=actor, extra={"risks": sorted(r.pk for r in risks)})
    return saved


@transaction.atomic
def measure_delete(*, actor: User | None, measure: Measure) -> None:
    _require_unit(actor, measure.analysis)
    _refuse_if_reported(
        measure.analysis,
        "measures",
        measure.pk,
        _("Åtgärden är rapporterad till nämnden. Sätt dess status till avbruten i stället."),
    )
    record_delete(measure, user=actor)
    if measure.evidence:
        transaction.on_commit(lambda name=measure.evidence.name: measure.evidence.storage.delete(name))
    measure.delete()


def can_report_measure(p: access.Principal, measure: Measure) -> bool:
    """The unit that owns the analysis, or the åtgärdsansvarig, reports a measure's status."""
    return p.can_manage_unit(measure.analysis.unit) or (p.person is not None and p.person.pk == measure.responsible_id)


@transaction.atomic
def measure_set_status(
    *,
    actor: User | None,
    measure: Measure,
    status: str,
    completion_note: str | None = None,
    upload: tuple[str, bytes] | None = None,
) -> Measure:
    """The åtgärdsansvarig (or the unit) reports how the measure is going; genomförd with a
    comment or an evidence file."""
    if actor is not None:
        access.require(can_report_measure(access.principal_for(actor), measure))
    measure = Measure.objects.select_for_update().get(pk=measure.pk)  # as it is now: verified or not
    values = {"status": status} | ({"completion_note": completion_note} if completion_note is not None else {})
    return _save_with_evidence(
        measure,
        upload,
        lambda evidence: update_object(
            measure,
            values | evidence | _completion(measure, values, evidence, actor),
            actor=actor,
            validate=_validate_measure,
        ),
    )


def can_verify_measure(p: access.Principal, measure: Measure) -> bool:
    """The owner of a risk the measure treats, or the unit's chef or samordnare (and the
    säkerhetsstrateg), verifies a completed measure; never alone the one who completed it."""
    if p.can_manage_unit(measure.analysis.unit):
        return True
    return p.person is not None and any(r.owner_id == p.person.pk for r in measure.risks.all())


@transaction.atomic
def measure_verify(*, actor: User, measure: Measure) -> Measure:
    """Genomförd → verifierad: someone other than the person who marked it genomförd checks it."""
    access.require(can_verify_measure(access.principal_for(actor), measure))
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    if locked.status != Measure.COMPLETED:
        raise ValidationError(_("Bara en genomförd åtgärd kan verifieras."))
    if locked.verified_at is not None:
        raise ValidationError(_("Åtgärden är redan verifierad."))
    if locked.completed_by_id == actor.pk:
        raise ValidationError(
            _(
                "Du markerade åtgärden som genomförd och kan inte verifiera den själv. Riskägaren, "
                "förvaltningschefen eller informationssäkerhetssamordnaren verifierar den."
            )
        )
    return update_object(locked, {"verified_by": actor, "verified_at": timezone.now()}, actor=actor)
