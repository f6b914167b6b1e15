"""The compliance engine and the E-råd membership rule (POL-3.4)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lis.compliance.registry import evaluate, registered_rules, rule
from lis.organisation import services
from lis.organisation.models import Role


def pol_3_4(results):
    return next(r for r in results if r.requirement.id == "POL-3.4")


def test_it_registers_every_rule_under_a_requirement_id_of_the_pack(db):
    assert "POL-3.4" in registered_rules()
    evaluate()  # raises if a rule's id is missing from the pack


def test_it_refuses_two_rules_for_one_requirement():
    with pytest.raises(ValueError):
        rule("POL-3.4")(lambda: [])


def test_it_flags_every_förvaltning_and_bolag_without_a_representative(personas, amal):
    # personas: TFF has a representative; nobody represents KSF, BUF, VAF, ÅKAB or SÅAB yet.
    findings = pol_3_4(evaluate()).findings
    flagged = {f.unit.short_name for f in findings if f.unit is not None}
    assert flagged == {"KSF", "BUF", "VAF", "ÅKAB", "SÅAB"}
    assert all("ingen representant i E-rådet" in f.message for f in findings if f.unit)


def test_it_is_met_when_every_unit_is_represented_and_the_strategist_and_chair_are_members(personas, amal):
    for key in ("KSF", "BUF", "VAF", "ÅKAB", "SÅAB"):
        person = services.person_create(actor=None, first_name="Rep", last_name=key, unit=amal["units"][key])
        services.role_assign(
            actor=None,
            person=person,
            role=Role.COUNCIL_REPRESENTATIVE,
            unit=amal["units"][key],
            starts_on=datetime.date(2024, 1, 1),
        )
    assert pol_3_4(evaluate()).met


def test_it_flags_a_missing_strategist_and_chair_and_an_ended_representative(amal):
    person = services.person_create(actor=None, first_name="Rep", last_name="Buf", unit=amal["units"]["BUF"])
    services.role_assign(
        actor=None,
        person=person,
        role=Role.COUNCIL_REPRESENTATIVE,
        unit=amal["units"]["BUF"],
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2021, 1, 1),
    )
    findings = pol_3_4(evaluate()).findings
    messages = " ".join(f.message for f in findings)
    assert "säkerhetsstrateg" in messages and "ordförande" in messages
    assert "Barn- och utbildningsförvaltningen har ingen representant" in messages


def test_it_shows_findings_with_the_policy_sentence_and_a_link(personas):
    content = personas["strategist"].client().get(reverse("compliance:overview")).content.decode()
    assert "POL-3.4" in content
    assert "Stadsnät i Åmål AB har ingen representant i E-rådet." in content
    assert reverse("organisation:role_assign") in content


def test_it_shows_a_unit_head_only_the_findings_of_their_own_unit(personas):
    content = personas["unit_head_buf"].client().get(reverse("compliance:overview")).content.decode()
    assert "Barn- och utbildningsförvaltningen har ingen representant" in content
    assert "Stadsnät i Åmål AB" not in content


def test_it_keeps_the_query_count_flat(personas, django_assert_max_num_queries):
    """A fixed handful of queries per registered rule, never one per unit or system."""
    client = personas["strategist"].client()
    with django_assert_max_num_queries(10 + 3 * len(registered_rules())):
        client.get(reverse("compliance:overview"))
