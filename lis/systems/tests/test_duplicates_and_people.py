"""Issue 9 item 19: a second system with the same name in a unit is confirmed, not refused;
people in choice lists are told apart; many people are picked with a searchable list."""

from __future__ import annotations

import re

from django.urls import reverse

from lis.core.access import principal_for
from lis.organisation import services as organisation_services
from lis.risks import services as risk_services
from lis.systems.forms import SystemForm
from lis.systems.models import InformationSystem


def system_post(amal, vendor, **overrides):
    return {
        "name": "Procapita",
        "status": "operational",
        "unit": amal["units"]["VAF"].pk,
        "system_owner": vendor.pk,
        "operating_model": "saas",
        **overrides,
    }


def confirm_token(page: str) -> str:
    return re.search(r'name="spara_anda" value="([0-9a-f]+)"', page).group(1)


def test_it_asks_before_registering_a_second_system_with_the_same_name_in_the_unit(personas, amal, vendor, make_system):
    make_system(name="Procapita")
    client = personas["coordinator_vaf"].client()
    url = reverse("systems:system_create")
    response = client.post(url, system_post(amal, vendor, name=" procapita "))
    page = response.content.decode()
    assert response.status_code == 200 and InformationSystem.objects.count() == 1
    assert "har redan ett system som heter procapita" in page and "Spara ändå" in page

    response = client.post(url, system_post(amal, vendor, name=" procapita ", spara_anda=confirm_token(page)))
    assert response.status_code == 302 and InformationSystem.objects.filter(name__iexact="procapita").count() == 2


def test_it_asks_again_when_the_confirmed_warning_is_not_the_one_shown(personas, amal, vendor, make_system):
    make_system(name="Procapita")
    make_system(name="Lifecare")
    client = personas["coordinator_vaf"].client()
    page = client.post(reverse("systems:system_create"), system_post(amal, vendor)).content.decode()
    token = confirm_token(page)
    response = client.post(
        reverse("systems:system_create"), system_post(amal, vendor, name="Lifecare", spara_anda=token)
    )
    assert response.status_code == 200 and InformationSystem.objects.count() == 2


def test_it_does_not_ask_for_another_unit_or_an_edit_that_keeps_the_name(personas, amal, vendor, make_system):
    make_system(unit="BUF", name="Procapita")
    system = make_system(name="Procapita")
    client = personas["coordinator_vaf"].client()
    response = client.post(
        reverse("systems:system_edit", args=[system.pk]), system_post(amal, vendor, description="Ändrad")
    )
    assert response.status_code == 302
    response = client.post(reverse("systems:system_create"), system_post(amal, vendor, name="Treserva"))
    assert response.status_code == 302


def test_it_tells_people_apart_by_unit_and_title_in_choice_lists(personas, amal):
    for title in ("Undersköterska", "Sjuksköterska"):
        organisation_services.person_create(
            actor=None, first_name="Anna", last_name="Andersson", unit=amal["units"]["VAF"], title=title
        )
    labels = [
        label
        for _value, label in SystemForm(principal=principal_for(personas["coordinator_vaf"].user))
        .fields["responsible_manager"]
        .choices
    ]
    unit = amal["units"]["VAF"].name
    assert f"Anna Andersson ({unit}, Sjuksköterska)" in labels
    assert f"Anna Andersson ({unit}, Undersköterska)" in labels


def test_it_reveals_no_unit_or_title_of_a_protected_identity_except_to_hr(personas, amal):
    person = organisation_services.person_create(
        actor=None,
        first_name="Sara",
        last_name="Skyddad",
        unit=amal["units"]["VAF"],
        title="Biståndshandläggare",
        protected_identity=True,
    )
    coordinator = SystemForm(principal=principal_for(personas["coordinator_vaf"].user)).fields["responsible_manager"]
    assert dict(coordinator.choices)[person.pk] == person.pseudonym
    hr = SystemForm(principal=principal_for(personas["hr"].user)).fields["responsible_manager"]
    assert dict(hr.choices)[person.pk] == f"Sara Skyddad ({amal['units']['VAF'].name}, Biståndshandläggare)"


def test_it_picks_analysis_participants_with_a_filterable_checkbox_list(personas, amal):
    analysis = risk_services.analysis_start(actor=None, unit=amal["units"]["VAF"])
    client = personas["coordinator_vaf"].client()
    page = client.get(reverse("risks:analysis_edit", args=[analysis.pk])).content.decode()
    assert "data-picker" in page and "lis/picker.js" in page
    assert 'type="checkbox" name="participants"' in page
    assert "Ctrl" not in page and '<select name="participants"' not in page
    employee = personas["employee_vaf"].person
    response = client.post(
        reverse("risks:analysis_edit", args=[analysis.pk]),
        {"started_on": analysis.started_on.isoformat(), "participants": [employee.pk], "summary": ""},
    )
    assert response.status_code == 302 and list(analysis.participants.all()) == [employee]
