"""Driftinformation (POL-3.28): "Alla systemuppgraderingar som påverkar verksamheters dagliga
drift ska planeras i samråd mellan IT-enheten, systemägaren och systemförvaltaren. Den
verksamhet som använder systemet ... ska i god tid informeras".

IT-enheten plans maintenance or an upgrade of one or more systems, records with whom it was
planned, and notifies the contact persons of the systems' user groups; the pack's
[maintenance] notice_days is the least notice. A disruption is posted at once and closed when
it is over. Every employee reads current and planned notices (and an iCalendar feed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.organisation.models import Person
from lis.systems.models import InformationSystem


class ServiceNotice(models.Model):
    class Kind(models.TextChoices):
        MAINTENANCE = "maintenance", _("Planerat underhåll")
        UPGRADE = "upgrade", _("Uppgradering")
        DISRUPTION = "disruption", _("Driftstörning")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerad")
        ONGOING = "ongoing", _("Pågår")
        COMPLETED = "completed", _("Avslutad")
        CANCELLED = "cancelled", _("Inställd")

    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    impact = models.TextField(
        _("förväntad påverkan"), help_text=_("Vad användarna märker: vad som inte går att använda, och hur länge.")
    )
    systems = models.ManyToManyField(
        InformationSystem, verbose_name=_("berörda system"), related_name="service_notices"
    )
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("beräknas vara klart"), null=True, blank=True)
    ended_at = models.DateTimeField(_("klart"), null=True, blank=True)
    # POL-3.28: planned "i samråd mellan IT-enheten, systemägaren och systemförvaltaren".
    planned_with_owner = models.CharField(
        _("samrått med systemägaren"), max_length=200, blank=True, help_text=_("Vem hos systemägaren, och när.")
    )
    planned_with_steward = models.ForeignKey(
        Person,
        verbose_name=_("samrått med systemförvaltaren"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notified_at = models.DateTimeField(_("aviserat"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("skapad av"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)  # iCalendar SEQUENCE
    # The SEQUENCE the recipients were last told about: below `sequence`, they have not been
    # told of the latest change of time (or of the cancellation).
    notified_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # POL-3.28 "i god tid": why the notice is shorter than the pack's least notice, when it is.
    short_notice_reason = models.TextField(_("motivering för kortare varsel"), blank=True)
    closing_note = models.TextField(
        _("sammanfattning"),
        blank=True,
        help_text=_("När arbetet avslutas: vad som gjordes. När det ställs in: varför."),
    )

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("driftinformation")
        verbose_name_plural = _("driftinformation")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="service_notice_ends_after_start",
                violation_error_message=_("Arbetet kan inte vara klart innan det börjar."),
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class NoticeRecipient(models.Model):
    """Who was told about a notice, and when (POL-3.28 "i god tid informeras")."""

    notice = models.ForeignKey(ServiceNotice, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(Person, verbose_name=_("mottagare"), on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField(_("aviserad"), default=timezone.now)

    class Meta:
        ordering = ["notified_at", "pk"]
        verbose_name = _("mottagare av driftinformation")
        verbose_name_plural = _("mottagare av driftinformation")
        constraints = [
            models.UniqueConstraint(fields=["notice", "person"], name="notice_recipient_once"),
        ]

    def __str__(self) -> str:
        return str(self.person_id)
