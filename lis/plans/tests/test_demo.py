"""The plans demo: decided and draft plans, the continuity plan and the routines; idempotent."""

from __future__ import annotations

import pytest

from lis.classification.demo import load_classification_demo
from lis.core.models import ChangeLogEntry, User
from lis.organisation.demo import load_demo
from lis.plans.demo import load_plans_demo
from lis.plans.models import ActionPlan, ContinuityPlan, Routine
from lis.plans.services import continuity_empty_sections
from lis.systems.demo import load_systems_demo


@pytest.fixture
def demo(db, amal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(generic_people=5)
    load_systems_demo()
    load_classification_demo(proposer=User.objects.get(username="admin"), approver=User.objects.get(username="strateg"))


def test_the_plans_demo_covers_every_state_and_loads_once(demo):
    load_plans_demo()
    statuses = dict(ActionPlan.objects.values_list("unit__short_name", "status"))
    assert statuses == {"BUF": "decided", "VAF": "draft", "KSF": "for_decision", "TFF": "draft"}
    assert ActionPlan.objects.get(unit__short_name="VAF").version == 2
    assert ActionPlan.objects.get(unit__short_name="BUF").follow_ups.count() == 1
    it_plan = ContinuityPlan.objects.get(system__isnull=True)
    assert continuity_empty_sections(it_plan) == []
    assert ContinuityPlan.objects.filter(system__name="Lönesystem").exists()
    assert set(Routine.objects.exclude(key="").values_list("status", flat=True)) == {"adopted", "draft", "missing"}
    before = ChangeLogEntry.objects.count()
    load_plans_demo()
    assert ChangeLogEntry.objects.count() == before
