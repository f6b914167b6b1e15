"""Demo handlingsplaner, the continuity plan and the routines for Åmål. Everything here is
invented for demonstration; no real plan, decision or person is described. Idempotent: what
exists is left alone, so a second run writes nothing."""

from __future__ import annotations

import datetime

from lis.core import access
from lis.core.pack import get_pack
from lis.organisation.demo import refuse_in_production
from lis.organisation.models import Board, OrgUnit, Person
from lis.organisation.services import mandate_period_for
from lis.systems.models import InformationSystem

from . import documents, services
from .models import ActionPlan, ContinuityPlan, Routine

PLANS = {
    # unit: (state, texts)
    "BUF": (
        "followed_up",
        {
            "digitalisation_needs": "Digital skolvalsansökan och en gemensam lärplattform för grundskolan.",
            "administrative_measures": "Rutin för behörighetsgenomgång varje termin.",
            "technical_measures": "Tvåfaktorsinloggning för all personal.",
            "timeline": "Åtgärderna genomförs under 2026 enligt tidsplanen nedan.",
        },
    ),
    "VAF": (
        "revised",
        {
            "digitalisation_needs": "E-tjänster för ekonomiskt bistånd och digital signering av beslut.",
            "administrative_measures": "Utbildning i informationssäkerhet för alla handläggare.",
            "technical_measures": "Loggning av åtkomst till journaler.",
            "timeline": "Arbetet sker i två etapper under mandatperioden.",
        },
    ),
    "KSF": (
        "for_decision",
        {
            "digitalisation_needs": "Digital nämndhantering och e-arkiv.",
            "administrative_measures": "Informationsklassning av alla ärendetyper.",
            "technical_measures": "Krypterade säkerhetskopior utanför kommunhuset.",
            "timeline": "Klart före mandatperiodens slut.",
        },
    ),
    "TFF": ("draft", {"digitalisation_needs": "Sensorer för vatten och avlopp."}),
}

IT_TEXTS = {
    "activation_conditions": "Planen aktiveras av IT-chefen vid avbrott längre än fyra timmar i ett "
    "verksamhetskritiskt system, vid misstänkt intrång eller när två förvaltningar samtidigt saknar IT-stöd.",
    "fallback_activation": "Reservmiljön i den andra serverhallen startas enligt driftdokumentationen. "
    "Prioritetsordning: löner, socialtjänstens journaler, skolplattform, e-post.",
    "return_to_normal": "Data återläses från senaste kontrollerade säkerhetskopia. Systemförvaltarna kontrollerar "
    "riktigheten innan verksamheten släpps in. Händelsen utvärderas inom två veckor.",
    "information_channels": "Intranätet och SMS till chefer. Om intranätet ligger nere: kommunens webbplats och "
    "telefonslinga via växeln 0532-170 00.",
}

ROUTINE_STATES = {
    "employment_lifecycle": ("adopted", "PE", "hr"),
    "user_agreement_access": ("adopted", "IT", "itchef"),
    "incident_reporting": ("adopted", "IT", "itchef"),
    "it_orders": ("adopted_overdue", "IT", "admin"),
    "procurement": ("draft", "KSF", "strateg"),
    "data_protection": ("draft", "IT", "admin"),
}


def _decide(plan: ActionPlan, board: Board, meeting: datetime.date, paragraph: int, serial: int) -> None:
    services.plan_submit(actor=None, plan=plan)
    services.plan_decide(
        actor=None,
        plan=plan,
        render_pdf=documents.plan_pdf,
        board=board,
        meeting_date=meeting,
        paragraph=paragraph,
        diary_number=f"{meeting.year}-{serial:05d}",
    )


def _person(username: str) -> Person:
    return Person.objects.get(user__username=username)


def _load_plans(units: dict[str, OrgUnit]) -> None:
    today = access.today()
    for index, (key, (state, texts)) in enumerate(PLANS.items()):
        unit = units[key]
        period = mandate_period_for(today, get_pack().action_plan_period_anchor)
        if ActionPlan.objects.filter(unit=unit, period=period).exists():
            continue
        plan = services.plan_start(actor=None, unit=unit)
        services.plan_update(actor=None, plan=plan, sections=texts)
        board = unit.governing_board
        if state in ("followed_up", "revised"):
            _decide(plan, board, datetime.date(2025, 3, 12), 20 + index, 40 + index)
        if state == "followed_up":
            services.follow_up_record(
                actor=None,
                plan=plan,
                followed_up_on=datetime.date(2026, 9, 16),
                board=board,
                meeting_date=datetime.date(2026, 9, 16),
                paragraph=88,
                diary_number=f"2025-{40 + index:05d}",
                note="Nämnden noterar att två åtgärder är försenade.",
            )
        if state == "revised":
            services.plan_update(
                actor=None,
                plan=plan,
                sections={**texts, "technical_measures": texts["technical_measures"] + " Och MFA."},
            )
        if state == "for_decision":
            services.plan_submit(actor=None, plan=plan)


