"""The lists do not grow their query count with their rows."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from lis.conftest import make_persona
from lis.core.access import principal_for
from lis.organisation.models import Person
from lis.staff import services
from lis.staff.extensions import attention
from lis.staff.models import PolicyException

from .conftest import TODAY

pytestmark = pytest.mark.django_db
D = datetime.timedelta(days=1)


def fill(people, amal, count: int) -> None:
    """`count` exceptions in several states and units, with as many agreements and placements."""
    start = PolicyException.objects.count()
    for index in range(start, start + count):
        persona = make_persona(amal, f"staff_{index}", unit="VAF" if index % 2 else "BYGG", roles=[])
        exception = services.exception_request(
            actor=persona.user, source=f"Källa {index}", reason="Behövs.", requested_until=TODAY + 200 * D
        )
        chef = people["chef_vaf"] if index % 2 else people["chef_enhet"]
        if index % 3 == 0:
            services.exception_grant(
                actor=chef.user, exception=exception, decision_reason="Ja.", valid_until=TODAY + (index % 40) * D
            )
        services.remote_work_create(
            actor=people["hr"].user, person=persona.person, agreed_on=TODAY - 400 * D, review_on=TODAY - D
        )
        services.classified_create(
            decided_by=people["strategist"].person,
            actor=people["strategist"].user,
            unit=amal["units"]["IT"],
            title=f"Befattning {index}",
            security_class="2",
            holder=persona.person,
            decided_on=TODAY - D,
        )
    Person.objects.filter(user__username="staff_1").update(protected_identity=True)


PAGES = [
    ("strategist", "staff:overview", {}),
    ("strategist", "staff:overview", {"status": "granted", "lage": "review"}),
    ("chef_vaf", "staff:overview", {}),
    ("coordinator_vaf", "staff:overview", {}),
    ("employee_vaf", "staff:overview", {}),
    ("hr", "staff:remote_work_list", {}),
    ("chef_vaf", "staff:remote_work_list", {"lage": "review"}),
    ("strategist", "staff:classified_list", {}),
]


@pytest.mark.parametrize("persona,name,query", PAGES)
def test_it_keeps_the_query_count_flat(people, amal, persona, name, query, django_assert_max_num_queries):
    client = people[persona].client()
    url = reverse(name)
    fill(people, amal, 5)
    with django_assert_max_num_queries(16) as few:
        assert client.get(url, query).status_code == 200
    fill(people, amal, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, query).status_code == 200


def test_it_keeps_the_start_page_lines_flat(people, amal, django_assert_max_num_queries):
    fill(people, amal, 5)
    request = SimpleNamespace(principal=principal_for(people["chef_vaf"].user))
    with django_assert_max_num_queries(8) as few:
        small = attention(request)
    fill(people, amal, 25)
    request = SimpleNamespace(principal=principal_for(people["chef_vaf"].user))
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = attention(request)
    assert any("väntar på ditt beslut" in line.text for line in large)
    assert len(large) >= len(small)
