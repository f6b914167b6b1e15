"""POL-3.20's rule: granted exceptions past their expiry that are not ended, and granted
exceptions without an expiry. Fires as time passes and clears when the exception is ended."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lis.core.access import principal_for
from lis.core.rules import registered_rules
from lis.staff import services
from lis.staff.rules import exceptions_expire

from .conftest import NOW, TODAY
from .helpers import ask, grant

pytestmark = pytest.mark.django_db
D = datetime.timedelta(days=1)


def test_it_registers_the_rule_as_partial():
    assert "POL-3.20" in registered_rules()
    from lis.core.rules import partial_text

    assert "slutdatum" in partial_text("POL-3.20")


def test_it_finds_an_expired_exception_still_in_use_and_clears_when_ended(people):
    exception = grant(people["chef_vaf"], ask(people["employee_vaf"]), days=10)
    assert exceptions_expire() == []
    with time_machine.travel(NOW + 10 * D, tick=False):
        assert exceptions_expire() == []  # the last valid day
    with time_machine.travel(NOW + 11 * D, tick=False):
        [finding] = exceptions_expire()
        assert "har löpt ut (2026-12-11) men används fortfarande" in finding.message
        assert finding.link == f"/personal/undantag/{exception.pk}/"
        assert finding.unit == people["employee_vaf"].person.unit
        assert "Employee" not in finding.message  # no names in Efterlevnad
        assert finding.may_follow(principal_for(people["chef_vaf"].user))
        assert not finding.may_follow(principal_for(people["unit_head_buf"].user))
        services.exception_end(actor=people["employee_vaf"].user, exception=exception)
        assert exceptions_expire() == []


def test_it_finds_a_registered_exception_without_expiry(people):
    exception = services.exception_register(
        actor=people["chef_vaf"].user,
        person=people["employee_vaf"].person,
        source="YouTube",
        reason="Filmer.",
        decided_on=TODAY - 30 * D,
        decision_reason="Ok.",
    )
    [finding] = exceptions_expire()
    assert "saknar slutdatum" in finding.message
    assert finding.link.endswith(f"/{exception.pk}/")


def test_it_ignores_requested_refused_and_withdrawn_exceptions(people, django_assert_max_num_queries):
    ask(people["employee_vaf"])
    services.exception_refuse(
        actor=people["chef_vaf"].user, exception=ask(people["employee_vaf"], source="B"), decision_reason="Nej."
    )
    services.exception_withdraw(actor=people["employee_vaf"].user, exception=ask(people["employee_vaf"], source="C"))
    with time_machine.travel(NOW + 400 * D, tick=False), django_assert_max_num_queries(1):
        assert exceptions_expire() == []
