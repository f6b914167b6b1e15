"""The heat map counts risks per cell of the pack's matrix, before and after treatment."""

import datetime

import pytest

from lis.core.access import principal_for
from lis.risks import selectors, services
from lis.risks.tests.test_risks import risk_fields


@pytest.fixture
def analysis(amal):
    return services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 3, 1))


def cell(heat, likelihood, consequence):
    return next(
        c
        for row in heat.rows
        for c in row
        if c.likelihood.key == str(likelihood) and c.consequence.key == str(consequence)
    )


def test_it_counts_risks_per_cell_before_and_after_treatment(
    analysis, make_system, personas, django_assert_max_num_queries
):
    system = make_system()
    services.risk_create(
        actor=None,
        analysis=analysis,
        **risk_fields(system, likelihood=4, consequence=4, residual_likelihood=2, residual_consequence=2),
    )
    services.risk_create(actor=None, analysis=analysis, **risk_fields(system, likelihood=4, consequence=4))
    services.risk_create(actor=None, analysis=analysis, **risk_fields(system, likelihood=1, consequence=2))
    risks = selectors.risks_visible_to(principal_for(personas["strategist"].user))
    with django_assert_max_num_queries(1):
        before = selectors.heat_map(risks)
    assert before.total == 3 and cell(before, 4, 4).count == 2 and cell(before, 4, 4).level.name == "Extremt hög"
    assert [c.likelihood.key for c in (row[0] for row in before.rows)] == ["4", "3", "2", "1"]
    after = selectors.heat_map(risks, residual=True)
    assert after.total == 3 and cell(after, 4, 4).count == 1 and cell(after, 2, 2).count == 1


def test_it_counts_only_the_risks_the_user_may_see(analysis, make_system, personas):
    services.risk_create(actor=None, analysis=analysis, **risk_fields(make_system()))
    assert selectors.heat_map(selectors.risks_visible_to(principal_for(personas["coordinator_vaf"].user))).total == 1
    assert selectors.heat_map(selectors.risks_visible_to(principal_for(personas["unit_head_buf"].user))).total == 0
