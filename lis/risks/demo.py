"""Demo informationssäkerhetsanalyser for Åmål: risks and measures for four förvaltningar, one
analysis in each state, some measures overdue.

Everything here is INVENTED for demonstration. The risks describe typical weaknesses of the
kinds of systems a Swedish kommun runs; none describes a real system, vendor or incident.
ÅKAB and SÅAB deliberately get no analysis, so that Efterlevnad shows a finding for POL-3.15.

Written through the services, so the change log is complete. Idempotent: a förvaltning that
already has an analysis for the current mandatperiod is left alone, so a second run writes
nothing."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.db import transaction

from lis.core import access
from lis.core.pack import get_pack
from lis.organisation.demo import refuse_in_production
from lis.organisation.models import OrgUnit, Person, Role, RoleAssignment
from lis.organisation.services import mandate_period_for
from lis.systems.models import InformationSystem

from . import services
from .models import Risk, SecurityAnalysis
from .selectors import analysis_scope


@dataclass(frozen=True)
class R:
    """An invented risk. With `threat`, empty texts are taken from the pack's threat catalogue."""

    key: str
    system: str
    threat: str = ""
    cause: str = ""
    event: str = ""
    consequence: str = ""
    aspects: tuple[str, ...] = ()
    likelihood: int = 2
    level: int = 2
    protection: str = ""
    treatment: str = ""
    motivation: str = ""
    residual: tuple[int, int] | None = None
    owner: str = "manager"  # the system's "manager" (ansvarig chef) or "steward" (systemförvaltare)


@dataclass(frozen=True)
class M:
    """An invented measure treating the risks named by key; due `due` days from today."""

    title: str
    kind: str
    status: str
    due: int
    risks: tuple[str, ...]
    description: str = ""
    responsible: str = "manager"  # "manager"/"steward" of the first risk's system, or a demo login
    completion: str = ""  # how a genomförd measure was done


@dataclass(frozen=True)
class Plan:
    state: str  # ongoing, done or reported
    summary: str
    risks: list[R]
    measures: list[M]


