"""A page's query count does not grow with the data (DESIGN.md, "Queries")."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.core import deadlines
from lis.core.rules import registered_rules
from lis.organisation import services
from lis.organisation.models import Role

PAGES = [
    ("core:home", None, ""),
    ("organisation:unit_list", None, ""),
    ("organisation:unit_detail", "unit", ""),
    ("organisation:unit_detail", "unit", "?flik=personer"),
    ("organisation:unit_detail", "unit", "?flik=roller"),
    ("organisation:unit_detail", "unit", "?flik=historik"),
    ("organisation:board_list", None, ""),
    ("organisation:board_detail", "board", "?flik=ledamoter"),
    ("organisation:person_list", None, ""),
    ("organisation:person_list", None, "?q=a"),
    ("organisation:person_detail", "person", "?flik=roller"),
    ("organisation:person_detail", "person", "?flik=historik"),
    ("organisation:role_list", None, ""),
    ("compliance:overview", None, ""),
    ("core:changelog", None, ""),
]
CEILING = 20


def grow(amal, n: int) -> None:
    """Add n enheter under VAF, each with two people holding roles, and a protected person."""
    for i in range(n):
        unit = services.unit_create(actor=None, name=f"Enhet {i}", kind="unit", parent=amal["units"]["VAF"])
        for j in range(2):
            person = services.person_create(
                actor=None, first_name=f"Anna{j}", last_name=f"Enhet{i}", unit=unit, protected_identity=(j == 1)
            )
            services.role_assign(actor=None, person=person, role=Role.HR, starts_on=datetime.date(2024, 1, 1))
        board_member = services.person_create(actor=None, first_name="Ledamot", last_name=str(i), kind="elected")
        services.role_assign(
            actor=None,
            person=board_member,
            role=Role.BOARD_MEMBER,
            board=amal["boards"]["VAN"],
            starts_on=datetime.date(2024, 1, 1),
        )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("persona", ["strategist", "coordinator_vaf"])
def test_it_keeps_query_counts_flat_as_the_kommun_grows(personas, amal, persona):
    client = personas[persona].client()
    targets = {
        "unit": amal["units"]["VAF"].pk,
        "board": amal["boards"]["VAN"].pk,
        "person": personas["coordinator_vaf"].person.pk,
    }

    def urls():
        for name, arg, query in PAGES:
            if name in ("core:changelog",) and persona != "strategist":
                continue
            yield reverse(name, args=[targets[arg]] if arg else []) + query

    grow(amal, 3)
    small = {url: count(client, url) for url in urls()}
    grow(amal, 12)
    large = {url: count(client, url) for url in urls()}
    for url in small:
        assert large[url] <= small[url], f"{url}: {small[url]} queries at small size, {large[url]} at large"
        # Efterlevnad runs every registered rule, each with a fixed handful of queries; so does the
        # start page's compliance summary once after each change of data (lis.compliance.extensions),
        # and its deadlines: every registered kind's few queries and whose each one is (issue 15).
        runs_rules = url.startswith(reverse("compliance:overview")) or url == reverse("core:home")
        home = url == reverse("core:home")
        ceiling = (
            10 + 3 * len(registered_rules()) + (CEILING + 3 * len(deadlines.kinds()) + 6 if home else 0)
            if runs_rules
            else CEILING
        )
        assert large[url] <= ceiling, f"{url}: {large[url]} queries"
