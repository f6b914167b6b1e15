"""Demo data for E-rådet: invented meetings, minutes, advice and SUA assessments, all written
through the services (so the change log has them). Everything here is invented.

2025: four meetings, all justerade and diarieförda. 2026: three held meetings, the last not yet
justerat, and none left planned, so POL-3.5 is flagged for 2026. SUA assessments for the demo's
externally run systems, one deliberately missing (POL-3.26); advice both followed up and open
(one past its date, POL-3.31); one item covered by sekretess (OSL 18 kap. 8 §).

Idempotent: meetings are matched by their start, assessments by system. Meetings that would
start after the moment of loading are left out (nothing here states what has not happened);
justering and registration are recorded at the moment of loading."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from lis.core.models import User
from lis.organisation.demo import refuse_in_production
from lis.organisation.models import Board, OrgUnit, Person, Role
from lis.systems.models import InformationSystem

from . import selectors, services
from .models import Meeting, SuaAssessment

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SECRECY = "OSL 18 kap. 8 §"


@dataclass(frozen=True)
class DemoAdvice:
    text: str
    unit: str  # short name of the förvaltning/bolag
    follow_up_by: str  # username or e-mail of the person
    follow_up_on: datetime.date
    followed_up: tuple[datetime.date, str] | None = None


@dataclass(frozen=True)
class DemoItem:
    title: str
    minutes: str
    unit: str = ""
    secret: bool = False
    advice: tuple[DemoAdvice, ...] = ()


@dataclass(frozen=True)
class DemoMeeting:
    day: datetime.date
    location: str
    adjuster: str  # username
    items: tuple[DemoItem, ...]
    absent: tuple[str, ...] = ()  # short names of units whose representative was absent
    diary_number: str = ""  # empty: not yet justerat
    raise_sua: bool = False


POLICY = DemoItem(
    "Uppföljning av IT- och informationssäkerhetspolicyn",
    "Säkerhetsstrategen redovisade läget i Efterlevnad. Förvaltningarna påmindes om revideringarna.",
)
MEETINGS = (
    DemoMeeting(
        datetime.date(2025, 2, 12),
        "Kommunhuset, sammanträdesrum Dalsland",
        "representant.tff",
        (
            POLICY,
            DemoItem(
                "Handlingsplaner inför mandatperioden",
                "Förvaltningarna och bolagen redovisade hur arbetet med handlingsplanerna går.",
            ),
        ),
        diary_number="2025-00112",
    ),
    DemoMeeting(
        datetime.date(2025, 4, 23),
        "Kommunhuset, sammanträdesrum Dalsland",
        "samordnare.vaf",
        (
            POLICY,
            DemoItem(
                "Informationsklassning av nya system",
                "VAF har klassat sina nya system. TFF har två kvar.",
                unit="TFF",
            ),
        ),
        absent=("ÅKAB",),
        diary_number="2025-00187",
    ),
    DemoMeeting(
        datetime.date(2025, 9, 17),
        "Digitalt möte",
        "representant.tff",
        (
            POLICY,
            DemoItem(
                "Inloggning i e-tjänsterna för bygglov",
                "TFF beskrev hur e-tjänsterna loggar in handläggare.",
                unit="TFF",
                advice=(
                    DemoAdvice(
                        "E-rådet råder TFF att införa tvåfaktorsinloggning för handläggarna i bygglovs-e-tjänsten.",
                        "TFF",
                        "representant.tff",
                        datetime.date(2025, 12, 31),
                        followed_up=(
                            datetime.date(2026, 2, 11),
                            "Tvåfaktorsinloggning infördes i januari 2026 för alla handläggare.",
                        ),
                    ),
                ),
            ),
        ),
        diary_number="2025-00305",
        raise_sua=True,
    ),
    DemoMeeting(
        datetime.date(2025, 11, 26),
        "Kommunhuset, sammanträdesrum Dalsland",
        "samordnare.vaf",
        (
            POLICY,
            DemoItem("Årsplan för E-rådet 2026", "Fyra möten planeras för 2026."),
        ),
        absent=("BUF",),
        diary_number="2025-00371",
    ),
    DemoMeeting(
        datetime.date(2026, 2, 11),
        "Kommunhuset, sammanträdesrum Dalsland",
        "representant.tff",
        (
            POLICY,
            DemoItem(
                "Uppföljning av råd om tvåfaktorsinloggning",
                "TFF redovisade att tvåfaktorsinloggningen är införd.",
                unit="TFF",
            ),
        ),
        diary_number="2026-00044",
        raise_sua=True,
    ),
    DemoMeeting(
        datetime.date(2026, 5, 6),
        "Digitalt möte",
        "samordnare.vaf",
        (
            POLICY,
            DemoItem(
                "Sårbarhet i kommunens fjärråtkomst",
                "IT-enheten redovisade en sårbarhet i fjärråtkomsten och hur den åtgärdas.",
                secret=True,
            ),
            DemoItem(
                "Behörigheter i verksamhetssystemet för omsorg",
                "VAF har gått igenom behörigheterna; flera konton saknar ägare.",
                unit="VAF",
                advice=(
                    DemoAdvice(
                        "E-rådet råder VAF att ta bort konton utan ägare och införa en årlig behörighetsgenomgång.",
                        "VAF",
                        "samordnare.vaf",
                        datetime.date(2026, 10, 31),
                    ),
                ),
            ),
        ),
        absent=("ÅKAB",),
        diary_number="2026-00139",
    ),
    DemoMeeting(
        datetime.date(2026, 11, 18),
        "Kommunhuset, sammanträdesrum Dalsland",
        "representant.tff",
        (
            POLICY,
            DemoItem(
                "Kontinuitetsplanering för skolans system",
                "BUF beskrev hur undervisningen fortsätter vid ett avbrott i lärplattformen.",
                unit="BUF",
                advice=(
                    DemoAdvice(
                        "E-rådet råder BUF att öva kontinuitetsplanen för lärplattformen under våren.",
                        "BUF",
                        "sofia.engstrom@demo.invalid",
                        datetime.date(2027, 3, 31),
                    ),
                ),
            ),
        ),
    ),
)

# (role, username or e-mail, unit short name) of the seats at the demo's meetings.
SEATS = (
    (Role.COUNCIL_CHAIR, "itchef", ""),
    (Role.SECURITY_STRATEGIST, "strateg", ""),
    (Role.COUNCIL_REPRESENTATIVE, "samordnare.vaf", "VAF"),
    (Role.COUNCIL_REPRESENTATIVE, "representant.tff", "TFF"),
    (Role.COUNCIL_REPRESENTATIVE, "sofia.engstrom@demo.invalid", "BUF"),
    (Role.COUNCIL_REPRESENTATIVE, "helena.wik@demo.invalid", "ÅKAB"),
    (Role.COUNCIL_REPRESENTATIVE, "jonas.mattsson@demo.invalid", "KSF"),
)


def _person(key: str) -> Person | None:
    if "@" in key:
        return Person.objects.filter(email=key).first()
    return Person.objects.filter(user__username=key).select_related("user").first()


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


def _external_systems() -> list[InformationSystem]:
    return list(
        InformationSystem.objects.filter(
            operating_model__in=selectors.external_operating_models(), tags__icontains="demo"
        )
        .exclude(status=InformationSystem.Status.DECOMMISSIONED)
        .select_related("unit")
        .order_by("name", "pk")
    )


def _load_sua(chair: User, decided_by: Person) -> tuple[list[SuaAssessment], int]:
    """Assessments for every external demo system but the last SaaS one (left missing)."""
    systems = _external_systems()
    saas = [s for s in systems if s.operating_model == "saas"]
    missing = saas[-1] if saas else (systems[-1] if systems else None)
    created = []
    for index, system in enumerate(systems):
        if system == missing or SuaAssessment.objects.filter(system=system).exists():
            continue
        protected = index % 5 == 2
        created.append(
            services.sua_create(
                actor=chair,
                system=system,
                reason=SuaAssessment.Reason.PROCUREMENT,
                classified_information=False,
                security_sensitive_activity=protected,
                protection_class="",
                agreement_needed=protected,
                agreement_level=3 if protected else None,
                sapo_consultation=False,
                decision=(
                    "Säkerhetskänslig verksamhet berörs; säkerhetsskyddsavtal nivå 3 krävs i upphandlingen."
                    if protected
                    else "Ingen säkerhetsskyddad upphandling krävs."
                ),
                decided_by=decided_by,
                decided_on=datetime.date(2025, 9, 1),
            )
        )
    return created, len(systems)


def _load_meeting(spec: DemoMeeting, *, chair: User, strategist: User, units, sua: list[SuaAssessment]) -> None:
    meeting = services.meeting_create(
        actor=strategist, starts_at=_at(spec.day, 13), ends_at=_at(spec.day, 15), location=spec.location
    )
    for demo_item in spec.items:
        unit = units.get(demo_item.unit) if demo_item.unit else None
        item = services.agenda_item_add(actor=strategist, meeting=meeting, title=demo_item.title, unit=unit)
        services.agenda_item_update(
            actor=chair,
            item=item,
            minutes=demo_item.minutes,
            secret=demo_item.secret,
            secrecy_provision=SECRECY if demo_item.secret else "",
        )
        for advice in demo_item.advice:
            created = services.advice_create(
                actor=chair,
                item=item,
                text=advice.text,
                follow_up_by=_person(advice.follow_up_by),
                follow_up_on=advice.follow_up_on,
                unit=units[advice.unit],
            )
            if advice.followed_up and advice.followed_up[0] <= timezone.localdate():
                services.advice_follow_up(
                    actor=strategist, advice=created, followed_up_on=advice.followed_up[0], note=advice.followed_up[1]
                )
    if spec.raise_sua:
        for assessment in sua:
            assessment.refresh_from_db()
            if assessment.agenda_item_id is None:
                item = services.sua_raise(actor=strategist, assessment=assessment, meeting=meeting)
                services.agenda_item_update(
                    actor=strategist, item=item, minutes="Bedömningen redovisades. E-rådet hade inga invändningar."
                )
    rows = []
    for role, key, unit_key in SEATS:
        person = _person(key)
        if person is None:
            continue
        presence = "absent" if unit_key in spec.absent else "present"
        rows.append((person, role, units.get(unit_key) if unit_key else None, presence))
    services.attendance_record(actor=strategist, meeting=meeting, rows=rows)
    services.adjuster_appoint(actor=strategist, meeting=meeting, person=_person(spec.adjuster))
    if not spec.diary_number:
        return
    adjuster = User.objects.get(username=spec.adjuster)
    sha = selectors.content_sha256(meeting)
    services.minutes_sign(actor=chair, meeting=meeting, content_sha256=sha)
    minutes = services.minutes_sign(actor=adjuster, meeting=meeting, content_sha256=sha)
    services.minutes_register(actor=strategist, minutes=minutes, diary_number=spec.diary_number)


@transaction.atomic
def load_council_demo() -> list[str]:
    """Load the invented E-råd year 2025–2026; returns lines to print."""
    refuse_in_production()
    chair = User.objects.filter(username="itchef").first()
    strategist = User.objects.filter(username="strateg").first()
    if chair is None or strategist is None:
        return ["E-rådet: demoinloggningarna saknas (läs in organisationens demodata först)."]
    units = {u.short_name: u for u in OrgUnit.objects.exclude(short_name="")}
    selectors.council_get()
    sua, external = _load_sua(chair, strategist.person)
    now = timezone.now()
    created = skipped = 0
    for spec in MEETINGS:
        if _at(spec.day, 15) > now:
            skipped += 1
            continue
        if Meeting.objects.filter(starts_at=_at(spec.day, 13)).exists():
            continue
        _load_meeting(spec, chair=chair, strategist=strategist, units=units, sua=sua)
        created += 1
    lines = [
        f"E-rådet: {created} påhittade möten inlästa, {len(sua)} SUA-bedömningar av {external} externt drivna system."
    ]
    if skipped:
        lines.append(f"E-rådet: {skipped} möten ligger efter dagens datum och lästes inte in.")
    if not Board.objects.filter(kind=Board.Kind.EXECUTIVE).exists():
        lines.append("E-rådet: kommunstyrelsen saknas; minnesanteckningarna diariefördes utan nämndserie.")
    return lines
