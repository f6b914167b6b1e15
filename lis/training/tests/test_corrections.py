"""Correcting a wrong completion (removing it with a reason, or changing the date of one
registered by hand) and the unit's informationssäkerhetssamordnare answering for its staff."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lis.conftest import PERSONA_SPECS, make_persona
from lis.core.access import principal_for
from lis.core.changelog import snapshot
from lis.core.forms import VERSION_FIELD
from lis.core.models import ChangeLogEntry
from lis.core.tests.test_stale_forms import posted
from lis.training import selectors, services
from lis.training.models import Completion

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=STOCKHOLM)
DAY = datetime.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def awareness(db):
    return services.course_create(actor=None, name="Informationssäkerhet", code="IS-GRUND", kind="awareness")


def _completion(person, course, user, source=Completion.Source.MANUAL, day=DAY):
    return Completion.objects.create(
        person=person, course=course, completed_on=day, source=source, source_reference="Intyg", recorded_by=user
    )


def _edit_url(completion):
    return reverse("training:completion_edit", args=[completion.pk])


def _delete_url(completion):
    return reverse("training:completion_delete", args=[completion.pk])


# Who may correct a completion of employee_vaf (VAF): GET status; 404 when the user may not even
# see the person's training, 403 when they see it but may not change it.
MATRIX_VAF = {
    "strategist": 200,
    "administrator": 200,
    "hr": 200,
    "coordinator_vaf": 200,
    "unit_head_buf": 404,
    "representative_tff": 404,
    "board_member_bun": 404,
    "employee_vaf": 403,
    "it_manager": 403,
}


@pytest.mark.parametrize("key", sorted(MATRIX_VAF))
def test_access_matrix_for_correcting_a_completion(personas, awareness, key):
    completion = _completion(personas["employee_vaf"].person, awareness, personas["hr"].user)
    client = personas[key].client()
    expected = MATRIX_VAF[key]
    assert client.get(_edit_url(completion)).status_code == expected
    assert client.get(_delete_url(completion)).status_code == expected
    response = client.post(_edit_url(completion), {"completed_on": "2026-10-01", "source_reference": "x"})
    assert response.status_code == (302 if expected == 200 else expected)
    completion.refresh_from_db()
    assert (completion.completed_on == datetime.date(2026, 10, 1)) == (expected == 200)
    response = client.post(_delete_url(completion), {"reason": "Fel person"})
    assert response.status_code == (302 if expected == 200 else expected)
    assert Completion.objects.filter(pk=completion.pk).exists() == (expected != 200)


def test_the_chef_corrects_their_own_staff(personas, awareness, amal):
    staff = make_persona(amal, "larare_buf", unit="BUF", roles=[]).person
    completion = _completion(staff, awareness, personas["hr"].user)
    client = personas["unit_head_buf"].client()
    assert client.get(_edit_url(completion)).status_code == 200
    response = client.post(_delete_url(completion), {"reason": "Registrerad på fel person"})
    assert response.status_code == 302 and response.url.endswith("?flik=utbildning")
    assert not Completion.objects.exists()


def test_it_refuses_to_edit_an_imported_completion_but_removes_it(personas, awareness):
    completion = _completion(
        personas["employee_vaf"].person, awareness, personas["hr"].user, source=Completion.Source.IMPORT
    )
    client = personas["hr"].client()
    assert client.get(_edit_url(completion)).status_code == 403
    response = client.post(_edit_url(completion), {"completed_on": "2026-10-01"})
    assert response.status_code == 403
    with pytest.raises(ValidationError) as exc:
        services.completion_update(
            actor=personas["hr"].user, completion=completion, completed_on=datetime.date(2026, 10, 1)
        )
    assert "completed_on" in exc.value.message_dict
    completion.refresh_from_db()
    assert completion.completed_on == DAY
    page = client.get(_delete_url(completion)).content.decode()
    assert "lärplattformen" in page
    assert client.post(_delete_url(completion), {"reason": "Fel i exporten"}).status_code == 302
    assert not Completion.objects.exists()


def test_it_rejects_a_removal_without_a_reason_naming_the_field(personas, awareness):
    completion = _completion(personas["employee_vaf"].person, awareness, personas["hr"].user)
    client = personas["hr"].client()
    entries = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.completion_delete(actor=personas["hr"].user, completion=completion, reason="   ")
    assert "reason" in exc.value.message_dict
    response = client.post(_delete_url(completion), {"reason": "  "})
    assert response.status_code == 200
    assert "Ange varför den genomförda utbildningen tas bort." in response.content.decode()
    assert Completion.objects.filter(pk=completion.pk).exists()
    assert ChangeLogEntry.objects.count() == entries


def test_the_removal_and_its_reason_are_in_the_change_log_and_the_persons_history(personas, awareness):
    person = personas["employee_vaf"].person
    completion = _completion(person, awareness, personas["hr"].user)
    pk = completion.pk
    services.completion_delete(actor=personas["hr"].user, completion=completion, reason="Dubbelregistrerad")
    assert ChangeLogEntry.objects.filter(object_type="training.completion", object_id=str(pk), action="delete").exists()
    event = ChangeLogEntry.objects.get(event="training_completion_removed")
    assert event.object_type == "organisation.person" and event.object_id == str(person.pk)
    assert event.changes["reason"] == "Dubbelregistrerad" and event.changes["course"] == awareness.pk
    url = reverse("organisation:person_detail", args=[person.pk]) + "?flik=historik"
    content = personas["strategist"].client().get(url).content.decode()
    assert "Genomförd utbildning borttagen" in content
    assert "Dubbelregistrerad" in content and "Informationssäkerhet" in content


def test_editing_the_date_is_recorded_and_checked(personas, awareness):
    person = personas["employee_vaf"].person
    completion = _completion(person, awareness, personas["hr"].user)
    _completion(person, awareness, personas["hr"].user, day=datetime.date(2026, 9, 1))
    hr = personas["hr"].user
    for day in (None, datetime.date(2026, 12, 2), datetime.date(2026, 9, 1)):
        with pytest.raises(ValidationError) as exc:
            services.completion_update(actor=hr, completion=completion, completed_on=day)
        assert "completed_on" in exc.value.message_dict
    completion.refresh_from_db()
    assert completion.completed_on == DAY
    response = personas["hr"].client().post(_edit_url(completion), {"completed_on": "2026-12-24"})
    assert response.status_code == 200 and "framtiden" in response.content.decode()
    services.completion_update(actor=hr, completion=completion, completed_on=datetime.date(2026, 10, 15))
    entry = ChangeLogEntry.objects.get(object_type="training.completion", object_id=str(completion.pk), action="update")
    assert entry.changes["completed_on"] == ["2026-11-01", "2026-10-15"]
    with pytest.raises(PermissionDenied):
        services.completion_update(
            actor=personas["unit_head_buf"].user, completion=completion, completed_on=datetime.date(2026, 10, 1)
        )
    with pytest.raises(PermissionDenied):
        services.completion_delete(actor=personas["employee_vaf"].user, completion=completion, reason="Fel")


def test_the_person_tab_links_corrections_for_those_who_may(personas, awareness):
    person = personas["employee_vaf"].person
    manual = _completion(person, awareness, personas["hr"].user)
    imported = _completion(
        person, awareness, personas["hr"].user, source=Completion.Source.IMPORT, day=datetime.date(2026, 5, 1)
    )
    tab = reverse("organisation:person_detail", args=[person.pk]) + "?flik=utbildning"
    content = personas["coordinator_vaf"].client().get(tab).content.decode()
    assert _edit_url(manual) in content and _delete_url(manual) in content
    assert _delete_url(imported) in content and _edit_url(imported) not in content
    own = personas["employee_vaf"].client()
    for page in (own.get(tab), own.get(reverse("training:mine"))):
        text = page.content.decode()
        assert "Genomförda utbildningar" in text and _delete_url(manual) not in text


def test_a_stale_edit_is_refused_and_keeps_the_other_change(personas, awareness, amal):
    completion = _completion(personas["employee_vaf"].person, awareness, personas["hr"].user)
    url = _edit_url(completion)
    first = make_persona(amal, "forsta", **PERSONA_SPECS["strategist"]).client()
    second = make_persona(amal, "andra", **PERSONA_SPECS["strategist"]).client()
    page = first.get(url).content.decode()
    assert f'name="{VERSION_FIELD}"' in page
    saved = second.post(url, posted(second.get(url).content.decode(), source_reference="Andras ändring"))
    assert saved.status_code == 302
    entries = ChangeLogEntry.objects.count()
    refused = first.post(url, posted(page, source_reference="Förstas ändring"))
    assert refused.status_code == 200
    shown = refused.content.decode()
    assert "sedan du öppnade formuläret" in shown and "Andras ändring" in shown
    assert ChangeLogEntry.objects.count() == entries
    again = first.post(url, posted(shown))
    assert again.status_code == 302
    assert "Förstas ändring" in str(snapshot(Completion.objects.get(pk=completion.pk)))


# --- the unit's informationssäkerhetssamordnare -----------------------------------------------------


def test_the_coordinator_registers_for_their_unit_only(personas, awareness, amal):
    coordinator = personas["coordinator_vaf"].user
    created = services.completion_register(
        actor=coordinator, person=personas["employee_vaf"].person, course=awareness, completed_on=DAY
    )
    assert created.recorded_by == coordinator
    buf = make_persona(amal, "larare_buf", unit="BUF", roles=[]).person
    with pytest.raises(PermissionDenied):
        services.completion_register(actor=coordinator, person=buf, course=awareness, completed_on=DAY)
    client = personas["coordinator_vaf"].client()
    response = client.post(
        reverse("training:completion_create"), {"person": buf.pk, "course": awareness.pk, "completed_on": "2026-10-01"}
    )
    assert response.status_code == 200 and not Completion.objects.filter(person=buf).exists()
    response = client.post(
        reverse("training:completion_create"),
        {"person": personas["employee_vaf"].person.pk, "course": awareness.pk, "completed_on": "2026-10-01"},
    )
    assert response.status_code == 302
    assert Completion.objects.filter(person=personas["employee_vaf"].person).count() == 2


def test_the_coordinator_sees_the_staff_overview_of_their_unit(personas, awareness, amal):
    make_persona(amal, "larare_buf", unit="BUF", roles=[])
    p = principal_for(personas["coordinator_vaf"].user)
    assert selectors.has_staff_view(p)
    assert set(selectors.staff_units(p)) == {
        u for u in selectors.staff_units(p) if u.path.startswith(amal["units"]["VAF"].path)
    }
    content = personas["coordinator_vaf"].client().get(reverse("training:overview")).content.decode()
    assert "Medarbetarnas informationssäkerhetsutbildning" in content
    assert "Employee Vaf" in content and "Larare Buf" not in content
    tab = reverse("organisation:person_detail", args=[personas["employee_vaf"].person.pk]) + "?flik=utbildning"
    assert "Registrera genomförd utbildning" in personas["coordinator_vaf"].client().get(tab).content.decode()
    # A council representative manages no unit: no staff view.
    assert not selectors.has_staff_view(principal_for(personas["representative_tff"].user))


def test_the_coordinator_gets_the_start_page_line(personas, awareness, rf):
    from lis.training.extensions import _attention

    request = rf.get("/")
    request.user = personas["coordinator_vaf"].user
    request.principal = principal_for(request.user)
    lines = [line for line in _attention(request) if line.group == "responsible"]
    assert len(lines) == 1 and "informationssäkerhetssamordnare" in lines[0].text


# --- large kommun: the overview's counts and the catalogue ---------------------------------------


def test_the_counts_roll_up_to_the_level_below_the_filter(personas, awareness, amal):
    p = principal_for(personas["hr"].user)
    people = selectors.staff_overview(p)
    counts = selectors.counts_per_unit(people)
    assert sum(row["total"] for row in counts) == people.count()
    assert all(row["path"].count("/") == 2 for row in counts if row["path"])  # förvaltningar and bolag
    vaf = amal["units"]["VAF"]
    within = selectors.counts_per_unit(selectors.staff_overview(p, unit=vaf), within=vaf)
    assert within and all(row["path"].startswith(vaf.path) for row in within)
    assert sum(row["total"] for row in within) == people.filter(unit__path__startswith=vaf.path).count()


@pytest.mark.parametrize("extra", [5, 30])
def test_the_catalogue_is_searchable_with_a_flat_query_count(
    personas, awareness, make_system, extra, django_assert_max_num_queries
):
    system = make_system()
    for index in range(extra):
        services.course_create(
            actor=None,
            name=f"Kurs {index}",
            code=f"K{index}",
            kind="system" if index % 2 else "other",
            system=system if index % 2 else None,
        )
    client = personas["coordinator_vaf"].client()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("training:course_list")).status_code == 200
    content = client.get(reverse("training:course_list") + "?q=IS-GRUND").content.decode()
    assert "Informationssäkerhet" in content and "Kurs 1<" not in content
    content = client.get(reverse("training:course_list") + "?typ=other").content.decode()
    assert "Kurs 0" in content and "Kurs 1<" not in content
