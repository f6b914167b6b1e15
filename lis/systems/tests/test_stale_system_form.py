"""Issue 10, item 15: two people editing the same system. The later save of a form opened before
the earlier save is refused, writes nothing, keeps the earlier change and names what changed."""

from __future__ import annotations

import re

from django.urls import reverse

from lis.core.changelog import record_event
from lis.core.forms import VERSION_FIELD
from lis.core.models import ChangeLogEntry
from lis.systems import services
from lis.systems.models import InformationSystem


def version_on(page: str) -> str:
    return re.search(rf'name="{VERSION_FIELD}" value="(\d+)"', page).group(1)


def system_post(system, **overrides):
    return {
        "name": system.name,
        "status": system.status,
        "unit": system.unit_id,
        "system_owner": system.system_owner_id,
        "operating_model": system.operating_model,
        **overrides,
    }


def test_it_refuses_a_save_over_a_change_made_after_the_form_was_opened(personas, make_system):
    system = make_system()
    url = reverse("systems:system_edit", args=[system.pk])
    first, second = personas["coordinator_vaf"].client(), personas["strategist"].client()
    opened_first = version_on(first.get(url).content.decode())
    opened_second = version_on(second.get(url).content.decode())

    response = second.post(url, system_post(system, description="Löner och arvoden", **{VERSION_FIELD: opened_second}))
    assert response.status_code == 302
    entries = ChangeLogEntry.objects.count()

    response = first.post(url, system_post(system, description="Gammal text", **{VERSION_FIELD: opened_first}))
    page = response.content.decode()
    assert response.status_code == 200
    assert ChangeLogEntry.objects.count() == entries
    assert InformationSystem.objects.get(pk=system.pk).description == "Löner och arvoden"
    assert "Beskrivning har ändrats sedan du öppnade formuläret. Ingenting är sparat." in page
    assert "<strong>Beskrivning</strong>: – → Löner och arvoden" in page
    assert str(personas["strategist"].person) in page
    assert "Gammal text" in page  # the refused input is kept

    response = first.post(url, system_post(system, description="Gammal text", **{VERSION_FIELD: version_on(page)}))
    assert response.status_code == 302
    assert InformationSystem.objects.get(pk=system.pk).description == "Gammal text"


def test_it_saves_when_only_events_happened_since_the_form_was_opened(personas, make_system):
    system = make_system()
    url = reverse("systems:system_edit", args=[system.pk])
    client = personas["coordinator_vaf"].client()
    opened = version_on(client.get(url).content.decode())
    record_event("export", user=personas["strategist"].user, obj=system, details={"format": "pdf"})

    response = client.post(url, system_post(system, description="Ny", **{VERSION_FIELD: opened}))
    assert response.status_code == 302
    assert InformationSystem.objects.get(pk=system.pk).description == "Ny"


def test_it_treats_a_version_that_is_not_a_number_as_a_form_that_saw_no_change(personas, make_system):
    system = make_system()
    services.system_update(actor=personas["strategist"].user, system=system, description="Först")
    url = reverse("systems:system_edit", args=[system.pk])
    client = personas["coordinator_vaf"].client()
    response = client.post(url, system_post(system, description="Ny", **{VERSION_FIELD: "-1; DROP"}))
    assert response.status_code == 200 and "sedan du öppnade formuläret" in response.content.decode()
    assert InformationSystem.objects.get(pk=system.pk).description == "Först"
