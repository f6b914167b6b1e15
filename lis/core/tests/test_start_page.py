"""The start page as each person's work list (lis.core.extensions "attention"): what needs this
person's attention now, grouped, the overdue first, each line linking to where it is done; and
the grouped main menu with its sub-menu."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.http import HttpRequest
from django.urls import reverse

from lis.conftest import make_persona
from lis.core import extensions
from lis.core.extensions import Attention
from lis.organisation.models import Role
from lis.risks import services as risk_services

TODAY = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def lines(html: str) -> list[str]:
    worklist = html.split('id="worklist-heading"')[1].split("</section>")[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", "<li" + item)).strip() for item in worklist.split("<li")[1:]]


@pytest.fixture
def overdue_measure(amal, personas):
    """A measure of VAF's analysis that the medarbetare answers for, due yesterday."""
    analysis = risk_services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 3, 1))
    return risk_services.measure_save(
        actor=None,
        analysis=analysis,
        risks=[],
        title="Säkerhetskopior offline",
        kind="technical",
        aspects=["T"],
        status="in_progress",
        due_on=datetime.date(2026, 11, 30),
        responsible=personas["employee_vaf"].person,
    )


@time_machine.travel(TODAY, tick=False)
def test_it_tells_each_person_what_waits_for_them_and_links_to_where_it_is_done(personas, overdue_measure):
    mine = lines(personas["employee_vaf"].client().get(reverse("core:home")).content.decode())
    # The person's own deadline (lis.core.deadlines), linking to where it is reported done.
    assert "Försenat Åtgärd: Säkerhetskopior offline – 2026-11-30" in mine
    page = personas["employee_vaf"].client().get(reverse("core:home")).content.decode()
    assert f'href="{reverse("risks:measure_status", args=[overdue_measure.pk])}"' in page
    # The samordnare answers for the förvaltning, the säkerhetsstrateg for the whole kommun.
    assert "Försenat 1 åtgärd i din förvaltning är försenad." in lines(
        personas["coordinator_vaf"].client().get(reverse("core:home")).content.decode()
    )
    strategist = lines(personas["strategist"].client().get(reverse("core:home")).content.decode())
    assert "Försenat 1 åtgärd i kommunen är försenad." in strategist
    assert any(line.startswith("Brister Efterlevnad:") or line.startswith("Efterlevnad:") for line in strategist)
    # Another förvaltning's chef has nothing of VAF's.
    assert not any("åtgärd" in line for line in lines(personas["unit_head_buf"].client().get("/").content.decode()))


def test_it_says_so_when_nothing_waits_and_always_offers_every_employee_their_places(personas):
    page = personas["board_member_bun"].client().get(reverse("core:home")).content.decode()
    assert "Just nu väntar inget på dig i LIS." in page or lines(page)
    for name in ("policy:current", "handling:advice", "operations:overview", "training:mine", "staff:overview"):
        assert f'href="{reverse(name)}"' in page


def test_it_orders_the_overdue_first_and_groups_by_whose_it_is(rf, personas, monkeypatch):
    monkeypatch.setattr(
        extensions,
        "_ATTENTION",
        {
            "a": lambda request: [Attention("Info", "/a/", group="kommun"), Attention("Snart", "/b/", tone="due")],
            "b": lambda request: [Attention("Sent", "/c/", tone="overdue"), Attention("Mitt", "/d/")],
        },
    )
    request: HttpRequest = rf.get("/")
    found = extensions.attention(request)
    assert list(found) == ["mine", "kommun"]
    assert [line.text for line in found["mine"]] == ["Sent", "Snart", "Mitt"]


def test_it_refuses_a_line_in_an_unknown_group(rf, monkeypatch):
    monkeypatch.setattr(extensions, "_ATTENTION", {"x": lambda request: [Attention("?", "/", group="others")]})
    with pytest.raises(ValueError, match="others"):
        extensions.attention(rf.get("/"))


def test_it_keeps_the_start_page_s_query_count_flat(personas, amal, django_assert_max_num_queries, overdue_measure):
    client = personas["strategist"].client()
    client.get(reverse("core:home"))  # the compliance summary is computed once per change of data
    with django_assert_max_num_queries(60):
        client.get(reverse("core:home"))


def test_it_shows_the_group_s_pages_as_a_sub_menu_on_its_pages(personas, amal):
    client = personas["employee_vaf"].client()
    page = client.get(reverse("plans:continuity_list")).content.decode()
    submenu = page.split('aria-label="Undermeny"')[1].split("</nav>")[0]
    assert "Handlingsplaner" in submenu and 'aria-current="page">Kontinuitet' in submenu
    assert 'aria-current="page">Planer' in page.split('aria-label="Huvudmeny"')[1].split("</nav>")[0]
    assert 'aria-label="Undermeny"' not in client.get(reverse("incidents:start")).content.decode()


def test_only_those_who_may_know_see_the_register_of_security_vetted_positions_in_the_menu(personas, amal):
    url = reverse("staff:classified_list")
    for key in ("strategist", "hr", "administrator"):
        assert f'href="{url}"' in personas[key].client().get(reverse("training:overview")).content.decode(), key
    for key in ("it_manager", "unit_head_buf", "employee_vaf"):
        assert f'href="{url}"' not in personas[key].client().get(reverse("training:overview")).content.decode(), key
    signals = make_persona(amal, "signalskydd", unit="KSF", roles=[(Role.DEPUTY_SIGNALS_CHIEF, None, None)])
    assert f'href="{url}"' not in signals.client().get(reverse("training:overview")).content.decode()
