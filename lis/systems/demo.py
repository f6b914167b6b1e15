"""Demo register: about forty invented informationssystem across Åmål's units, classified at
every level, a few deliberately incomplete so that Efterlevnad has findings. The vendors and
everything else here are invented. Idempotent: systems are matched by name and unit."""

from __future__ import annotations

import datetime

from django.db import transaction

from lis.organisation.models import OrgUnit, Person

from . import services
from .models import InformationSystem, Party, Platform, UserGroup

# POL-3.29: the demo's platform register. (name, kind, vendor, lifecycle, devices in use)
PLATFORMS = [
    ("Windows 11", "os", "Microsoft", "standard", None),
    ("Windows 10", "os", "Microsoft", "phase_out", None),
    ("macOS", "os", "Apple", "allowed", None),
    ("iPadOS", "os", "Apple", "standard", None),
    ("ChromeOS", "os", "Google", "allowed", None),
    ("Lenovo ThinkPad T14", "device", "Lenovo", "standard", 1450),
    ("Apple iPad (10:e generationen)", "device", "Apple", "standard", 620),
    ("Acer Chromebook 314", "device", "Acer", "allowed", 380),
    ("HP EliteBook 840 G5", "device", "HP", "phase_out", 140),
    ("Microsoft SQL Server", "database", "Microsoft", "standard", None),
    ("PostgreSQL", "database", "", "allowed", None),
    ("Azure", "hosting", "Microsoft", "allowed", None),
    ("Kommunens serverhall", "hosting", "IT-enheten", "standard", None),
    ("Webbläsare", "other", "", "standard", None),
]
# Which platforms a system runs on, by its operating model.
PLATFORMS_BY_MODEL = {
    "saas": ["Webbläsare", "Azure"],
    "vendor_hosted": ["Webbläsare", "Microsoft SQL Server"],
    "on_premises": ["Windows 11", "Microsoft SQL Server", "Kommunens serverhall"],
    "hybrid": ["Windows 11", "Azure"],
    "paper": [],
}

VENDORS = [
    "Nordsys AB",
    "Kommundata Väst AB",
    "Skolverktyg Norden AB",
    "Omsorgsdata AB",
    "Kartkraft AB",
    "Arkivtjänst Sverige AB",
    "Molnbolaget AB",
    "Fastighetsdata AB",
    "Nätdrift Dalsland AB",
]

