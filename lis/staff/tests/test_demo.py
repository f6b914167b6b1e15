"""The staff demo: exceptions in every state, agreements and placements, loaded twice without
duplicates; the pending request waits for chef.buf and the admin's for the kommundirektör."""

from __future__ import annotations

import pytest
import time_machine

from lis.core.access import principal_for
from lis.core.models import User
from lis.staff import selectors
from lis.staff.demo import load_staff_demo
from lis.staff.models import ClassifiedPosition, PolicyException, RemoteWorkAgreement
from lis.staff.rules import exceptions_expire

from .conftest import NOW


@pytest.fixture
def demo(db):
    from lis.organisation.demo import load_demo

    with time_machine.travel(NOW, tick=False):
        load_demo(generic_people=5)
        first = load_staff_demo()
        counts = (PolicyException.objects.count(), RemoteWorkAgreement.objects.count())
        second = load_staff_demo()
        yield {"first": first, "second": second, "counts": counts}


def test_it_loads_every_state_once(demo):
    assert demo["counts"] == (PolicyException.objects.count(), RemoteWorkAgreement.objects.count())
    assert {e.status for e in PolicyException.objects.all()} == set(PolicyException.Status.values)
    assert PolicyException.objects.filter(status="granted").exclude(diary_number="").exists()
    assert PolicyException.objects.filter(status="granted", diary_number="").exists()
    paper = PolicyException.objects.filter(status="granted", valid_until__isnull=True, requested_at__isnull=True)
    assert paper.exists()
    assert RemoteWorkAgreement.objects.count() >= 3
    assert ClassifiedPosition.objects.count() == 2
    assert "0 undantag" in demo["second"][0]


def test_it_gives_chef_buf_and_the_kommundirektor_something_to_decide(demo):
    with time_machine.travel(NOW, tick=False):
        chef = principal_for(User.objects.get(username="chef.buf"))
        assert [e.source for e in selectors.to_decide(chef)] == ["Diskussionsforumet Flashback, trådar om skolhot"]
        director = principal_for(User.objects.get(username="kommundirektor"))
        assert len(selectors.to_decide(director)) == 1
        states = {selectors.exception_state(e) for e in PolicyException.objects.all()}
        assert {"review", "expired", "no_expiry"} <= states
        assert len(exceptions_expire()) == 2
