"""Every write to the register: checks permission, validates, writes, records."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access, reviews
from lis.core.changelog import record_delete, record_update, snapshot
from lis.core.models import User
from lis.core.pack import get_pack
from lis.core.services import create_object, update_object

from .models import Agreement, InformationSet, InformationSystem, Party, Platform, UserGroup
from .selectors import can_manage_platforms

SYSTEM_FIELDS = (
    "name",
    "description",
    "status",
    "unit",
    "system_owner",
    "supplier",
    "developer",
    "accountable_board",
    "responsible_manager",
    "system_steward",
    "steward_appointed_on",
    "operating_model",
    "personal_data",
    "sensitive_personal_data",
    "secrecy",
    "secrecy_provision",
    "procurement_reference",
    "tags",
    "no_consumers",
)
# The system form also picks the platforms (a many-to-many, written after the fields).
SYSTEM_FORM_FIELDS = (*SYSTEM_FIELDS, "platforms")
# Set by IT-enheten alone (system_record_it_consultation), or by LIS itself (actor None).
IT_FIELDS = ("it_consulted_on",)
# Who answers for a system: set by the förvaltning/bolag, not by the people named.
APPOINTED_FIELDS = ("unit", "accountable_board", "responsible_manager", "system_steward", "steward_appointed_on")
PARTY_FIELDS = (
    "name",
    "kind",
    "organisation_number",
    "internal_unit",
    "contact_name",
    "contact_email",
    "contact_phone",
    "notes",
)
INFORMATION_SET_FIELDS = ("name", "description", "digital")
AGREEMENT_FIELDS = ("counterparty", "reference", "starts_on", "ends_on", "notice_months")
USER_GROUP_FIELDS = ("kind", "description", "access_level", "approximate_size", "contact")
PLATFORM_FIELDS = ("name", "kind", "vendor", "lifecycle", "devices_in_use", "note")


def _pick(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k in allowed}


# --- validation -----------------------------------------------------------------------------


def normalise_tags(text: str) -> str:
    """Comma-separated tags, lower case, each once, sorted."""
    return ", ".join(sorted({tag.strip().lower() for tag in text.split(",") if tag.strip()}))


def valid_organisation_number(value: str) -> bool:
    """A Swedish organisationsnummer, NNNNNN-NNNN, with a valid Luhn check digit."""
    digits = value.replace("-", "")
    if len(digits) != 10 or not digits.isdigit() or (len(value) == 11 and value[6] != "-"):
        return False
    total = 0
    for index, char in enumerate(digits[:9]):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10 == int(digits[9])


def _validate_party(party: Party) -> None:
    errors = {}
    if party.organisation_number:
        party.organisation_number = party.organisation_number.strip()
        if not valid_organisation_number(party.organisation_number):
            errors["organisation_number"] = _("Organisationsnumret ska skrivas NNNNNN-NNNN och ha rätt kontrollsiffra.")
        elif "-" not in party.organisation_number:
            party.organisation_number = f"{party.organisation_number[:6]}-{party.organisation_number[6:]}"
    if party.kind == Party.Kind.INTERNAL and party.internal_unit_id is None:
        errors["internal_unit"] = _("Välj vilken av kommunens enheter parten är.")
    if party.kind == Party.Kind.EXTERNAL:
        party.internal_unit = None
    if errors:
        raise ValidationError(errors)


def _validate_system(system: InformationSystem) -> None:
    pack = get_pack()
    errors = {}
    if system.unit_id is None:
        errors["unit"] = _("Välj förvaltning eller bolag.")
    elif not system.unit.is_top_level:
        errors["unit"] = _("Ett system hör till en förvaltning eller ett bolag, inte en enhet inom den.")
    if system.unit_id and not system.unit.is_active:
        errors["unit"] = _("Förvaltningen eller bolaget har upphört.")
    for name in ("responsible_manager", "system_steward"):
        person = getattr(system, name)
        if person is not None and not person.is_active:
            errors[name] = _("Personen har slutat. Välj någon som är anställd.")
    if system.accountable_board_id and not system.accountable_board.is_active:
        errors["accountable_board"] = _("Nämnden eller styrelsen har upphört.")
    if system.no_consumers and system.pk and system.user_groups.filter(kind="consumer").exists():
        errors["no_consumers"] = _("Systemet har brukargrupper. Ta bort dem först eller avmarkera.")
    if system.operating_model and system.operating_model not in {o.key for o in pack.operating_models}:
        errors["operating_model"] = _("Välj en driftsform ur listan.")
    if system.sensitive_personal_data and not system.personal_data:
        errors["personal_data"] = _("Känsliga personuppgifter är också personuppgifter: markera båda.")
    if system.secrecy and not system.secrecy_provision.strip():
        errors["secrecy_provision"] = _("Ange lagrummet för sekretessen (t.ex. 26 kap. 1 § OSL).")
    if system.steward_appointed_on and not system.system_steward_id:
        errors["steward_appointed_on"] = _("Ange vem som är systemförvaltare när du anger när förvaltaren utsågs.")
    if system.steward_appointed_on and system.steward_appointed_on > timezone.localdate():
        errors["steward_appointed_on"] = _("Datumet kan inte ligga i framtiden.")
    if system.it_consulted_on and system.it_consulted_on > timezone.localdate():
        errors["it_consulted_on"] = _("Dagen då IT-enheten rådfrågades kan inte ligga i framtiden.")
    system.procurement_reference = system.procurement_reference.strip()
    system.tags = normalise_tags(system.tags)
    if errors:
        raise ValidationError(errors)


def _validate_agreement(agreement: Agreement) -> None:
    if agreement.starts_on and agreement.ends_on and agreement.ends_on < agreement.starts_on:
        raise ValidationError({"ends_on": _("Slutdatum kan inte vara före startdatum.")})


# --- parties --------------------------------------------------------------------------------


@transaction.atomic
def party_create(*, actor: User | None, **fields: Any) -> Party:
    access.require(actor is None or access.can_manage_parties(access.principal_for(actor)))
    return create_object(Party(**_pick(fields, PARTY_FIELDS)), actor=actor, validate=_validate_party)


@transaction.atomic
def party_update(*, actor: User | None, party: Party, **fields: Any) -> Party:
    # A party serves many förvaltningar's systems: only the säkerhetsstrateg or an administrator edits it.
    access.require(
        actor is None or access.principal_for(actor).manages_everything,
        _("Bara säkerhetsstrategen eller en administratör kan ändra en part som flera kan använda."),
    )
    return update_object(party, _pick(fields, PARTY_FIELDS), actor=actor, validate=_validate_party)


# --- platforms (POL-3.29) -------------------------------------------------------------------


def _validate_platform(platform: Platform) -> None:
    platform.name = " ".join(platform.name.split())
    if not platform.name:
        raise ValidationError({"name": _("Ange plattformens namn.")})
    clash = Platform.objects.filter(name__iexact=platform.name).exclude(pk=platform.pk)
    if clash.exists():
        message = _("Det finns redan en plattform som heter ”%(name)s”.") % {"name": platform.name}
        raise ValidationError({"name": message})
    if platform.devices_in_use is not None and platform.kind != Platform.Kind.DEVICE:
        raise ValidationError({"devices_in_use": _("Antal i bruk anges bara för enhetsmodeller.")})


@transaction.atomic
def platform_create(*, actor: User | None, **fields: Any) -> Platform:
    access.require(actor is None or can_manage_platforms(access.principal_for(actor)))
    return create_object(Platform(**_pick(fields, PLATFORM_FIELDS)), actor=actor, validate=_validate_platform)


@transaction.atomic
def platform_update(*, actor: User | None, platform: Platform, **fields: Any) -> Platform:
    access.require(actor is None or can_manage_platforms(access.principal_for(actor)))
    return update_object(platform, _pick(fields, PLATFORM_FIELDS), actor=actor, validate=_validate_platform)


# --- systems --------------------------------------------------------------------------------


def _platform_ids(platforms: Any) -> list[int]:
    return sorted({p.pk if isinstance(p, Platform) else int(p) for p in platforms})


def _set_platforms(system: InformationSystem, platforms: Any, *, actor: User | None, created: bool) -> None:
    """POL-3.29: the platforms a system runs on; the change is recorded as the list of ids
    (the Historik tab shows their names)."""
    after = _platform_ids(platforms)
    before = [] if created else sorted(system.platforms.values_list("pk", flat=True))
    if after == before:
        return
    if len(after) != Platform.objects.filter(pk__in=after).count():
        raise ValidationError({"platforms": _("Välj plattformar ur plattformsregistret.")})
    system.platforms.set(after)
    record_update(system, snapshot(system) | {"platforms": before}, user=actor, extra={"platforms": after})


@transaction.atomic
def system_create(*, actor: User | None, platforms: Any = None, **fields: Any) -> InformationSystem:
    system = InformationSystem(**_pick(fields, SYSTEM_FIELDS + (IT_FIELDS if actor is None else ())))
    if actor is not None:
        access.require(
            system.unit_id is None or access.can_create_system(access.principal_for(actor), system.unit),
            _("Du kan bara registrera system i förvaltningar och bolag du ansvarar för."),
        )
    system = create_object(system, actor=actor, validate=_validate_system)
    if platforms:
        _set_platforms(system, platforms, actor=actor, created=True)
    return system


@transaction.atomic
def system_update(
    *, actor: User | None, system: InformationSystem, platforms: Any = None, **fields: Any
) -> InformationSystem:
    changes = _pick(fields, SYSTEM_FIELDS + (IT_FIELDS if actor is None else ()))
    if actor is not None:
        p = access.principal_for(actor)
        access.require(access.can_manage_system(p, system))
        if "unit" in changes and changes["unit"] != system.unit:
            access.require(
                access.can_create_system(p, changes["unit"]),
                _("Du kan inte flytta systemet till en förvaltning du inte ansvarar för."),
            )
        if not p.can_manage_unit(system.unit):
            # Named people (ansvarig chef, systemförvaltare) keep the system up to date but do
            # not appoint: that would let them grant themselves the right to fastställa.
            appointed = [
                name for name in APPOINTED_FIELDS if name in changes and changes[name] != getattr(system, name)
            ]
            access.require(
                not appointed, _("Bara förvaltningen eller bolaget kan ändra vem som ansvarar för systemet.")
            )
    system = update_object(system, changes, actor=actor, validate=_validate_system)
    if platforms is not None:
        _set_platforms(system, platforms, actor=actor, created=False)
    return system


@transaction.atomic
def system_record_it_consultation(
    *, actor: User, system: InformationSystem, consulted_on: datetime.date
) -> InformationSystem:
    """POL-3.27: "Upphandling av system ska göras i samråd med kommunens IT-enhet." That it was
    consulted is IT-enheten's to state (the IT-chef and the IT unit's chef and samordnare, or the
    säkerhetsstrateg), never the förvaltning's; not a day in the future."""
    p = access.principal_for(actor)
    access.require(
        access.speaks_for_it_unit(p),
        _("Bara IT-enheten registrerar när den rådfrågades om upphandlingen."),
    )
    return update_object(system, {"it_consulted_on": consulted_on}, actor=actor, validate=_validate_system)


