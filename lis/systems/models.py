"""The register of informationssystem: riskmatrisens del 1 (BIL1-2, BIL1-3, POL-3.9–3.14, POL-2.7)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.core.clock import add_months
from lis.core.pack import get_pack
from lis.organisation.models import Board, OrgUnit, Person


class Party(models.Model):
    """An organisation a system depends on: systemägare (often the vendor, POL-3.9), leverantör,
    utvecklare or avtalspart. Either an external organisation or one of the kommun's units.
    One party serves many systems."""

    class Kind(models.TextChoices):
        EXTERNAL = "external", _("Extern organisation")
        INTERNAL = "internal", _("Intern enhet")

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices, default=Kind.EXTERNAL)
    organisation_number = models.CharField(_("organisationsnummer"), max_length=11, blank=True)
    internal_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("intern enhet"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontaktens e-post"), blank=True)
    contact_phone = models.CharField(_("kontaktens telefon"), max_length=40, blank=True)
    notes = models.TextField(_("anteckningar"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("part")
        verbose_name_plural = _("parter")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_number"],
                condition=~Q(organisation_number=""),
                name="party_orgnr_unique",
                violation_error_message=_("Det finns redan en part med det organisationsnumret."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="internal") | Q(internal_unit__isnull=False), name="internal_party_has_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Platform(models.Model):
    """A platform, operating system or device model in use in the kommun (POL-3.29: "begränsa
    antalet olika enhetsmodeller, operativsystem och andra system"). IT-enheten keeps the list and
    says which are the standard; systems name the platforms they run on."""

    class Kind(models.TextChoices):
        OPERATING_SYSTEM = "os", _("Operativsystem")
        DEVICE = "device", _("Enhetsmodell")
        DATABASE = "database", _("Databas")
        HOSTING = "hosting", _("Drift- eller molnplattform")
        OTHER = "other", _("Annan plattform")

    class Lifecycle(models.TextChoices):
        STANDARD = "standard", _("Standard")
        ALLOWED = "allowed", _("Tillåten")
        PHASE_OUT = "phase_out", _("Avvecklas")

    name = models.CharField(_("namn"), max_length=200, unique=True)
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    vendor = models.CharField(_("tillverkare"), max_length=200, blank=True)
    lifecycle = models.CharField(_("status"), max_length=10, choices=Lifecycle.choices, default=Lifecycle.ALLOWED)
    devices_in_use = models.PositiveIntegerField(
        _("antal i bruk"), null=True, blank=True, help_text=_("För enhetsmodeller: ungefär hur många som används.")
    )
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("plattform")
        verbose_name_plural = _("plattformar")

    def __str__(self) -> str:
        return self.name


class InformationSystem(models.Model):
    """An informationssystem in the förteckning (BIL1-2): who owns it, who is accountable, who
    maintains it, who uses it, and how it is run (BIL1-3). Paper archives are systems too
    (POL-2.2). Its classification per aspect is the highest fastställd level among its
    information sets (kept in `levels` for filtering; see classification.services)."""

    class Status(models.TextChoices):
        PROCUREMENT = "procurement", _("Under anskaffning")
        OPERATIONAL = "operational", _("I drift")
        DECOMMISSIONING = "decommissioning", _("Under avveckling")
        DECOMMISSIONED = "decommissioned", _("Avvecklad")

    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPERATIONAL)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("förvaltning/bolag"), on_delete=models.PROTECT, related_name="systems"
    )
    system_owner = models.ForeignKey(
        Party,
        verbose_name=_("systemägare"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_systems",
    )
    supplier = models.ForeignKey(
        Party,
        verbose_name=_("leverantör"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplied_systems",
        help_text=_("Om en annan än systemägaren."),
    )
    developer = models.ForeignKey(
        Party,
        verbose_name=_("utvecklare"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="developed_systems",
        help_text=_("Om en annan än systemägaren."),
    )
    accountable_board = models.ForeignKey(
        Board,
        verbose_name=_("systemansvarig"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="systems",
        help_text=_("Nämnden eller styrelsen. Tom: förvaltningens eller bolagets."),
    )
    responsible_manager = models.ForeignKey(
        Person, verbose_name=_("ansvarig chef"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    system_steward = models.ForeignKey(
        Person, verbose_name=_("systemförvaltare"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    steward_appointed_on = models.DateField(_("systemförvaltare utsedd"), null=True, blank=True)
    operating_model = models.CharField(_("driftsform"), max_length=40, blank=True)
    personal_data = models.BooleanField(_("personuppgifter"), default=False)
    sensitive_personal_data = models.BooleanField(_("känsliga personuppgifter"), default=False)
    secrecy = models.BooleanField(_("uppgifter som omfattas av sekretess"), default=False)
    secrecy_provision = models.CharField(
        _("lagrum för sekretess"), max_length=300, blank=True, help_text=_("T.ex. 26 kap. 1 § OSL.")
    )
    platforms = models.ManyToManyField(Platform, verbose_name=_("plattformar"), blank=True, related_name="systems")
    # POL-3.27: "Upphandling av system ska göras i samråd med kommunens IT-enhet."
    it_consulted_on = models.DateField(
        _("IT-enheten rådfrågad"),
        null=True,
        blank=True,
        help_text=_("Dagen då upphandlingen stämdes av med IT-enheten."),
    )
    procurement_reference = models.CharField(
        _("upphandlingsreferens"), max_length=100, blank=True, help_text=_("Diarienummer eller upphandlingens id.")
    )
    tags = models.CharField(_("taggar"), max_length=300, blank=True, help_text=_("Kommaseparerade."))
    no_consumers = models.BooleanField(
        _("inga brukare"), default=False, help_text=_("Markera om systemet saknar brukare (läsande användare).")
    )
    # Derived from fastställda classifications (classification.services.system_levels_refresh).
    levels = models.JSONField(_("klassning"), default=dict, editable=False)
    level_rank = models.SmallIntegerField(_("högsta nivå"), null=True, editable=False, db_index=True)
    classified = models.BooleanField(
        _("klassat"), default=False, editable=False, help_text=_("Varje informationsmängd har en fastställd klassning.")
    )
    # POL-3.31: the last review of the system's documentation in the förteckning ("Granskad").
    documentation_reviewed_on = models.DateField(_("dokumentationen senast granskad"), null=True, blank=True)
    documentation_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dokumentationen granskad av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("informationssystem")
        verbose_name_plural = _("informationssystem")
        indexes = [models.Index(fields=["unit", "name"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_board(self) -> Board | None:
        return self.accountable_board or self.unit.governing_board

    @property
    def documentation_review_base(self) -> datetime.date:
        """What the next documentation review counts from: the last review, else registration."""
        if self.documentation_reviewed_on is not None:
            return self.documentation_reviewed_on
        return timezone.localdate(self.created_at) if self.created_at else timezone.localdate()

    @property
    def documentation_review_due(self) -> datetime.date:
        """Nästa granskning of the documentation (pack: systems.documentation_review_interval_months)."""
        return add_months(self.documentation_review_base, get_pack().system_documentation_review_interval_months)

    @property
    def needs_no_risk_analysis(self) -> bool:
        """POL-3.23: every aspect at the lowest level – kept in the register, not analysed."""
        return self.classified and self.level_rank == 0


class InformationSet(models.Model):
    """An informationsmängd of a system: what is classified (POL-3.22). A set marked as
    säkerhetsskyddsklassificerad keeps only that fact, never its content (POL-3.24)."""

    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE, related_name="information_sets")
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    digital = models.BooleanField(
        _("digital"), default=True, help_text=_("Avmarkera för t.ex. pappersarkiv (POL-2.2).")
    )
    security_protected = models.BooleanField(_("säkerhetsskyddsklassificerad"), default=False)
    security_marked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("informationsmängd")
        verbose_name_plural = _("informationsmängder")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def changelog_redactions(ids: list[int]) -> dict[int, set[str]]:
        """POL-3.24: what a set held before it was marked säkerhetsskydd is not shown again."""
        protected = InformationSet.objects.filter(pk__in=ids, security_protected=True).values_list("pk", flat=True)
        return {pk: {"description"} for pk in protected}


class Agreement(models.Model):
    """The agreement behind a system (POL-3.11: ansvarig chef ensures agreements are in place)."""

    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE, related_name="agreements")
    counterparty = models.ForeignKey(
        Party, verbose_name=_("motpart"), on_delete=models.PROTECT, related_name="agreements"
    )
    reference = models.CharField(_("avtalsreferens"), max_length=100, blank=True)
    starts_on = models.DateField(_("startdatum"), null=True, blank=True)
    ends_on = models.DateField(_("slutdatum"), null=True, blank=True)
    notice_months = models.PositiveSmallIntegerField(_("uppsägningstid (månader)"), null=True, blank=True)
    # POL-3.11, POL-3.31: the agreement's recurring review ("Granskad"). Registered on: what the
    # first review counts from when the agreement has no start date.
    last_reviewed_on = models.DateField(_("senast granskat"), null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granskat av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_on = models.DateField(_("registrerat"), default=timezone.localdate, editable=False)

    class Meta:
        ordering = ["ends_on", "pk"]
        verbose_name = _("avtal")
        verbose_name_plural = _("avtal")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_dates_in_order",
                violation_error_message=_("Slutdatum kan inte vara före startdatum."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.counterparty} {self.reference}".strip()

    @property
    def review_base(self) -> datetime.date:
        """What the next review counts from: the last review, else the start, else registration."""
        return self.last_reviewed_on or self.starts_on or self.registered_on

    @property
    def review_due(self) -> datetime.date:
        """Nästa granskning (pack: agreements.review_interval_months)."""
        return add_months(self.review_base, get_pack().agreement_review_interval_months)

    def in_force(self, today: datetime.date) -> bool:
        """Reviewed while it has not ended."""
        return self.ends_on is None or self.ends_on >= today

    def expires_within(self, days: int, today: datetime.date) -> bool:
        return self.ends_on is not None and today <= self.ends_on <= today + datetime.timedelta(days=days)


class UserGroup(models.Model):
    """Användare (POL-3.13) or brukare (POL-3.14) of a system, with their access level."""

    class Kind(models.TextChoices):
        USER = "user", _("Användare")
        CONSUMER = "consumer", _("Brukare")

    system = models.ForeignKey(InformationSystem, on_delete=models.CASCADE, related_name="user_groups")
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("beskrivning"), max_length=200)
    access_level = models.CharField(_("behörighetsnivå"), max_length=200, blank=True)
    approximate_size = models.PositiveIntegerField(_("ungefärligt antal"), null=True, blank=True)
    # POL-3.28: the person who is told about planned maintenance and disruptions for the group.
    contact = models.ForeignKey(
        Person,
        verbose_name=_("kontaktperson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Får driftinformation om systemet för gruppens räkning."),
    )

    class Meta:
        ordering = ["kind", "description"]
        verbose_name = _("användargrupp")
        verbose_name_plural = _("användargrupper")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"