# (unit, name, description, owner, operating model, levels per information set, flags)
# levels: list of (information set, "K R T") with "-" for an unclassified set, "?" for a proposal.
SYSTEMS = [
    (
        "KSF",
        "Ekonomisystem",
        "Redovisning, budget och leverantörsreskontra.",
        "Nordsys AB",
        "saas",
        [("Redovisning", "1 3 2"), ("Leverantörsfakturor", "1 2 2")],
        "",
    ),
    (
        "KSF",
        "Lönesystem",
        "Löner, frånvaro och pension för alla anställda.",
        "Nordsys AB",
        "vendor_hosted",
        [("Löneuppgifter", "2 3 3"), ("Skyddade personuppgifter", "3 3 2")],
        "personal_data sensitive",
    ),
    (
        "KSF",
        "Ärende- och dokumenthanteringssystem",
        "Diarium och nämndadministration.",
        "Kommundata Väst AB",
        "on_premises",
        [("Diarium", "2 3 2"), ("Sekretessbelagda handlingar", "3 3 2")],
        "personal_data secrecy",
    ),
    (
        "KSF",
        "E-arkiv",
        "Långtidsbevarande av allmänna handlingar; allmänheten söker i arkivet.",
        "Arkivtjänst Sverige AB",
        "saas",
        [("Arkiverade handlingar", "2 3 1")],
        "personal_data consumers",
    ),
    (
        "KSF",
        "E-tjänsteplattform",
        "Invånarnas e-tjänster och ärendeinlämning.",
        "Kommundata Väst AB",
        "saas",
        [("Inskickade ärenden", "2 2 2")],
        "personal_data",
    ),
    (
        "KSF",
        "E-post och samarbetsverktyg",
        "E-post, kalender och dokumentsamarbete.",
        "Molnbolaget AB",
        "saas",
        [("E-post", "2 2 3")],
        "personal_data",
    ),
    (
        "KSF",
        "Telefoni och växel",
        "Kommunens växel och mobiltelefoni.",
        "Nätdrift Dalsland AB",
        "vendor_hosted",
        [("Samtalsloggar", "1 1 3")],
        "",
    ),
    (
        "KSF",
        "Förtroendemannaregister",
        "Register över förtroendevalda; publiceras för allmänheten.",
        "Kommundata Väst AB",
        "saas",
        [("Uppdrag", "0 1 1")],
        "consumers",
    ),
    ("KSF", "Intranät", "Interna nyheter och styrdokument.", "Molnbolaget AB", "saas", [("Nyheter", "0 1 1")], ""),
    (
        "KSF",
        "Webbplats",
        "Kommunens externa webbplats.",
        "Molnbolaget AB",
        "saas",
        [("Publicerat innehåll", "0 2 1")],
        "consumers",
    ),
    (
        "KSF",
        "Identitets- och behörighetssystem",
        "Katalogtjänst och inloggning för alla system.",
        "Nordsys AB",
        "on_premises",
        [("Konton och behörigheter", "2 3 3")],
        "",
    ),
    (
        "KSF",
        "Säkerhetskopiering",
        "Säkerhetskopior av kommunens servrar.",
        "Nordsys AB",
        "on_premises",
        [("Kopior", "3 3 2")],
        "no_steward",
    ),
    (
        "KSF",
        "Pappersarkiv kommunkansliet",
        "Äldre protokoll och handlingar på papper.",
        None,
        "paper",
        [("Protokoll 1971–2005", "1 2 0")],
        "paper",
    ),
    (
        "KSF",
        "Upphandlingsverktyg",
        "Annonsering och anbud.",
        "Kommundata Väst AB",
        "",
        [("Anbud", "2 2 1")],
        "no_operating_model",
    ),
    (
        "KSF",
        "Beredskapsplanering",
        "Krisledning och beredskapsplaner.",
        "Nordsys AB",
        "on_premises",
        [("Beredskapsplaner", "2 2 2"), ("Säkerhetsskyddad planering", "security")],
        "",
    ),
    (
        "BUF",
        "Skolplattform",
        "Närvaro, schema, omdömen och kommunikation med vårdnadshavare.",
        "Skolverktyg Norden AB",
        "saas",
        [("Elevuppgifter", "2 2 2"), ("Omdömen", "2 3 1")],
        "personal_data consumers",
    ),
    (
        "BUF",
        "Elevhälsojournal",
        "Journaler för skolsköterska, kurator och psykolog.",
        "Omsorgsdata AB",
        "saas",
        [("Journaler", "3 3 2")],
        "personal_data sensitive secrecy",
    ),
    (
        "BUF",
        "Barnomsorgsplacering",
        "Köer och placeringar i förskola och fritidshem.",
        "Skolverktyg Norden AB",
        "saas",
        [("Placeringar", "2 2 1")],
        "personal_data consumers",
    ),
    (
        "BUF",
        "Schemaläggning",
        "Lärarnas och elevernas scheman.",
        "Skolverktyg Norden AB",
        "saas",
        [("Scheman", "0 1 1")],
        "",
    ),
    (
        "BUF",
        "Lärplattform",
        "Uppgifter och material.",
        "Molnbolaget AB",
        "saas",
        [("Kursmaterial", "1 1 1")],
        "no_users",
    ),
    (
        "BUF",
        "Skolskjutsplanering",
        "Planering av skolskjuts.",
        "Kommundata Väst AB",
        "vendor_hosted",
        [("Resor", "2 1 2")],
        "proposed",
    ),
    (
        "VAF",
        "Verksamhetssystem socialtjänst",
        "Utredningar, beslut och journaler inom socialtjänsten.",
        "Omsorgsdata AB",
        "vendor_hosted",
        [("Personakter", "3 3 3"), ("Beslut", "3 3 2")],
        "personal_data sensitive secrecy expiring",
    ),
    (
        "VAF",
        "Försörjningsstöd",
        "Handläggning och utbetalning av ekonomiskt bistånd.",
        "Omsorgsdata AB",
        "vendor_hosted",
        [("Ansökningar", "3 3 2")],
        "personal_data sensitive secrecy",
    ),
    (
        "VAF",
        "Hemtjänstplanering",
        "Planering av besök i hemtjänsten.",
        "Omsorgsdata AB",
        "saas",
        [("Besöksplaner", "2 2 3")],
        "personal_data",
    ),
    (
        "VAF",
        "Hälso- och sjukvårdsjournal",
        "Journal för kommunal hälso- och sjukvård.",
        "Omsorgsdata AB",
        "saas",
        [("Patientjournaler", "3 3 3")],
        "personal_data sensitive secrecy",
    ),
    (
        "VAF",
        "Trygghetslarm",
        "Larmmottagning för äldre i ordinärt boende.",
        "Nätdrift Dalsland AB",
        "vendor_hosted",
        [("Larm", "2 2 3")],
        "personal_data expiring",
    ),
    (
        "VAF",
        "Läkemedelshantering",
        "Signering av läkemedelsutdelning.",
        "Omsorgsdata AB",
        "saas",
        [("Signeringslistor", "3 3 3")],
        "personal_data sensitive unclassified",
    ),
    (
        "VAF",
        "Arbetsmarknadsenhetens ärendesystem",
        "Insatser för arbetssökande.",
        "Kommundata Väst AB",
        "",
        [("Deltagare", "2 2 1")],
        "personal_data no_operating_model",
    ),
    (
        "TFF",
        "Bygglovssystem",
        "Ansökningar om bygglov och anmälningar.",
        "Kartkraft AB",
        "saas",
        [("Ärenden", "1 2 1")],
        "personal_data consumers",
    ),
    (
        "TFF",
        "GIS och kartsystem",
        "Kartor, adresser och planer.",
        "Kartkraft AB",
        "on_premises",
        [("Kartdata", "0 2 1")],
        "consumers",
    ),
    (
        "TFF",
        "Felanmälan",
        "Invånarnas felanmälningar om gator och parker.",
        "Kommundata Väst AB",
        "saas",
        [("Anmälningar", "1 1 1")],
        "consumers",
    ),
    (
        "TFF",
        "Bokningssystem fritid",
        "Bokning av idrottshallar och lokaler.",
        "Kommundata Väst AB",
        "saas",
        [("Bokningar", "1 1 1")],
        "consumers",
    ),
    (
        "TFF",
        "Renhållningsregister",
        "Abonnemang för avfallshämtning.",
        "Kommundata Väst AB",
        "vendor_hosted",
        [("Abonnenter", "1 2 1")],
        "personal_data",
    ),
    (
        "TFF",
        "Vattenverkets styrsystem",
        "Styr och övervakar vattenverket.",
        "Nätdrift Dalsland AB",
        "on_premises",
        [("Styrdata", "1 3 3")],
        "",
    ),
    (
        "ÅKAB",
        "Fastighetssystem",
        "Fastigheter, avtal och underhåll.",
        "Fastighetsdata AB",
        "saas",
        [("Hyresavtal", "1 2 1")],
        "personal_data",
    ),
    (
        "ÅKAB",
        "Passersystem",
        "Passerkort och behörigheter till kommunens lokaler.",
        "Fastighetsdata AB",
        "on_premises",
        [("Passerloggar", "2 2 3")],
        "personal_data",
    ),
    (
        "ÅKAB",
        "Energiuppföljning",
        "Mätvärden för el och värme.",
        "Fastighetsdata AB",
        "saas",
        [("Mätvärden", "0 0 0")],
        "",
    ),
    (
        "SÅAB",
        "Stadsnätets drift- och övervakningssystem",
        "Övervakning av fibernätet.",
        "Nätdrift Dalsland AB",
        "on_premises",
        [("Nätövervakning", "2 3 3")],
        "",
    ),
    (
        "SÅAB",
        "Kundregister stadsnät",
        "Anslutningar och abonnemang.",
        "Nätdrift Dalsland AB",
        "saas",
        [("Kunder", "1 2 1")],
        "personal_data expiring",
    ),
    (
        "SÅAB",
        "Nätdokumentation",
        "Ritningar över kanalisation och fiber.",
        "Nätdrift Dalsland AB",
        "on_premises",
        [("Ritningar", "2 2 1")],
        "no_steward",
    ),
]


