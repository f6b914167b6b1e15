"""Driftinformation in a real browser (Chromium): the IT-chef plans maintenance from the system's
Drift tab and notifies; the medarbetare who is the contact person of the system's user group gets
the notification and reads the notice on the public page; the IT-chef posts a disruption and
closes it. axe on every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lis.browser import UI
from lis.core.models import Notification
from lis.operations.models import NoticeRecipient, ServiceNotice
from lis.systems import services as system_services

pytestmark = pytest.mark.browser


def submit(ui: UI, name: str) -> None:
    with ui.page.expect_navigation():
        ui.page.get_by_role("button", name=name, exact=True).click()
    ui.check()


def test_it_enheten_plans_and_notifies_and_the_medarbetare_reads_it(ui: UI, personas, make_system):
    page = ui.page
    system = make_system("VAF", name="Hemtjänstplanering", system_steward=personas["coordinator_vaf"].person)
    system_services.user_group_create(
        actor=None, system=system, kind="user", description="Hemtjänstpersonal", contact=personas["employee_vaf"].person
    )
    start = timezone.localtime() + datetime.timedelta(days=8)
    start = start.replace(hour=18, minute=0, second=0, microsecond=0)

    # 1. The IT-chef plans maintenance from the system's Drift tab.
    ui.login("it_manager")
    ui.goto(f"/system/{system.pk}/?flik=drift")
    page.get_by_role("link", name="Planera underhåll").click()
    ui.check()
    page.get_by_label("Rubrik").fill("Uppdatering av planeringen")
    page.get_by_label("Börjar").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Beräknas vara klart").fill((start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Förväntad påverkan").fill("Planeringen går inte att använda under kvällen.")
    submit(ui, "Spara planeringen")
    notice = ServiceNotice.objects.get()
    assert list(notice.systems.all()) == [system]
    assert notice.planned_with_steward == personas["coordinator_vaf"].person
    expect(page.get_by_text("Inte aviserad ännu.")).to_be_visible()
    submit(ui, "Avisera")
    expect(page.get_by_text("Aviserades första gången")).to_be_visible()
    assert NoticeRecipient.objects.filter(person=personas["employee_vaf"].person).exists()

    # 2. The medarbetare has the notification and reads the public page.
    page.context.clear_cookies()
    ui.login("employee_vaf")
    assert Notification.objects.filter(recipient=personas["employee_vaf"].user, link=f"/driftinformation/{notice.pk}/")
    ui.goto("/driftinformation/")
    expect(page.get_by_role("link", name="Uppdatering av planeringen")).to_be_visible()
    assert "/driftinformation/kalender/" in page.get_by_label("Kalenderadress").input_value()
    page.get_by_role("link", name="Uppdatering av planeringen").click()
    ui.check()
    expect(page.get_by_role("button", name="Avisera")).to_have_count(0)

    # 3. The IT-chef posts a disruption and closes it.
    page.context.clear_cookies()
    ui.login("it_manager")
    ui.goto("/driftinformation/storning/")
    page.get_by_label("Rubrik").fill("Planeringen svarar inte")
    page.get_by_label("Hemtjänstplanering").check()
    page.get_by_label("Påverkan").fill("Det går inte att logga in.")
    submit(ui, "Publicera driftstörningen")
    disruption = ServiceNotice.objects.get(kind="disruption")
    assert disruption.status == "ongoing"
    page.get_by_role("link", name="Avsluta").click()
    ui.check()
    page.get_by_label("Sammanfattning").fill("Servern är omstartad.")
    submit(ui, "Avsluta")
    disruption.refresh_from_db()
    assert disruption.status == "completed"
    ui.goto("/driftinformation/")
    expect(page.get_by_text("Servern är omstartad.")).to_be_visible()
