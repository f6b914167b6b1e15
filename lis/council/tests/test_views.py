"""E-rådet's pages for every persona: who gets 200, 403 or 404 on each page, htmx tab panels,
secret items showing only their heading to non-members, and refused POSTs writing nothing."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.council import ics, selectors, services
from lis.council.models import Advice, AgendaItem, Meeting, Minutes
from lis.organisation.models import Role

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 3, 20, 10, 0, tzinfo=STOCKHOLM)
MEMBERS = {"strategist", "it_manager", "representative_tff"}
MANAGERS = {"strategist", "it_manager", "administrator"}
EVERYONE = (
    "strategist",
    "administrator",
    "it_manager",
    "hr",
    "unit_head_buf",
    "coordinator_vaf",
    "representative_tff",
    "board_member_bun",
    "employee_vaf",
)
SECRET_MINUTES = "Brandväggen i kommunhuset saknar loggning"


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


@pytest.fixture
def council(personas, amal):
    """A justerat meeting on 2026-03-02 (with a secret item and advice), a held one on 2026-03-16
    not justerat, and a planned one on 2026-04-20; today is 2026-03-20."""
    with time_machine.travel(NOW, tick=False):
        strategist, chair, rep = personas["strategist"], personas["it_manager"], personas["representative_tff"]
        done = services.meeting_create(
            actor=strategist.user,
            starts_at=at(datetime.date(2026, 3, 2), 13),
            ends_at=at(datetime.date(2026, 3, 2), 15),
            location="Kommunhuset",
        )
        open_item = services.agenda_item_add(actor=strategist.user, meeting=done, title="Policyns uppföljning")
        secret = services.agenda_item_add(actor=strategist.user, meeting=done, title="Sårbarhet i nätet")
        services.agenda_item_update(
            actor=strategist.user,
            item=secret,
            minutes=SECRET_MINUTES,
            secret=True,
            secrecy_provision="OSL 18 kap. 8 §",
        )
        services.agenda_item_update(actor=strategist.user, item=open_item, minutes="Policyn följs.")
        services.advice_create(
            actor=strategist.user,
            item=open_item,
            text="Gå igenom rutinen för behörigheter",
            follow_up_by=rep.person,
            follow_up_on=datetime.date(2026, 6, 1),
            unit=amal["units"]["TFF"],
        )
        rows = [
            (chair.person, Role.COUNCIL_CHAIR, None, "present"),
            (strategist.person, Role.SECURITY_STRATEGIST, None, "present"),
            (rep.person, Role.COUNCIL_REPRESENTATIVE, amal["units"]["TFF"], "present"),
        ]
        services.attendance_record(actor=strategist.user, meeting=done, rows=rows)
        services.adjuster_appoint(actor=strategist.user, meeting=done, person=rep.person)
        done.refresh_from_db()
        sha = selectors.content_sha256(done)
        services.minutes_sign(actor=chair.user, meeting=done, content_sha256=sha)
        minutes = services.minutes_sign(actor=rep.user, meeting=done, content_sha256=sha)
        assert minutes is not None
        held = services.meeting_create(
            actor=strategist.user,
            starts_at=at(datetime.date(2026, 3, 16), 13),
            ends_at=at(datetime.date(2026, 3, 16), 15),
            location="Kommunhuset",
        )
        services.attendance_record(actor=strategist.user, meeting=held, rows=rows)
        planned = services.meeting_create(
            actor=strategist.user,
            starts_at=at(datetime.date(2026, 4, 20), 9),
            ends_at=at(datetime.date(2026, 4, 20), 11),
            location="Kommunhuset",
        )
        item = services.agenda_item_add(actor=strategist.user, meeting=planned, title="Kontinuitetsplanen")
    with time_machine.travel(NOW, tick=True):
        yield {
            "done": done,
            "held": held,
            "planned": planned,
            "item": item,
            "minutes": minutes,
            "personas": personas,
            "advice": Advice.objects.get(),
        }


def get(personas, key: str, url: str, **headers):
    return personas[key].client().get(url, **headers)


def expect(personas, url: str, allowed: set[str], denied: int) -> None:
    for key in EVERYONE:
        status = get(personas, key, url).status_code
        wanted = 200 if key in allowed else denied
        assert status == wanted, f"{key} {url}: {status}, väntade {wanted}"


# --- reading -------------------------------------------------------------------------------------


def test_everyone_signed_in_reads_the_overview_and_the_year(council):
    p = council["personas"]
    expect(p, reverse("council:overview"), set(EVERYONE), 0)
    expect(p, reverse("council:year", args=[2026]), set(EVERYONE), 0)


def test_it_asks_anonymous_visitors_to_log_in(council, client):
    response = client.get(reverse("council:overview"))
    assert response.status_code == 302 and "/logga-in/" in response["Location"]


def test_the_overview_shows_members_marks_missing_seats_and_offers_appointing_only_to_those_who_may(council):
    p = council["personas"]
    page = get(p, "administrator", reverse("council:overview")).content.decode()
    assert "Saknas" in page and "Utse" in page
    assert "Rep" in page  # the TFF representative's name
    employee = get(p, "employee_vaf", reverse("council:overview")).content.decode()
    assert "Saknas" in employee and ">Utse<" not in employee and "Utse<span" not in employee
    # The BUF förvaltningschef appoints BUF's representative and nobody else's.
    head = get(p, "unit_head_buf", reverse("council:overview")).content.decode()
    assert head.count("Utse<span") == 1
    # Open advice and the calendar feed are for members.
    member = get(p, "representative_tff", reverse("council:overview")).content.decode()
    assert "Gå igenom rutinen för behörigheter" in member and ".ics" in member
    assert "Gå igenom rutinen för behörigheter" not in employee and ".ics" not in employee


def test_meetings_without_justerade_minutes_are_only_for_members_and_managers(council):
    p = council["personas"]
    for meeting in (council["planned"], council["held"]):
        expect(p, reverse("council:meeting_detail", args=[meeting.pk]), MEMBERS | MANAGERS, 404)
    expect(p, reverse("council:meeting_detail", args=[council["done"].pk]), set(EVERYONE), 0)


def test_every_tab_of_a_justerat_meeting_answers_and_history_is_for_members(council):
    p = council["personas"]
    url = reverse("council:meeting_detail", args=[council["done"].pk])
    for tab in ("dagordning", "narvaro", "minnesanteckningar"):
        expect(p, f"{url}?flik={tab}", set(EVERYONE), 0)
    employee = get(p, "employee_vaf", f"{url}?flik=historik").content.decode()
    assert 'aria-current="page">Dagordning' in employee  # an unknown tab falls back to the first
    member = get(p, "strategist", f"{url}?flik=historik").content.decode()
    assert "Ändringshistorik" in member


def test_a_secret_item_shows_only_its_heading_to_those_outside_the_council(council):
    p = council["personas"]
    url = reverse("council:meeting_detail", args=[council["done"].pk]) + "?flik=minnesanteckningar"
    employee = get(p, "employee_vaf", url).content.decode()
    assert "Sårbarhet i nätet" in employee and "OSL 18 kap. 8 §" in employee
    assert SECRET_MINUTES not in employee
    assert "Policyn följs." in employee  # the rest is an allmän handling
    member = get(p, "representative_tff", url).content.decode()
    assert SECRET_MINUTES in member


def test_the_pages_never_call_the_councils_advice_a_decision(council):
    p = council["personas"]
    url = reverse("council:meeting_detail", args=[council["done"].pk])
    for tab in ("dagordning", "minnesanteckningar"):
        page = get(p, "strategist", f"{url}?flik={tab}").content.decode()
        assert "Råd" in page
        assert "beslut" not in page.lower().replace("beslutade åtgärder", "")


def test_the_draft_minutes_are_for_members_only(council):
    p = council["personas"]
    url = reverse("council:meeting_detail", args=[council["held"].pk]) + "?flik=minnesanteckningar"
    expect(p, url, MEMBERS | MANAGERS, 404)
    chair = get(p, "it_manager", url).content.decode()
    assert 'name="content_sha256"' in chair
    assert f'value="{selectors.content_sha256(council["held"])}"' in chair
    strategist = get(p, "strategist", url).content.decode()
    assert 'name="content_sha256"' not in strategist  # not the chair, not the justerare


def test_a_tab_asked_for_by_htmx_comes_without_the_page_around_it(council):
    p = council["personas"]
    url = reverse("council:meeting_detail", args=[council["done"].pk]) + "?flik=narvaro"
    response = get(p, "employee_vaf", url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab-panel")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and "Närvarande" in page


def test_the_minutes_pdf_is_for_everyone_unless_it_holds_secret_items(council):
    p = council["personas"]
    url = reverse("council:minutes_pdf", args=[council["done"].pk])
    expect(p, url, MEMBERS, 403)  # the administrator manages the council but does not sit in it
    response = get(p, "representative_tff", url)
    assert response["Content-Type"] == "application/pdf"
    assert bytes(response.content) == bytes(council["minutes"].pdf)
    assert get(p, "strategist", reverse("council:minutes_pdf", args=[council["held"].pk])).status_code == 404
    employee = get(
        p, "employee_vaf", reverse("council:meeting_detail", args=[council["done"].pk]) + "?flik=minnesanteckningar"
    )
    assert url not in employee.content.decode()  # no link that ends in a refusal


def test_the_forms_open_only_for_those_who_may_use_them(council):
    p = council["personas"]
    planned, held, done = council["planned"], council["held"], council["done"]
    item = council["item"]
    expect(p, reverse("council:meeting_create"), MANAGERS, 403)
    expect(p, reverse("council:meeting_edit", args=[planned.pk]), MANAGERS, 403)
    expect(p, reverse("council:agenda_item_edit", args=[planned.pk, item.pk]), MANAGERS, 403)
    expect(p, reverse("council:advice_create", args=[planned.pk, item.pk]), MANAGERS, 403)
    expect(p, reverse("council:attendance", args=[held.pk]), MANAGERS, 403)
    expect(p, reverse("council:adjuster", args=[held.pk]), MANAGERS, 403)
    expect(p, reverse("council:minutes_register", args=[done.pk]), MANAGERS, 403)
    # A representative proposes items for their own unit; others may not.
    expect(p, reverse("council:agenda_item_add", args=[planned.pk]), MANAGERS | {"representative_tff"}, 403)
    # The one named to follow advice up, and the managers, follow it up.
    expect(p, reverse("council:advice_follow_up", args=[council["advice"].pk]), MANAGERS | {"representative_tff"}, 403)


def test_the_sua_pages_are_for_members_and_managers(council):
    p = council["personas"]
    expect(p, reverse("council:sua_list"), MEMBERS | MANAGERS, 403)


def test_the_calendar_feed_serves_members_only(council, client):
    p = council["personas"]
    member = client.get(reverse("council:feed", args=[ics.feed_token(p["representative_tff"].user)]))
    assert member.status_code == 200 and member["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in member.content
    outsider = client.get(reverse("council:feed", args=[ics.feed_token(p["employee_vaf"].user)]))
    assert outsider.status_code == 404
    assert client.get(reverse("council:feed", args=["inte-en-nyckel"])).status_code == 404


def test_the_year_view_counts_meetings_against_the_minimum_for_members(council):
    p = council["personas"]
    page = get(p, "strategist", reverse("council:year", args=[2026])).content.decode()
    assert "Minst per år" in page and "räcker inte" in page  # 2 held + 1 planned < 4
    employee = get(p, "employee_vaf", reverse("council:year", args=[2026])).content.decode()
    assert "Minst per år" not in employee
    assert employee.count(reverse("council:meeting_detail", args=[council["done"].pk])) == 1
    assert reverse("council:meeting_detail", args=[council["planned"].pk]) not in employee


# --- writing -------------------------------------------------------------------------------------


def entries() -> int:
    """Change-log entries other than logins (each test client logs in)."""
    return ChangeLogEntry.objects.exclude(event="login").count()


def test_refused_posts_write_nothing(council):
    p = council["personas"]
    planned, held, item = council["planned"], council["held"], council["item"]
    before = (entries(), Meeting.objects.count(), AgendaItem.objects.count(), Minutes.objects.count())
    posts = [
        (reverse("council:meeting_create"), {"day": "2026-05-01", "starts": "09:00", "ends": "10:00", "location": "X"}),
        (reverse("council:meeting_cancel", args=[planned.pk]), {}),
        (reverse("council:agenda_draft", args=[planned.pk]), {}),
        (reverse("council:agenda_send", args=[planned.pk]), {}),
        (reverse("council:agenda_item_delete", args=[planned.pk, item.pk]), {}),
        (reverse("council:agenda_item_edit", args=[planned.pk, item.pk]), {"position": 1, "title": "Nytt"}),
        (reverse("council:minutes_sign", args=[held.pk]), {"content_sha256": selectors.content_sha256(held)}),
    ]
    for key in ("employee_vaf", "unit_head_buf", "board_member_bun", "hr", "representative_tff"):
        for url, data in posts:
            status = p[key].client().post(url, data).status_code
            assert status in (403, 404), f"{key} {url}: {status}"
    # The strategist is neither the chair nor the justerare: no justering.
    assert p["strategist"].client().post(*posts[-1][:1], posts[-1][1]).status_code == 403
    assert before == (entries(), Meeting.objects.count(), AgendaItem.objects.count(), Minutes.objects.count())


def test_a_get_never_changes_anything(council):
    p = council["personas"]
    before = entries()
    for name in ("meeting_cancel", "agenda_draft", "agenda_send", "minutes_sign"):
        assert p["strategist"].client().get(reverse(f"council:{name}", args=[council["planned"].pk])).status_code == 405
    assert entries() == before


def test_the_chair_plans_a_meeting_in_swedish_time(council):
    client = council["personas"]["it_manager"].client()
    response = client.post(
        reverse("council:meeting_create"),
        {"day": "2026-06-15", "starts": "09:00", "ends": "11:30", "location": "Kommunhuset, sal A"},
    )
    meeting = Meeting.objects.get(location="Kommunhuset, sal A")
    assert response.status_code == 302 and response["Location"] == reverse("council:meeting_detail", args=[meeting.pk])
    assert meeting.starts_at == datetime.datetime(2026, 6, 15, 7, 0, tzinfo=datetime.UTC)  # CEST
    assert meeting.ends_at == datetime.datetime(2026, 6, 15, 9, 30, tzinfo=datetime.UTC)


def test_a_meeting_form_without_place_or_link_or_with_the_end_first_is_refused(council):
    client = council["personas"]["strategist"].client()
    before = Meeting.objects.count()
    response = client.post(reverse("council:meeting_create"), {"day": "2026-06-15", "starts": "10:00", "ends": "09:00"})
    page = response.content.decode()
    assert response.status_code == 200 and "Mötet måste sluta efter att det börjar." in page
    assert "Ange en plats, en länk till mötet eller båda." in page
    assert Meeting.objects.count() == before


def test_a_second_justering_by_the_same_person_is_refused_with_a_message(council):
    p = council["personas"]
    held = council["held"]
    services.adjuster_appoint(actor=p["strategist"].user, meeting=held, person=p["representative_tff"].person)
    client = p["it_manager"].client()
    url = reverse("council:minutes_sign", args=[held.pk])
    sha = selectors.content_sha256(held)
    client.post(url, {"content_sha256": sha})
    before = entries()
    response = client.post(url, {"content_sha256": sha}, follow=True)
    assert "Du har redan justerat minnesanteckningarna." in response.content.decode()
    assert entries() == before and not Minutes.objects.filter(meeting=held).exists()


def test_a_justering_on_content_the_signer_did_not_see_is_refused(council):
    p = council["personas"]
    held = council["held"]
    services.adjuster_appoint(actor=p["strategist"].user, meeting=held, person=p["representative_tff"].person)
    response = (
        p["it_manager"]
        .client()
        .post(reverse("council:minutes_sign", args=[held.pk]), {"content_sha256": "0" * 64}, follow=True)
    )
    assert "har ändrats sedan du läste dem" in response.content.decode()
    held.refresh_from_db()
    assert held.chair_signed_at is None


def test_the_diarienummer_is_registered_once(council):
    p = council["personas"]
    done = council["done"]
    url = reverse("council:minutes_register", args=[done.pk])
    number = f"{datetime.date.today().year}-00042"
    response = p["strategist"].client().post(url, {"diary_number": "2026-00042"})
    assert response.status_code == 302, response.content.decode()[:2000]
    minutes = Minutes.objects.get(meeting=done)
    assert minutes.diary_number == "2026-00042"
    again = p["strategist"].client().get(url, follow=True).content.decode()
    assert "redan diarieförda" in again
    del number


def test_the_system_page_shows_the_sua_tab_for_an_external_system(council, make_system):
    p = council["personas"]
    system = make_system(unit="VAF", name="Molnsystemet", operating_model="saas")
    url = reverse("systems:system_detail", args=[system.pk])
    page = get(p, "strategist", url + "?flik=sua").content.decode()
    assert "Säkerhetsskyddad upphandling (SUA)" in page and "Saknas" in page
    assert reverse("council:sua_create") + f"?system={system.pk}" in page
    overview = get(p, "coordinator_vaf", url).content.decode()
    assert "SUA-bedömning" in overview and "Saknas" in overview  # on the overview, for whoever sees the system
    assert reverse("council:sua_create") not in overview
    own = make_system(unit="VAF", name="Egen drift", operating_model="on_premises")
    overview = get(p, "strategist", reverse("systems:system_detail", args=[own.pk])).content.decode()
    assert "?flik=sua" not in overview and "SUA-bedömning" not in overview


def test_the_sua_form_records_an_assessment_and_raises_it_on_a_planned_meeting(council, make_system):
    p = council["personas"]
    system = make_system(unit="VAF", name="Molnsystemet", operating_model="saas")
    client = p["strategist"].client()
    response = client.post(
        reverse("council:sua_create") + f"?system={system.pk}",
        {
            "reason": "procurement",
            "agreement_needed": "on",
            "agreement_level": "3",
            "decision": "Säkerhetsskyddsavtal nivå 3 krävs i upphandlingen.",
            "decided_by": p["strategist"].person.pk,
            "decided_on": "2026-03-19",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assessment = system.sua_assessments.get()
    assert selectors.sua_status(system) == "done"
    raised = client.post(reverse("council:sua_raise", args=[assessment.pk]), {"meeting": council["planned"].pk})
    assert raised.status_code == 302
    assessment.refresh_from_db()
    assert assessment.agenda_item.meeting == council["planned"]


def test_a_representative_proposes_an_item_for_their_unit_and_the_chair_accepts_it(council, amal):
    p = council["personas"]
    planned = council["planned"]
    rep = p["representative_tff"].client()
    form = rep.get(reverse("council:agenda_item_add", args=[planned.pk])).content.decode()
    assert "Anmäl punkt till dagordningen" in form and "Hela kommunen" not in form
    response = rep.post(
        reverse("council:agenda_item_add", args=[planned.pk]),
        {"title": "Nytt bokningssystem", "unit": amal["units"]["TFF"].pk},
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(title="Nytt bokningssystem")
    assert not item.accepted
    # Another unit is not theirs to propose for: the form refuses it and nothing is written.
    refused = rep.post(
        reverse("council:agenda_item_add", args=[planned.pk]), {"title": "Annat", "unit": amal["units"]["BUF"].pk}
    )
    assert refused.status_code == 200 and not AgendaItem.objects.filter(title="Annat").exists()
    chair = p["it_manager"].client()
    page = chair.get(reverse("council:meeting_detail", args=[planned.pk])).content.decode()
    assert "Anmäld, inte godtagen" in page and "Godta punkten" in page
    chair.post(reverse("council:agenda_item_accept", args=[planned.pk, item.pk]))
    item.refresh_from_db()
    assert item.accepted


def test_the_agenda_draft_adds_standing_items_once_and_links_to_the_live_objects(council, make_system):
    p = council["personas"]
    make_system(unit="VAF", name="Molnkartan", operating_model="saas")
    planned = council["planned"]
    client = p["strategist"].client()
    client.post(reverse("council:agenda_draft", args=[planned.pk]))
    count = planned.agenda_items.count()
    response = client.post(reverse("council:agenda_draft", args=[planned.pk]), follow=True)
    assert planned.agenda_items.count() == count
    page = response.content.decode()
    assert "Dagordningen har redan alla stående punkter." in page
    assert "Alla stående punkter står på dagordningen." in page
    assert 'href="/e-radet/sua/ny/?system=' in page


def test_advice_is_followed_up_by_the_one_named_and_leaves_the_open_list(council):
    p = council["personas"]
    advice = council["advice"]
    client = p["representative_tff"].client()
    response = client.post(
        reverse("council:advice_follow_up", args=[advice.pk]),
        {"followed_up_on": "2026-03-19", "note": "Rutinen är genomgången."},
    )
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.followed_up_on == datetime.date(2026, 3, 19)
    page = client.get(reverse("council:overview")).content.decode()
    assert "Alla råd är uppföljda." in page


def test_attendance_records_a_deputy_serving_in_the_members_place(council, amal):
    from lis.conftest import make_persona
    from lis.council.models import Attendance

    p = council["personas"]
    deputy = make_persona(amal, "deputy_tff", unit="TFF", roles=[(Role.COUNCIL_DEPUTY, "TFF", None)])
    held = council["held"]
    client = p["strategist"].client()
    form = client.get(reverse("council:attendance", args=[held.pk])).content.decode()
    assert "Ersättare tjänstgjorde" in form and "Deputy Tff" in form
    seats = selectors.seats()
    data = {}
    for index, seat in enumerate(seats):
        if seat.person is not None:
            data[f"seat_{index}"] = "deputy" if seat.deputy is not None else "present"
    response = client.post(reverse("council:attendance", args=[held.pk]), data)
    assert response.status_code == 302
    rows = {a.person_id: a.presence for a in Attendance.objects.filter(meeting=held)}
    assert rows[deputy.person.pk] == "deputy" and rows[p["representative_tff"].person.pk] == "absent"
    again = client.get(reverse("council:attendance", args=[held.pk])).content.decode()
    assert re.search(r"<input[^>]*value=\"deputy\"[^>]*checked", again), again[again.find("<fieldset") :][:1500]


def test_attendance_of_a_meeting_not_yet_begun_is_not_offered(council):
    p = council["personas"]
    response = p["strategist"].client().get(reverse("council:attendance", args=[council["planned"].pk]), follow=True)
    assert "Närvaron kan registreras först när mötet har börjat." in response.content.decode()
    assert council["planned"].attendance.count() == 0


def test_an_edit_form_refuses_to_save_over_a_change_made_after_it_was_opened(council):
    p = council["personas"]
    planned, item = council["planned"], council["item"]
    client = p["strategist"].client()
    url = reverse("council:agenda_item_edit", args=[planned.pk, item.pk])
    form = client.get(url).content.decode()

    version = re.search(r'name="lasversion" value="(\d+)"', form).group(1)
    services.agenda_item_update(actor=p["it_manager"].user, item=item, title="Ändrad av ordföranden")
    response = client.post(url, {"lasversion": version, "position": 1, "title": "Min rubrik"})
    assert response.status_code == 200 and "har ändrats sedan du öppnade formuläret" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Ändrad av ordföranden"


def test_a_representative_withdraws_their_own_proposal_but_not_an_accepted_item(council, amal):
    p = council["personas"]
    planned = council["planned"]
    rep = p["representative_tff"].client()
    rep.post(
        reverse("council:agenda_item_add", args=[planned.pk]), {"title": "Förslag", "unit": amal["units"]["TFF"].pk}
    )
    proposal = AgendaItem.objects.get(title="Förslag")
    page = rep.get(reverse("council:meeting_detail", args=[planned.pk])).content.decode()
    assert "Ta tillbaka anmälan" in page
    assert rep.post(reverse("council:agenda_item_delete", args=[planned.pk, council["item"].pk])).status_code == 403
    rep.post(reverse("council:agenda_item_delete", args=[planned.pk, proposal.pk]))
    assert not AgendaItem.objects.filter(pk=proposal.pk).exists()
    assert AgendaItem.objects.filter(pk=council["item"].pk).exists()


def test_the_meeting_form_refuses_to_save_over_a_change_made_after_it_was_opened(council):
    p = council["personas"]
    planned = council["planned"]
    client = p["strategist"].client()
    url = reverse("council:meeting_edit", args=[planned.pk])
    version = re.search(r'name="lasversion" value="(\d+)"', client.get(url).content.decode()).group(1)
    services.meeting_update(actor=p["it_manager"].user, meeting=planned, location="Stadshuset")
    data = {"lasversion": version, "day": "2026-04-20", "starts": "09:00", "ends": "11:00", "location": "Min sal"}
    response = client.post(url, data)
    assert response.status_code == 200 and "har ändrats sedan du öppnade formuläret" in response.content.decode()
    planned.refresh_from_db()
    assert planned.location == "Stadshuset"
