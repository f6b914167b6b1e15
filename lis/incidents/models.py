"""Incidents (POL-2.6): every employee reports, the handlers triage and investigate, and the
legal reporting clocks of the pack ([incidents.clocks]: cybersäkerhetslagen, GDPR art. 33,
säkerhetsskydd, polisanmälan) run from the moment the incident became known.

A clock is started by the handler's answer to its trigger question; each of its deadlines is
met by recording the report as sent (time, channel, the authority's reference), or the clock is
closed by a recorded decision not to report (who and why). Deadlines themselves are computed
from the pack (lis.incidents.selectors), never stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.organisation.models import OrgUnit, Person
from lis.risks.models import Measure, Risk
from lis.systems.models import InformationSet, InformationSystem


class Incident(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Ny")
        INVESTIGATING = "investigating", _("Under utredning")
        RESOLVED = "resolved", _("Åtgärdad")
        CLOSED = "closed", _("Avslutad")

    class PersonalData(models.TextChoices):
        YES = "yes", _("Ja")
        NO = "no", _("Nej")
        UNKNOWN = "unknown", _("Vet inte")

    year = models.PositiveSmallIntegerField(_("år"), editable=False)
    serial = models.PositiveIntegerField(_("löpnummer"), editable=False)
    # What the reporter says (the report form).
    description = models.TextField(_("vad har hänt"))
    occurred_at = models.DateTimeField(_("när det hände"), null=True, blank=True)
    noticed_at = models.DateTimeField(
        _("när det upptäcktes"), help_text=_("De lagstadgade tidsfristerna räknas härifrån.")
    )
    personal_data = models.CharField(_("kan personuppgifter vara berörda"), max_length=10, choices=PersonalData.choices)
    contact = models.CharField(_("kontaktuppgifter"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rapporterad av"), on_delete=models.PROTECT, related_name="+"
    )
    reporter = models.ForeignKey(
        Person, verbose_name=_("rapportör"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name_withheld_from_unit = models.BooleanField(
        _("visa inte mitt namn för förvaltningen"),
        default=False,
        help_text=_("Handläggarna ser ändå vem du är."),
    )
    reported_at = models.DateTimeField(_("rapporterad"), default=timezone.now, editable=False)
    systems = models.ManyToManyField(
        InformationSystem, verbose_name=_("berörda system"), blank=True, related_name="incidents"
    )
    information_sets = models.ManyToManyField(
        InformationSet, verbose_name=_("berörda informationsmängder"), blank=True, related_name="incidents"
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("berörd förvaltning/bolag"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    # Triage and handling.
    category = models.CharField(_("kategori"), max_length=100, blank=True)  # a name from the pack
    severity = models.CharField(_("allvarlighet"), max_length=20, blank=True)  # a key from the pack
    handler = models.ForeignKey(
        Person, verbose_name=_("handläggare"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    triaged_at = models.DateTimeField(_("bedömd"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("åtgärdad"), null=True, blank=True)
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    lessons_learned = models.TextField(_("lärdomar"), blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now, editable=False)
    measures = models.ManyToManyField(Measure, verbose_name=_("åtgärder"), blank=True, related_name="incidents")
    risks = models.ManyToManyField(Risk, verbose_name=_("risker"), blank=True, related_name="incidents")
    # GDPR art. 33(3) and 33(5): what IMY asks for, documented whether notified or not.
    ended_at = models.DateTimeField(_("när det upphörde"), null=True, blank=True)
    data_subject_categories = models.TextField(_("kategorier av registrerade"), blank=True)
    data_subjects_approx = models.PositiveIntegerField(_("ungefärligt antal registrerade"), null=True, blank=True)
    record_categories = models.TextField(_("kategorier av personuppgiftsposter"), blank=True)
    records_approx = models.PositiveIntegerField(_("ungefärligt antal poster"), null=True, blank=True)
    likely_consequences = models.TextField(_("sannolika konsekvenser"), blank=True)
    measures_taken = models.TextField(_("vidtagna och föreslagna åtgärder"), blank=True)
    data_subjects_informed = models.CharField(
        _("har de registrerade informerats"),
        max_length=10,
        blank=True,
        choices=[("yes", _("Ja")), ("no", _("Nej")), ("planned", _("Planeras"))],
    )

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidenter")
        constraints = [
            models.UniqueConstraint(fields=["year", "serial"], name="incident_number_unique"),
            models.CheckConstraint(
                condition=Q(occurred_at__isnull=True) | Q(occurred_at__lte=models.F("noticed_at")),
                name="incident_occurred_before_noticed",
                violation_error_message=_("Händelsen kan inte ha hänt efter att den upptäcktes."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-reported_at"]),
            models.Index(fields=["unit", "-reported_at"]),
            models.Index(fields=["category", "-reported_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.year}-{self.serial:04d}"


class TimelineEntry(models.Model):
    """One entry of the incident's timeline: what was observed, done, decided, or said with the
    supplier, and when."""

    class Kind(models.TextChoices):
        OBSERVATION = "observation", _("Iakttagelse")
        ACTION = "action", _("Åtgärd")
        DECISION = "decision", _("Beslut")
        SUPPLIER = "supplier", _("Kontakt med leverantör")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"))
    happened_at = models.DateTimeField(_("när"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["incident", "happened_at", "pk"]
        verbose_name = _("händelse i tidslinjen")
        verbose_name_plural = _("tidslinje")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class Clock(models.Model):
    """The handler's answer to one clock's trigger question (pack key), and, when the answer is
    yes and the handler decides not to report after all, who decided that and why."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="clocks")
    key = models.CharField(_("klocka"), max_length=40)  # [[incidents.clocks]] key
    triggered = models.BooleanField(_("utlöst"))
    started_at = models.DateTimeField(_("startade"), null=True, blank=True)  # = incident.noticed_at when triggered
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)
    not_reporting_reason = models.TextField(_("skäl att inte rapportera"), blank=True)
    not_reporting_decided_by = models.ForeignKey(
        Person, verbose_name=_("beslutat av"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    not_reporting_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["incident", "pk"]
        verbose_name = _("rapporteringsklocka")
        verbose_name_plural = _("rapporteringsklockor")
        constraints = [models.UniqueConstraint(fields=["incident", "key"], name="one_clock_per_key")]

    def __str__(self) -> str:
        return f"{self.incident} {self.key}"


class ReportSent(models.Model):
    """A report to an authority recorded as sent: it meets one deadline of a clock."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="reports")
    deadline = models.CharField(_("rapport"), max_length=40)  # deadline key of the clock in the pack
    sent_at = models.DateTimeField(_("skickad"))
    channel = models.CharField(_("kanal"), max_length=200)
    reference = models.CharField(_("mottagarens referens"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["clock", "sent_at"]
        verbose_name = _("skickad rapport")
        verbose_name_plural = _("skickade rapporter")
        constraints = [models.UniqueConstraint(fields=["clock", "deadline"], name="one_report_per_deadline")]

    def __str__(self) -> str:
        return f"{self.clock} {self.deadline}"


class DeadlineNotice(models.Model):
    """That the handler and the säkerhetsstrateg were told a deadline nears (or passed): sent
    once per deadline and stage, so running the check twice sends nothing twice."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="notices")
    deadline = models.CharField(max_length=40)
    stage = models.CharField(max_length=10)  # "warning" or "passed"
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clock", "deadline", "stage"], name="one_notice_per_deadline_stage")
        ]

    def __str__(self) -> str:
        return f"{self.clock} {self.deadline} {self.stage}"
