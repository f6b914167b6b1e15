"""Risk analysis core (POL-2.5, POL-3.15, BIL1-4): levels from the pack's matrix, treatment and
acceptance criteria, measures and overdue flags. Pages come with the rest of the issue."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lis.classification import services as classification_services
from lis.core.models import ChangeLogEntry
from lis.risks import services
from lis.risks.models import Risk
from lis.systems import services as system_services


@pytest.fixture
def analysis(amal):
    return services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 3, 1))


@pytest.fixture
def system(make_system, personas):
    system = make_system(responsible_manager=personas["employee_vaf"].person)
    information_set = system_services.information_set_create(actor=None, system=system, name="Akter")
    classification_services.classification_approve(
        actor=personas["strategist"].user,
        classification=classification_services.classification_save(
            actor=None,
            information_set=information_set,
            levels={"K": "3", "R": "2", "T": "2"},
            motivation="m",
            propose=True,
        ),
    )
    return system


def risk_fields(system, **overrides):
    return {
        "system": system,
        "cause": "Brist i skydd mot skadlig kod",
        "event": "Data krypteras",
        "consequence_text": "Verksamheten står still",
        "aspects": ["R", "T"],
        "likelihood": 2,
        "consequence": 3,
        **overrides,
    }


def test_it_places_the_analysis_in_the_mandate_period_of_the_packs_anchor(analysis):
    assert (analysis.period.starts_on, analysis.period.ends_on) == (
        datetime.date(2023, 1, 1),
        datetime.date(2026, 12, 31),
    )


def test_it_refuses_a_second_analysis_for_the_same_unit_and_period(analysis, amal):
    with pytest.raises(ValidationError, match="redan en analys"):
        services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 6, 1))


@pytest.mark.parametrize(
    ("likelihood", "consequence", "level"),
    [
        (1, 1, "Låg"),
        (1, 3, "Medelhög"),
        (2, 2, "Medelhög"),
        (2, 4, "Hög"),
        (3, 3, "Hög"),
        (4, 4, "Extremt hög"),
    ],
)
def test_it_takes_the_level_from_the_packs_matrix(analysis, system, likelihood, consequence, level):
    risk = services.risk_create(
        actor=None, analysis=analysis, **risk_fields(system, likelihood=likelihood, consequence=consequence)
    )
    assert risk.level.name == level


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"likelihood": 5}, "likelihood"),
        ({"aspects": []}, "aspects"),
        ({"aspects": ["X"]}, "aspects"),
        ({"treatment": "reduce"}, "treatment_motivation"),
        ({"treatment": "ignorera", "treatment_motivation": "x"}, "treatment"),
        ({"residual_likelihood": 1}, "residual_consequence"),
        ({"threat": "okänt"}, "threat"),
    ],
)
def test_it_rejects_an_invalid_risk_naming_the_field_and_writes_nothing(analysis, system, overrides, field):
    before = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.risk_create(actor=None, analysis=analysis, **risk_fields(system, **overrides))
    assert field in caught.value.message_dict
    assert not Risk.objects.exists() and ChangeLogEntry.objects.count() == before


def test_it_excludes_a_system_entirely_at_the_lowest_level(analysis, make_system, personas):
    low = make_system(name="Schema")
    information_set = system_services.information_set_create(actor=None, system=low, name="Scheman")
    classification_services.classification_approve(
        actor=personas["strategist"].user,
        classification=classification_services.classification_save(
            actor=None,
            information_set=information_set,
            levels={"K": "0", "R": "0", "T": "0"},
            motivation="m",
            propose=True,
        ),
    )
    with pytest.raises(ValidationError, match="POL-3.23"):
        services.risk_create(actor=None, analysis=analysis, **risk_fields(low))


def test_it_lets_a_role_accept_only_up_to_the_packs_acceptance_level(analysis, system, personas):
    manager = personas["employee_vaf"].user  # the system's ansvarig chef: may accept up to Medelhög
    medium = risk_fields(system, likelihood=2, consequence=2, treatment="accept", treatment_motivation="Låg kostnad")
    assert services.risk_create(actor=manager, analysis=analysis, **medium).treatment == "accept"
    high = risk_fields(system, likelihood=3, consequence=3, treatment="accept", treatment_motivation="Låg kostnad")
    with pytest.raises(ValidationError, match="acceptanskriterierna"):
        services.risk_create(actor=manager, analysis=analysis, **high)
    assert services.risk_create(actor=personas["strategist"].user, analysis=analysis, **high).level.name == "Hög"
    extreme = risk_fields(system, likelihood=4, consequence=4, treatment="accept", treatment_motivation="x")
    with pytest.raises(ValidationError, match="Extremt hög"):
        services.risk_create(actor=personas["strategist"].user, analysis=analysis, **extreme)


def test_it_refuses_risks_on_another_units_system(analysis, make_system, personas):
    with pytest.raises(PermissionDenied):
        services.risk_create(
            actor=personas["unit_head_buf"].user,
            analysis=analysis,
            **risk_fields(make_system(unit="VAF", name="Annat")),
        )


def test_it_links_measures_to_risks_records_the_link_and_flags_overdue(analysis, system, personas):
    risk = services.risk_create(actor=None, analysis=analysis, **risk_fields(system))
    measure = services.measure_save(
        actor=personas["coordinator_vaf"].user,
        analysis=analysis,
        risks=[risk],
        title="Säkerhetskopior offline",
        kind="technical",
        aspects=["R", "T"],
        status="in_progress",
        due_on=datetime.date(2026, 1, 31),
    )
    assert list(risk.measures.all()) == [measure]
    assert measure.is_overdue(datetime.date(2026, 2, 1)) and not measure.is_overdue(datetime.date(2026, 1, 31))
    services.measure_save(actor=None, analysis=analysis, measure=measure, status="cancelled", risks=[])
    assert not measure.is_overdue(datetime.date(2027, 1, 1))
    updates = [
        e.changes
        for e in ChangeLogEntry.objects.filter(object_type="risks.measure", action="update").order_by("sequence")
    ]
    assert updates == [{"risks": [[], [risk.pk]]}, {"status": ["in_progress", "cancelled"]}, {"risks": [[risk.pk], []]}]
    with pytest.raises(ValidationError, match="åtgärdstyp"):
        services.measure_save(actor=None, analysis=analysis, title="X", kind="magisk", status="not_started")
