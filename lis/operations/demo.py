"""Demo driftinformation (POL-3.28), written through the services by the demo IT-chef (`itchef`)
so the change log and the notifications have it. Everything here is invented.

One ongoing disruption of e-mail; planned maintenance of the social services' case system notified
well ahead (the `medarbetare` login is a contact person of one of VAF's user groups and sees it on
the start page); a firewall change on the payroll system notified with only three days' notice
(so Efterlevnad has a POL-3.28 finding); an upgrade of the case-management system next month, not
yet notified; and a few completed ones. Times are counted back from the moment of loading and each
step is recorded as of its invented moment (services.as_of).

Idempotent: a notice is matched by its title."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lis.core.models import User
from lis.organisation.demo import refuse_in_production
from lis.organisation.models import Person
from lis.systems import services as system_services
from lis.systems.models import InformationSystem, UserGroup

from . import services
from .models import ServiceNotice

H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)


@dataclass(frozen=True)
class DemoNotice:
    title: str
    kind: str
    systems: tuple[str, ...]
    impact: str
    planned_ago: datetime.timedelta  # when it was planned (or the disruption began), before now
    starts_in: datetime.timedelta  # from now (negative: in the past)
    duration: datetime.timedelta
    notified_after: datetime.timedelta | None = None  # after it was planned; None: not notified
    started: bool = False
    closed_after: datetime.timedelta | None = None  # after the start
    summary: str = ""
    owner: str = ""
    reason: str = ""


NOTICES = (
    DemoNotice(
        "E-posten tar inte emot meddelanden utifrån",
        "disruption",
        ("E-post och samarbetsverktyg",),
        "E-post från andra organisationer kommer inte fram. Intern e-post och kalendern fungerar. "
        "Ring i stället för att mejla externa kontakter med brådskande ärenden.",
        2 * H,
        -2 * H,
        4 * H,
    ),
    DemoNotice(
        "Uppdatering av verksamhetssystemet för socialtjänsten",
        "maintenance",
        ("Verksamhetssystem socialtjänst",),
        "Verksamhetssystemet går inte att använda under kvällen. Anteckna på papper och dokumentera dagen efter.",
        10 * D,
        4 * D + 18 * H,
        4 * H,
        notified_after=1 * H,
        owner="Leverantörens driftansvarige, avstämt per telefon",
    ),
    DemoNotice(
        "Brandväggsbyte framför lönesystemet",
        "maintenance",
        ("Lönesystem",),
        "Lönesystemet går inte att nå under en timme. Tidrapporteringen öppnar igen efteråt.",
        1 * D,
        2 * D + 7 * H,
        1 * H,
        notified_after=2 * H,
        owner="Nordsys AB, kundansvarig",
        reason="Leverantören meddelade en allvarlig sårbarhet i den gamla brandväggen; bytet kan inte vänta.",
    ),
    DemoNotice(
        "Uppgradering av ärende- och dokumenthanteringssystemet till version 12",
        "upgrade",
        ("Ärende- och dokumenthanteringssystem",),
        "Diariet är stängt en hel arbetsdag. Nya ärenden registreras dagen efter.",
        1 * D,
        30 * D + 7 * H,
        10 * H,
        owner="Kommundata Väst AB, projektledare",
    ),
    DemoNotice(
        "Serviceuppdatering av ekonomisystemet",
        "maintenance",
        ("Ekonomisystem",),
        "Ekonomisystemet är stängt under lördagsförmiddagen.",
        20 * D,
        -9 * D,
        3 * H,
        notified_after=1 * D,
        started=True,
        closed_after=2 * H + 30 * datetime.timedelta(minutes=1),
        summary="Uppdateringen gick som planerat och var klar en halvtimme tidigare.",
        owner="Nordsys AB, avstämt på förvaltningsmötet",
    ),
    DemoNotice(
        "Trygghetslarmen larmade inte till mobilerna",
        "disruption",
        ("Trygghetslarm",),
        "Larm kom bara fram till larmcentralen, inte till personalens mobiler. Larmcentralen ringde upp.",
        5 * D,
        -5 * D,
        3 * H,
        closed_after=2 * H,
        summary="En certifikatuppdatering hos leverantören stoppade pushnotiser. Certifikatet är bytt.",
    ),
    DemoNotice(
        "Uppgradering av e-tjänsteplattformen",
        "upgrade",
        ("E-tjänsteplattform",),
        "E-tjänsterna var stängda under natten.",
        60 * D,
        -40 * D,
        6 * H,
        notified_after=2 * D,
        started=True,
        closed_after=5 * H,
        summary="Uppgraderad; två e-tjänster fick nya formulär.",
        owner="Kommundata Väst AB",
    ),
)


def _ensure_employee_contact() -> None:
    """The medarbetare is a contact person of a user group of a system their förvaltning uses
    (the systems demo usually sets it; this makes sure)."""
    employee = Person.objects.filter(user__username="medarbetare").select_related("unit").first()
    if employee is None or employee.unit_id is None:
        return
    if UserGroup.objects.filter(contact=employee).exists():
        return
    group = (
        UserGroup.objects.filter(
            system__name="Verksamhetssystem socialtjänst", kind=UserGroup.Kind.USER, contact__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if group is not None:
        system_services.user_group_update(actor=None, group=group, contact=employee)


@transaction.atomic
def load_operations_demo() -> list[str]:
    refuse_in_production()
    actor = User.objects.filter(username="itchef").first()
    if actor is None:
        return ["Driftinformationen hoppas över: demoinloggningen itchef saknas."]
    _ensure_employee_contact()
    now = timezone.now()
    created = 0
    for item in NOTICES:
        if ServiceNotice.objects.filter(title=item.title).exists():
            continue
        systems = list(InformationSystem.objects.filter(name__in=item.systems))
        if not systems:
            continue
        planned_at = now - item.planned_ago
        starts_at = now + item.starts_in
        if item.kind == "disruption":
            with services.as_of(starts_at):
                notice = services.disruption_post(
                    actor=actor,
                    title=item.title,
                    impact=item.impact,
                    systems=systems,
                    starts_at=starts_at,
                    ends_at=starts_at + item.duration,
                )
        else:
            with services.as_of(planned_at):
                notice = services.notice_plan(
                    actor=actor,
                    kind=item.kind,
                    title=item.title,
                    impact=item.impact,
                    systems=systems,
                    starts_at=starts_at,
                    ends_at=starts_at + item.duration,
                    planned_with_owner=item.owner,
                    short_notice=bool(item.reason),
                    short_notice_reason=item.reason,
                )
            if item.notified_after is not None:
                with services.as_of(planned_at + item.notified_after):
                    services.notice_notify(actor=actor, notice=notice)
            if item.started:
                with services.as_of(starts_at):
                    services.notice_start(actor=actor, notice=notice)
        if item.closed_after is not None:
            ended = starts_at + item.closed_after
            with services.as_of(ended):
                services.notice_close(actor=actor, notice=notice, ended_at=ended, summary=item.summary)
        created += 1
    return [f"{created} nya driftinformationer (påhittade störningar och planerat underhåll)."]
