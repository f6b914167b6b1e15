"""Efterlevnad rules over the register: BIL1-2, BIL1-3, POL-3.11, POL-3.12, POL-3.22."""

from lis.core.rules import evaluate
from lis.systems import services


def findings(requirement_id):
    return next(r for r in evaluate() if r.requirement.id == requirement_id).findings


def test_it_reports_incomplete_systems_per_unit(make_system, personas):
    make_system(name="Utan förvaltare")
    complete = make_system(name="Komplett", system_steward=personas["employee_vaf"].person, no_consumers=True)
    services.user_group_create(actor=None, system=complete, kind="user", description="Alla")
    [finding] = findings("BIL1-2")
    assert finding.unit.short_name == "VAF"
    assert "Utan förvaltare" in finding.message and "Komplett" not in finding.message
    assert "komplett=incomplete" in finding.link
    # The register's part of POL-3.12 (the training part is lis.training's).
    missing = [f for f in findings("POL-3.12") if "saknar systemförvaltare" in str(f.message)]
    assert [f.unit.short_name for f in missing] == ["VAF"] and "Utan förvaltare" in str(missing[0].message)


def test_it_reports_a_missing_driftsform(make_system):
    make_system(name="Okänd drift", operating_model="")
    [finding] = findings("BIL1-3")
    assert "Okänd drift" in finding.message


def test_it_reports_systems_without_an_approved_classification(make_system):
    make_system(name="Oklassat")
    [finding] = findings("POL-3.22")
    assert "Oklassat" in finding.message and "klassad=nej" in finding.link


def test_decommissioned_systems_are_not_reported(make_system):
    make_system(name="Gammalt", status="decommissioned", operating_model="")
    assert findings("BIL1-3") == []


def test_it_reports_systems_without_an_ansvarig_chef_under_pol_3_11(make_system, personas):
    make_system(name="Utan chef")
    make_system(name="Med chef", responsible_manager=personas["coordinator_vaf"].person)
    [finding] = findings("POL-3.11")
    assert finding.unit.short_name == "VAF"
    assert "Utan chef" in finding.message and "Med chef" not in finding.message
    assert "komplett=incomplete" in finding.link
