"""The compliance engine and the E-råd membership rule (POL-3.4)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lis.core.rules import evaluate, registered_rules, rule
from lis.organisation import services
from lis.organisation.models import Role


def pol_3_4(results):
    return next(r for r in results if r.requirement.id == "POL-3.4")


def test_it_registers_every_rule_under_a_requirement_id_of_the_pack(db):
    assert "POL-3.4" in registered_rules()
    evaluate()  # raises if a rule's id is missing from the pack


def test_it_refuses_registering_the_same_check_twice():
    from lis.organisation.rules import council_membership

    with pytest.raises(ValueError):
        rule("POL-3.4")(council_membership)


def test_it_joins_the_findings_of_every_app_that_checks_part_of_one_requirement(monkeypatch):
    from lis.core import rules

    parts = [lambda: [rules.Finding(message="försenad åtgärd")], lambda: [rules.Finding(message="råd ej uppföljt")]]
    monkeypatch.setitem(rules._RULES, "POL-3.4", parts)
    assert [f.message for f in registered_rules()["POL-3.4"]()] == ["försenad åtgärd", "råd ej uppföljt"]


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
    result = pol_3_4(evaluate())
    # POL-3.4 is checked only in part (who appointed the members is not), so never "Uppfyllt".
    assert result.findings == [] and result.no_findings_in_part and not result.met


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


def test_it_marks_every_rule_that_checks_only_part_of_its_requirement(db):
    """Each rule read against its requirement's text in the pack: these check only a part."""
    results = {r.requirement.id: r for r in evaluate() if r.checked}
    partial = {requirement_id for requirement_id, result in results.items() if result.partial}
    assert partial == {
        "POL-2.5",
        "POL-2.6",
        "POL-3.3",
        "POL-3.4",
        "POL-3.5",
        "POL-3.11",
        "POL-3.20",
        "POL-3.22",
        "POL-3.26",
        "POL-3.28",
        "POL-3.31",
    }
    # Complete since the training register: a systemförvaltare for every system, trained first.
    assert "POL-3.12" in results and not results["POL-3.12"].partial


def test_it_never_reports_a_partly_checked_requirement_as_fulfilled(personas):
    # No systems in the register: the POL-3.11 rule (an ansvarig chef for every system) finds nothing.
    result = next(r for r in evaluate() if r.requirement.id == "POL-3.11")
    assert result.findings == [] and not result.met
    content = personas["strategist"].client().get(reverse("compliance:overview")).content.decode()
    row = content.split('<th scope="row">POL-3.11')[1].split("</tr>")[0]
    assert "Kontrolleras delvis:" in row and "Inga brister i det som kontrolleras" in row
    assert "Uppfyllt" not in row
    fulfilled_rows = [r for r in content.split('<th scope="row">')[1:] if "Uppfyllt" in r.split("</tr>")[0]]
    assert all("Kontrolleras delvis" not in r.split("</tr>")[0] for r in fulfilled_rows)
