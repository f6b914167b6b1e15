"""Skyddad identitet (POL-3.30): pseudonymised on every page but to administrators and HR."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lis.organisation import services


@pytest.fixture
def protected(personas, amal):
    person = services.person_create(
        actor=personas["hr"].user,
        first_name="Hemlig",
        last_name="Hemligsson",
        unit=amal["units"]["VAF"],
        kind="employee",
        protected_identity=True,
        title="Socialsekreterare",
    )
    services.person_update(actor=personas["hr"].user, person=person, phone="070-123 45 67")
    return person


PAGES = [
    "organisation:person_list",
    "organisation:person_detail",
    "organisation:person_detail:historik",
    "core:changelog",
    "organisation:unit_detail:personer",
]


def _url(name, protected):
    if name.startswith("organisation:person_detail"):
        url = reverse("organisation:person_detail", args=[protected.pk])
    elif name.startswith("organisation:unit_detail"):
        url = reverse("organisation:unit_detail", args=[protected.unit_id])
    else:
        url = reverse(name)
    if name.count(":") == 2:
        url += "?flik=" + name.rsplit(":", 1)[1]
    return url


@pytest.mark.parametrize("page", PAGES)
def test_it_shows_only_the_pseudonym_to_the_strategist(personas, protected, page):
    content = personas["strategist"].client().get(_url(page, protected)).content.decode()
    assert "Hemligsson" not in content and "070-123" not in content
    if page == "organisation:unit_detail:personer":
        # Listing them in their unit would tell the unit the detail page withholds (issue 10, item 7).
        assert f"Skyddad person {protected.pk}" not in content
    elif page != "core:changelog":
        assert f"Skyddad person {protected.pk}" in content


@pytest.mark.parametrize("persona", ["hr", "administrator"])
def test_it_shows_the_name_to_hr_and_administrators(personas, protected, persona):
    content = personas[persona].client().get(_url("organisation:person_detail", protected)).content.decode()
    assert "Hemligsson" in content


def test_it_does_not_find_a_protected_person_by_name_for_others(personas, protected):
    response = personas["strategist"].client().get(reverse("organisation:person_list") + "?q=Hemligsson")
    assert f"Skyddad person {protected.pk}" not in response.content.decode()
    response = personas["hr"].client().get(reverse("organisation:person_list") + "?q=Hemligsson")
    assert "Hemligsson" in response.content.decode()


def test_it_lets_only_hr_and_administrators_mark_or_edit_a_protected_person(personas, protected, amal):
    with pytest.raises(PermissionDenied):
        services.person_update(actor=personas["strategist"].user, person=protected, title="Chef")
    other = services.person_create(actor=None, first_name="Vanlig", last_name="Person", unit=amal["units"]["VAF"])
    with pytest.raises(PermissionDenied):
        services.person_update(actor=personas["coordinator_vaf"].user, person=other, protected_identity=True)
    response = personas["strategist"].client().get(reverse("organisation:person_edit", args=[protected.pk]))
    assert response.status_code == 403