# --- information sets -----------------------------------------------------------------------


@transaction.atomic
def information_set_create(*, actor: User | None, system: InformationSystem, **fields: Any) -> InformationSet:
    access.require(actor is None or access.can_manage_system(access.principal_for(actor), system))
    return create_object(InformationSet(system=system, **_pick(fields, INFORMATION_SET_FIELDS)), actor=actor)


@transaction.atomic
def information_set_update(*, actor: User | None, information_set: InformationSet, **fields: Any) -> InformationSet:
    access.require(actor is None or access.can_manage_system(access.principal_for(actor), information_set.system))
    changes = _pick(fields, INFORMATION_SET_FIELDS)
    if information_set.security_protected and changes.get("description"):
        raise ValidationError(
            {
                "description": _(
                    "Informationsmängden är markerad som säkerhetsskyddsklassificerad. "
                    "Dess innehåll får inte beskrivas i LIS."
                )
            }
        )
    return update_object(information_set, changes, actor=actor)


# --- agreements and user groups ------------------------------------------------------------


@transaction.atomic
def agreement_create(*, actor: User | None, system: InformationSystem, **fields: Any) -> Agreement:
    access.require(actor is None or access.can_manage_system(access.principal_for(actor), system))
    return create_object(
        Agreement(system=system, **_pick(fields, AGREEMENT_FIELDS)), actor=actor, validate=_validate_agreement
    )


