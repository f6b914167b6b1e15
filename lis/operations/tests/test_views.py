"""The driftinformation pages for every persona (GET and POST: 200, 302, 403), the public page's
content and order, the notice page's recipients, the system page's Drift tab, the stale-form
guard, the start page's lines, and flat query counts."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from lis.core.access import principal_for
from lis.core.models import Notification
from lis.operations import ics, services
from lis.operations.extensions import operations_attention
from lis.operations.models import ServiceNotice

from .conftest import NOW, D, H

EVERYONE = (
    "strategist",
    "administrator",
    "it_manager",
    "it_head",
    "hr",
    "unit_head_buf",
    "coordinator_vaf",
    "representative_tff",
    "board_member_bun",
    "employee_vaf",
    "steward",
    "manager",
)
MANAGERS = {"strategist", "administrator", "it_manager", "it_head"}
# Those who may post a disruption (the VAF system's steward and ansvarig chef, and the BUF steward).
DISRUPTERS = MANAGERS | {"steward", "manager"}


@pytest.fixture
def notices(people, systems, clock):
    it = people["it_manager"].user
    planned = services.notice_plan(
        actor=it,
        kind="maintenance",
        title="Uppdatering av planeringen",
        impact="Stängt en kväll.",
        systems=[systems["vaf"]],
        starts_at=NOW + 10 * D,
        ends_at=NOW + 10 * D + 4 * H,
    )
    later = services.notice_plan(
        actor=it,
        kind="upgrade",
        title="Uppgradering av elevregistret",
        impact="Stängt en dag.",
        systems=[systems["buf"]],
        starts_at=NOW + 80 * D,
    )
    disruption = services.disruption_post(
        actor=it, title="Inloggningen fungerar inte", impact="Ingen kommer in.", systems=[systems["buf"]]
    )
    done = services.disruption_post(
        actor=it, title="Långsamt nät", impact="Allt går trögt.", systems=[systems["vaf"]], starts_at=NOW - 5 * D
    )
    services.notice_close(actor=it, notice=done, ended_at=NOW - 4 * D, summary="Switchen är bytt.")
    old = services.disruption_post(
        actor=it, title="Gammal störning", impact="x", systems=[systems["vaf"]], starts_at=NOW - 40 * D
    )
    services.notice_close(actor=it, notice=old, ended_at=NOW - 39 * D, summary="Löst.")
    return {"planned": planned, "later": later, "disruption": disruption, "done": done, "old": old}


# --- access matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", EVERYONE)
def test_it_shows_every_signed_in_user_the_public_pages(key, people, notices):
    client = people[key].client()
    for url in (
        reverse("operations:overview"),
        reverse("operations:overview") + f"?system={notices['planned'].systems.first().pk}",
        reverse("operations:notice_detail", args=[notices["planned"].pk]),
        reverse("operations:notice_detail", args=[notices["planned"].pk]) + "?flik=historik",
    ):
        assert client.get(url).status_code == 200, url


def test_it_sends_the_anonymous_to_the_login(client, notices):
    for url in (reverse("operations:overview"), reverse("operations:notice_detail", args=[notices["planned"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/logga-in/" in response["Location"]


@pytest.mark.parametrize("key", EVERYONE)
def test_it_lets_only_it_enheten_plan_and_change_planned_work(key, people, notices):
    client = people[key].client()
    planned = notices["planned"]
    allowed = key in MANAGERS
    for url in (
        reverse("operations:notice_create"),
        reverse("operations:notice_edit", args=[planned.pk]),
        reverse("operations:notice_cancel", args=[planned.pk]),
    ):
        assert client.get(url).status_code == (200 if allowed else 403), url
    before = Notification.objects.count()
    for url in (
        reverse("operations:notice_notify", args=[planned.pk]),
        reverse("operations:notice_start", args=[planned.pk]),
    ):
        assert client.post(url).status_code == (302 if allowed else 403), url
    planned.refresh_from_db()
    if allowed:
        assert planned.status == "ongoing" and planned.notified_at is not None
    else:
        assert planned.status == "planned" and planned.notified_at is None
        assert Notification.objects.count() == before
    response = client.post(
        reverse("operations:notice_create"),
        {
            "kind": "maintenance",
            "title": "Ny",
            "impact": "x",
            "systems": [planned.systems.first().pk],
            "starts_at": "2026-12-20T18:00",
        },
    )
    assert response.status_code == (302 if allowed else 403)
    assert ServiceNotice.objects.filter(title="Ny").exists() is allowed


@pytest.mark.parametrize("key", EVERYONE)
def test_it_lets_it_enheten_and_the_systems_own_people_post_and_close_disruptions(key, people, systems, notices):
    client = people[key].client()
    may_post = key in DISRUPTERS
    assert client.get(reverse("operations:disruption_create")).status_code == (200 if may_post else 403)
    response = client.post(
        reverse("operations:disruption_create"),
        {
            "title": "Nere nu",
            "impact": "Går inte att använda.",
            "systems": [systems["vaf"].pk],
            "starts_at": "2026-12-01T09:30",
        },
    )
    assert response.status_code == (302 if may_post else 403)
    created = ServiceNotice.objects.filter(title="Nere nu").first()
    assert (created is not None) is may_post
    # Closing IT's BUF disruption: IT-enheten only (the VAF steward and chef have nothing to do with it).
    url = reverse("operations:notice_close", args=[notices["disruption"].pk])
    may_close = key in MANAGERS
    assert client.get(url).status_code == (200 if may_close else 403)
    response = client.post(url, {"ended_at": "2026-12-01T10:00", "summary": "Omstartad."})
    assert response.status_code == (302 if may_close else 403)
    notices["disruption"].refresh_from_db()
    assert (notices["disruption"].status == "completed") is may_close


def test_it_shows_a_form_error_in_swedish_and_writes_nothing(people, systems, notices):
    client = people["it_manager"].client()
    response = client.post(
        reverse("operations:notice_create"),
        {
            "kind": "maintenance",
            "title": "För snart",
            "impact": "x",
            "systems": [systems["vaf"].pk],
            "starts_at": "2026-12-03T18:00",
            "ends_at": "2026-12-03T20:00",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Användarna ska aviseras minst 5 dagar i förväg" in content
    assert "Kortare varsel än 5 dagar" in content
    assert not ServiceNotice.objects.filter(title="För snart").exists()
    response = client.post(
        reverse("operations:notice_create"),
        {
            "kind": "maintenance",
            "title": "För snart",
            "impact": "x",
            "systems": [systems["vaf"].pk],
            "starts_at": "2026-12-03T18:00",
            "short_notice": "on",
            "short_notice_reason": "Säkerhetsrättning.",
        },
    )
    assert response.status_code == 302
    assert ServiceNotice.objects.get(title="För snart").short_notice_reason == "Säkerhetsrättning."
    response = client.post(
        reverse("operations:disruption_create"),
        {"title": "Framtida", "impact": "x", "systems": [systems["vaf"].pk], "starts_at": "2026-12-01T12:00"},
    )
    assert "En driftstörning kan inte börja i framtiden" in response.content.decode()
    assert not ServiceNotice.objects.filter(title="Framtida").exists()


def test_it_refuses_an_edit_over_a_change_made_after_the_form_was_opened(people, notices):
    client = people["it_manager"].client()
    planned = notices["planned"]
    url = reverse("operations:notice_edit", args=[planned.pk])
    page = client.get(url).content.decode()
    version = page.split('name="lasversion" value="')[1].split('"')[0]
    services.notice_update(actor=people["strategist"].user, notice=planned, title="Ändrad av någon annan")
    response = client.post(
        url,
        {
            "kind": "maintenance",
            "title": "Min ändring",
            "impact": "x",
            "systems": [planned.systems.first().pk],
            "starts_at": "2026-12-11T10:00",
            "lasversion": version,
        },
    )
    assert response.status_code == 200 and "har ändrats sedan du öppnade formuläret" in response.content.decode()
    planned.refresh_from_db()
    assert planned.title == "Ändrad av någon annan"


# --- content --------------------------------------------------------------------------------------


def test_it_lists_disruptions_first_then_planned_work_then_recently_completed(people, notices):
    content = people["employee_vaf"].client().get(reverse("operations:overview")).content.decode()
    order = [content.index(t) for t in ("Inloggningen fungerar inte", "Uppdatering av planeringen", "Långsamt nät")]
    assert order == sorted(order)
    assert "Uppgradering av elevregistret" not in content  # 80 days ahead
    assert "Gammal störning" not in content  # ended 39 days ago
    assert "fredag 11 december 2026 10:00" in content  # Europe/Stockholm
    assert "Switchen är bytt." in content
    assert reverse("operations:feed", args=[ics.feed_token(people["employee_vaf"].user)]) in content


def test_it_filters_the_overview_by_system(people, systems, notices):
    url = reverse("operations:overview") + f"?system={systems['buf'].pk}"
    content = people["employee_vaf"].client().get(url).content.decode()
    assert "Inloggningen fungerar inte" in content
    assert "Uppdatering av planeringen" not in content


def test_it_says_who_was_told_and_when(people, notices):
    it = people["it_manager"]
    planned = notices["planned"]
    url = reverse("operations:notice_detail", args=[planned.pk])
    content = it.client().get(url).content.decode()
    assert "Inte aviserad ännu." in content and "Aviseras vid nästa avisering" in content
    it.client().post(reverse("operations:notice_notify", args=[planned.pk]))
    content = people["employee_vaf"].client().get(url).content.decode()
    assert "Aviserades första gången tisdag 1 december 2026 10:00" in content
    assert "Employee Vaf Testsson" in content and "Steward Testsson" in content
    assert "Avisera" not in content.split("Påverkan")[0]  # no buttons for a reader


def test_it_links_only_the_systems_the_reader_may_open(people, systems, notices, make_system):
    """Every employee reads every notice, but a system outside their units is a 404: its name is
    printed, not linked."""
    it = people["it_manager"].user
    both = services.disruption_post(
        actor=it, title="Nätet ligger nere", impact="x", systems=[systems["vaf"], systems["buf"]]
    )
    vaf_url = reverse("systems:system_detail", args=[systems["vaf"].pk])
    buf_url = reverse("systems:system_detail", args=[systems["buf"].pk])
    reader = people["coordinator_vaf"].client()  # sees the VAF register, not BUF's
    assert reader.get(vaf_url).status_code == 200 and reader.get(buf_url).status_code == 404
    content = reader.get(reverse("operations:notice_detail", args=[both.pk])).content.decode()
    assert f'href="{vaf_url}"' in content and "Hemtjänstplanering" in content
    assert f'href="{buf_url}"' not in content and "Elevregister" in content
    content = people["employee_vaf"].client().get(reverse("operations:notice_detail", args=[both.pk])).content.decode()
    assert "Hemtjänstplanering" in content and "Elevregister" in content
    assert f'href="{vaf_url}"' not in content and f'href="{buf_url}"' not in content
    content = people["strategist"].client().get(reverse("operations:notice_detail", args=[both.pk])).content.decode()
    assert f'href="{vaf_url}"' in content and f'href="{buf_url}"' in content
    steward_buf = people["steward_buf"].client()  # named on the BUF system only
    content = steward_buf.get(reverse("operations:notice_detail", args=[both.pk])).content.decode()
    assert f'href="{buf_url}"' in content and f'href="{vaf_url}"' not in content


def test_it_shows_the_drift_tab_on_the_system_page(people, systems, notices):
    url = reverse("systems:system_detail", args=[systems["vaf"].pk]) + "?flik=drift"
    content = people["it_manager"].client().get(url).content.decode()
    assert "Uppdatering av planeringen" in content and "Långsamt nät" in content and "Gammal störning" in content
    assert reverse("operations:notice_create") + f"?system={systems['vaf'].pk}" in content
    steward = people["steward"].client().get(url).content.decode()
    assert "Uppdatering av planeringen" in steward
    assert reverse("operations:notice_create") not in steward
    assert reverse("operations:disruption_create") in steward


def test_it_prefills_the_plan_form_from_the_system(people, systems, notices):
    url = reverse("operations:notice_create") + f"?system={systems['vaf'].pk}"
    content = people["it_manager"].client().get(url).content.decode()
    assert f'value="{people["steward"].person.pk}" selected' in content
    assert "Leverantören AB" in content


# --- start page ------------------------------------------------------------------------------------


def _attention(persona):
    request = RequestFactory().get("/")
    request.user = persona.user
    request.principal = principal_for(persona.user)
    lines = {}
    for line in operations_attention(request):
        lines.setdefault(line.group, []).append(line)
    return lines


def test_it_puts_disruptions_and_my_planned_work_on_the_start_page(people, notices):
    lines = _attention(people["employee_vaf"])["mine"]
    texts = [line.text for line in lines]
    assert "Pågående driftstörning: Inloggningen fungerar inte" in texts
    disruption = next(line for line in lines if "Inloggningen" in line.text)
    assert disruption.tone == "overdue"
    assert disruption.url == reverse("operations:notice_detail", args=[notices["disruption"].pk])
    # Planned in 10 days on a system whose user group the employee is the contact of.
    assert any(line.text.startswith("Planerat arbete 2026-12-11 10:00") and line.tone == "due" for line in lines)
    # Someone in BUF sees the disruption but not VAF's planned work.
    buf = [line.text for line in _attention(people["unit_head_buf"]).get("mine", [])]
    assert "Pågående driftstörning: Inloggningen fungerar inte" in buf
    assert not any("Uppdatering av planeringen" in text for text in buf)


def test_it_reminds_the_planner_of_planned_work_not_yet_notified(people, systems, notices, clock):
    # Issue 15: the last day to notify is a deadline (lis.core.deadlines) of whoever planned the
    # work, shown on their start page, no longer a line of its own here.
    from lis.compliance.deadlines import deadlines_for
    from lis.compliance.extensions import deadline_lines

    it = people["it_manager"]

    def mine():
        today = timezone.localdate()
        found = [d for d in deadlines_for(it.person, today + 14 * D) if d.kind == "operations.notice"]
        return found, deadline_lines(found, now=timezone.now())

    # 10 days ahead, not notified: the least notice (5 days) runs out within a week.
    found, lines = mine()
    assert [d.object_id for d in found] == [str(notices["planned"].pk)]  # not the one in 80 days
    assert found[0].due == (NOW + 5 * D).date()
    assert len(lines) == 1 and lines[0].tone == "due" and "Uppdatering av planeringen" in lines[0].text
    clock.shift(6 * D)
    found, lines = mine()
    assert lines[0].tone == "overdue"
    services.notice_notify(actor=it.user, notice=notices["planned"])
    assert mine() == ([], [])
    assert "responsible" not in _attention(it)


# --- query counts ----------------------------------------------------------------------------------


def _many(people, systems, count):
    it = people["it_manager"].user
    for index in range(count):
        notice = services.notice_plan(
            actor=it,
            kind="maintenance",
            title=f"Underhåll {index}",
            impact="x",
            systems=[systems["vaf"], systems["buf"]],
            starts_at=NOW + (6 + index % 40) * D,
        )
        services.notice_notify(actor=it, notice=notice)
        if index % 3 == 0:
            services.disruption_post(actor=it, title=f"Störning {index}", impact="x", systems=[systems["vaf"]])


@pytest.mark.parametrize("count", [5, 30])
def test_it_keeps_the_query_count_flat(count, people, systems, clock, django_assert_max_num_queries):
    _many(people, systems, count)
    client = people["employee_vaf"].client()
    notice = ServiceNotice.objects.order_by("pk").first()
    token = ics.feed_token(people["employee_vaf"].user)
    pages = (
        (reverse("operations:overview"), 14),
        (reverse("operations:overview") + f"?system={systems['vaf'].pk}", 14),
        (reverse("operations:notice_detail", args=[notice.pk]), 16),
        (reverse("operations:notice_detail", args=[notice.pk]) + "?flik=historik", 18),
        (reverse("operations:feed", args=[token]), 8),
    )
    for url, ceiling in pages:
        with django_assert_max_num_queries(ceiling):
            assert client.get(url).status_code == 200, url
    with django_assert_max_num_queries(40):
        url = reverse("systems:system_detail", args=[systems["vaf"].pk]) + "?flik=drift"
        assert people["it_manager"].client().get(url).status_code == 200
    with django_assert_max_num_queries(8):
        _attention(people["it_manager"])
