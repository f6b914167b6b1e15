"""Reminders of what is due (issue 15, POL-3.31): each person's preferences, the record of every
reminder and e-mail sent, and the personal calendar feed's revocable token.

What is due comes from lis.core.deadlines through lis.compliance.deadlines; these models only
remember what each person asked for and what LIS has told them, so that sending is idempotent
(one reminder per deadline, person and stage) and no failed send is lost silently."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.organisation.models import Person


class ReminderSettings(models.Model):
    """A person's language for reminders (LIS keeps no other per-person language): "" is the
    kommun's default, Swedish."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="reminder_settings")
    language = models.CharField(_("språk i e-post"), max_length=10, blank=True, default="")

    class Meta:
        verbose_name = _("inställningar för påminnelser")
        verbose_name_plural = _("inställningar för påminnelser")

    def __str__(self) -> str:
        return str(_("Inställningar för påminnelser"))


class ReminderPreference(models.Model):
    """How often a person wants reminders of one kind of deadline. Without a row: daily. Legal
    deadlines (incident clocks) are always sent at once, whatever is stored here."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Dagligen")
        WEEKLY = "weekly", _("Varje vecka")
        OFF = "off", _("Av")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reminder_preferences")
    kind = models.CharField(_("slag"), max_length=80)  # a lis.core.deadlines DeadlineKind key
    frequency = models.CharField(_("påminnelser"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)

    class Meta:
        verbose_name = _("val för påminnelser")
        verbose_name_plural = _("val för påminnelser")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="one_reminder_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.get_frequency_display()}"


class Status(models.TextChoices):
    SENDING = "sending", _("Skickas")
    SENT = "sent", _("Skickad")
    FAILED = "failed", _("Misslyckades")


class ReminderMessage(models.Model):
    """One e-mail to one person: the daily digest (at most one a day), the weekly summary of a
    samordnare or the säkerhetsstrateg (one a week), or a legal deadline sent at once. `period`
    is the day (digest, legal) or the Monday of the week (summary) in Europe/Stockholm; `claim`
    tells legal messages of one day apart (the deadline's key and stage)."""

    class Kind(models.TextChoices):
        DIGEST = "digest", _("Daglig sammanställning")
        SUMMARY = "summary", _("Veckosammanfattning")
        LEGAL = "legal", _("Lagstadgad tidsfrist")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reminder_messages")
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices)
    period = models.DateField(_("gäller"))
    claim = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    last_error = models.CharField(_("senaste fel"), max_length=500, blank=True)
    subject = models.CharField(_("ämne"), max_length=200, blank=True)
    address = models.EmailField(_("e-postadress"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    attempted_at = models.DateTimeField(_("senaste försök"), null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-post med påminnelser")
        verbose_name_plural = _("e-post med påminnelser")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "period", "claim"], name="one_reminder_message_per_period"
            )
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"


class SentReminder(models.Model):
    """That a person has been told of one deadline at one stage (coming up, due today, overdue):
    at most one per (deadline key, person, stage), so running the job again tells nobody twice.
    A failed send stays here as failed and is tried again with the next e-mail, up to the pack's
    `reminders.max_attempts`."""

    class Stage(models.TextChoices):
        DUE_SOON = "due_soon", _("Förfaller snart")
        DUE = "due", _("Förfaller i dag")
        OVERDUE = "overdue", _("Försenad")

    key = models.CharField(_("tidsfrist"), max_length=300)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sent_reminders")
    stage = models.CharField(_("skede"), max_length=10, choices=Stage.choices)
    kind = models.CharField(_("slag"), max_length=80)
    title = models.CharField(_("vad"), max_length=300)
    due = models.DateField(_("förfaller"))
    message = models.ForeignKey(
        ReminderMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    last_error = models.CharField(_("senaste fel"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)

    class Meta:
        ordering = ["due", "key"]
        verbose_name = _("skickad påminnelse")
        verbose_name_plural = _("skickade påminnelser")
        constraints = [
            models.UniqueConstraint(fields=["key", "person", "stage"], name="one_reminder_per_deadline_person_stage")
        ]
        indexes = [models.Index(fields=["person", "status"]), models.Index(fields=["status", "attempts"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_stage_display()})"


class CalendarFeedToken(models.Model):
    """The secret of a person's calendar feed address. Only its SHA-256 is stored: the address is
    shown once when it is made, and renewing or revoking it makes the old address answer 404."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed_token")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    last_used_at = models.DateTimeField(_("senast hämtad"), null=True, blank=True)

    class Meta:
        verbose_name = _("kalenderadress")
        verbose_name_plural = _("kalenderadresser")
        constraints = [models.CheckConstraint(condition=~Q(token_hash=""), name="calendar_token_hash_set")]

    def __str__(self) -> str:
        return str(_("Kalenderadress"))


# The language codes a person may choose for their reminders.
LANGUAGE_CHOICES = [("", _("Kommunens standard (svenska)")), *settings.LANGUAGES]
