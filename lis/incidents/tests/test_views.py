"""The incident pages for every persona: who gets 200, 403 or 404 on each page, the reporter's
view of their own incident (never the handling), htmx tab panels, the report form and its
receipt, the clocks' local expiry times, and refused POSTs writing nothing."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lis.core.extensions import standing_items
from lis.core.models import ChangeLogEntry
from lis.incidents import services
from lis.incidents.models import Clock, Incident, ReportSent, TimelineEntry

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=STOCKHOLM)
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
GLOBAL = {"strategist", "administrator", "it_manager"}
LISTERS = GLOBAL | {"unit_head_buf", "coordinator_vaf"}
VAF_HANDLERS = GLOBAL | {"coordinator_vaf"}


@pytest.fixture
def incidents(personas, make_system):
    """A VAF incident reported by the VAF employee about a VAF system (noticed 2026-03-03 08:00),
    a BUF incident reported by the strategist; now is 2026-03-03 10:00."""
    with time_machine.travel(NOW, tick=False):
        system = make_system("VAF", name="Ekonomisystemet")
        vaf = services.incident_report(
            actor=personas["employee_vaf"].user,
            description="Ett mejl med elevlistor skickades till fel mottagare.",
            noticed_at=NOW - datetime.timedelta(hours=2),
            system=system,
            personal_data="yes",
            contact="070-123 45 67",
        )
        buf = services.incident_report(
            actor=personas["strategist"].user,
            description="Skrivaren i skolan skriver ut konstiga tecken.",
            noticed_at=NOW - datetime.timedelta(hours=1),
            personal_data="no",
        )
        if buf.unit is None or buf.unit.short_name != "BUF":
            Incident.objects.filter(pk=buf.pk).update(unit=personas["unit_head_buf"].person.unit)
            buf.refresh_from_db()
    with time_machine.travel(NOW, tick=True):
        yield {"vaf": vaf, "buf": buf, "system": system, "personas": personas}


def get(personas, key: str, url: str, **headers):
    return personas[key].client().get(url, **headers)


def expect(personas, url: str, allowed: set[str], denied: int) -> None:
    for key in EVERYONE:
        status = get(personas, key, url).status_code
        wanted = 200 if key in allowed else denied
        assert status == wanted, f"{key} {url}: {status}, väntade {wanted}"


def detail(incident: Incident, tab: str = "") -> str:
    return reverse("incidents:incident_detail", args=[incident.pk]) + (f"?flik={tab}" if tab else "")


# --- reporting ---------------------------------------------------------------------------------


def test_everyone_signed_in_may_report_and_see_their_own_reports(incidents):
    p = incidents["personas"]
    expect(p, reverse("incidents:report"), set(EVERYONE), 0)
    expect(p, reverse("incidents:mine"), set(EVERYONE), 0)


def test_it_asks_anonymous_visitors_to_log_in(incidents, client):
    response = client.get(reverse("incidents:report"))
    assert response.status_code == 302 and "/logga-in/" in response["Location"]


def test_the_report_form_shows_the_packs_instruction_and_prefills_now_and_the_contact(incidents):
    p = incidents["personas"]
    page = get(p, "employee_vaf", reverse("incidents:report")).content.decode()
    assert "Koppla bort datorn från nätverket" in page
    assert 'value="2026-03-03T10:00"' in page
    assert "employee_vaf@test.invalid" in page
    assert "Visa inte mitt namn för förvaltningen" in page
    assert 'name="system"' not in page  # sees no part of the register: names the system in the text
    coordinator = get(p, "coordinator_vaf", reverse("incidents:report")).content.decode()
    assert "Vet inte" in coordinator and "Ekonomisystemet" in coordinator  # the reporter's unit's systems


def test_a_report_gets_a_number_and_a_receipt_saying_what_happens_next(incidents):
    p = incidents["personas"]
    client = p["hr"].client()
    response = client.post(
        reverse("incidents:report"),
        {
            "description": "Jag klickade på en länk i ett konstigt mejl.",
            "noticed_at": "2026-03-03T09:30",
            "occurred_at": "",
            "system": "",
            "personal_data": "unknown",
            "contact": "hr@test.invalid",
            "name_withheld_from_unit": "on",
        },
    )
    incident = Incident.objects.get(reported_by=p["hr"].user)
    assert response.status_code == 302 and response["Location"] == reverse("incidents:receipt", args=[incident.pk])
    assert incident.noticed_at == datetime.datetime(2026, 3, 3, 9, 30, tzinfo=STOCKHOLM)
    assert incident.name_withheld_from_unit and incident.personal_data == "unknown"
    receipt = client.get(response["Location"]).content.decode()
    assert incident.number in receipt and "Vad händer nu?" in receipt
    assert incident.number in client.get(reverse("incidents:mine")).content.decode()
    # Another user cannot open the receipt.
    assert get(p, "employee_vaf", reverse("incidents:receipt", args=[incident.pk])).status_code == 404


def test_an_incomplete_report_is_shown_again_with_the_errors_and_nothing_is_written(incidents):
    p = incidents["personas"]
    before = Incident.objects.count()
    response = (
        p["hr"]
        .client()
        .post(reverse("incidents:report"), {"description": "", "noticed_at": "2026-03-03T09:30", "personal_data": ""})
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Formuläret innehåller fel" in page
    assert Incident.objects.count() == before


def test_a_report_cannot_be_noticed_in_the_future(incidents):
    p = incidents["personas"]
    before = Incident.objects.count()
    response = (
        p["hr"]
        .client()
        .post(
            reverse("incidents:report"),
            {"description": "Något", "noticed_at": "2026-03-04T09:30", "personal_data": "no"},
        )
    )
    assert response.status_code == 200 and "Formuläret innehåller fel" in response.content.decode()
    assert Incident.objects.count() == before


def test_the_system_search_offers_only_systems_the_user_may_see(incidents, make_system):
    p = incidents["personas"]
    make_system("BUF", name="Elevregistret")
    url = reverse("incidents:system_choices") + "?system_sok=elev"
    assert "Elevregistret" in get(p, "unit_head_buf", url).content.decode()
    assert "Elevregistret" not in get(p, "coordinator_vaf", url).content.decode()
    page = get(p, "coordinator_vaf", reverse("incidents:system_choices") + "?system_sok=ekonomi").content.decode()
    assert "Ekonomisystemet" in page and "Vet inte" in page and "<html" not in page


# --- who sees what -----------------------------------------------------------------------------


def test_the_handler_list_is_for_handlers_only(incidents):
    p = incidents["personas"]
    expect(p, reverse("incidents:incident_list"), LISTERS, 403)


def test_the_list_shows_each_handler_the_incidents_they_handle(incidents):
    p = incidents["personas"]
    url = reverse("incidents:incident_list")
    strategist = get(p, "strategist", url).content.decode()
    assert incidents["vaf"].number in strategist and incidents["buf"].number in strategist
    coordinator = get(p, "coordinator_vaf", url).content.decode()
    assert incidents["vaf"].number in coordinator and incidents["buf"].number not in coordinator


def test_the_list_filters_by_status_and_search(incidents):
    p = incidents["personas"]
    url = reverse("incidents:incident_list")
    page = get(p, "strategist", url + "?q=skrivaren").content.decode()
    assert incidents["buf"].number in page and incidents["vaf"].number not in page
    page = get(p, "strategist", url + "?status=closed").content.decode()
    assert incidents["buf"].number not in page and "Inga incidenter motsvarar filtret." in page


def test_the_incident_page_is_for_its_handlers_and_a_404_for_everyone_else(incidents):
    p = incidents["personas"]
    for tab in ("", "tidslinje", "rapportering", "atgarder", "historik"):
        expect(p, detail(incidents["vaf"], tab), VAF_HANDLERS | {"employee_vaf"}, 404)


def test_a_medarbetare_opening_another_persons_incident_by_its_address_gets_404(incidents):
    p = incidents["personas"]
    assert get(p, "employee_vaf", detail(incidents["buf"])).status_code == 404
    assert get(p, "employee_vaf", reverse("incidents:triage", args=[incidents["buf"].pk])).status_code == 404


def test_the_reporter_sees_only_the_reporters_view_never_the_handling(incidents):
    p = incidents["personas"]
    services.timeline_add(
        actor=p["strategist"].user,
        incident=incidents["vaf"],
        kind="action",
        text="Mottagaren ombads radera mejlet",
        happened_at=NOW,
    )
    for tab in ("", "tidslinje", "rapportering"):
        page = get(p, "employee_vaf", detail(incidents["vaf"], tab)).content.decode()
        assert incidents["vaf"].number in page and "elevlistor" in page and "Ny" in page
        assert "Mottagaren ombads" not in page and "Rapportering" not in page and "Bedöm" not in page
    handler = get(p, "strategist", detail(incidents["vaf"], "tidslinje")).content.decode()
    assert "Mottagaren ombads" in handler


def test_handler_forms_are_refused_to_those_who_only_see_and_hidden_from_those_who_do_not(incidents):
    p = incidents["personas"]
    vaf = incidents["vaf"]
    for name in ("triage", "status", "gdpr", "timeline_add", "measure_create"):
        url = reverse(f"incidents:{name}", args=[vaf.pk])
        for key in EVERYONE:
            status = get(p, key, url).status_code
            if key in VAF_HANDLERS:
                assert status in (200, 302), f"{key} {url}: {status}"
            elif key == "employee_vaf":
                assert status == 403, f"{key} {url}: {status}"
            else:
                assert status == 404, f"{key} {url}: {status}"


def test_the_reporters_name_is_withheld_from_the_unit_when_asked(incidents):
    p = incidents["personas"]
    Incident.objects.filter(pk=incidents["vaf"].pk).update(name_withheld_from_unit=True)
    coordinator = get(p, "coordinator_vaf", detail(incidents["vaf"])).content.decode()
    assert "Namnet visas inte för förvaltningen" in coordinator
    strategist = get(p, "strategist", detail(incidents["vaf"])).content.decode()
    assert "Namnet visas inte för förvaltningen" not in strategist and "Employee Vaf" in strategist


def test_a_withheld_reporters_name_reaches_the_unit_through_no_history(incidents):
    p = incidents["personas"]
    Incident.objects.filter(pk=incidents["vaf"].pk).update(name_withheld_from_unit=True)
    coordinator = p["coordinator_vaf"].client()
    tab = coordinator.get(detail(incidents["vaf"], "historik")).content.decode()
    assert "Employee Vaf" not in tab
    assert 'href="?flik=historik"' not in tab
    changelog = coordinator.get(reverse("core:changelog")).content.decode()
    assert "Employee Vaf" not in changelog and incidents["vaf"].number not in changelog
    strategist = p["strategist"].client().get(detail(incidents["vaf"], "historik")).content.decode()
    assert "Employee Vaf" in strategist


def test_a_tab_asked_for_by_htmx_comes_without_the_page_around_it(incidents):
    p = incidents["personas"]
    response = get(
        p, "strategist", detail(incidents["vaf"], "rapportering"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab-panel"
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and "Personuppgiftsincident som sannolikt" in page


def test_statistics_are_for_handlers_and_the_councils_members(incidents):
    p = incidents["personas"]
    url = reverse("incidents:statistics")
    expect(p, url, LISTERS | {"representative_tff", "it_manager"}, 403)
    page = get(p, "strategist", url).content.decode()
    assert "<svg" in page and "<title" in page and "<desc" in page and "Per kvartal" in page
    council = get(p, "representative_tff", url).content.decode()
    assert "2 incidenter rapporterade under året" in council


# --- handling ----------------------------------------------------------------------------------


def test_the_clock_shows_its_deadline_with_the_exact_local_expiry_and_a_report_is_recorded(incidents):
    p = incidents["personas"]
    vaf = incidents["vaf"]
    client = p["strategist"].client()
    response = client.post(reverse("incidents:clock_answer", args=[vaf.pk]), {"key": "gdpr", "triggered": "ja"})
    assert response.status_code == 302
    page = client.get(detail(vaf, "rapportering")).content.decode()
    # Noticed Tuesday 3 March 08:00 + 72 hours.
    assert "senast fredag 6 mars 2026 kl. 08:00" in page and "Pågår" in page
    url = reverse("incidents:report_sent", args=[vaf.pk, "gdpr", "notification"])
    response = client.post(url, {"sent_at": "2026-03-03T09:50", "channel": "IMY:s e-tjänst", "reference": "IMY-1"})
    assert response.status_code == 302
    assert ReportSent.objects.get(clock__incident=vaf).reference == "IMY-1"
    assert "Rapporterad" in client.get(detail(vaf, "rapportering")).content.decode()


def test_a_refused_post_writes_nothing(incidents):
    p = incidents["personas"]
    vaf = incidents["vaf"]
    clients = [p[key].client() for key in ("employee_vaf", "hr", "unit_head_buf", "representative_tff")]
    entries = ChangeLogEntry.objects.count()
    for client in clients:
        client.post(reverse("incidents:clock_answer", args=[vaf.pk]), {"key": "gdpr", "triggered": "ja"})
        client.post(
            reverse("incidents:triage", args=[vaf.pk]), {"category": "Angrepp", "severity": "high", "systems": []}
        )
        client.post(
            reverse("incidents:timeline_add", args=[vaf.pk]),
            {"kind": "action", "text": "x", "happened_at": "2026-03-03T09:00"},
        )
        client.post(reverse("incidents:status", args=[vaf.pk]), {"status": "closed", "lessons_learned": "x"})
    assert not Clock.objects.exists() and not TimelineEntry.objects.exists()
    vaf.refresh_from_db()
    assert vaf.category == "" and vaf.status == Incident.Status.NEW
    assert ChangeLogEntry.objects.count() == entries


def test_triage_and_closing_with_lessons_learned(incidents):
    p = incidents["personas"]
    vaf = incidents["vaf"]
    client = p["coordinator_vaf"].client()
    response = client.post(
        reverse("incidents:triage", args=[vaf.pk]),
        {
            "category": "Informationsförlust/-läckage",
            "severity": "medium",
            "handler": p["coordinator_vaf"].person.pk,
            "systems": [incidents["system"].pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    vaf.refresh_from_db()
    assert vaf.category == "Informationsförlust/-läckage" and vaf.severity == "medium"
    assert client.post(reverse("incidents:status", args=[vaf.pk]), {"status": "resolved"}).status_code == 302
    refused = client.post(reverse("incidents:status", args=[vaf.pk]), {"status": "closed", "lessons_learned": ""})
    assert refused.status_code == 200 and "Formuläret innehåller fel" in refused.content.decode()
    vaf.refresh_from_db()
    assert vaf.status != Incident.Status.CLOSED
    done = client.post(
        reverse("incidents:status", args=[vaf.pk]),
        {"status": "closed", "lessons_learned": "Kontrollera mottagaren innan utskick."},
    )
    assert done.status_code == 302, done.context["form"].errors
    vaf.refresh_from_db()
    assert vaf.status == Incident.Status.CLOSED and "Kontrollera mottagaren" in vaf.lessons_learned


def test_the_clock_report_is_for_handlers_as_a_page_and_a_pdf(incidents):
    p = incidents["personas"]
    vaf = incidents["vaf"]
    services.clock_answer(actor=p["strategist"].user, incident=vaf, key="gdpr", triggered=True)
    url = reverse("incidents:clock_report", args=[vaf.pk, "gdpr"])
    for key in EVERYONE:
        status = get(p, key, url).status_code
        wanted = 200 if key in VAF_HANDLERS else 403 if key == "employee_vaf" else 404
        assert status == wanted, f"{key}: {status}"
    page = get(p, "strategist", url).content.decode()
    assert "Kategorier av registrerade" in page and "Integritetsskyddsmyndigheten" in page
    pdf = get(p, "strategist", url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and bytes(pdf.content).startswith(b"%PDF")


# --- extensions --------------------------------------------------------------------------------


def test_the_start_page_begins_with_the_report_button_and_links_own_reports(incidents):
    p = incidents["personas"]
    page = get(p, "employee_vaf", reverse("core:home")).content.decode()
    assert page.index("Rapportera en incident") < page.index("Dina roller")
    assert reverse("incidents:mine") in page
    hr = get(p, "hr", reverse("core:home")).content.decode()
    assert "Rapportera en incident" in hr and reverse("incidents:mine") not in hr


def test_the_standing_item_lists_incidents_since_the_last_meeting_per_unit(incidents):
    items = [i for i in standing_items(NOW - datetime.timedelta(days=1)) if i.key == "incidents_since_last_meeting"]
    assert {i.unit.short_name for i in items} >= {"VAF"}
    vaf = next(i for i in items if i.unit.short_name == "VAF")
    assert vaf.count == 1 and any(incidents["vaf"].number in label for label, _url in vaf.links)
    assert not [i for i in standing_items(NOW + datetime.timedelta(days=1)) if i.key == "incidents_since_last_meeting"]


def test_a_measure_made_from_the_incident_and_a_linked_risk_are_linked_both_ways(incidents, amal):
    from lis.risks import services as risk_services

    p = incidents["personas"]
    vaf = incidents["vaf"]
    risk_services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 2, 1))
    client = p["coordinator_vaf"].client()
    response = client.post(
        reverse("incidents:measure_create", args=[vaf.pk]),
        {"title": "Inför kontroll av mottagare", "kind": "technical", "status": "not_started"},
    )
    assert response.status_code == 302, response.context["form"].errors
    risk = services.risk_add_from(
        actor=p["coordinator_vaf"].user,
        incident=vaf,
        system=incidents["system"],
        cause="stress",
        event="fel mottagare",
        consequence_text="uppgifter röjs",
        aspects=["K"],
        likelihood=3,
        consequence=3,
    )
    tab = client.get(detail(vaf, "atgarder")).content.decode()
    assert "Inför kontroll av mottagare" in tab and reverse("risks:risk_detail", args=[risk.pk]) in tab
    risk_page = client.get(reverse("risks:risk_detail", args=[risk.pk])).content.decode()
    assert vaf.number in risk_page and detail(vaf) in risk_page
    strategist_risk_page = get(p, "strategist", reverse("risks:risk_detail", args=[risk.pk])).content.decode()
    assert vaf.number in strategist_risk_page
    measure = vaf.measures.get()
    for page in ("risks:measure_edit", "risks:measure_status"):
        measure_page = client.get(reverse(page, kwargs={"measure_pk": measure.pk})).content.decode()
        assert vaf.number in measure_page and detail(vaf) in measure_page


def test_the_system_search_without_javascript_shows_the_form_again_as_filled_in(incidents, make_system):
    p = incidents["personas"]
    make_system("VAF", name="Fakturaportalen")
    before = Incident.objects.count()
    response = (
        p["coordinator_vaf"]
        .client()
        .post(
            reverse("incidents:report"),
            {
                "description": "Portalen visar fel",
                "noticed_at": "2026-03-03T09:30",
                "system_sok": "faktura",
                "sok": "1",
            },
        )
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Portalen visar fel" in page and "Fakturaportalen" in page
    assert "Ekonomisystemet" not in page and "Formuläret innehåller fel" not in page
    assert Incident.objects.count() == before


def test_the_gdpr_facts_are_saved_from_their_form(incidents):
    p = incidents["personas"]
    vaf = incidents["vaf"]
    response = (
        p["strategist"]
        .client()
        .post(
            reverse("incidents:gdpr", args=[vaf.pk]),
            {
                "data_subject_categories": "Elever",
                "data_subjects_approx": "30",
                "records_approx": "30",
                "likely_consequences": "Obehöriga ser elevernas namn.",
                "data_subjects_informed": "planned",
            },
        )
    )
    assert response.status_code == 302
    vaf.refresh_from_db()
    assert vaf.data_subjects_approx == 30 and vaf.data_subjects_informed == "planned"
    assert "Obehöriga ser elevernas namn." in get(p, "strategist", detail(vaf)).content.decode()


def test_the_kommundirektor_reads_every_incident_but_handles_none(incidents, amal):
    from lis.conftest import make_persona
    from lis.organisation.models import Role

    director = make_persona(amal, "director", unit="KSF", roles=[(Role.MUNICIPAL_DIRECTOR, None, None)])
    client = director.client()
    assert client.get(reverse("incidents:incident_list")).status_code == 200
    page = client.get(detail(incidents["vaf"], "rapportering")).content.decode()
    assert "Spara svaret" not in page and "Bedöm" not in page
    assert client.get(reverse("incidents:triage", args=[incidents["vaf"].pk])).status_code == 403
    assert client.get(reverse("incidents:statistics")).status_code == 200


def test_the_chosen_system_stays_among_the_choices_when_searching_again(incidents):
    p = incidents["personas"]
    chosen = incidents["system"].pk
    url = reverse("incidents:system_choices") + f"?system_sok=finnsinte&system={chosen}"
    page = get(p, "coordinator_vaf", url).content.decode()
    assert f'value="{chosen}" checked' in page and "Ekonomisystemet" in page


def test_a_nearing_deadline_turns_amber_and_a_passed_one_red_with_words_too(incidents):
    p = incidents["personas"]
    vaf = incidents["vaf"]
    services.clock_answer(actor=p["strategist"].user, incident=vaf, key="gdpr", triggered=True)
    noticed = vaf.noticed_at
    with time_machine.travel(noticed + datetime.timedelta(hours=66), tick=False):
        page = get(p, "strategist", detail(vaf, "rapportering")).content.decode()
        assert 'class="state status-partial">Snart ute: 6 timmar kvar' in page
    with time_machine.travel(noticed + datetime.timedelta(hours=75), tick=False):
        page = get(p, "strategist", detail(vaf, "rapportering")).content.decode()
        assert 'class="state status-fail">Försenad: tidsfristen gick ut för 3 timmar sedan' in page


def test_it_refuses_a_stale_save_of_the_personal_data_fields_and_writes_nothing(incidents):
    from lis.core.models import ChangeLogEntry
    from lis.core.tests.test_stale_forms import posted

    p = incidents["personas"]
    vaf = incidents["vaf"]
    url = reverse("incidents:gdpr", args=[vaf.pk])
    first, second = p["strategist"].client(), p["coordinator_vaf"].client()
    opened = first.get(url).content.decode()
    assert second.post(url, posted(second.get(url).content.decode(), likely_consequences="Andras")).status_code == 302
    entries = ChangeLogEntry.objects.count()
    refused = first.post(url, posted(opened, likely_consequences="Förstas"))
    assert refused.status_code == 200 and "sedan du öppnade formuläret" in refused.content.decode()
    assert ChangeLogEntry.objects.count() == entries
    vaf.refresh_from_db()
    assert vaf.likely_consequences == "Andras"