def _people_in(unit: OrgUnit) -> list[Person]:
    return list(
        Person.objects.filter(
            unit__path__startswith=unit.path, ended_on__isnull=True, protected_identity=False
        ).order_by("pk")[:6]
    )


@transaction.atomic
def load_systems_demo() -> int:
    """Create the demo register; returns the number of systems created. Their information sets
    are classified by lis.classification.demo."""
    units = {u.short_name: u for u in OrgUnit.objects.exclude(short_name="")}
    parties = {}
    for name in VENDORS:
        parties[name] = Party.objects.filter(name=name).first() or services.party_create(
            actor=None,
            name=name,
            kind="external",
            contact_name="Kundtjänst (påhittad)",
            notes="Påhittad leverantör i demodata.",
        )
    it_party = Party.objects.filter(internal_unit=units["IT"]).first() or services.party_create(
        actor=None, name="IT-enheten, Åmåls kommun", kind="internal", internal_unit=units["IT"]
    )
    today = datetime.date.today()
    created = 0
    for index, (unit_key, name, description, owner, model, sets, flags) in enumerate(SYSTEMS):
        unit = units[unit_key]
        if InformationSystem.objects.filter(unit=unit, name=name).exists():
            continue
        people = _people_in(unit) or _people_in(units["KSF"])
        steward = None if "no_steward" in flags else people[index % len(people)]
        system = services.system_create(
            actor=None,
            name=name,
            description=description,
            unit=unit,
            status="operational",
            system_owner=parties[owner] if owner else it_party,
            supplier=parties[owner] if owner and "on_premises" == model else None,
            responsible_manager=people[0],
            system_steward=steward,
            steward_appointed_on=today - datetime.timedelta(days=400 + index * 7) if steward else None,
            operating_model=model,
            personal_data="personal_data" in flags,
            sensitive_personal_data="sensitive" in flags,
            secrecy="secrecy" in flags,
            secrecy_provision="26 kap. 1 § OSL" if "secrecy" in flags else "",
            tags="demo",
        )
        created += 1
        if "no_users" not in flags:
            services.user_group_create(
                actor=None,
                system=system,
                kind="user",
                description="Handläggare",
                access_level="Läsa och skriva",
                approximate_size=10 + index * 3,
            )
        if "consumers" in flags:
            services.user_group_create(
                actor=None, system=system, kind="consumer", description="Invånare", access_level="Läsa egna uppgifter"
            )
        elif "no_users" not in flags:
            services.system_update(actor=None, system=system, no_consumers=True)
        if owner:
            ends = today + datetime.timedelta(days=90 if "expiring" in flags else 700 + index * 10)
            agreement = services.agreement_create(
                actor=None,
                system=system,
                counterparty=parties[owner],
                reference=f"AVT-{2021 + index % 4}-{100 + index}",
                starts_on=datetime.date(2021 + index % 4, 1, 1),
                ends_on=ends,
                notice_months=6,
            )
            # Most agreements were gone through within the year (POL-3.31); every seventh was
            # not, so the overdue review shows in the lists, the rules and the reminders.
            if index % 7:
                services.agreement_review(
                    actor=None,
                    agreement=agreement,
                    on=today - datetime.timedelta(days=20 + index * 13 % 300),
                    note="Avtalet är genomgånget och gäller som det är (påhittat).",
                )
        for set_name, _levels in sets:
            services.information_set_create(actor=None, system=system, name=set_name, digital="paper" not in flags)
    created += _load_procurement_demo(units)
    return created