@transaction.atomic
def agreement_update(*, actor: User | None, agreement: Agreement, **fields: Any) -> Agreement:
    access.require(actor is None or access.can_manage_system(access.principal_for(actor), agreement.system))
    return update_object(agreement, _pick(fields, AGREEMENT_FIELDS), actor=actor, validate=_validate_agreement)


@transaction.atomic
def agreement_delete(*, actor: User | None, agreement: Agreement) -> None:
    access.require(actor is None or access.can_manage_system(access.principal_for(actor), agreement.system))
    record_delete(agreement, user=actor)
    agreement.delete()


@transaction.atomic
def user_group_create(*, actor: User | None, system: InformationSystem, **fields: Any) -> UserGroup:
    access.require(actor is None or access.can_manage_system(access.principal_for(actor), system))
    return create_object(UserGroup(system=system, **_pick(fields, USER_GROUP_FIELDS)), actor=actor)


@transaction.atomic
def user_group_update(*, actor: User | None, group: UserGroup, **fields: Any) -> UserGroup:
    access.require(actor is None or access.can_manage_system(access.principal_for(actor), group.system))
    return update_object(group, _pick(fields, USER_GROUP_FIELDS), actor=actor)


@transaction.atomic
def user_group_delete(*, actor: User | None, group: UserGroup) -> None:
    access.require(actor is None or access.can_manage_system(access.principal_for(actor), group.system))
    record_delete(group, user=actor)
    group.delete()


