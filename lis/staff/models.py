"""The chef and their staff: exceptions recorded as tjänsteanteckningar (POL-3.20), distansarbete
agreements (POL-3.19) and säkerhetsklassade placeringar (POL-3.25)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.organisation.models import OrgUnit, Person


class PolicyException(models.Model):
    """POL-3.20: "Om behov finns av att besöka informationskällor som bryter mot gällande policys
    ... ska berörd chef informeras innan informationskällan används. Chefen kan göra undantag ...
    Chefen ska då göra tjänsteanteckning om detta undantag."

    A medarbetare asks (what, why, for how long); their chef grants or refuses with a reason. A
    granted exception is the tjänsteanteckning: dated, naming both, optionally diariefört, valid
    until `valid_until`. A chef may also register a tjänsteanteckning made outside LIS (then
    `requested_at` is empty and the expiry may be unknown, which Efterlevnad flags)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Begärt")
        GRANTED = "granted", _("Beviljat")
        REFUSED = "refused", _("Avslaget")
        WITHDRAWN = "withdrawn", _("Återkallat av den som begärde")
        ENDED = "ended", _("Avslutat")

    person = models.ForeignKey(
        Person, verbose_name=_("medarbetare"), on_delete=models.PROTECT, related_name="exceptions"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("enhet"), on_delete=models.PROTECT, related_name="policy_exceptions"
    )  # the person's unit when the exception was asked for: the register is kept per unit
    source = models.CharField(
        _("informationskälla eller tjänst"),
        max_length=300,
        help_text=_("Vad du behöver använda som annars strider mot policyn, t.ex. en webbplats eller en tjänst."),
    )
    reason = models.TextField(_("varför det behövs i arbetet"))
    requested_until = models.DateField(_("behövs till och med"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("begärt av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("begärt"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        Person, verbose_name=_("beslutat av"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    decision_reason = models.TextField(_("motivering"), blank=True)
    valid_until = models.DateField(_("gäller till och med"), null=True, blank=True)
    diary_number = models.CharField(_("diarienummer"), max_length=40, blank=True)
    ended_on = models.DateField(_("avslutat"), null=True, blank=True)
    end_reason = models.CharField(_("anledning"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registrerat av"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("undantag (tjänsteanteckning)")
        verbose_name_plural = _("undantag (tjänsteanteckningar)")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "withdrawn"])
                | Q(decided_by__isnull=False, decided_on__isnull=False),
                name="exception_decision_has_decider",
                violation_error_message=_("Ett beslutat undantag ska ange vem som beslutade och när."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(decided_on__isnull=True)
                | Q(valid_until__gte=models.F("decided_on")),
                name="exception_valid_after_decision",
                violation_error_message=_("Undantaget kan inte upphöra före beslutet."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["status", "valid_until"])]

    def __str__(self) -> str:
        return self.source


class RemoteWorkAgreement(models.Model):
    """POL-3.19: "Distansarbete är tillåtet efter överenskommelse mellan chef och medarbetare."."""

    person = models.ForeignKey(
        Person, verbose_name=_("medarbetare"), on_delete=models.PROTECT, related_name="remote_work_agreements"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("enhet"), on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey(Person, verbose_name=_("chef"), on_delete=models.PROTECT, related_name="+")
    agreed_on = models.DateField(_("överenskommet"))
    review_on = models.DateField(_("ses över"), null=True, blank=True)
    ends_on = models.DateField(_("upphör"), null=True, blank=True)
    note = models.TextField(_("villkor och anteckningar"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registrerat av"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-agreed_on", "-pk"]
        verbose_name = _("överenskommelse om distansarbete")
        verbose_name_plural = _("överenskommelser om distansarbete")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("agreed_on")),
                name="remote_work_dates_in_order",
                violation_error_message=_("Överenskommelsen kan inte upphöra innan den träffades."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "ends_on"])]

    def __str__(self) -> str:
        return str(_("Distansarbete från %(date)s") % {"date": self.agreed_on})


class ClassifiedPosition(models.Model):
    """POL-3.25: "Vilka befattningar som innebär placering i säkerhetsklass bestäms på central
    nivå." Known only to the säkerhetsskyddschef, HR and administrators."""

    class SecurityClass(models.TextChoices):
        ONE = "1", _("Säkerhetsklass 1")
        TWO = "2", _("Säkerhetsklass 2")
        THREE = "3", _("Säkerhetsklass 3")

    unit = models.ForeignKey(OrgUnit, verbose_name=_("förvaltning/enhet"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("befattning"), max_length=200)
    security_class = models.CharField(_("säkerhetsklass"), max_length=1, choices=SecurityClass.choices)
    holder = models.ForeignKey(
        Person, verbose_name=_("innehavare"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("beslutad"))
    decided_by = models.ForeignKey(Person, verbose_name=_("beslutad av"), on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(_("upphörde"), null=True, blank=True)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registrerad av"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["unit__name", "title", "pk"]
        verbose_name = _("säkerhetsklassad placering")
        verbose_name_plural = _("säkerhetsklassade placeringar")

    def __str__(self) -> str:
        return self.title
