"""Informationssäkerhetsanalys – riskmatrisens del 2 (POL-2.5, POL-3.15, BIL1-1, BIL1-4).

Scales, matrix, treatments and measure types and statuses come from the policy pack; these
models store the pack's keys and values."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.core.models import FrozenRecord
from lis.core.pack import get_pack
from lis.organisation.models import Decision, MandatePeriod, OrgUnit, Person
from lis.systems.models import InformationSystem


class SecurityAnalysis(models.Model):
    """One förvaltning's or bolag's analysis for one mandatperiod (POL-3.15: at least once per
    period, reported to its nämnd or styrelse)."""

    class Status(models.TextChoices):
        ONGOING = "ongoing", _("Pågående")
        DONE = "done", _("Klar")
        REPORTED = "reported", _("Rapporterad")

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("förvaltning/bolag"), on_delete=models.PROTECT, related_name="analyses"
    )
    period = models.ForeignKey(
        MandatePeriod, verbose_name=_("mandatperiod"), on_delete=models.PROTECT, related_name="analyses"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ONGOING)
    started_on = models.DateField(_("påbörjad"))
    completed_on = models.DateField(_("klar"), null=True, blank=True)
    participants = models.ManyToManyField(Person, verbose_name=_("deltagare"), blank=True, related_name="+")
    summary = models.TextField(
        _("sammanfattning"), blank=True, help_text=_("Analysens slutsatser för nämnden eller styrelsen.")
    )
    secrecy_marking = models.CharField(_("sekretessmarkering"), max_length=300, blank=True)

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("informationssäkerhetsanalys")
        verbose_name_plural = _("informationssäkerhetsanalyser")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period"],
                name="one_analysis_per_unit_and_period",
                violation_error_message=_("Förvaltningen har redan en analys för mandatperioden."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}"


class AnalysisVersion(FrozenRecord):
    """What was reported to the nämnd or styrelse, frozen: the analysis's content as reported
    (systems, risks, measures, summary, participants), the decision, and the archival PDF/A.
    Versions reported before LIS kept them carry the decision only (empty content, no PDF)."""

    analysis = models.ForeignKey(SecurityAnalysis, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("innehåll"), default=dict, blank=True)
    decision = models.OneToOneField(
        Decision, verbose_name=_("beslut"), on_delete=models.PROTECT, related_name="analysis_version"
    )
    pdf = models.BinaryField(_("arkivexemplar (PDF/A)"), blank=True)
    pdf_sha256 = models.CharField(
        _("kontrollsumma (SHA-256)"),
        max_length=64,
        blank=True,
        help_text=_("Skrivs i ändringsloggen, så att arkivexemplaret kan kontrolleras."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["analysis", "-number"]
        verbose_name = _("rapporterad version")
        verbose_name_plural = _("rapporterade versioner")
        constraints = [models.UniqueConstraint(fields=["analysis", "number"], name="analysis_version_unique")]

    def __str__(self) -> str:
        return f"{self.analysis} v{self.number}"


class Risk(models.Model):
    """A risk to one system: orsak → händelse → konsekvens, the aspects it threatens, assessed as
    sannolikhet × konsekvens on the pack's scales; its level comes from the pack's matrix, not a
    formula. Treatment needs a motivation; the residual assessment follows the measures."""

    analysis = models.ForeignKey(SecurityAnalysis, on_delete=models.CASCADE, related_name="risks")
    system = models.ForeignKey(
        InformationSystem, verbose_name=_("system"), on_delete=models.PROTECT, related_name="risks"
    )
    threat = models.CharField(_("hot ur katalogen"), max_length=40, blank=True)
    cause = models.TextField(_("orsak"))
    event = models.TextField(_("händelse"))
    consequence_text = models.TextField(_("konsekvens"))
    aspects = models.JSONField(_("hotade aspekter"), default=list)
    likelihood = models.PositiveSmallIntegerField(_("sannolikhet"))
    consequence = models.PositiveSmallIntegerField(_("konsekvens (nivå)"))
    existing_protection = models.TextField(_("befintligt skydd"), blank=True)
    owner = models.ForeignKey(
        Person, verbose_name=_("riskägare"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    treatment = models.CharField(_("riskbehandling"), max_length=20, blank=True)
    treatment_motivation = models.TextField(_("motivering av behandlingen"), blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(_("kvarstående sannolikhet"), null=True, blank=True)
    residual_consequence = models.PositiveSmallIntegerField(_("kvarstående konsekvens"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("bedömd"), default=timezone.now)

    class Meta:
        ordering = ["-likelihood", "-consequence", "pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risker")
        indexes = [models.Index(fields=["system", "assessed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1) & Q(consequence__gte=1), name="risk_scales_start_at_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event[:80]}"

    @property
    def level(self):
        """The pack's risk level (key, name, colour) for sannolikhet × konsekvens."""
        return get_pack().risk_level(self.likelihood, self.consequence)

    @property
    def residual_level(self):
        if self.residual_likelihood is None or self.residual_consequence is None:
            return None
        return get_pack().risk_level(self.residual_likelihood, self.residual_consequence)


def evidence_upload_to(measure: Measure, filename: str) -> str:
    # Never the uploader's file name on disk: it is kept in `evidence_name` for the download.
    return f"measures/{uuid.uuid4().hex}"


class Measure(models.Model):
    """An åtgärd that treats one or more risks: type and status from the pack, the aspects it
    protects, who is responsible and when it is due. Overdue when open and past its date.

    A measure reported as genomförd (the pack's status COMPLETED) says how: a comment or an
    attached evidence file. Someone else, the risk owner or the unit's chef or samordnare, then
    verifies it (POL-3.31: measures are followed up, not only ticked off). Verification is kept
    as `verified_by`/`verified_at` beside the status rather than as a pack status "verifierad":
    the pack's statuses are the kommun's words for how the work is going (and which of them are
    open), while verification is a second person's check of one of them that must say who and
    when, must be undone when the completion changes, and must not depend on every kommun's
    pack adding a status with a special meaning in code."""

    COMPLETED = "done"  # the pack's key for genomförd

    analysis = models.ForeignKey(SecurityAnalysis, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("åtgärd"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    kind = models.CharField(_("typ"), max_length=20)
    aspects = models.JSONField(_("skyddade aspekter"), default=list, blank=True)
    responsible = models.ForeignKey(
        Person, verbose_name=_("åtgärdsansvarig"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20)
    risks = models.ManyToManyField(Risk, verbose_name=_("risker"), related_name="measures", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_note = models.TextField(_("kommentar om genomförandet"), blank=True)
    evidence = models.FileField(_("underlag"), upload_to=evidence_upload_to, blank=True)
    evidence_name = models.CharField(_("underlagets filnamn"), max_length=200, blank=True)
    evidence_type = models.CharField(_("underlagets filtyp"), max_length=10, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("markerad som genomförd av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("markerad som genomförd"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verifierad av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verifierad"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        status = next((s for s in get_pack().measure_statuses if s.key == self.status), None)
        return bool(status and status.get("open"))

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    @property
    def awaits_verification(self) -> bool:
        """Genomförd, but nobody else has verified it yet."""
        return self.status == self.COMPLETED and self.verified_at is None

    @property
    def status_label(self) -> str:
        """The status as lists, plans and reports show it: the pack's name, and for a genomförd
        measure whether it is verified."""
        name = next((s.name for s in get_pack().measure_statuses if s.key == self.status), self.status)
        if self.awaits_verification:
            return str(_("%(status)s, ej verifierad") % {"status": name})
        return name