# --- recurring reviews (issue 15, POL-3.31): "Granskad" -----------------------------------------


@transaction.atomic
def system_documentation_review(
    *, actor: User | None, system: InformationSystem, note: str = "", on: datetime.date | None = None
) -> InformationSystem:
    """The system's documentation in the förteckning is reviewed and still right: record the
    review (today, or an earlier day it was made; never the future) and move the next review by
    the pack's interval. Who may edit the system may review it."""
    access.require(actor is None or access.can_manage_system(access.principal_for(actor), system))
    if system.status == InformationSystem.Status.DECOMMISSIONED:
        raise ValidationError(_("Ett avvecklat system granskas inte."))
    reviewed_on = reviews.review_day(on, access.today(), system.documentation_reviewed_on)
    note = reviews.note_text(note)
    next_due = reviews.next_review(reviewed_on, get_pack().system_documentation_review_interval_months)
    reviews.review_record(
        system,
        actor=actor,
        what="documentation",
        changes={"documentation_reviewed_on": reviewed_on, "documentation_reviewed_by": actor},
        reviewed_on=reviewed_on,
        next_due=next_due,
        note=note,
    )
    return system


@transaction.atomic
def agreement_review(
    *, actor: User | None, agreement: Agreement, note: str = "", on: datetime.date | None = None
) -> Agreement:
    """The agreement is reviewed (still the right one, still in place): record it and move the
    next review by the pack's interval. Who may edit the system's agreements may review them."""
    access.require(actor is None or access.can_manage_system(access.principal_for(actor), agreement.system))
    today = access.today()
    if not agreement.in_force(today):
        raise ValidationError(_("Avtalet har löpt ut och granskas inte längre."))
    reviewed_on = reviews.review_day(on, today, agreement.last_reviewed_on)
    note = reviews.note_text(note)
    next_due = reviews.next_review(reviewed_on, get_pack().agreement_review_interval_months)
    reviews.review_record(
        agreement,
        actor=actor,
        what="agreement",
        changes={"last_reviewed_on": reviewed_on, "last_reviewed_by": actor},
        reviewed_on=reviewed_on,
        next_due=next_due,
        note=note,
    )
    return agreement