def _load_procurement_demo(units: dict[str, OrgUnit]) -> int:
    """Platforms (POL-3.29), IT-enhetens consultation (POL-3.27) and the user groups' contact
    persons (POL-3.28) on the demo systems; one system under anskaffning without the
    consultation. Idempotent: only what is missing is added. Returns the systems created."""
    platforms = {}
    for name, kind, vendor, lifecycle, devices in PLATFORMS:
        platforms[name] = Platform.objects.filter(name=name).first() or services.platform_create(
            actor=None, name=name, kind=kind, vendor=vendor, lifecycle=lifecycle, devices_in_use=devices
        )
    demo_systems = list(InformationSystem.objects.filter(tags__contains="demo").order_by("pk"))
    today = datetime.date.today()
    for index, system in enumerate(demo_systems):
        if not system.platforms.exists():
            names = list(PLATFORMS_BY_MODEL.get(system.operating_model, []))
            if system.unit.short_name == "BUF":
                names += ["iPadOS", "Apple iPad (10:e generationen)", "Acer Chromebook 314"]
            elif index % 7 == 3:
                names += ["Windows 10", "HP EliteBook 840 G5"]  # still on a phase-out model
            if names:
                services.system_update(actor=None, system=system, platforms=[platforms[n] for n in names])
        # Systems in drift were procured with IT-enheten, most of them on record; the one being
        # procured now (below) has not been discussed with IT-enheten yet.
        if system.it_consulted_on is None and index % 4 != 1 and system.status != "procurement":
            services.system_update(
                actor=None,
                system=system,
                it_consulted_on=today - datetime.timedelta(days=500 + index * 11),
                procurement_reference=f"UH-{2019 + index % 6}-{200 + index}",
            )
    created = 0
    unit = units.get("VAF")
    if unit is not None and not InformationSystem.objects.filter(unit=unit, name="Nytt planeringsstöd").exists():
        services.system_create(
            actor=None,
            name="Nytt planeringsstöd",
            description="Planering av hemtjänstens besök. Upphandlas; IT-enheten är ännu inte rådfrågad.",
            unit=unit,
            status="procurement",
            operating_model="saas",
            procurement_reference="UH-2026-031",
            responsible_manager=Person.objects.filter(user__username="chef.vaf").first(),
            system_steward=Person.objects.filter(user__username="samordnare.vaf").first(),
            tags="demo",
            platforms=[platforms["Webbläsare"], platforms["Azure"]],
        )
        created += 1
    # The demo employee (medarbetare, VAF) gets driftinformation for one of VAF's user groups.
    employee = Person.objects.filter(user__username="medarbetare").first()
    if employee is not None:
        groups = UserGroup.objects.filter(system__unit__path__startswith=employee.unit.path, kind="user")
        if not groups.filter(contact=employee).exists():
            group = groups.filter(contact__isnull=True).order_by("pk").first()
            if group is not None:
                services.user_group_update(actor=None, group=group, contact=employee)
    # Every third group has its system's ansvarig chef as contact person (once: a second load
    # writes nothing).
    demo_groups = UserGroup.objects.filter(system__tags__contains="demo").select_related("system__responsible_manager")
    if not demo_groups.exclude(contact=employee).filter(contact__isnull=False).exists():
        for group in demo_groups.order_by("pk")[::3]:
            if group.contact_id is None and group.system.responsible_manager is not None:
                services.user_group_update(actor=None, group=group, contact=group.system.responsible_manager)
    return created