PLANS: dict[str, Plan] = {
    "BUF": Plan(
        "reported",
        "Påhittad demoanalys. Förvaltningens sex system är genomgångna med rektorer, elevhälsan och "
        "systemförvaltarna. De allvarligaste riskerna gäller skyddade personuppgifter för barn och obehörig "
        "läsning i elevhälsojournalen. Tvåfaktorsinloggning för personalen och behörighetsgenomgång varje termin "
        "är de viktigaste åtgärderna.",
        [
            R(
                "skolplattform-natfiske",
                "Skolplattform",
                threat="phishing",
                aspects=("K", "R"),
                likelihood=3,
                level=3,
                protection="Personalen loggar in med användarnamn och lösenord; vårdnadshavare med e-legitimation.",
                treatment="reduce",
                motivation="Personalens konton får tvåfaktorsinloggning; vårdnadshavarnas inloggning är redan stark.",
                residual=(1, 3),
            ),
            R(
                "skolplattform-skyddad",
                "Skolplattform",
                cause="uppgiften om att ett barn har skyddade personuppgifter följer inte med vid skolbyte",
                event="en vårdnadshavare som inte får veta barnets vistelseort ser skolan och klassen i plattformen",
                consequence="barnets och den andra vårdnadshavarens säkerhet kan hotas",
                aspects=("K",),
                likelihood=2,
                level=4,
                protection="Skolans administratör döljer uppgifterna manuellt när hon får veta om skyddet.",
                treatment="reduce",
                motivation="Gemensam rutin med folkbokföringskontroll vid varje ny placering.",
                residual=(1, 4),
            ),
            R(
                "elevhalsa-behorighet",
                "Elevhälsojournal",
                cause="behörigheten tas inte bort när en kurator eller skolsköterska byter skola",
                event="elevhälsopersonal läser journaler för elever de inte har kontakt med",
                consequence="sekretessbelagda uppgifter om elevers hälsa röjs och förtroendet för elevhälsan skadas",
                aspects=("K",),
                likelihood=3,
                level=4,
                protection="Behörighet per skola; loggar sparas i två år men granskas bara vid misstanke.",
                treatment="reduce",
                motivation="Behörighetsgenomgång varje termin och stickprov i loggarna varje månad.",
                residual=(1, 4),
                owner="steward",
            ),
            R(
                "elevhalsa-avbrott",
                "Elevhälsojournal",
                threat="vendor_outage",
                aspects=("T",),
                likelihood=2,
                level=2,
                protection="Leverantören lovar 99,5 % tillgänglighet under skoltid.",
                treatment="accept",
                motivation="Journalen behövs sällan akut; anteckningar kan föras in i efterhand.",
            ),
            R(
                "barnomsorg-etjanst",
                "Barnomsorgsplacering",
                cause="e-tjänsten för köansökan ligger nere när platserna för hösten fördelas",
                event="vårdnadshavare kan inte tacka ja till en erbjuden plats i tid",
                consequence="barn får inte plats vid önskat datum och kommunen riskerar att inte erbjuda plats inom "
                "fyra månader",
                aspects=("T",),
                likelihood=2,
                level=3,
                protection="Vårdnadshavare kan tacka ja per telefon till förskolekontoret.",
                treatment="transfer",
                motivation="Krav på tillgänglighet under placeringsperioderna skrivs in i avtalet med leverantören.",
                residual=(1, 3),
            ),
            R(
                "barnomsorg-fel",
                "Barnomsorgsplacering",
                threat="data_entry_error",
                aspects=("R",),
                likelihood=2,
                level=2,
                protection="Förskolechefen kontrollerar placeringen innan beskedet skickas.",
                treatment="accept",
                motivation="Kontrollen före besked räcker; fel rättas samma dag.",
                owner="steward",
            ),
            R(
                "schema-nyckelperson",
                "Schemaläggning",
                threat="key_person",
                aspects=("T",),
                likelihood=3,
                level=2,
                protection="Schemaläggaren har skrivit en lathund.",
                treatment="accept",
                motivation="Schemat läggs en gång per termin; en kollega på en annan skola kan ta över.",
                owner="steward",
            ),
            R(
                "larplattform-delning",
                "Lärplattform",
                cause="lärare delar material med inställningen ”alla som har länken”",
                event="elevarbeten med namn och bilder blir åtkomliga för utomstående",
                consequence="elevers personuppgifter röjs",
                aspects=("K",),
                likelihood=3,
                level=2,
                treatment="reduce",
                motivation="Standardinställningen för delning ändras till ”bara skolan”.",
                residual=(1, 2),
                owner="steward",
            ),
            R(
                "skolskjuts-skyddad",
                "Skolskjutsplanering",
                cause="adressen för ett barn med skyddade personuppgifter skickas med körlistan till transportören",
                event="chauffören och transportbolaget får del av barnets adress",
                consequence="barnets säkerhet kan hotas",
                aspects=("K",),
                likelihood=1,
                level=4,
                treatment="avoid",
                motivation="Skolskjuts för barn med skyddade personuppgifter planeras manuellt och förs aldrig in i "
                "systemet.",
                residual=(1, 1),
            ),
            R(
                "skolskjuts-avbrott",
                "Skolskjutsplanering",
                threat="vendor_outage",
                aspects=("T",),
                likelihood=2,
                level=3,
                treatment="reduce",
                motivation="Transportören har alltid veckans körlistor utskrivna.",
                residual=(2, 2),
                owner="steward",
            ),
        ],
        [
            M(
                "Tvåfaktorsinloggning för personalen i skolplattformen",
                "technical",
                "in_progress",
                -45,
                ("skolplattform-natfiske",),
                "Inloggning via kommunens identitetstjänst med app eller säkerhetsnyckel.",
                responsible="admin",
            ),
            M(
                "Rutin för skyddade personuppgifter vid placering, skolbyte och skolskjuts",
                "administrative",
                "done",
                -120,
                ("skolplattform-skyddad", "skolskjuts-skyddad"),
                completion="Rutinen är antagen av förvaltningsledningen och genomgången på alla rektorsmöten.",
            ),
            M(
                "Behörighetsgenomgång i elevhälsojournalen varje termin",
                "organisational",
                "not_started",
                -14,
                ("elevhalsa-behorighet",),
                "Rektor och verksamhetschef för elevhälsan går igenom listan över behöriga.",
            ),
            M(
                "Stickprov i elevhälsojournalens loggar varje månad",
                "administrative",
                "in_progress",
                30,
                ("elevhalsa-behorighet",),
                responsible="steward",
            ),
            M(
                "Låsbart arkivskåp för journalanteckningar på papper",
                "physical",
                "cancelled",
                -30,
                ("elevhalsa-behorighet",),
                "Avbruten: elevhälsan för numera journal enbart digitalt.",
            ),
            M(
                "Ändra standardinställningen för delning i lärplattformen",
                "technical",
                "done",
                -60,
                ("larplattform-delning",),
                responsible="steward",
                completion="Delning är nu avstängd som standard; kontrollerat i tre skolors kurser.",
            ),
            M(
                "Krav på tillgänglighet under placeringsperioderna i avtalet",
                "administrative",
                "not_started",
                150,
                ("barnomsorg-etjanst",),
            ),
            M(
                "Utskrivna körlistor hos transportören",
                "organisational",
                "done",
                -200,
                ("skolskjuts-avbrott",),
                responsible="steward",
                completion="Transportören bekräftar i avtalsuppföljningen att körlistorna skrivs ut varje fredag.",
            ),
        ],
    ),
    "VAF": Plan(
        "done",
        "Påhittad demoanalys. Socialtjänstens och hälso- och sjukvårdens system hanterar de mest skyddsvärda "
        "uppgifterna i kommunen. Obehörig läsning i personakter och journaler, avbrott i trygghetslarmen och "
        "felaktig läkemedelssignering är de största riskerna. Analysen ska rapporteras till nämnden i december.",
        [
            R(
                "soc-lasning",
                "Verksamhetssystem socialtjänst",
                cause="handläggare söker fram personakter utan att ha ett ärende, till exempel om en släkting",
                event="obehörig läsning i personakter",
                consequence="sekretessbelagda uppgifter röjs, den enskilde skadas och förtroendet för socialtjänsten "
                "minskar",
                aspects=("K",),
                likelihood=3,
                level=4,
                protection="Behörighet per enhet; alla uppslag loggas.",
                treatment="reduce",
                motivation="Systematisk loggkontroll varje månad och information till alla om att loggarna granskas.",
                residual=(1, 4),
            ),
            R(
                "soc-utpressning",
                "Verksamhetssystem socialtjänst",
                threat="ransomware",
                aspects=("R", "T"),
                likelihood=2,
                level=4,
                protection="Leverantören tar säkerhetskopior varje natt.",
                treatment="reduce",
                motivation="Frånkopplade säkerhetskopior och ett testat återläsningsförfarande.",
                residual=(1, 4),
                owner="steward",
            ),
            R(
                "fs-utbetalning",
                "Försörjningsstöd",
                cause="utbetalningsfilen till banken kan ändras mellan systemet och banken",
                event="bistånd betalas ut till fel konto",
                consequence="enskilda får inte sitt bistånd i tid och kommunen förlorar pengar",
                aspects=("R",),
                likelihood=2,
                level=3,
                treatment="reduce",
                motivation="Filen skickas direkt från systemet och utbetalningen attesteras av två personer.",
                residual=(1, 3),
            ),
            R(
                "fs-natfiske",
                "Försörjningsstöd",
                threat="phishing",
                aspects=("K", "R"),
                likelihood=3,
                level=3,
                protection="Lösenord med krav på längd.",
                treatment="reduce",
                motivation="Tvåfaktorsinloggning via kommunens identitetstjänst.",
                residual=(1, 3),
                owner="steward",
            ),
            R(
                "hemtjanst-mobil",
                "Hemtjänstplanering",
                cause="tjänstetelefoner med planeringsappen tappas bort eller blir stulna",
                event="obehöriga ser brukares namn, adresser och portkoder",
                consequence="brukares säkerhet och integritet kränks",
                aspects=("K",),
                likelihood=3,
                level=3,
                protection="Pinkod på telefonen.",
                treatment="reduce",
                motivation="Telefonerna förs in i kommunens enhetshantering med fjärradering.",
                residual=(2, 2),
            ),
            R(
                "hemtjanst-avbrott",
                "Hemtjänstplanering",
                threat="vendor_outage",
                aspects=("T",),
                likelihood=2,
                level=3,
                treatment="reduce",
                motivation="Dagens körscheman skrivs ut varje morgon och förvaras på varje hemtjänstgrupp.",
                residual=(2, 2),
                owner="steward",
            ),
            R(
                "hsl-behorighet",
                "Hälso- och sjukvårdsjournal",
                threat="wrong_access",
                aspects=("K",),
                likelihood=2,
                level=4,
                protection="Behörighet per enhet.",
                treatment="reduce",
                motivation="Behörighetsgenomgång när personal byter enhet och loggkontroll varje månad.",
                residual=(1, 4),
            ),
            R(
                "hsl-sarbarheter",
                "Hälso- och sjukvårdsjournal",
                threat="unpatched",
                aspects=("K", "R", "T"),
                likelihood=2,
                level=3,
                treatment="transfer",
                motivation="Leverantören ansvarar för uppdateringar enligt avtalet och redovisar dem varje kvartal.",
                residual=(1, 3),
                owner="steward",
            ),
            R(
                "larm-tackning",
                "Trygghetslarm",
                cause="täckningen i mobilnätet är svag i delar av landsbygden efter övergången till digitala larm",
                event="ett larm från en brukare når inte larmcentralen",
                consequence="brukaren får inte hjälp vid fall eller sjukdom; fara för liv och hälsa",
                aspects=("T",),
                likelihood=2,
                level=4,
                protection="Larmen skickar en testsignal varje dygn.",
                treatment="reduce",
                motivation="Täckningsmätning hos varje ny brukare och provlarm varje månad.",
                residual=(1, 4),
            ),
            R(
                "larm-leverantor",
                "Trygghetslarm",
                threat="vendor_outage",
                aspects=("T",),
                likelihood=2,
                level=4,
                treatment="transfer",
                motivation="Avtal med en reservlarmcentral som tar över vid avbrott.",
                residual=(1, 4),
                owner="steward",
            ),
            R(
                "lakemedel-signering",
                "Läkemedelshantering",
                cause="signeringen görs i efterhand när det är hög arbetsbelastning",
                event="signeringslistan visar fel om ett läkemedel har getts",
                consequence="en brukare får dubbel dos eller ingen dos",
                aspects=("R",),
                likelihood=2,
                level=4,
                treatment="reduce",
                motivation="Påminnelse i appen och daglig avvikelsekontroll av sjuksköterska.",
                residual=(1, 4),
            ),
            R(
                "ame-nyckelperson",
                "Arbetsmarknadsenhetens ärendesystem",
                threat="key_person",
                aspects=("T",),
                likelihood=3,
                level=2,
                treatment="accept",
                motivation="Ärendena kan handläggas på papper några veckor; påverkan är begränsad.",
            ),
        ],
        [
            M(
                "Systematisk loggkontroll i personakter och journaler",
                "administrative",
                "in_progress",
                -20,
                ("soc-lasning", "hsl-behorighet"),
                "Stickprov varje månad; avvikelser går till förvaltningschefen.",
            ),
            M(
                "Täckningsmätning och provlarm varje månad",
                "organisational",
                "done",
                -100,
                ("larm-tackning",),
                responsible="steward",
                completion="Mätningar och provlarm görs sedan i våras; protokollen finns hos larmcentralen.",
            ),
            M(
                "Avtal med reservlarmcentral",
                "administrative",
                "not_started",
                -5,
                ("larm-leverantor",),
            ),
            M(
                "Hemtjänstens telefoner i enhetshanteringen med fjärradering",
                "technical",
                "in_progress",
                45,
                ("hemtjanst-mobil",),
                responsible="admin",
            ),
            M(
                "Tvåfaktorsinloggning för ekonomiskt bistånd",
                "technical",
                "not_started",
                90,
                ("fs-natfiske",),
                responsible="admin",
            ),
            M(
                "Attest av utbetalningar av två personer",
                "administrative",
                "done",
                -200,
                ("fs-utbetalning",),
                completion="Ekonomisystemet kräver nu två attestanter för varje utbetalning.",
            ),
            M(
                "Låsbart skåp för utskrivna körscheman på varje hemtjänstgrupp",
                "physical",
                "done",
                -30,
                ("hemtjanst-avbrott", "hemtjanst-mobil"),
                responsible="steward",
                completion="Skåp är uppsatta hos alla hemtjänstgrupper.",
            ),
            M(
                "Test av återläsning av socialtjänstens säkerhetskopior",
                "technical",
                "not_started",
                -60,
                ("soc-utpressning",),
                "Leverantören läser tillbaka en kopia i testmiljön; förvaltningen kontrollerar resultatet.",
                responsible="steward",
            ),
            M(
                "Daglig avvikelsekontroll av läkemedelssigneringar",
                "organisational",
                "in_progress",
                20,
                ("lakemedel-signering",),
            ),
        ],
    ),
    "KSF": Plan(
        "ongoing",
        "Påhittad demoanalys, pågående. Lönesystemet, ekonomisystemet, diariet och de gemensamma IT-tjänsterna "
        "är genomgångna; övriga system tas på workshoppar under våren.",
        [
            R(
                "lon-attest",
                "Lönesystem",
                cause="chefer attesterar lönearter utan att granska underlaget",
                event="felaktiga löner betalas ut",
                consequence="anställda får fel lön och kommunen måste kräva tillbaka pengar",
                aspects=("R",),
                likelihood=2,
                level=3,
                treatment="reduce",
                motivation="Löneenheten gör stickprov varje månad.",
                residual=(1, 3),
            ),
            R(
                "lon-skyddad",
                "Lönesystem",
                cause="alla chefer med attesträtt ser anställdas adresser",
                event="adressen till en anställd med skyddade personuppgifter röjs",
                consequence="den anställdas säkerhet hotas",
                aspects=("K",),
                likelihood=2,
                level=4,
                treatment="reduce",
                motivation="Uppgifterna döljs; bara två handläggare på löneenheten ser dem.",
                residual=(1, 4),
                owner="steward",
            ),
            R(
                "eko-bedrageri",
                "Ekonomisystem",
                cause="en bedragare meddelar ändrat bankgiro i en känd leverantörs namn",
                event="en betalning går till bedragarens konto",
                consequence="kommunen förlorar pengar och leverantören får inte betalt",
                aspects=("R",),
                likelihood=3,
                level=3,
                protection="Nya leverantörer läggs upp av ekonomienheten.",
                treatment="reduce",
                motivation="Ändrat bankgiro bekräftas alltid per telefon till leverantörens kända nummer.",
                residual=(1, 3),
            ),
            R(
                "diarium-sekretess",
                "Ärende- och dokumenthanteringssystem",
                cause="en sekretessbelagd handling registreras utan sekretessmarkering",
                event="handlingen visas i diariet på webbplatsen",
                consequence="sekretessbelagda uppgifter röjs för allmänheten",
                aspects=("K",),
                likelihood=2,
                level=4,
                protection="Registratorn granskar nya handlingar inom en vecka.",
                # Not yet treated: the analysis is still going on.
            ),
            R(
                "idp-sarbarheter",
                "Identitets- och behörighetssystem",
                threat="unpatched",
                aspects=("K", "R", "T"),
                likelihood=2,
                level=4,
                treatment="reduce",
                motivation="Uppdateringar installeras varje månad enligt driftrutinen.",
                residual=(1, 4),
                owner="steward",
            ),
            R(
                "idp-konton",
                "Identitets- och behörighetssystem",
                cause="konton för personal som har slutat stängs inte",
                event="en före detta anställd loggar in med sitt gamla konto",
                consequence="information röjs eller ändras",
                aspects=("K", "R"),
                likelihood=3,
                level=3,
                treatment="reduce",
                motivation="Kontot stängs automatiskt när anställningen avslutas i lönesystemet.",
                residual=(1, 3),
                owner="steward",
            ),
            R(
                "backup-aterlasning",
                "Säkerhetskopiering",
                threat="backup_failure",
                aspects=("R", "T"),
                likelihood=2,
                level=4,
                treatment="reduce",
                motivation="Återläsning testas varje kvartal.",
                residual=(1, 4),
                owner="steward",
            ),
            R(
                "backup-utpressning",
                "Säkerhetskopiering",
                threat="ransomware",
                aspects=("R", "T"),
                likelihood=2,
                level=4,
                treatment="reduce",
                motivation="Kopior som inte kan ändras förvaras i en annan byggnad.",
                residual=(1, 4),
            ),
        ],
        [
            M(
                "Bekräfta ändrat bankgiro per telefon",
                "administrative",
                "done",
                -150,
                ("eko-bedrageri",),
                completion="Rutinen gäller från årsskiftet och finns i ekonomihandboken.",
            ),
            M(
                "Stäng konton automatiskt när anställningen avslutas",
                "technical",
                "in_progress",
                -30,
                ("idp-konton",),
                responsible="admin",
            ),
            M(
                "Återläsningstest av säkerhetskopior varje kvartal",
                "technical",
                "not_started",
                60,
                ("backup-aterlasning",),
                responsible="admin",
            ),
            M(
                "Säkerhetskopior i brandklassat skåp i annan byggnad",
                "physical",
                "in_progress",
                100,
                ("backup-utpressning", "backup-aterlasning"),
                responsible="itchef",
            ),
            M(
                "Tydliggör chefernas ansvar för löneattest i delegationsordningen",
                "organisational",
                "not_started",
                -75,
                ("lon-attest",),
            ),
        ],
    ),
    "TFF": Plan(
        "ongoing",
        "Påhittad demoanalys, pågående. Vattenverkets styrsystem är analyserat först eftersom ett avbrott eller "
        "en manipulation påverkar alla invånare.",
        [
            R(
                "vatten-fjarr",
                "Vattenverkets styrsystem",
                cause="leverantören når styrsystemet via en fjärranslutning som alltid är öppen och saknar "
                "tvåfaktorsinloggning",
                event="en angripare tar sig in och ändrar doseringen av kemikalier",
                consequence="dricksvattnet blir otjänligt; fara för hälsa och omfattande störning för invånarna",
                aspects=("R", "T"),
                likelihood=2,
                level=4,
                treatment="reduce",
                motivation="Fjärråtkomst bara via kommunens VPN med tvåfaktorsinloggning och öppnas vid behov.",
                residual=(1, 4),
                owner="steward",
            ),
            R(
                "vatten-strom",
                "Vattenverkets styrsystem",
                cause="långvarigt strömavbrott",
                event="styrsystemet stannar",
                consequence="vattenförsörjningen avbryts",
                aspects=("T",),
                likelihood=2,
                level=3,
                protection="UPS för styrdatorn i fyra timmar.",
                treatment="reduce",
                motivation="Reservkraftverket provkörs två gånger om året.",
                residual=(1, 3),
            ),
            R(
                "bygglov-avbrott",
                "Bygglovssystem",
                threat="vendor_outage",
                aspects=("T",),
                likelihood=2,
                level=2,
                treatment="accept",
                motivation="Handläggningstiderna klarar några dagars avbrott.",
                owner="steward",
            ),
        ],
        [
            M(
                "Fjärråtkomst för leverantören via VPN med tvåfaktorsinloggning",
                "technical",
                "not_started",
                -10,
                ("vatten-fjarr",),
                responsible="admin",
            ),
            M(
                "Provkörning av reservkraften i vattenverket",
                "physical",
                "done",
                -50,
                ("vatten-strom",),
                completion="Provkörning varje kvartal; senaste protokollet finns i driftjournalen.",
            ),
        ],
    ),
}

