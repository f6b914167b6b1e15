"""Classification workflow: utkast → föreslagen → fastställd (POL-3.22), four eyes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access, reviews
from lis.core.changelog import record_delete, record_event
from lis.core.models import User
from lis.core.notifications import notify
from lis.core.pack import get_pack
from lis.core.services import create_object, update_object
from lis.organisation.models import Role, RoleAssignment
from lis.systems.models import InformationSet, InformationSystem

from .models import Classification
from .models import InformationSetRemoval as Removal
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
        {
            "status": Status.PROPOSED,
            "proposed_by": actor,
            "proposed_at": timezone.now(),
            "revision": classification.revision + 1,
        },
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
    """Fastställ a proposal exactly as `classification` holds it: its revision is the one the
    approver saw (the page's form carries it). A proposal proposed again since is a new one and is
    refused. The proposer cannot approve their own proposal."""
    seen = classification.revision
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
    if classification.revision != seen:
        raise ValidationError(
            _("Förslaget har ändrats sedan du öppnade sidan. Läs det nuvarande förslaget innan du fastställer det.")
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


def _max_levels(system: InformationSystem, *, without: InformationSet | None = None) -> tuple[dict[str, str], bool]:
    """The max rule: the highest fastställd level per aspect among the system's information sets
    (leaving out `without`), and whether every set has a fastställd classification.
    Security-protected sets are not classified here."""
    rank = _ranks()
    sets = system.information_sets.filter(security_protected=False)
    if without is not None:
        sets = sets.exclude(pk=without.pk)
    sets = list(sets)
    approved = Classification.objects.filter(information_set__in=sets, status=Status.APPROVED)
    levels: dict[str, str] = {}
    count = 0
    for classification in approved:
        count += 1
        for aspect, level in classification.levels.items():
            if level in rank and (aspect not in levels or rank[level] > rank[levels[aspect]]):
                levels[aspect] = level
    return levels, bool(sets) and count == len(sets)


def _ranks() -> dict[str, int]:
    return {level.key: index for index, level in enumerate(get_pack().levels)}


def system_levels_refresh(*, system: InformationSystem, actor: User | None) -> None:
    """Recompute the system's level per aspect by the max rule (_max_levels)."""
    levels, classified = _max_levels(system)
    rank = _ranks()
    level_rank = max((rank[v] for v in levels.values()), default=None)
    InformationSystem.objects.filter(pk=system.pk).update(levels=levels, level_rank=level_rank, classified=classified)
    system.levels, system.level_rank, system.classified = levels, level_rank, classified


# --- taking a set out of the max rule: delete or mark säkerhetsskydd, four eyes when it lowers the level


def _lowers_level(information_set: InformationSet) -> bool:
    rank = _ranks()
    before, _classified = _max_levels(information_set.system)
    after, _classified = _max_levels(information_set.system, without=information_set)
    return any(aspect not in after or rank[after[aspect]] < rank[level] for aspect, level in before.items())


def _delete(actor: User | None, information_set: InformationSet) -> None:
    for classification in information_set.classifications.all():
        record_delete(classification, user=actor)
    record_delete(information_set, user=actor)
    information_set.delete()
    system_levels_refresh(system=information_set.system, actor=actor)


def _mark_security_protected(actor: User | None, information_set: InformationSet) -> None:
    """POL-3.24: keep only the fact, drop any description and classification, and report to the
    säkerhetsskyddschef and the biträdande signalskyddschef."""
    for open_work in information_set.classifications.filter(status__in=[Status.DRAFT, Status.PROPOSED]):
        record_delete(open_work, user=actor)
        open_work.delete()
    # The classification of such information is not kept in LIS either: supersede it.
    for approved in information_set.classifications.filter(status=Status.APPROVED):
        update_object(approved, {"status": Status.SUPERSEDED}, actor=actor)
    update_object(information_set, {"description": "", "security_protected": True}, actor=actor)
    InformationSet.objects.filter(pk=information_set.pk).update(security_marked_at=timezone.now())
    system = information_set.system
    system_levels_refresh(system=system, actor=actor)
    recipients = [
        a.person.user
        for a in RoleAssignment.objects.active()
        .filter(
            role__in=[Role.SECURITY_STRATEGIST, Role.DEPUTY_SIGNALS_CHIEF],
            person__user__isnull=False,
            person__user__is_active=True,
        )
        .select_related("person__user")
    ]
    notify(
        recipients=recipients,
        actor=actor,
        subject=_("Säkerhetsskyddsklassificerad information anmäld i LIS"),
        message=_(
            "En informationsmängd i %(system)s (%(unit)s) har markerats som säkerhetsskyddsklassificerad "
            "och behöver bedömas (POL-3.24)."
        )
        % {"system": system.name, "unit": system.unit.name},
        link=reverse("systems:system_detail", args=[system.pk]) + "?flik=informationsmangder",
    )


_PERFORM = {Removal.Action.DELETE: _delete, Removal.Action.SECURITY_PROTECTED: _mark_security_protected}


def _remove(actor: User | None, information_set: InformationSet, action: str) -> Removal | None:
    """Take the set out of the max rule at once, or – when that lowers the system's level and a
    person asks – propose it for someone else to approve."""
    _require_manage(actor, information_set)
    # Serialise with classification work and other removals of the set.
    InformationSet.objects.select_for_update().filter(pk=information_set.pk).first()
    if Removal.objects.filter(information_set=information_set).exists():
        raise ValidationError(
            _("Ett förslag om att ta bort eller säkerhetsskyddsmarkera %(set)s väntar redan på godkännande.")
            % {"set": information_set.name}
        )
    if actor is None or not _lowers_level(information_set):
        _PERFORM[action](actor, information_set)
        return None
    removal = create_object(
        Removal(information_set=information_set, action=action, proposed_by=actor, proposed_at=timezone.now()),
        actor=actor,
    )
    system = information_set.system
    notify(
        recipients=approvers(system, exclude=actor),
        message=_(
            "Ett förslag att %(action)s %(set)s i %(system)s sänker systemets klassning och väntar på att du "
            "godkänner det."
        )
        % {"action": removal.get_action_display().lower(), "set": information_set.name, "system": system.name},
        link=reverse("systems:system_detail", args=[system.pk]) + "?flik=informationsmangder",
        actor=actor,
        email=False,  # e-mail comes with the reminders, as for classification proposals
    )
    return removal


@transaction.atomic
def information_set_delete(*, actor: User | None, information_set: InformationSet) -> Removal | None:
    """Delete a set and its classifications. When that lowers the system's level it becomes a
    removal proposal (returned) that someone else approves; None when the set is deleted."""
    return _remove(actor, information_set, Removal.Action.DELETE)


@transaction.atomic
def information_set_mark_security_protected(*, actor: User | None, information_set: InformationSet) -> Removal | None:
    """Mark a set säkerhetsskyddsklassificerad (POL-3.24). When that lowers the system's level it
    becomes a removal proposal (returned) that someone else approves; None when it is marked."""
    if information_set.security_protected:
        return None
    return _remove(actor, information_set, Removal.Action.SECURITY_PROTECTED)


def _locked_removal(removal: Removal) -> Removal:
    return Removal.objects.select_for_update().select_related("information_set__system__unit").get(pk=removal.pk)


@transaction.atomic
def removal_approve(*, actor: User, removal: Removal) -> None:
    """Approve a removal proposal: whoever may fastställa the system's classifications, but not
    the proposer. The set is then deleted or marked."""
    removal = _locked_removal(removal)
    information_set = removal.information_set
    access.require(
        access.can_approve_classification(access.principal_for(actor), information_set.system),
        _("Du får inte godkänna ändringar av klassningen för detta system."),
    )
    if removal.proposed_by_id == actor.pk:
        raise ValidationError(_("Den som har föreslagit ändringen kan inte godkänna den. Be en annan behörig person."))
    record_event("information_set_removal_approved", user=actor, obj=removal, details={"action": removal.action})
    record_delete(removal, user=actor)
    removal.delete()
    _PERFORM[removal.action](actor, information_set)


@transaction.atomic
def removal_return(*, actor: User, removal: Removal, reason: str) -> InformationSet:
    """Turn down (or, for the proposer, withdraw) a removal proposal with a reason: the set
    stays, and is returned."""
    removal = _locked_removal(removal)
    _require_manage(actor, removal.information_set)
    if not reason.strip():
        raise ValidationError({"reason": _("Ange varför förslaget inte genomförs.")})
    record_event("information_set_removal_returned", user=actor, obj=removal, details={"reason": reason.strip()})
    record_delete(removal, user=actor)
    removal.delete()
    return removal.information_set


# --- recurring reviews (issue 15, POL-3.31): "Granskad" -----------------------------------------


def classifications_with_review_base(queryset=None):
    """Classifications annotated with `review_base`: the last review, else the approval day."""
    queryset = Classification.objects.all() if queryset is None else queryset
    return queryset.annotate(review_base=Coalesce("last_reviewed_on", TruncDate("approved_at")))


def classification_reviews_due(until, queryset=None):
    """Fastställda classifications of information in the register (systems not avvecklade,
    information not säkerhetsskyddad) whose review falls on or before `until`: one query."""
    months = get_pack().classification_review_interval_months
    return (
        classifications_with_review_base(queryset)
        .filter(status=Status.APPROVED, information_set__security_protected=False)
        .exclude(information_set__system__status=InformationSystem.Status.DECOMMISSIONED)
        .filter(review_base__lt=reviews.base_cutoff(until, months))
    )


@transaction.atomic
def classification_review(
    *, actor: User | None, classification: Classification, note: str = "", on=None
) -> Classification:
    """The fastställd classification is reviewed and still right: record the review (today, or
    an earlier day it was made; never the future) and move the next review by the pack's
    interval. Who may propose a classification for the system may review it; a changed
    classification is proposed and fastställd instead."""
    classification = _locked(classification)
    _require_manage(actor, classification.information_set)
    if classification.status != Status.APPROVED:
        raise ValidationError(_("Bara en fastställd klassning granskas."))
    if classification.information_set.security_protected:
        raise ValidationError(_("Säkerhetsskyddsklassificerad information klassas inte i LIS (POL-3.24)."))
    reviewed_on = reviews.review_day(on, access.today(), classification.review_base)
    note = reviews.note_text(note)
    next_due = reviews.next_review(reviewed_on, get_pack().classification_review_interval_months)
    reviews.review_record(
        classification,
        actor=actor,
        what="classification",
        changes={"last_reviewed_on": reviewed_on, "last_reviewed_by": actor},
        reviewed_on=reviewed_on,
        next_due=next_due,
        note=note,
    )
    return classification
