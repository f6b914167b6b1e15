"""The change log of the staff app: every write is recorded; an exception of a protected
identity shows only the pseudonym (POL-3.30); the entries of a säkerhetsklassad placering are
left out of the kommun-wide change log (and its filters) for everyone but those who may know of
placements (POL-3.25), who see them in full."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.organisation.models import Person
from lis.staff import services
from lis.staff.models import ClassifiedPosition, PolicyException

from .conftest import TODAY
from .helpers import ask, grant

pytestmark = pytest.mark.django_db
D = datetime.timedelta(days=1)


def entries(model, pk):
    return ChangeLogEntry.objects.filter(object_type=model._meta.label_lower, object_id=str(pk)).order_by("sequence")


def test_it_records_each_step_of_the_flow(people):
    exception = grant(people["chef_vaf"], ask(people["employee_vaf"]))
    services.exception_end(actor=people["employee_vaf"].user, exception=exception)
    actions = [(e.action, e.user_id) for e in entries(PolicyException, exception.pk)]
    assert actions == [
        ("create", people["employee_vaf"].user.pk),
        ("update", people["chef_vaf"].user.pk),
        ("update", people["employee_vaf"].user.pk),
    ]
    page = people["chef_vaf"].client().get(reverse("staff:exception_detail", args=[exception.pk]) + "?flik=historik")
    content = page.content.decode()
    assert "Beviljat" in content and "Gäller till och med" in content


def test_it_pseudonymises_a_protected_identity_in_the_history(people):
    exception = grant(people["chef_vaf"], ask(people["employee_vaf"]))
    Person.objects.filter(pk=people["employee_vaf"].person.pk).update(protected_identity=True)
    pseudonym = Person.objects.get(pk=people["employee_vaf"].person.pk).pseudonym
    url = reverse("staff:exception_detail", args=[exception.pk])
    for persona in ("chef_vaf", "strategist"):
        content = people[persona].client().get(url + "?flik=historik").content.decode()
        assert "Employee Vaf" not in content, persona
        overview = people[persona].client().get(url).content.decode()
        assert "Employee Vaf" not in overview and pseudonym in overview, persona
    content = people["hr"].client().get(url).content.decode()
    assert "Employee Vaf Testsson" in content


def test_it_keeps_placements_out_of_the_kommun_wide_change_log_for_those_who_may_not_know(people, amal):
    position = services.classified_create(
        decided_by=people["strategist"].person,
        actor=people["strategist"].user,
        unit=amal["units"]["IT"],
        title="Hemlig befattning",
        security_class="2",
        holder=people["administrator"].person,
        decided_on=TODAY - D,
    )
    assert entries(ClassifiedPosition, position.pk).count() == 1
    url = reverse("core:changelog")
    # The IT-chef sees the whole change log, but not that placements exist: no entry, no filter.
    content = people["it_manager"].client().get(url).content.decode()
    assert "Hemlig befattning" not in content and "staff.classifiedposition" not in content
    filtered = people["it_manager"].client().get(url, {"typ": "staff.classifiedposition"})
    assert "Hemlig befattning" not in filtered.content.decode()
    # The säkerhetsskyddschef does, in full, and on the placement's own page.
    content = people["strategist"].client().get(url).content.decode()
    assert "Hemlig befattning" in content and "staff.classifiedposition" in content
    page = people["hr"].client().get(reverse("staff:classified_detail", args=[position.pk])).content.decode()
    assert page.count("Hemlig befattning") >= 2  # the heading and the history entry


def test_it_keeps_a_protected_identitys_unit_and_tab_from_those_who_may_not_know(people, amal):
    exception = grant(people["chef_vaf"], ask(people["employee_vaf"]))
    Person.objects.filter(pk=people["employee_vaf"].person.pk).update(protected_identity=True)
    strategist = people["strategist"].client()
    page = strategist.get(reverse("staff:overview"), {"enhet": amal["units"]["VAF"].pk}).content.decode()
    assert exception.source not in page  # the unit filter does not find a withheld identity
    page = strategist.get(reverse("staff:overview")).content.decode()
    assert exception.source in page and "Välfärds" not in page.split(exception.source)[1].split("</tr>")[0]
    person_url = reverse("organisation:person_detail", args=[people["employee_vaf"].person.pk])
    assert exception.source not in strategist.get(person_url + "?flik=undantag").content.decode()
    assert exception.source in people["hr"].client().get(person_url + "?flik=undantag").content.decode()
