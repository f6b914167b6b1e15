"""Writes for the informationssäkerhetsanalys: permission, validation in Swedish, change log."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.changelog import record_update, snapshot
from lis.core.models import User
from lis.core.pack import get_pack
from lis.core.services import create_object, update_object
from lis.organisation.models import OrgUnit
from lis.organisation.services import mandate_period_for
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
    if actor is not None:
        access.require(access.principal_for(actor).can_manage_unit(analysis.unit))
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
