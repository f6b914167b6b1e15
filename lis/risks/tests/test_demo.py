"""The risk demo: invented analyses in every state, risks and measures, some overdue; idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from lis.classification.demo import load_classification_demo
from lis.core import access
from lis.core.models import ChangeLogEntry, User
from lis.core.pack import get_pack
from lis.core.rules import evaluate
from lis.organisation.demo import load_demo
from lis.risks.demo import load_risks_demo
from lis.risks.models import Measure, Risk, SecurityAnalysis
from lis.risks.selectors import analysis_scope, overdue
from lis.systems.demo import load_systems_demo


@pytest.fixture
def demo(db, amal):
    load_demo(generic_people=5)
    load_systems_demo()
    load_classification_demo(proposer=User.objects.get(username="admin"), approver=User.objects.get(username="strateg"))


def test_the_risk_demo_covers_every_state_type_and_status(demo):
    assert load_risks_demo() == 4
    statuses = dict(SecurityAnalysis.objects.values_list("unit__short_name", "status"))
    assert statuses == {"BUF": "reported", "VAF": "done", "KSF": "ongoing", "TFF": "ongoing"}
    reported = SecurityAnalysis.objects.get(unit__short_name="BUF")
    (version,) = reported.versions.all()
    assert version.number == 1 and version.decision.board.short_name == "BUN"
    assert version.pdf.startswith(b"%PDF-") and len(version.content["risks"]) == reported.risks.count()
    for analysis in SecurityAnalysis.objects.exclude(status="ongoing"):
        assert not analysis_scope(analysis).in_scope.exclude(risks__analysis=analysis).exists()
    ongoing = SecurityAnalysis.objects.get(unit__short_name="KSF")
    assert analysis_scope(ongoing).in_scope.exclude(risks__analysis=ongoing).exists()
    assert overdue(Measure.objects.all(), access.today()).exists()
    pack = get_pack()
    assert set(Measure.objects.values_list("kind", flat=True)) == {m.key for m in pack.measure_types}
    assert set(Measure.objects.values_list("status", flat=True)) == {s.key for s in pack.measure_statuses}
    assert not Measure.objects.filter(risks__isnull=True).exists()
    assert set(Risk.objects.exclude(treatment="").values_list("treatment", flat=True)) == {
        t.key for t in pack.treatments
    }
    assert Risk.objects.exclude(threat="").exists() and Risk.objects.filter(threat="").exists()
    assert not Risk.objects.filter(owner__isnull=True).exists()
    assert not Risk.objects.exclude(treatment="").filter(treatment_motivation="").exists()
    assert not SecurityAnalysis.objects.filter(participants__isnull=True).exists()


def test_a_unit_without_an_analysis_is_a_finding(demo):
    load_risks_demo()
    (result,) = [r for r in evaluate() if r.requirement.id == "POL-3.15"]
    units = {f.unit.short_name for f in result.findings if f.unit is not None}
    assert {"ÅKAB", "SÅAB"} <= units and "BUF" not in units


def test_a_second_load_demo_writes_nothing(db, capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo")
    assert "påhittade" in capsys.readouterr().out
    assert SecurityAnalysis.objects.filter(status="reported", versions__number=1).exists()
    assert overdue(Measure.objects.all(), access.today()).exists()
    before = (ChangeLogEntry.objects.count(), Risk.objects.count(), Measure.objects.count())
    call_command("load_demo")
    assert "0 nya analyser" in capsys.readouterr().out
    assert (ChangeLogEntry.objects.count(), Risk.objects.count(), Measure.objects.count()) == before
