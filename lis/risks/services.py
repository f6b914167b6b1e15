"""Writes for the informationssäkerhetsanalys: permission, validation in Swedish, change log."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.changelog import record_delete, record_update, snapshot
from lis.core.models import User
from lis.core.pack import get_pack
from lis.core.services import create_object, update_object
from lis.organisation.models import Board, OrgUnit, Person
from lis.organisation.services import mandate_period_for
from lis.plans.services import decision_record
from lis.systems.models import InformationSystem

from .models import Measure, Risk, SecurityAnalysis

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
MEASURE_FIELDS = ("title", "description", "kind", "aspects", "responsible", "due_on", "status")


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


@transaction.atomic
def analysis_start(*, actor: User | None, unit: OrgUnit, started_on: datetime.date | None = None) -> SecurityAnalysis:
    """Start the unit's analysis for the mandatperiod containing `started_on` (the pack's anchor)."""
    if actor is not None:
        access.require(access.principal_for(actor).can_manage_unit(unit))
    if not unit.is_top_level:
        raise ValidationError({"unit": _("En analys görs för en förvaltning eller ett bolag.")})
    day = started_on or access.today()
    period = mandate_period_for(day, get_pack().action_plan_period_anchor)
    return create_object(SecurityAnalysis(unit=unit, period=period, started_on=day), actor=actor)


ANALYSIS_FIELDS = ("started_on", "summary")


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
        if a.started_on and not (a.period.starts_on <= a.started_on <= a.period.ends_on):
            raise ValidationError({"started_on": _("Datumet ligger utanför analysens mandatperiod.")})

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
    from .selectors import analysis_scope  # noqa: PLC0415 – selectors import this module's models only

    return analysis_scope(analysis).in_scope.exclude(risks__analysis=analysis)


def _set_status(analysis: SecurityAnalysis, status: str, *, actor: User | None, **fields: Any) -> SecurityAnalysis:
    return update_object(analysis, {"status": status, **fields}, actor=actor)


@transaction.atomic
def analysis_complete(*, actor: User | None, analysis: SecurityAnalysis) -> SecurityAnalysis:
    """Pågående → klar: every system in the analysis's scope has at least one assessed risk."""
    _require_unit(actor, analysis)
    locked = _locked(analysis)
    if locked.status != SecurityAnalysis.Status.ONGOING:
        raise ValidationError(_("Bara en pågående analys kan markeras som klar."))
    missing = list(systems_without_risks(locked).order_by("name").values_list("name", flat=True)[:11])
    if missing:
        names = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise ValidationError(
            _("Analysen är inte klar: dessa system saknar bedömda risker: %(systems)s.") % {"systems": names}
        )
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
) -> SecurityAnalysis:
    """Klar → rapporterad: record the nämnd's or styrelse's decision (POL-3.15, BIL1-5)."""
    _require_unit(actor, analysis)
    locked = _locked(analysis)
    if locked.status != SecurityAnalysis.Status.DONE:
        raise ValidationError(_("Markera analysen som klar innan den rapporteras till nämnden."))
    if locked.completed_on and meeting_date < locked.completed_on:
        raise ValidationError({"meeting_date": _("Sammanträdet kan inte ligga före den dag analysen blev klar.")})
    decision = decision_record(
        actor=actor,
        board=board,
        meeting_date=meeting_date,
        paragraph=paragraph,
        diary_number=diary_number,
        subject=_("Informationssäkerhetsanalys %(period)s, %(unit)s")
        % {"period": locked.period, "unit": locked.unit.name},
    )
    _set_status(locked, SecurityAnalysis.Status.REPORTED, actor=actor, decision=decision)
    analysis.refresh_from_db()
    return analysis


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


def _refuse_if_reported(analysis: SecurityAnalysis, message: str) -> None:
    if analysis.status == SecurityAnalysis.Status.REPORTED:
        raise ValidationError(message)


@transaction.atomic
def risk_delete(*, actor: User | None, risk: Risk) -> None:
    """Remove a risk registered by mistake; what was reported to the nämnd stays."""
    _require_system(actor, risk.system)
    _refuse_if_reported(
        risk.analysis, _("Analysen är rapporterad till nämnden. Risken kan inte tas bort, men den kan bedömas om.")
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


@transaction.atomic
def measure_save(
    *,
    actor: User | None,
    analysis: SecurityAnalysis,
    measure: Measure | None = None,
    risks: list[Risk] | None = None,
    **fields: Any,
) -> Measure:
    """Create or change a measure and the risks it treats (all in the same analysis)."""
    _require_unit(actor, analysis)
    if risks is not None and any(r.analysis_id != analysis.pk for r in risks):
        raise ValidationError({"risks": _("En åtgärd kan bara behandla risker i samma analys.")})
    values = _pick(fields, MEASURE_FIELDS)
    if measure is None:
        measure = create_object(
            Measure(analysis=analysis, created_by=actor, **values), actor=actor, validate=_validate_measure
        )
        before_risks: list[int] = []
    else:
        before_risks = sorted(measure.risks.values_list("pk", flat=True))
        update_object(measure, values, actor=actor, validate=_validate_measure)
    if risks is not None and sorted(r.pk for r in risks) != before_risks:
        state = snapshot(measure) | {"risks": before_risks}
        measure.risks.set(risks)
        # The many-to-many change is recorded as a field of the measure.
        record_update(measure, state, user=actor, extra={"risks": sorted(r.pk for r in risks)})
    return measure


@transaction.atomic
def measure_delete(*, actor: User | None, measure: Measure) -> None:
    _require_unit(actor, measure.analysis)
    _refuse_if_reported(
        measure.analysis, _("Analysen är rapporterad till nämnden. Sätt åtgärdens status till avbruten i stället.")
    )
    record_delete(measure, user=actor)
    measure.delete()


def can_report_measure(p: access.Principal, measure: Measure) -> bool:
    """The unit that owns the analysis, or the åtgärdsansvarig, reports a measure's status."""
    return p.can_manage_unit(measure.analysis.unit) or (p.person is not None and p.person.pk == measure.responsible_id)


@transaction.atomic
def measure_set_status(*, actor: User | None, measure: Measure, status: str) -> Measure:
    if actor is not None:
        access.require(can_report_measure(access.principal_for(actor), measure))
    return update_object(measure, {"status": status}, actor=actor, validate=_validate_measure)
