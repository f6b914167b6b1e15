"""Classification workflow: utkast → föreslagen → fastställd (POL-3.22), four eyes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.changelog import record_event
from lis.core.models import User
from lis.core.notifications import notify
from lis.core.pack import get_pack
from lis.core.services import create_object, update_object
from lis.systems.models import InformationSet, InformationSystem

from .models import Classification
from .selectors import approvers

Status = Classification.Status


def _validate(classification: Classification) -> None:
    pack = get_pack()
    errors: dict[str, str] = {}
    level_keys = {level.key for level in pack.levels}
    for aspect in pack.aspects:
        value = classification.levels.get(aspect.key)
        if value in (None, ""):
            errors[f"level_{aspect.key}"] = _("Välj en nivå för %(aspect)s.") % {"aspect": aspect.name}
        elif value not in level_keys:
            errors[f"level_{aspect.key}"] = _("%(value)s är ingen nivå på skalan.") % {"value": value}
    unknown = set(classification.levels) - {a.key for a in pack.aspects}
    if unknown:
        errors["levels"] = _("Okända aspekter: %(aspects)s.") % {"aspects": ", ".join(sorted(unknown))}
    if not classification.motivation.strip():
        errors["motivation"] = _("Motivera klassningen.")
    if classification.information_set.security_protected:
        errors["levels"] = _("Säkerhetsskyddsklassificerad information klassas inte i LIS (POL-3.24).")
    if errors:
        raise ValidationError(errors)


def _locked(classification: Classification) -> Classification:
    """The row as it is now, locked until the transaction ends: its status decides what may happen."""
    return (
        Classification.objects.select_for_update().select_related("information_set__system").get(pk=classification.pk)
    )


def _require_manage(actor: User | None, information_set: InformationSet) -> None:
    if actor is not None:
        access.require(access.can_manage_system(access.principal_for(actor), information_set.system))


@transaction.atomic
def classification_save(
    *,
    actor: User | None,
    information_set: InformationSet,
    levels: dict[str, str],
    motivation: str,
    propose: bool = False,
) -> Classification:
    """Save the open classification of a set (creating it), as utkast or straight to föreslagen."""
    _require_manage(actor, information_set)
    # Serialise work on one set: two first saves at once would otherwise both create.
    InformationSet.objects.select_for_update().filter(pk=information_set.pk).first()
    open_one = information_set.classifications.filter(status__in=[Status.DRAFT, Status.PROPOSED]).first()
    if open_one is None:
        classification = create_object(
            Classification(information_set=information_set, levels=levels, motivation=motivation, created_by=actor),
            actor=actor,
            validate=_validate,
        )
    else:
        # Changing a proposal takes it back to utkast: a proposal is what someone approves.
        classification = update_object(
            open_one,
            {
                "levels": levels,
                "motivation": motivation,
                "status": Status.DRAFT,
                "proposed_by": None,
                "proposed_at": None,
            },
            actor=actor,
            validate=_validate,
        )
    if propose:
        classification = classification_propose(actor=actor, classification=classification)
    return classification


@transaction.atomic
def classification_propose(*, actor: User | None, classification: Classification) -> Classification:
    classification = _locked(classification)
    _require_manage(actor, classification.information_set)
    if classification.status != Status.DRAFT:
        raise ValidationError(_("Bara ett utkast kan föreslås."))
    update_object(
        classification,
        {"status": Status.PROPOSED, "proposed_by": actor, "proposed_at": timezone.now()},
        actor=actor,
        validate=_validate,
    )
    information_set = classification.information_set
    notify(
        recipients=approvers(information_set.system, exclude=actor),
        message=_("En klassning av %(set)s i %(system)s är föreslagen och väntar på att du fastställer den.")
        % {"set": information_set.name, "system": information_set.system.name},
        link=reverse("systems:system_detail", args=[information_set.system_id]) + "?flik=klassning",
        actor=actor,
        email=False,  # e-mail comes with the reminders
    )
    return classification


@transaction.atomic
def classification_approve(*, actor: User, classification: Classification) -> Classification:
    """Fastställ a proposal. The proposer cannot approve their own proposal."""
    classification = _locked(classification)
    system = classification.information_set.system
    access.require(
        access.can_approve_classification(access.principal_for(actor), system),
        _("Du får inte fastställa klassningar för detta system."),
    )
    if classification.status != Status.PROPOSED:
        raise ValidationError(_("Bara en föreslagen klassning kan fastställas."))
    if classification.proposed_by_id == actor.pk:
        raise ValidationError(
            _("Den som har föreslagit klassningen kan inte fastställa den. Be en annan behörig person.")
        )
    for old in classification.information_set.classifications.filter(status=Status.APPROVED):
        update_object(old, {"status": Status.SUPERSEDED}, actor=actor)
    update_object(
        classification,
        {"status": Status.APPROVED, "approved_by": actor, "approved_at": timezone.now()},
        actor=actor,
        validate=_validate,
    )
    system_levels_refresh(system=system, actor=actor)
    return classification


@transaction.atomic
def classification_return(*, actor: User, classification: Classification, reason: str) -> Classification:
    """Send a proposal back to utkast with a reason (recorded)."""
    classification = _locked(classification)
    access.require(
        access.can_approve_classification(access.principal_for(actor), classification.information_set.system)
    )
    if classification.status != Status.PROPOSED:
        raise ValidationError(_("Bara en föreslagen klassning kan återföras."))
    if not reason.strip():
        raise ValidationError({"reason": _("Ange varför förslaget återförs.")})
    update_object(classification, {"status": Status.DRAFT, "proposed_by": None, "proposed_at": None}, actor=actor)
    record_event("classification_returned", user=actor, obj=classification, details={"reason": reason.strip()})
    return classification


def system_levels_refresh(*, system: InformationSystem, actor: User | None) -> None:
    """Recompute the system's level per aspect: the highest fastställd level among its
    information sets (the max rule). Security-protected sets are not classified here."""
    pack = get_pack()
    rank = {level.key: index for index, level in enumerate(pack.levels)}
    sets = list(system.information_sets.filter(security_protected=False))
    approved = {
        c.information_set_id: c for c in Classification.objects.filter(information_set__in=sets, status=Status.APPROVED)
    }
    levels: dict[str, str] = {}
    for classification in approved.values():
        for aspect, level in classification.levels.items():
            if level in rank and (aspect not in levels or rank[level] > rank[levels[aspect]]):
                levels[aspect] = level
    level_rank = max((rank[v] for v in levels.values()), default=None)
    classified = bool(sets) and len(approved) == len(sets)
    InformationSystem.objects.filter(pk=system.pk).update(levels=levels, level_rank=level_rank, classified=classified)
    system.levels, system.level_rank, system.classified = levels, level_rank, classified
