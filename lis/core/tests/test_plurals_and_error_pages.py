"""Counts read as Swedish ("1 åtgärd är försenad", not "1 åtgärder är försenade"), the error pages
explain in Swedish and lead back, and the links on a page work for the person who sees them
(issue 9, items 10 and 13)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse

from lis.core.models import Notification
from lis.core.rules import registered_rules
from lis.organisation.models import Role, RoleAssignment
from lis.risks import services as risk_services
from lis.urls import urlpatterns as lis_urlpatterns

TODAY = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def broken_view(request):
    raise RuntimeError("ett oväntat fel")


urlpatterns = [*lis_urlpatterns, path("trasig/", broken_view)]


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


# --- plural forms ---------------------------------------------------------------------------


def _overdue_measure(amal, title: str):
    analysis = risk_services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 3, 1))
    return risk_services.measure_save(
        actor=None,
        analysis=analysis,
        title=title,
        kind="administrative",
        status="not_started",
        due_on=datetime.date(2026, 10, 1),
    )


def test_it_says_one_overdue_measure_in_the_singular(amal):
    _overdue_measure(amal, "Byt lösenordspolicy")
    (finding,) = registered_rules()["POL-3.31"]()
    assert finding.message.startswith("1 åtgärd är försenad: Byt lösenordspolicy"), finding.message


def test_it_counts_unread_notifications_in_the_singular(personas):
    persona = personas["employee_vaf"]
    Notification.objects.create(recipient=persona.user, message="Ett system väntar på fastställande.")
    content = persona.client().get(reverse("core:home")).content.decode()
    assert "1 ny avisering" in content
    assert "(1 oläst)" in content and "1 olästa" not in content


# --- error pages ----------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_it_explains_a_server_error_in_swedish_and_leads_back(personas, settings):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)
    client.force_login(personas["employee_vaf"].user)
    response = client.get("/trasig/")
    content = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel" in content and "IT-enheten" in content
    assert f'href="{reverse("core:home")}"' in content
    assert 'lang="sv"' in content


def test_the_server_error_page_needs_neither_request_nor_database():
    # No request (so no context processors), and no database: pytest-django refuses any query here.
    content = render_to_string("500.html")
    assert "Till startsidan" in content


def test_it_explains_a_missing_page_and_a_refusal_in_swedish_and_leads_back(personas, amal):
    client = personas["coordinator_vaf"].client()
    missing = client.get(reverse("organisation:unit_detail", args=[amal["units"]["BUF"].pk]))
    assert missing.status_code == 404
    assert "Sidan finns inte" in missing.content.decode()
    assert f'href="{reverse("core:home")}"' in missing.content.decode()
    refused = client.get(reverse("organisation:unit_edit", args=[amal["units"]["BUF"].pk]))
    assert refused.status_code in (403, 404)
    assert f'href="{reverse("core:home")}"' in refused.content.decode()


def test_it_explains_a_failed_form_check_in_swedish(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["employee_vaf"].user)
    response = client.post(reverse("core:logout"))
    content = response.content.decode()
    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in content and "ingenting sparades" in content


# --- links only where they work -------------------------------------------------------------


def test_it_links_a_persons_unit_only_for_those_who_may_open_it(personas, amal):
    employee = personas["employee_vaf"]
    unit_url = reverse("organisation:unit_detail", args=[amal["units"]["VAF"].pk])
    own_page = employee.client().get(reverse("organisation:person_detail", args=[employee.person.pk])).content.decode()
    assert "Välfärds- och arbetsmarknadsförvaltningen" in own_page
    assert unit_url not in own_page
    coordinator_view = (
        personas["coordinator_vaf"]
        .client()
        .get(reverse("organisation:person_detail", args=[employee.person.pk]))
        .content.decode()
    )
    assert unit_url in coordinator_view


def test_it_offers_to_change_the_administrator_role_only_to_administrators(personas, amal):
    from lis.conftest import PERSONA_SPECS, make_persona

    other = make_persona(amal, "administrator_2", **PERSONA_SPECS["administrator"])
    assignment = RoleAssignment.objects.get(person=other.person, role=Role.ADMINISTRATOR)
    edit = reverse("organisation:role_edit", args=[assignment.pk])
    assert edit not in personas["strategist"].client().get(reverse("organisation:role_list")).content.decode()
    assert edit in personas["administrator"].client().get(reverse("organisation:role_list")).content.decode()
    # Nobody changes their own role (issue 10).
    assert edit not in other.client().get(reverse("organisation:role_list")).content.decode()


def test_it_offers_to_appoint_a_council_representative_only_to_those_who_may(personas):
    link_text = "Utse representant"
    assert link_text in personas["strategist"].client().get(reverse("compliance:overview")).content.decode()
    it_manager_view = personas["it_manager"].client().get(reverse("compliance:overview")).content.decode()
    assert "har ingen representant i E-rådet" in it_manager_view
    assert link_text not in it_manager_view
