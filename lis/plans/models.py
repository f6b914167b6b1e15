"""Beslut (decisions) of a nämnd or styrelse; handlingsplaner, follow-ups, continuity plans and
routines are added here by issue 5 (BIL1-5)."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.core.models import FrozenRecord
from lis.organisation.models import Decision


class ActionPlan(models.Model):
    """A förvaltning's or bolag's handlingsplan for one mandatperiod (POL-3.2, BIL1-6), with the
    pack's sections. The text being worked on lives here; every decided version is kept as an
    ActionPlanVersion that never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        FOR_DECISION = "for_decision", _("För beslut")
        DECIDED = "decided", _("Beslutad")

    unit = models.ForeignKey(
        "organisation.OrgUnit", verbose_name=_("förvaltning/bolag"), on_delete=models.PROTECT, related_name="plans"
    )
    period = models.ForeignKey(
        "organisation.MandatePeriod", verbose_name=_("mandatperiod"), on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    sections = models.JSONField(_("avsnitt"), default=dict, blank=True)

    class Meta:
        ordering = ["unit__name"]
        verbose_name = _("handlingsplan")
        verbose_name_plural = _("handlingsplaner")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period"],
                name="one_plan_per_unit_and_period",
                violation_error_message=_("Förvaltningen har redan en handlingsplan för mandatperioden."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}"


class ActionPlanVersion(FrozenRecord):
    """A decided version of a plan, frozen: its content as decided and its archival PDF/A."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("innehåll"))
    decision = models.OneToOneField(
        Decision, verbose_name=_("beslut"), on_delete=models.PROTECT, related_name="plan_version"
    )
    pdf = models.BinaryField(_("arkivexemplar (PDF/A)"))
    pdf_sha256 = models.CharField(
        _("kontrollsumma (SHA-256)"),
        max_length=64,
        help_text=_("Skrivs i ändringsloggen, så att arkivexemplaret kan kontrolleras."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("beslutad version")
        verbose_name_plural = _("beslutade versioner")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class FollowUp(models.Model):
    """The board's uppföljning of a plan (POL-3.3): when, the decision, and every measure's
    status at that moment."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="follow_ups")
    followed_up_on = models.DateField(_("uppföljd"))
    decision = models.OneToOneField(
        Decision, verbose_name=_("beslut"), on_delete=models.PROTECT, related_name="follow_up"
    )
    measures = models.JSONField(_("åtgärdernas status"), default=list, blank=True)
    note = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["-followed_up_on", "-pk"]
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")

    def __str__(self) -> str:
        return f"{self.plan} {self.followed_up_on:%Y-%m-%d}"


class ContinuityPlan(models.Model):
    """Handlingsplan IT – kontinuitet och drift (BIL1-7, POL-3.16), owned by IT-enheten, or a
    continuity plan for one system (POL-3.17, e.g. lönesystemet). Text sections are kept by
    key; steps and contacts are rows of their own. Printed for use during an outage."""

    owner_unit = models.ForeignKey(
        "organisation.OrgUnit", verbose_name=_("ägare"), on_delete=models.PROTECT, related_name="continuity_plans"
    )
    system = models.OneToOneField(
        "systems.InformationSystem",
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="continuity_plan",
        help_text=_("Tomt för kommunens övergripande plan."),
    )
    title = models.CharField(_("rubrik"), max_length=200)
    sections = models.JSONField(_("avsnitt"), default=dict, blank=True)
    reviewed_on = models.DateField(_("senast granskad"), null=True, blank=True)
    # Set by the "Granskad" action (issue 15), which also moves review_due by the pack's interval.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granskad av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    review_due = models.DateField(_("nästa granskning"))

    class Meta:
        ordering = ["system", "title"]
        verbose_name = _("kontinuitetsplan")
        verbose_name_plural = _("kontinuitetsplaner")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_unit"],
                condition=models.Q(system__isnull=True),
                name="one_overall_continuity_plan_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_review_dates(reviewed_on=self.reviewed_on, review_due=self.review_due)

    def is_review_overdue(self, today: datetime.date) -> bool:
        return self.review_due is not None and self.review_due < today


def check_review_dates(*, reviewed_on: datetime.date | None, review_due: datetime.date | None) -> None:
    """The next review of a continuity plan comes after its last review."""
    if reviewed_on is not None and review_due is not None and review_due <= reviewed_on:
        raise ValidationError({"review_due": _("Nästa granskning ska ligga efter den senaste granskningen.")})


class ContinuityStep(models.Model):
    """A step of a steps section (inledande aktiviteter, åtgärder avbrottsplan): what to do and who does it."""

    plan = models.ForeignKey(ContinuityPlan, on_delete=models.CASCADE, related_name="steps")
    section = models.CharField(_("avsnitt"), max_length=40)
    order = models.PositiveSmallIntegerField(_("ordning"), default=1)
    text = models.TextField(_("åtgärd"))
    responsible = models.ForeignKey(
        "organisation.Person", verbose_name=_("ansvarig"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["section", "order", "pk"]
        verbose_name = _("steg")
        verbose_name_plural = _("steg")

    def __str__(self) -> str:
        return self.text[:80]


class ContinuityContact(models.Model):
    """A contact person during an outage, from the people register (telefon comes from there)."""

    plan = models.ForeignKey(ContinuityPlan, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(
        "organisation.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("roll i planen"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ordning"), default=1)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")
        constraints = [models.UniqueConstraint(fields=["plan", "person"], name="contact_once_per_plan")]

    def __str__(self) -> str:
        return self.role


def routine_upload_to(routine: Routine, filename: str) -> str:
    # Never the uploader's file name on disk: it is kept in `file_name` for the download.
    return f"routines/{uuid.uuid4().hex}"


class Routine(models.Model):
    """An IT-rutin or riktlinje (BIL1-8): the pack's required ones exist from the start as items to
    fill; förvaltningar add local ones (BIL1-9). Content is written here (Markdown, sanitised when
    shown) or uploaded (PDF, DOCX, ODT)."""

    class Status(models.TextChoices):
        MISSING = "missing", _("Ej framtagen")
        DRAFT = "draft", _("Utkast")
        ADOPTED = "adopted", _("Antagen")
        RETIRED = "retired", _("Upphävd")

    key = models.CharField(_("krav i policyn"), max_length=40, blank=True)
    name = models.CharField(_("namn"), max_length=200)
    owner_unit = models.ForeignKey(
        "organisation.OrgUnit",
        verbose_name=_("ägande enhet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routines",
    )
    owner = models.ForeignKey(
        "organisation.Person",
        verbose_name=_("ansvarig"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.CharField(_("version"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.MISSING)
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("beslut om antagande"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routines",
    )
    next_review = models.DateField(_("nästa granskning"), null=True, blank=True)
    # The last "Granskad" (issue 15, POL-3.31); the review moves next_review by the pack's interval.
    last_reviewed_on = models.DateField(_("senast granskad"), null=True, blank=True, editable=False)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granskad av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    content = models.TextField(_("innehåll (Markdown)"), blank=True)
    file = models.FileField(_("fil"), upload_to=routine_upload_to, blank=True)
    file_name = models.CharField(_("filnamn"), max_length=200, blank=True)
    file_type = models.CharField(_("filtyp"), max_length=10, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("rutin")
        verbose_name_plural = _("rutiner")
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~models.Q(key=""), name="one_routine_per_required_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def required(self) -> bool:
        return bool(self.key)

    def is_review_overdue(self, today: datetime.date) -> bool:
        """An adopted routine past its next review (BIL1-8)."""
        return self.status == self.Status.ADOPTED and self.next_review is not None and self.next_review < today


class PolicyVersion(FrozenRecord):
    """A published version of the kommun's IT- och informationssäkerhetspolicy (POL-2.4), published
    in LIS by the säkerhetsstrateg who keeps it updated and available (POL-3.7), with the decision
    of kommunfullmäktige that adopted it. The newest published version is the one in force;
    earlier ones stay readable. A version never changes, except that an adopting decision not yet
    recorded (the pack's text loaded without one) can be recorded once."""

    mutable_fields = frozenset({"decision"})

    label = models.CharField(
        _("version"),
        max_length=20,
        unique=True,
        error_messages={"unique": _("Det finns redan en publicerad version med den beteckningen.")},
    )
    title = models.CharField(_("rubrik"), max_length=200)
    text = models.TextField(_("text"))
    decision = models.OneToOneField(
        Decision,
        verbose_name=_("antagandebeslut"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policy_version",
    )
    published_at = models.DateTimeField(_("publicerad"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publicerad av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("policyversion")
        verbose_name_plural = _("policyversioner")

    def __str__(self) -> str:
        return f"{self.title} {self.label}"