# For a system in a complete analysis that PLANS does not mention (the register may have grown),
# a generic risk from the pack's threat catalogue, so that the analysis can still be completed.
FALLBACK = R(
    "",
    "",
    threat="vendor_outage",
    aspects=("T",),
    likelihood=2,
    level=2,
    treatment="accept",
    motivation="Påverkan bedöms som begränsad (påhittad demomotivering).",
)

MEETING_PARAGRAPH = 95
DIARY_SERIAL = 71


def _catalogue(key: str) -> dict:
    threat = next(t for t in get_pack().threats if t.key == key)
    return {"cause": threat.get("cause"), "event": threat.get("event"), "consequence": threat.get("consequence")}


def _person(system: InformationSystem, who: str) -> Person | None:
    if who == "steward":
        return system.system_steward or system.responsible_manager
    if who == "manager":
        return system.responsible_manager or system.system_steward
    return Person.objects.filter(user__username=who).first()


def _participants(unit: OrgUnit, systems: list[InformationSystem]) -> list[Person]:
    """The unit's head and security coordinator, the säkerhetsstrateg and the systems' people."""
    held = RoleAssignment.objects.active().filter(
        role__in=[Role.UNIT_HEAD, Role.SECURITY_COORDINATOR], unit=unit
    ) | RoleAssignment.objects.active().filter(role=Role.SECURITY_STRATEGIST)
    people = [a.person for a in held.select_related("person").order_by("role", "pk")]
    for system in systems:
        people += [p for p in (system.responsible_manager, system.system_steward) if p is not None]
    unique = {p.pk: p for p in people if not p.protected_identity}
    return list(unique.values())[:8]


