"""Information security training (POL-3.18: "Den som har chefsbefattning ska ansvara för att
medarbetarna regelbundet får den utbildning som är behövlig") and training in a system before a
systemförvaltare takes up the role (POL-3.12).

A course is either the kommun-wide awareness training, valid for the pack's renewal interval
([training] awareness_renewal_months, unless the course sets its own), or training in one system,
which does not expire. A completion says that one person finished one course on one day, and
where LIS learned it (registered by hand or imported from the LMS export)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.organisation.models import Person
from lis.systems.models import InformationSystem


class Course(models.Model):
    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("Informationssäkerhetsutbildning (alla medarbetare)")
        SYSTEM = "system", _("Utbildning i ett system")
        OTHER = "other", _("Annan utbildning")

    name = models.CharField(_("namn"), max_length=200)
    code = models.CharField(
        _("kurskod"),
        max_length=50,
        unique=True,
        help_text=_("Koden i lärplattformens export; importen känner igen kursen på den."),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    system = models.ForeignKey(
        InformationSystem,
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    description = models.TextField(_("beskrivning"), blank=True)
    renewal_months = models.PositiveSmallIntegerField(
        _("giltighet (månader)"),
        null=True,
        blank=True,
        help_text=_(
            "Tom: policypaketets intervall för informationssäkerhetsutbildningen; systemutbildning gäller tills vidare."
        ),
    )
    ended_on = models.DateField(_("ges inte längre från"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("kurs")
        verbose_name_plural = _("kurser")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="system", system__isnull=False) | (~Q(kind="system") & Q(system__isnull=True)),
                name="course_system_iff_system_kind",
                violation_error_message=_("En utbildning i ett system ska ange systemet, andra kurser inget system."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Completion(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Registrerad i LIS")
        IMPORT = "import", _("Import från lärplattformen")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="completions")
    course = models.ForeignKey(Course, verbose_name=_("kurs"), on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField(_("genomförd"))
    source = models.CharField(_("källa"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    source_reference = models.CharField(
        _("referens"), max_length=200, blank=True, help_text=_("T.ex. importfilens namn och rad.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registrerad av"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrerad"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        verbose_name = _("genomförd utbildning")
        verbose_name_plural = _("genomförda utbildningar")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course", "completed_on"],
                name="one_completion_per_person_course_day",
                violation_error_message=_("Personen har redan genomfört kursen den dagen."),
            ),
        ]
        indexes = [
            models.Index(fields=["course", "person", "-completed_on"]),
            models.Index(fields=["person", "-completed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.completed_on:%Y-%m-%d}"
