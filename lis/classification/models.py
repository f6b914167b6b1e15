"""Informationsklassning (POL-3.22–3.24): each information set classified per aspect on the
pack's scale, proposed by one person and fastställd by another."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.core.pack import get_pack
from lis.core.reviews import next_review
from lis.systems.models import InformationSet


class Classification(models.Model):
    """One classification of an information set: a level per aspect (pack keys) and a
    motivation. utkast → föreslagen → fastställd; a new fastställd one supersedes the old,
    which stays as history."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        PROPOSED = "proposed", _("Föreslagen")
        APPROVED = "approved", _("Fastställd")
        SUPERSEDED = "superseded", _("Ersatt")

    information_set = models.ForeignKey(InformationSet, on_delete=models.CASCADE, related_name="classifications")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    levels = models.JSONField(_("nivåer"), default=dict)
    motivation = models.TextField(_("motivering"))
    # Each proposal gets a new revision; an approval names the revision the approver saw.
    revision = models.PositiveIntegerField(_("förslagsversion"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("föreslagen av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("föreslagen"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fastställd av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("fastställd"), null=True, blank=True)
    # POL-3.31: the fastställd classification is reviewed every pack interval ("Granskad"),
    # counted from its approval or its last review.
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("klassning")
        verbose_name_plural = _("klassningar")
        constraints = [
            # One current (fastställd) classification per information set.
            models.UniqueConstraint(
                fields=["information_set"], condition=Q(status="approved"), name="one_approved_classification"
            ),
            # One open proposal or draft at a time.
            models.UniqueConstraint(
                fields=["information_set"],
                condition=Q(status__in=["draft", "proposed"]),
                name="one_open_classification",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | ~Q(approved_by=models.F("proposed_by")),
                name="approver_is_not_proposer",
            ),
        ]

    def __str__(self) -> str:
        return " ".join(f"{aspect}{level}" for aspect, level in self.levels.items())

    @property
    def review_base(self) -> datetime.date | None:
        """What the next review counts from: the last review, else the approval (None: not fastställd)."""
        if self.last_reviewed_on is not None:
            return self.last_reviewed_on
        return timezone.localdate(self.approved_at) if self.approved_at is not None else None

    @property
    def review_due(self) -> datetime.date | None:
        """Nästa granskning of a fastställd classification (pack: classification.review_interval_months)."""
        if self.status != self.Status.APPROVED:
            return None
        return next_review(self.review_base, get_pack().classification_review_interval_months)

    @staticmethod
    def changelog_redactions(ids: list[int]) -> dict[int, set[str]]:
        """POL-3.24: the classification of information later marked säkerhetsskydd is not shown."""
        protected = Classification.objects.filter(pk__in=ids, information_set__security_protected=True)
        return {pk: {"levels", "motivation", "__str__"} for pk in protected.values_list("pk", flat=True)}


class InformationSetRemoval(models.Model):
    """A proposal to take an approved information set out of the max rule – delete it or mark it
    säkerhetsskyddsklassificerad (POL-3.24) – when that lowers the system's level. Like a
    classification, someone other than the proposer approves it; until then the set and the
    system's level stay. The row exists while the proposal waits; the change log keeps the rest.
    A proposal is never changed: a different one is a new row."""

    class Action(models.TextChoices):
        DELETE = "delete", _("Ta bort informationsmängden")
        SECURITY_PROTECTED = "security_protected", _("Markera informationsmängden som säkerhetsskyddsklassificerad")

    information_set = models.OneToOneField(
        InformationSet, verbose_name=_("informationsmängd"), on_delete=models.CASCADE, related_name="removal"
    )
    action = models.CharField(_("åtgärd"), max_length=20, choices=Action.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("föreslagen av"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("föreslagen"))

    class Meta:
        verbose_name = _("förslag att ta bort informationsmängd ur klassningen")
        verbose_name_plural = _("förslag att ta bort informationsmängder ur klassningen")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.information_set.name}"
