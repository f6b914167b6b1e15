"""The register (BIL1-2, BIL1-3, POL-3.9–3.14, POL-2.7): services, completeness, agreements."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lis.core.models import ChangeLogEntry, Notification
from lis.systems import selectors, services
from lis.systems.models import InformationSystem


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("556677-8899", True),
        ("5566778899", True),
        ("212000-1496", True),
        ("556677-8898", False),
        ("55667-78899", False),
        ("abcdef-ghij", False),
    ],
)
def test_it_checks_organisation_numbers_with_luhn(number, valid):
    assert services.valid_organisation_number(number) is valid


def test_it_rejects_a_party_with_a_bad_organisation_number_in_swedish(db):
    with pytest.raises(ValidationError) as caught:
        services.party_create(actor=None, name="Fel AB", organisation_number="556677-8898")
    assert "kontrollsiffra" in caught.value.message_dict["organisation_number"][0]


def test_it_registers_a_system_and_records_it(personas, amal, vendor):
    system = services.system_create(
        actor=personas["coordinator_vaf"].user,
        name="Hemtjänst",
        unit=amal["units"]["VAF"],
        system_owner=vendor,
        operating_model="saas",
        tags="omsorg, Omsorg ,mobil",
    )
    assert system.tags == "mobil, omsorg"
    assert system.effective_board == amal["boards"]["VAN"]  # systemansvarig defaults to the nämnd
    assert ChangeLogEntry.objects.filter(object_type="systems.informationsystem", object_id=str(system.pk)).exists()


def test_it_refuses_a_coordinator_registering_in_another_unit(personas, amal):
    with pytest.raises(PermissionDenied):
        services.system_create(actor=personas["coordinator_vaf"].user, name="X", unit=amal["units"]["BUF"])


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"unit": "IT"}, "unit", "förvaltning eller ett bolag"),
        ({"operating_model": "i molnet"}, "operating_model", "driftsform"),
        ({"sensitive_personal_data": True}, "personal_data", "markera båda"),
        ({"secrecy": True}, "secrecy_provision", "lagrummet"),
        ({"name": ""}, "name", "Detta fält får inte vara tomt"),
    ],
)
def test_it_rejects_invalid_system_input_naming_the_field_and_writes_nothing(amal, vendor, fields, field, message):
    values = {"name": "System", "unit": "VAF", "system_owner": vendor, **fields}
    values["unit"] = amal["units"][values["unit"]]
    before = (InformationSystem.objects.count(), ChangeLogEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        services.system_create(actor=None, **values)
    assert message in " ".join(caught.value.message_dict[field])
    assert (InformationSystem.objects.count(), ChangeLogEntry.objects.count()) == before


def test_it_lists_the_missing_bil1_2_and_bil1_3_fields(personas, amal):
    from lis.core.access import principal_for

    system = services.system_create(actor=None, name="Tomt system", unit=amal["units"]["BUF"])
    shown = selectors.system_get(principal_for(personas["strategist"].user), system.pk)
    missing = {label for label, _req in selectors.missing_fields(shown)}
    assert missing == {"systemägare", "ansvarig chef", "systemförvaltare", "användare", "brukare", "driftsform"}
    assert ("ansvarig chef", "POL-3.11") in selectors.missing_fields(shown)


def test_it_lists_a_missing_ansvarig_chef_on_the_system_page_and_as_incomplete(make_system, personas):
    system = make_system(system_steward=personas["employee_vaf"].person, no_consumers=True)
    services.user_group_create(actor=None, system=system, kind="user", description="Handläggare")
    client = personas["strategist"].client()
    page = client.get(reverse("systems:system_detail", args=[system.pk])).content.decode()
    assert "Förteckningen saknar" in page and "ansvarig chef (POL-3.11)" in page
    listed = client.get(reverse("systems:system_list") + "?komplett=incomplete").content.decode()
    assert "Verksamhetssystem" in listed
    services.system_update(actor=None, system=system, responsible_manager=personas["coordinator_vaf"].person)
    page = client.get(reverse("systems:system_detail", args=[system.pk])).content.decode()
    assert "Förteckningen saknar" not in page


def test_it_counts_a_system_complete_when_every_field_is_there(make_system, personas, amal):
    from lis.core.access import principal_for

    system = make_system(
        system_steward=personas["employee_vaf"].person,
        responsible_manager=personas["coordinator_vaf"].person,
        no_consumers=True,
    )
    services.user_group_create(actor=None, system=system, kind="user", description="Handläggare")
    shown = selectors.system_get(principal_for(personas["strategist"].user), system.pk)
    assert selectors.missing_fields(shown) == []
    page = personas["strategist"].client().get(reverse("systems:system_list") + "?komplett=complete")
    assert "Verksamhetssystem" in page.content.decode()


def test_it_flags_agreements_ending_within_the_packs_window(make_system, vendor, personas):
    system = make_system()
    with time_machine.travel(datetime.date(2026, 6, 1)):
        services.agreement_create(actor=None, system=system, counterparty=vendor, ends_on=datetime.date(2026, 10, 1))
        services.agreement_create(
            actor=None, system=make_system(name="Annat"), counterparty=vendor, ends_on=datetime.date(2028, 1, 1)
        )
        client = personas["strategist"].client()
        content = client.get(reverse("systems:system_list") + "?avtal=on").content.decode()
        assert "Verksamhetssystem" in content and "Annat" not in content
        detail = client.get(reverse("systems:system_detail", args=[system.pk])).content.decode()
        assert "löper ut 2026-10-01" in detail


def test_it_rejects_an_agreement_ending_before_it_starts(make_system, vendor):
    with pytest.raises(ValidationError, match="före startdatum"):
        services.agreement_create(
            actor=None,
            system=make_system(),
            counterparty=vendor,
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2025, 1, 1),
        )


def test_it_keeps_only_the_fact_of_security_protection_and_notifies(
    make_system, personas, amal, django_capture_on_commit_callbacks
):
    system = make_system()
    information_set = services.information_set_create(
        actor=None, system=system, name="Planering", description="Hemlig beskrivning"
    )
    client = personas["coordinator_vaf"].client()
    page = client.get(reverse("classification:information_set_security", args=[system.pk, information_set.pk]))
    assert "säkerhetsskyddschefen" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("classification:information_set_security", args=[system.pk, information_set.pk]))
    information_set.refresh_from_db()
    assert information_set.security_protected and information_set.description == ""
    assert Notification.objects.filter(recipient=personas["strategist"].user).exists()
    assert any("POL-3.24" in m.body for m in mail.outbox)
    with pytest.raises(ValidationError, match="säkerhetsskyddsklassificerad"):
        services.information_set_update(actor=None, information_set=information_set, description="innehåll")


def test_it_lets_the_named_steward_edit_their_system_but_not_move_it(make_system, personas, amal):
    steward = personas["employee_vaf"]
    system = make_system(unit="BUF", system_steward=steward.person)
    services.system_update(actor=steward.user, system=system, procurement_reference="UH-2026-1")
    with pytest.raises(PermissionDenied):
        services.system_update(actor=steward.user, system=system, unit=amal["units"]["VAF"])
    assert steward.client().get(reverse("systems:system_detail", args=[system.pk])).status_code == 200


def test_the_list_keeps_its_query_count_whatever_the_number_of_systems(
    make_system, personas, vendor, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = personas["strategist"].client()
    url = reverse("systems:system_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_system(name="A")
    small = queries()
    for i in range(25):
        system = make_system(name=f"System {i}")
        services.user_group_create(actor=None, system=system, kind="user", description="Alla")
        services.agreement_create(actor=None, system=system, counterparty=vendor, ends_on=datetime.date(2030, 1, 1))
    assert queries() <= small <= 15


def test_the_parts_of_a_system_are_added_edited_and_removed_through_the_pages(make_system, vendor, personas):
    system = make_system()
    client = personas["coordinator_vaf"].client()
    detail = reverse("systems:system_detail", args=[system.pk])
    response = client.post(
        reverse("systems:agreement_create", args=[system.pk]),
        {"counterparty": vendor.pk, "reference": "AVT-1", "starts_on": "2026-01-01", "ends_on": "2025-01-01"},
    )
    assert "före startdatum" in response.content.decode() and not system.agreements.exists()
    response = client.post(
        reverse("systems:agreement_create", args=[system.pk]),
        {"counterparty": vendor.pk, "reference": "AVT-1", "ends_on": "2029-01-01"},
    )
    assert response["Location"] == detail + "?flik=avtal"
    agreement = system.agreements.get()
    response = client.post(
        reverse("systems:agreement_edit", args=[system.pk, agreement.pk]),
        {"counterparty": vendor.pk, "reference": "AVT-2"},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    agreement.refresh_from_db()
    assert agreement.reference == "AVT-2" and agreement.ends_on is None
    client.post(reverse("systems:user_group_create", args=[system.pk]), {"kind": "consumer", "description": "Invånare"})
    group = system.user_groups.get()
    client.post(
        reverse("systems:user_group_edit", args=[system.pk, group.pk]),
        {"kind": "consumer", "description": "Allmänheten"},
    )
    group.refresh_from_db()
    assert group.description == "Allmänheten"
    client.post(reverse("systems:user_group_delete", args=[system.pk, group.pk]))
    client.post(reverse("systems:agreement_delete", args=[system.pk, agreement.pk]))
    assert not system.user_groups.exists() and not system.agreements.exists()
    deleted = ChangeLogEntry.objects.filter(action="delete").values_list("object_type", flat=True)
    assert {"systems.usergroup", "systems.agreement"} <= set(deleted)


def test_the_detail_page_keeps_its_query_count_whatever_the_number_of_agreements(make_system, vendor, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    system = make_system()
    client = personas["strategist"].client()
    url = reverse("systems:system_detail", args=[system.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    soon = datetime.date.today() + datetime.timedelta(days=30)
    services.agreement_create(actor=None, system=system, counterparty=vendor, ends_on=soon)
    one = queries()
    for _ in range(4):
        services.agreement_create(actor=None, system=system, counterparty=vendor, ends_on=soon)
    assert queries() == one
