"""Demo incidents: a dozen invented incidents over the last year, across the categories and the
förvaltningar and bolag of the demo organisation, all written through the services (so the change
log has them). Everything here is invented.

Among them: a personal-data breach reported to IMY in time; a significant incident (cybersäkerhets-
lagen) whose early warning and notification are sent and whose final report is still running; one
whose notification to IMY was missed; and one reported by the `medarbetare` login a few hours ago and
not yet triaged. Times are counted back from the moment of loading, so every time is in the past and
the running deadline is still running whenever the demo is loaded; each step is recorded as of its
invented moment (services.as_of), the change log keeps its own real time.

Idempotent: an incident is matched by its description."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from lis.core.models import User
from lis.organisation.demo import refuse_in_production
from lis.systems.models import InformationSystem

from . import services
from .models import Incident

H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)


@dataclass(frozen=True)
class DemoReport:
    deadline: str
    after: datetime.timedelta  # after the incident was noticed
    channel: str
    reference: str = ""


@dataclass(frozen=True)
class DemoIncident:
    description: str
    reporter: str  # username
    noticed_ago: datetime.timedelta
    system: str = ""  # name of a demo system (its förvaltning/bolag becomes the incident's)
    personal_data: str = "no"
    withheld: bool = False
    # Triage (None: not yet triaged), by the säkerhetsstrateg, an hour or so after the report.
    category: str | None = None
    severity: str = "medium"
    handler: str = "strateg"
    clocks: dict[str, bool] = field(default_factory=dict)
    reports: tuple[tuple[str, DemoReport], ...] = ()
    not_reporting: tuple[str, str] = ("", "")  # (clock key, reason)
    timeline: tuple[tuple[datetime.timedelta, str, str], ...] = ()  # (after noticed, kind, text)
    gdpr: dict[str, object] = field(default_factory=dict)
    resolved_after: datetime.timedelta | None = None
    closed_after: datetime.timedelta | None = None
    lessons: str = ""


INCIDENTS = (
    DemoIncident(
        "Ekonomisystemet gick inte att logga in i under förmiddagen efter en uppdatering hos leverantören.",
        "strateg",
        340 * D,
        system="Ekonomisystem",
        category="Störning i mjuk-/hårdvara",
        severity="low",
        clocks={"nis2": False, "gdpr": False, "security_protection": False, "police": False},
        timeline=((1 * H, "supplier", "Leverantören bekräftade felet och rullade tillbaka uppdateringen."),),
        resolved_after=5 * H,
        closed_after=7 * D,
        lessons="Be leverantören aviseringar om uppdateringar i förväg.",
    ),
    DemoIncident(
        "En pärm med placeringsbeslut glömdes kvar på tåget mellan Åmål och Göteborg.",
        "chef.buf",
        300 * D,
        system="Barnomsorgsplacering",
        personal_data="yes",
        category="Informationsförlust/-läckage",
        severity="high",
        clocks={"gdpr": True, "nis2": False, "police": False},
        reports=(("gdpr", DemoReport("notification", 40 * H, "IMY:s e-tjänst", "IMY-2026-0000-demo")),),
        timeline=(
            (2 * H, "action", "Kontakt med SJ:s hittegods; pärmen har inte återfunnits."),
            (30 * H, "decision", "Vårdnadshavarna informeras per brev."),
        ),
        gdpr={
            "data_subject_categories": "Barn och vårdnadshavare",
            "data_subjects_approx": 45,
            "record_categories": "Namn, personnummer, adress, placering",
            "records_approx": 45,
            "likely_consequences": "Uppgifterna kan spridas; låg risk för skyddade personuppgifter.",
            "measures_taken": "Pappersutskrifter av placeringsbeslut tas inte längre med på resor.",
            "data_subjects_informed": "yes",
        },
        resolved_after=3 * D,
        closed_after=20 * D,
        lessons="Placeringsbeslut hanteras digitalt; rutinen för utskrifter är uppdaterad.",
    ),
    DemoIncident(
        "Ett nätfiskemejl som såg ut att komma från löneenheten nådde hela förvaltningen; två personer "
        "klickade på länken.",
        "representant.tff",
        250 * D,
        system="E-post och samarbetsverktyg",
        category="Angrepp",
        severity="medium",
        clocks={"nis2": False, "gdpr": False, "police": True},
        timeline=(
            (1 * H, "action", "Lösenorden för de två kontona byttes och sessionerna avslutades."),
            (1 * D, "action", "Polisanmälan gjord."),
        ),
        resolved_after=2 * D,
        closed_after=14 * D,
        lessons="Påminnelse om nätfiske i personalnytt; MFA för alla konton prioriteras.",
    ),
    DemoIncident(
        "Passerkort fungerade inte i entrén till kommunhuset under en morgon.",
        "admin",
        200 * D,
        system="Passersystem",
        category="Störning i driftmiljö",
        severity="low",
        clocks={"nis2": False, "gdpr": False},
        resolved_after=4 * H,
        closed_after=5 * D,
        lessons="Reservrutin med manuell bemanning fungerade.",
    ),
    DemoIncident(
        "En handläggare skickade ett beslut om försörjningsstöd till fel mottagare.",
        "samordnare.vaf",
        160 * D,
        system="Försörjningsstöd",
        personal_data="yes",
        category="Handhavandefel",
        severity="medium",
        handler="samordnare.vaf",
        clocks={"gdpr": True},
        not_reporting=(
            "gdpr",
            "Mottagaren är anställd i kommunen, har raderat brevet och bekräftat det skriftligt; ingen sannolik "
            "risk för den registrerades rättigheter.",
        ),
        gdpr={"data_subject_categories": "Sökande av försörjningsstöd", "data_subjects_approx": 1},
        resolved_after=2 * D,
        closed_after=10 * D,
        lessons="Kontroll av mottagare före utskick införs.",
    ),
    DemoIncident(
        "Styrsystemet vid vattenverket larmade om ovanlig trafik från en leverantörs fjärranslutning.",
        "itchef",
        120 * D,
        system="Vattenverkets styrsystem",
        category="Störning i kritisk infrastruktur",
        severity="high",
        clocks={"nis2": False, "security_protection": False},
        timeline=(
            (1 * H, "action", "Fjärranslutningen stängdes."),
            (3 * H, "supplier", "Leverantören bekräftade ett felkonfigurerat övervakningsverktyg."),
        ),
        resolved_after=1 * D,
        closed_after=14 * D,
        lessons="Fjärranslutningar öppnas bara på begäran och loggas.",
    ),
    DemoIncident(
        "Stadsnätets övervakning var nere en natt efter ett strömavbrott i noden.",
        "itchef",
        90 * D,
        system="Stadsnätets drift- och övervakningssystem",
        category="Störning i driftmiljö",
        severity="medium",
        clocks={"nis2": False},
        resolved_after=12 * H,
    ),
    DemoIncident(
        "Leverantören av lärplattformen meddelade en säkerhetsbrist som kan ge elever lärares behörighet.",
        "chef.buf",
        60 * D,
        system="Lärplattform",
        category="Säkerhetsbrist i produkt",
        severity="medium",
        clocks={"nis2": False, "gdpr": False},
        timeline=((2 * D, "supplier", "Rättning installerad av leverantören."),),
        resolved_after=2 * D,
    ),
    DemoIncident(
        "GIS-tjänsten visade fel fastighetsgränser efter en felaktig import.",
        "representant.tff",
        40 * D,
        system="GIS och kartsystem",
        category="Informationsförvanskning",
        severity="low",
        clocks={"nis2": False},
        resolved_after=3 * D,
        closed_after=10 * D,
        lessons="Importen kontrolleras i testmiljö först.",
    ),
    DemoIncident(
        "Utpressningsvirus krypterade filservern för hemtjänstplaneringen; planeringen sköttes på papper i två dygn.",
        "samordnare.vaf",
        10 * D,
        system="Hemtjänstplanering",
        personal_data="unknown",
        category="Angrepp",
        severity="critical",
        clocks={"nis2": True, "gdpr": False, "security_protection": False, "police": True},
        reports=(
            ("nis2", DemoReport("early_warning", 20 * H, "CERT-SE:s incidentrapportering", "CERT-SE-demo-1")),
            ("nis2", DemoReport("notification", 60 * H, "CERT-SE:s incidentrapportering", "CERT-SE-demo-1")),
        ),
        timeline=(
            (30 * datetime.timedelta(minutes=1), "action", "Servern kopplades bort från nätet."),
            (6 * H, "decision", "Reservrutinen för hemtjänsten aktiverades."),
            (2 * D, "action", "Återläsning från säkerhetskopia klar."),
        ),
        resolved_after=3 * D,
    ),
    DemoIncident(
        "Ett kalkylark med namn och diagnoser för brukare inom hälso- och sjukvården delades av misstag "
        "med en extern konsult.",
        "samordnare.vaf",
        12 * D,
        system="Hälso- och sjukvårdsjournal",
        personal_data="yes",
        category="Informationsförlust/-läckage",
        severity="high",
        handler="samordnare.vaf",
        clocks={"gdpr": True, "nis2": False},
        timeline=((1 * D, "action", "Delningen togs bort; konsulten ombads radera filen."),),
        gdpr={"data_subject_categories": "Brukare inom hälso- och sjukvården", "data_subjects_approx": 120},
    ),
    DemoIncident(
        "Jag fick ett sms som sa att jag skulle logga in på en länk för att behålla mitt jobbkonto. Jag "
        "klickade och skrev mitt lösenord innan jag förstod att det var fel.",
        "medarbetare",
        4 * H,
        personal_data="unknown",
        withheld=True,
    ),
)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).select_related("person").first()


@transaction.atomic
def _load(spec: DemoIncident, now: datetime.datetime, strategist: User) -> Incident | None:
    reporter = _user(spec.reporter)
    if reporter is None:
        return None
    noticed = now - spec.noticed_ago
    reported = noticed + min(spec.noticed_ago / 4, 30 * datetime.timedelta(minutes=1))
    system = InformationSystem.objects.filter(name=spec.system).first() if spec.system else None
    with services.as_of(reported):
        incident = services.incident_report(
            actor=reporter,
            description=spec.description,
            noticed_at=noticed,
            occurred_at=noticed - 10 * datetime.timedelta(minutes=1),
            system=system,
            personal_data=spec.personal_data,
            name_withheld_from_unit=spec.withheld,
        )
    if spec.category is None:
        return incident
    handler = _user(spec.handler)
    triaged = reported + 1 * H
    with services.as_of(triaged):
        services.incident_triage(
            actor=strategist,
            incident=incident,
            category=spec.category,
            severity=spec.severity,
            handler=handler.person if handler is not None else None,
            systems=[system] if system is not None else [],
        )
        clocks = {
            key: services.clock_answer(actor=strategist, incident=incident, key=key, triggered=triggered)
            for key, triggered in spec.clocks.items()
        }
        if spec.gdpr:
            services.incident_update(actor=strategist, incident=incident, **spec.gdpr)
    for after, kind, text in spec.timeline:
        with services.as_of(max(noticed + after, triaged)):
            services.timeline_add(
                actor=strategist, incident=incident, kind=kind, text=text, happened_at=noticed + after
            )
    for key, report in spec.reports:
        with services.as_of(noticed + report.after + 5 * datetime.timedelta(minutes=1)):
            services.report_record(
                actor=strategist,
                clock=clocks[key],
                deadline=report.deadline,
                sent_at=noticed + report.after,
                channel=report.channel,
                reference=report.reference,
            )
    if spec.not_reporting[0]:
        with services.as_of(noticed + 30 * H):
            services.not_reporting_decide(
                actor=strategist,
                clock=clocks[spec.not_reporting[0]],
                reason=spec.not_reporting[1],
                decided_by=strategist.person,
            )
    if spec.resolved_after is not None:
        with services.as_of(noticed + spec.resolved_after):
            services.status_set(actor=strategist, incident=incident, status="resolved")
    if spec.closed_after is not None:
        with services.as_of(noticed + spec.closed_after):
            services.status_set(actor=strategist, incident=incident, status="closed", lessons_learned=spec.lessons)
    return incident


def load_incidents_demo() -> list[str]:
    """Load the invented incidents; returns lines to print."""
    refuse_in_production()
    strategist = _user("strateg")
    if strategist is None or getattr(strategist, "person", None) is None:
        return ["Incidenter: demoinloggningarna saknas (läs in organisationens demodata först)."]
    now = timezone.now()
    created = 0
    for spec in INCIDENTS:
        if Incident.objects.filter(description=spec.description).exists():
            continue
        if _load(spec, now, strategist) is not None:
            created += 1
    return [f"Incidenter: {created} påhittade incidenter inlästa ({len(INCIDENTS)} i demodata)."]
