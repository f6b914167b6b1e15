"""The staff app's edit pages refuse a stale save like every other edit page (see
lis/core/tests/test_stale_forms.py, whose EDIT_PAGES the integrator extends with these)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lis.conftest import PERSONA_SPECS, make_persona
from lis.core.models import ChangeLogEntry
from lis.core.tests.test_stale_forms import posted
from lis.staff import services
from lis.staff.models import ClassifiedPosition, RemoteWorkAgreement

from .conftest import TODAY

pytestmark = pytest.mark.django_db
D = datetime.timedelta(days=1)


@pytest.mark.parametrize("kind", ["remote", "classified"])
def test_it_refuses_a_stale_save_and_keeps_the_other_change(people, amal, kind):
    if kind == "remote":
        obj = services.remote_work_create(
            actor=people["chef_vaf"].user, person=people["employee_vaf"].person, agreed_on=TODAY - 10 * D
        )
        url, model, spec = reverse("staff:remote_work_edit", args=[obj.pk]), RemoteWorkAgreement, "hr"
    else:
        obj = services.classified_create(
            decided_by=people["strategist"].person,
            actor=people["strategist"].user,
            unit=amal["units"]["IT"],
            title="Drifttekniker",
            security_class="3",
            decided_on=TODAY - D,
        )
        url, model, spec = reverse("staff:classified_edit", args=[obj.pk]), ClassifiedPosition, "strategist"
    first = make_persona(amal, "forsta", **PERSONA_SPECS[spec]).client()
    second = make_persona(amal, "andra", **PERSONA_SPECS[spec]).client()
    page = first.get(url).content.decode()
    assert 'name="lasversion"' in page
    assert second.post(url, posted(second.get(url).content.decode(), note="Andras ändring")).status_code == 302
    entries = ChangeLogEntry.objects.count()
    refused = first.post(url, posted(page, note="Förstas ändring"))
    shown = refused.content.decode()
    assert refused.status_code == 200 and "sedan du öppnade formuläret" in shown and "Andras ändring" in shown
    assert ChangeLogEntry.objects.count() == entries
    assert first.post(url, posted(shown)).status_code == 302
    assert model.objects.get(pk=obj.pk).note == "Förstas ändring"