def _create_risk(analysis: SecurityAnalysis, template: R, system: InformationSystem) -> Risk:
    texts = _catalogue(template.threat) if template.threat else {}
    return services.risk_create(
        actor=None,
        analysis=analysis,
        system=system,
        threat=template.threat,
        cause=template.cause or texts["cause"],
        event=template.event or texts["event"],
        consequence_text=template.consequence or texts["consequence"],
        aspects=list(template.aspects),
        likelihood=template.likelihood,
        consequence=template.level,
        existing_protection=template.protection,
        owner=_person(system, template.owner),
        treatment=template.treatment,
        treatment_motivation=template.motivation,
        residual_likelihood=template.residual[0] if template.residual else None,
        residual_consequence=template.residual[1] if template.residual else None,
    )


def _load_one(unit: OrgUnit, plan: Plan, today: datetime.date) -> SecurityAnalysis:
    period = mandate_period_for(today, get_pack().action_plan_period_anchor)
    analysis = services.analysis_start(
        actor=None, unit=unit, started_on=max(period.starts_on, today - datetime.timedelta(days=180))
    )
    scope = analysis_scope(analysis).in_scope.select_related("responsible_manager", "system_steward")
    in_scope = {system.name: system for system in scope}
    named = [template for template in plan.risks if template.system in in_scope]
    templates = list(named)
    if plan.state != "ongoing":
        covered = {template.system for template in named}
        templates += [
            dataclasses.replace(FALLBACK, key=f"fallback-{name}", system=name)
            for name in sorted(in_scope)
            if name not in covered
        ]
    services.analysis_update(
        actor=None,
        analysis=analysis,
        summary=plan.summary,
        participants=_participants(unit, [in_scope[t.system] for t in named]),
    )
    risks = {t.key: _create_risk(analysis, t, in_scope[t.system]) for t in templates}
    for measure in plan.measures:
        treated = [risks[key] for key in measure.risks if key in risks]
        if not treated:
            continue
        services.measure_save(
            actor=None,
            analysis=analysis,
            risks=treated,
            title=measure.title,
            description=measure.description,
            kind=measure.kind,
            status=measure.status,
            aspects=sorted({a for risk in treated for a in risk.aspects}),
            responsible=_person(treated[0].system, measure.responsible),
            due_on=today + datetime.timedelta(days=measure.due),
            completion_note=measure.completion,
        )
    if plan.state in ("done", "reported"):
        services.analysis_complete(actor=None, analysis=analysis)
    if plan.state == "reported":
        # The decision is invented too. The meeting cannot precede the day the analysis was
        # completed, which analysis_complete sets to today. The förvaltningschef reports it: the
        # archival copy (version 1) shows the analysis as the reporter sees it, which is all of it.
        board = unit.governing_board
        head = (
            RoleAssignment.objects.active()
            .filter(role=Role.UNIT_HEAD, unit=unit, person__user__isnull=False)
            .select_related("person__user")
            .first()
        )
        services.analysis_report(
            actor=head.person.user if head else None,
            analysis=analysis,
            board=board,
            meeting_date=today,
            paragraph=MEETING_PARAGRAPH,
            diary_number=get_pack().format_diary_number(year=today.year, serial=DIARY_SERIAL, board=board.short_name),
        )
    return analysis


@transaction.atomic
def load_risks_demo() -> int:
    """Create the invented demo analyses; returns how many were created (0 on a second run)."""
    refuse_in_production()
    today = access.today()
    period = mandate_period_for(today, get_pack().action_plan_period_anchor)
    units = {u.short_name: u for u in OrgUnit.objects.filter(short_name__in=PLANS).select_related("governing_board")}
    created = 0
    for key, plan in PLANS.items():
        unit = units.get(key)
        if unit is None or SecurityAnalysis.objects.filter(unit=unit, period=period).exists():
            continue
        _load_one(unit, plan, today)
        created += 1
    return created
