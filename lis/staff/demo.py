"""Demo data of the staff app: exceptions (POL-3.20) in every state, a few distansarbete
agreements (POL-3.19) and two säkerhetsklassade placeringar (POL-3.25). Everything is invented.

Dates are counted back from the day of loading, so the pending request is pending, the one
to review is due for review and the expired one has expired whenever the demo is loaded. The
decisions are written with the invented past dates (the change log keeps its own real time
and names the demo loader); one request, from the `admin` login to the kommundirektör, goes
through the service like a real one. Idempotent: matched by person and source/title."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lis.core.models import User
from lis.core.services import create_object
from lis.organisation.demo import refuse_in_production
from lis.organisation.models import OrgUnit, Person
from lis.organisation.selectors import manager_of

from . import services
from .models import ClassifiedPosition, PolicyException, RemoteWorkAgreement

D = datetime.timedelta(days=1)
S = PolicyException.Status


@dataclass(frozen=True)
class DemoException:
    person: tuple[str, str]  # first and last name of a demo person
    source: str
    reason: str
    status: str
    asked_ago: int | None = None  # days; None: a tjänsteanteckning made outside LIS
    needed_for: int = 180  # days from the request
    decided_ago: int | None = None
    valid_for: int | None = None  # days from the decision; None: no expiry
    decision_reason: str = ""
    diary_number: str = ""
    ended_ago: int | None = None


EXCEPTIONS = [
    DemoException(
        ("Sofia", "Engström"),
        "Diskussionsforumet Flashback, trådar om skolhot",
        "Följa diskussioner om hot mot skolor i kommunen för att kunna agera i tid.",
        S.REQUESTED,
        asked_ago=2,
        needed_for=120,
    ),
    DemoException(
        ("Karin", "Holm"),
        "Molntjänsten Dropbox för utbyte med en leverantör",
        "Leverantören av det nya lönesystemet kan bara ta emot testfiler via Dropbox under upphandlingen.",
        S.GRANTED,
        asked_ago=65,
        decided_ago=60,
        valid_for=180,
        decision_reason="Endast testdata utan personuppgifter. Upphör när avtalet är på plats.",
        diary_number="KS 2026/412",
    ),
    DemoException(
        ("Karin", "Berg"),
        "Videotjänsten TikTok i undervisningen",
        "Källkritik i årskurs 9: eleverna granskar hur nyheter sprids på plattformen.",
        S.GRANTED,
        asked_ago=160,
        decided_ago=155,
        valid_for=175,
        decision_reason="Relevant för kursplanen i samhällskunskap. Inget konto kopplas till skolans nätverk.",
    ),
    DemoException(
        ("Karin", "Berg"),
        "Spelplattformen Discord för elevprojekt",
        "Elevernas programmeringsprojekt samarbetar med en skola i Norge som använder Discord.",
        S.GRANTED,
        asked_ago=320,
        decided_ago=315,
        valid_for=300,
        decision_reason="Projektet var avgränsat till vårterminen.",
    ),
    DemoException(
        ("Maria", "Nyström"),
        "Rekryteringssajt med personlighetstest från en okänd leverantör",
        "Prova ett nytt testverktyg i en pågående rekrytering.",
        S.REFUSED,
        asked_ago=40,
        decided_ago=38,
        decision_reason="Leverantören saknar personuppgiftsbiträdesavtal. Använd kommunens upphandlade verktyg.",
    ),
    DemoException(
        ("Lena", "Sjöberg"),
        "Krypterad chattjänst från en utländsk leverantör",
        "Kontakt med en kollega i en annan kommun.",
        S.WITHDRAWN,
        asked_ago=20,
    ),
    DemoException(
        ("Sara", "Lindqvist"),
        "Webbplatser med skadlig kod (analys i isolerad miljö)",
        "Analysera en nätfiskekampanj mot kommunens medarbetare.",
        S.ENDED,
        asked_ago=90,
        decided_ago=88,
        valid_for=90,
        decision_reason="Endast från den isolerade analysdatorn.",
        diary_number="KS 2026/377",
        ended_ago=30,
    ),
    DemoException(
        ("Jonas", "Mattsson"),
        "Sociala medier för krisinformation till vårdnadshavare",
        "Tjänsteanteckning från hösten 2025, gjord på papper före LIS.",
        S.GRANTED,
        decided_ago=440,
        valid_for=None,
        decision_reason="Beslutat av kommundirektören i samband med krisövningen.",
    ),
    DemoException(
        ("Ali", "Hassan"),
        "Kartverktyget Google Earth för bygglovsärenden",
        "Jämföra äldre flygbilder när kommunens egna kartor saknar historik.",
        S.GRANTED,
        asked_ago=30,
        decided_ago=28,
        valid_for=150,
        decision_reason="Bara öppna flygbilder, inga personuppgifter laddas upp.",
    ),
]

REMOTE = [
    # (person, agreed days ago, review after days, note)
    (("Ali", "Hassan"), 400, 365, "Två dagar i veckan hemifrån. Kommunens dator och VPN."),
    (("Sofia", "Engström"), 200, 180, "Onsdagar hemifrån. Inga utskrifter hemma."),
    (("Karin", "Holm"), 90, 365, "Beredskapsveckor: arbete hemifrån kvällstid med kommunens utrustning."),
]


def _person(first: str, last: str) -> Person | None:
    return Person.objects.filter(first_name=first, last_name=last).select_related("unit", "user").first()


def _load_exception(spec: DemoException, today: datetime.date, now: datetime.datetime) -> bool:
    person = _person(*spec.person)
    if person is None or person.unit_id is None:
        return False
    if PolicyException.objects.filter(person=person, source=spec.source).exists():
        return False
    chef = manager_of(person)
    if chef is None:
        return False
    asked = now - spec.asked_ago * D if spec.asked_ago is not None else None
    decided_on = today - spec.decided_ago * D if spec.decided_ago is not None else None
    exception = PolicyException(
        person=person,
        unit=person.unit,
        source=spec.source,
        reason=spec.reason,
        requested_at=asked,
        requested_until=(asked.date() + spec.needed_for * D) if asked else None,
        requested_by=person.user if asked else None,
        status=spec.status,
        recorded_by=_loader_user(),
        created_at=asked or timezone.make_aware(datetime.datetime.combine(decided_on, datetime.time(9))),
    )
    if spec.status in (S.GRANTED, S.REFUSED, S.ENDED):
        exception.decided_by = chef
        exception.decided_on = decided_on
        exception.decision_reason = spec.decision_reason
        exception.diary_number = spec.diary_number
        if spec.status != S.REFUSED and spec.valid_for is not None:
            exception.valid_until = decided_on + spec.valid_for * D
            if exception.requested_until:
                exception.requested_until = max(exception.requested_until, exception.valid_until)
    if spec.status == S.ENDED:
        exception.ended_on = today - spec.ended_ago * D
        exception.end_reason = "Används inte längre"
    create_object(exception, actor=None)
    return True


def _loader_user() -> User:
    """Who the demo's records say registered them: the säkerhetsstrateg's login."""
    return User.objects.get(username="strateg")


def _load_remote(person_name, agreed_ago, review_after, note, today) -> bool:
    person = _person(*person_name)
    if person is None or person.unit_id is None or RemoteWorkAgreement.objects.filter(person=person).exists():
        return False
    chef = manager_of(person)
    if chef is None:
        return False
    agreed = today - agreed_ago * D
    create_object(
        RemoteWorkAgreement(
            person=person,
            unit=person.unit,
            manager=chef,
            agreed_on=agreed,
            review_on=agreed + review_after * D,
            note=note,
            recorded_by=chef.user or _loader_user(),
        ),
        actor=None,
    )
    return True


def _load_classified(today) -> int:
    strateg = _person("Sara", "Lindqvist")
    if strateg is None:
        return 0
    units = {u.short_name: u for u in OrgUnit.objects.exclude(short_name="")}
    created = 0
    for unit, title, security_class, holder, ago in (
        ("KSF", "Säkerhetsskyddschef", "2", ("Sara", "Lindqvist"), 700),
        ("IT", "Drifttekniker, skyddsvärda system", "3", ("Anders", "Berg"), 400),
    ):
        if unit not in units or ClassifiedPosition.objects.filter(title=title).exists():
            continue
        create_object(
            ClassifiedPosition(
                unit=units[unit],
                title=title,
                security_class=security_class,
                holder=_person(*holder),
                decided_on=today - ago * D,
                decided_by=strateg,
                note="Beslutad vid nyanställning.",
                recorded_by=_loader_user(),
            ),
            actor=None,
        )
        created += 1
    return created


@transaction.atomic
def load_staff_demo() -> list[str]:
    refuse_in_production()
    if not User.objects.filter(username="strateg").exists():
        return ["Personal: demoinloggningarna saknas (läs in organisationens demodata först)."]
    now = timezone.now()
    today = timezone.localdate(now)
    created = sum(_load_exception(spec, today, now) for spec in EXCEPTIONS)
    # One pending request made through the service, as in LIS: admin asks the kommundirektör.
    admin = User.objects.filter(username="admin").first()
    source = "Lösenordsanalys med verktyg från ett hackerforum"
    if admin is not None and not PolicyException.objects.filter(source=source).exists():
        try:
            with services.as_of(now - 1 * D):
                services.exception_request(
                    actor=admin,
                    source=source,
                    reason="Testa om kommunens lösenordspolicy står emot de vanligaste attackerna.",
                    requested_until=today + 60 * D,
                )
            created += 1
        except ValidationError:  # the demo's organisation has no chef for admin
            pass
    remote = sum(_load_remote(*spec, today) for spec in REMOTE)
    classified = _load_classified(today)
    return [
        f"Personal: {created} undantag, {remote} överenskommelser om distansarbete och "
        f"{classified} säkerhetsklassade placeringar inlästa."
    ]