def _load_continuity(units: dict[str, OrgUnit]) -> None:
    if ContinuityPlan.objects.filter(system__isnull=True, owner_unit=units["IT"]).exists():
        return
    plan = services.continuity_plan_create(
        actor=None, owner_unit=units["IT"], title="Handlingsplan IT – kontinuitet och drift"
    )
    services.continuity_plan_update(
        actor=None,
        plan=plan,
        sections=IT_TEXTS,
        reviewed_on=datetime.date(2026, 2, 1),
        review_due=datetime.date(2027, 2, 1),
    )
    itchef, admin, strateg = _person("itchef"), _person("admin"), _person("strateg")
    steps = [
        ("initial_activities", "Bekräfta avbrottet och dess omfattning med driftleverantören.", admin),
        ("initial_activities", "Kalla krisgruppen för IT och informera kommundirektören.", itchef),
        ("interruption_measures", "Stäng av förbindelsen till internet vid misstänkt intrång.", admin),
        ("interruption_measures", "Gå över till manuella rutiner enligt förvaltningarnas reservrutiner.", itchef),
        ("interruption_measures", "Bedöm om incidenten ska rapporteras till IMY eller CERT-SE.", strateg),
    ]
    for order, (section, text, person) in enumerate(steps, start=1):
        services.continuity_step_save(
            actor=None, plan=plan, section=section, order=order, text=text, responsible=person
        )
    for order, (person, role) in enumerate(
        ((itchef, "IT-chef, leder arbetet"), (admin, "Drift och reservmiljö"), (strateg, "Säkerhetsstrateg")), 1
    ):
        services.continuity_contact_save(actor=None, plan=plan, person=person, role=role, order=order)
    payroll = InformationSystem.objects.filter(name="Lönesystem").first()
    if payroll is not None and not ContinuityPlan.objects.filter(system=payroll).exists():
        services.continuity_plan_create(
            actor=None, owner_unit=units["PE"], system=payroll, title="Kontinuitetsplan för lönesystemet"
        )


def _load_routines(units: dict[str, OrgUnit], boards: dict[str, Board]) -> None:
    services.routines_ensure_required()
    for paragraph, (key, (state, unit_key, username)) in enumerate(ROUTINE_STATES.items(), start=50):
        routine = Routine.objects.get(key=key)
        if routine.status != Routine.Status.MISSING:
            continue
        services.routine_update(
            actor=None,
            routine=routine,
            owner_unit=units[unit_key],
            owner=_person(username),
            version="1.0",
            content=f"## Syfte\n{routine.name} (påhittad demotext).\n\n## Så gör du\n- Läs rutinen.\n- Fråga din chef.",
        )
        if state.startswith("adopted"):
            meeting = datetime.date(2024, 5, 15) if state == "adopted_overdue" else datetime.date(2025, 10, 8)
            services.routine_adopt(
                actor=None,
                routine=routine,
                board=boards["KS"],
                meeting_date=meeting,
                paragraph=paragraph,
                diary_number=f"{meeting.year}-{paragraph:05d}",
                next_review=datetime.date(2026, 5, 15) if state == "adopted_overdue" else None,
            )
    if not Routine.objects.filter(key="", name="Åtkomst till journaler i socialtjänsten").exists():
        services.routine_create(
            actor=None,
            name="Åtkomst till journaler i socialtjänsten",
            owner_unit=units["VAF"],
            owner=None,
            content="## Syfte\nLokal rutin (påhittad): all åtkomst loggas och följs upp varje månad.",
        )


def load_plans_demo() -> None:
    refuse_in_production()
    units = {u.short_name: u for u in OrgUnit.objects.all()}
    boards = {b.short_name: b for b in Board.objects.all()}
    services.policy_ensure_first_version()
    _load_plans(units)
    _load_continuity(units)
    _load_routines(units, boards)
