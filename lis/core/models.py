"""Shared mechanics: the login account and the tamper-evident change log (POL-2.3)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. The person behind it (with roles and unit) is organisation.Person."""

    # Set when an administrator gives the login a password: its owner must choose their own at
    # the next login before reaching any other page (lis.core.middleware.PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField(_("måste byta lösenord"), default=False)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")


class ChangeLogEntry(models.Model):
    """One recorded change or event (POL-2.3: "hanteringen ... ska vara spårbar").

    Written in the same transaction as the change it records. Entries are append-only (in
    PostgreSQL a trigger refuses UPDATE and DELETE) and chained: each entry's hash is an HMAC, with
    a key kept outside the database, of its own content and the previous entry's hash, so
    altering, removing or reordering a row breaks the chain and cannot be covered up by
    recomputing it (`manage.py verify_changelog`).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Skapad")
        UPDATE = "update", _("Ändrad")
        DELETE = "delete", _("Borttagen")
        EVENT = "event", _("Händelse")

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    timestamp = models.DateTimeField(db_index=True)
    request_id = models.CharField(max_length=36, db_index=True)
    # The client's X-Request-ID as it sent it (sanitised, at most 64 characters): the client's claim.
    client_request_id = models.CharField(max_length=64, blank=True)
    # Which of LIS_CHANGELOG_KEYS signed this entry (rotation adds a key; old entries keep theirs).
    key_id = models.CharField(max_length=20)
    # No database constraint: the log must outlive the accounts it names, unchanged.
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    user_name = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=Action.choices)
    event = models.CharField(max_length=60, blank=True)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["object_type", "object_id", "-sequence"])]
        verbose_name = _("ändringslogg")
        verbose_name_plural = _("ändringslogg")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Change-log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Change-log entries are append-only.")


class ChangeLogHead(models.Model):
    """The newest entry's sequence and hash: a lock for appending, and a check against a
    removed tail. One row."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash}"


class Notification(models.Model):
    """A message to one user, shown in the app and sent by e-mail (e.g. the POL-3.24 report)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("meddelande"), max_length=500)
    link = models.CharField(_("länk"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    read_at = models.DateTimeField(_("läst"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("avisering")
        verbose_name_plural = _("aviseringar")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message


class ImmutableError(Exception):
    """Something tried to change or remove a record that is evidence."""


class FrozenRecord(models.Model):
    """A record that is evidence once written – a decided plan version, a reported analysis, a
    published policy – and is never changed or removed through the ORM. `mutable_fields` names
    the fields that may still be set afterwards (saved with `update_fields` naming only them)."""

    mutable_fields: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = set(kwargs.get("update_fields") or ())
        if self.pk is not None and not (update_fields and update_fields <= self.mutable_fields):
            raise ImmutableError(f"{type(self).__name__} is evidence and is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{type(self).__name__} is evidence and is never removed.")


class BackgroundJob(models.Model):
    """A document built by the worker for one person (issue 15, item 5): the nämnd report, a
    riskmatris, the whole kommun's register. It records what was asked for (kind and
    parameters), by whom, how far it has come, and the file once it is ready. The file is only
    reused for the same person, kind and parameters while the data it was built from (the change
    log's data head), the policy pack and the day are the same (lis.core.jobs)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    kind = models.CharField(_("slag"), max_length=50)
    params = models.JSONField(_("parametrar"), default=dict)
    # sha256 of the canonical JSON of params: what the cache compares.
    params_key = models.CharField(max_length=64)
    # The language the document is written in: that of the request that asked for it.
    language = models.CharField(max_length=10)
    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="background_jobs")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("förlopp"), default=0)
    progress_message = models.CharField(_("förloppsmeddelande"), max_length=200, blank=True)
    error_message = models.CharField(_("felmeddelande"), max_length=500, blank=True)
    # What the document was (or will be) built from: the change log's data head, the pack's
    # version and the day it was built on (documents print the date and what is overdue).
    data_head = models.CharField(max_length=64)
    pack_version = models.CharField(max_length=50, blank=True)
    built_on = models.DateField()
    # The finished document, kept in the database: the web server and the worker need no shared
    # disk, backups hold it and nothing is written under the source tree.
    result = models.BinaryField(null=True, blank=True, editable=False)
    result_filename = models.CharField(_("filnamn"), max_length=255, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    result_size = models.PositiveIntegerField(null=True, blank=True)
    # The worker: the django-tasks result id of the current attempt, who runs it (host:pid),
    # when it last showed signs of life and how many times it was started.
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("bakgrundsjobb")
        verbose_name_plural = _("bakgrundsjobb")
        indexes = [
            models.Index(fields=["requested_by", "kind", "params_key"]),
            models.Index(fields=["status", "heartbeat_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="core_backgroundjob_progress_max_100")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
