"""Personal access tokens for the REST API: a user's own, with a scope and an expiry, stored as a
SHA-256 hash of the secret (the secret is shown once, when the token is created)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Läsa")
        WRITE = "write", _("Läsa och ändra")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("användare"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("namn"), max_length=100)
    prefix = models.CharField(_("början"), max_length=8)
    # Never the secret itself; not editable, so the change log never records it.
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("behörighet"), max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    expires_on = models.DateField(_("gäller till och med"))
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("åtkomsttoken")
        verbose_name_plural = _("åtkomsttoken")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired
