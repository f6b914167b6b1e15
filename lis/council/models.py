"""E-rådet (POL-3.4–POL-3.6, POL-3.26, POL-3.31): its meetings with dagordning, attendance and
minnesanteckningar that are justerade and diarieförda, the advice it gives (never decisions), and
the SUA assessments raised in it.

Members are not stored here: they are the role register's E-rådets ordförande, säkerhetsstrateg,
E-rådsrepresentanter and ersättare (lis.organisation), so the history of who sat when is the
role register's."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.core.models import FrozenRecord
from lis.core.pack import get_pack
from lis.organisation.models import Board, Municipality, OrgUnit, Person
from lis.systems.models import InformationSystem


class Council(models.Model):
    """The kommun's E-råd: one per kommun."""

    municipality = models.OneToOneField(Municipality, on_delete=models.PROTECT, related_name="council")
    name = models.CharField(_("namn"), max_length=100, default="E-rådet")

    class Meta:
        verbose_name = _("E-råd")
        verbose_name_plural = _("E-råd")

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """One meeting: when and where, its dagordning, who attended, and (once justerade) its
    minutes. The chair calls it and sends the agenda (POL-3.5)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerat")
        HELD = "held", _("Genomfört")
        CANCELLED = "cancelled", _("Inställt")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    location = models.CharField(_("plats"), max_length=200, blank=True)
    link = models.URLField(_("länk till mötet"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    adjuster = models.ForeignKey(
        Person,
        verbose_name=_("justerare"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Justerar minnesanteckningarna tillsammans med ordföranden; en annan person än ordföranden."),
    )
    agenda_sent_at = models.DateTimeField(_("kallelse skickad"), null=True, blank=True)
    # iCalendar: the same UID for every invitation to the meeting, SEQUENCE raised on each change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)
    # Justering: each signature records the content it was given on (SHA-256 of the minutes as
    # they read then); the second must be on the same content, or nothing is justerat.
    chair_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chair_signed_at = models.DateTimeField(_("justerat av ordföranden"), null=True, blank=True)
    chair_signed_sha256 = models.CharField(max_length=64, blank=True)
    adjuster_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adjuster_signed_at = models.DateTimeField(_("justerat av justeraren"), null=True, blank=True)
    adjuster_signed_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("möte i E-rådet")
        verbose_name_plural = _("möten i E-rådet")
        indexes = [models.Index(fields=["council", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("Mötet måste sluta efter att det börjar."),
            ),
        ]

    def __str__(self) -> str:
        return _("E-rådet %(date)s") % {"date": timezone.localtime(self.starts_at).strftime("%Y-%m-%d")}


class AgendaItem(models.Model):
    """A point on the dagordning, with the minutes written for it. A representative's proposal
    waits for the chair or the säkerhetsstrateg to accept it."""

    class Kind(models.TextChoices):
        STANDING = "standing", _("Stående punkt")
        MEMBER = "member", _("Anmäld punkt")
        SUA = "sua", _("SUA-bedömning")
        ADVICE = "advice", _("Uppföljning av råd")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(_("ordning"))
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    standing_key = models.CharField(max_length=40, blank=True)  # which standing item (selectors)
    title = models.CharField(_("rubrik"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("förvaltning/bolag"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        Person, verbose_name=_("anmäld av"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted = models.BooleanField(_("på dagordningen"), default=True)
    minutes = models.TextField(_("minnesanteckning"), blank=True)
    secret = models.BooleanField(
        _("omfattas av sekretess"),
        default=False,
        help_text=_("Bara rubriken visas för den som inte är ledamot i E-rådet."),
    )
    secrecy_provision = models.CharField(_("lagrum"), max_length=200, blank=True)
    followed_advice = models.ForeignKey(
        "Advice", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_up_items"
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("punkt på dagordningen")
        verbose_name_plural = _("punkter på dagordningen")
        constraints = [
            models.CheckConstraint(
                condition=Q(secret=False) | ~Q(secrecy_provision=""),
                name="secret_item_has_provision",
                violation_error_message=_("Ange lagrummet för sekretessen, till exempel OSL 18 kap. 8 §."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Who attended a meeting, and in which seat."""

    class Presence(models.TextChoices):
        PRESENT = "present", _("Närvarande")
        DEPUTY = "deputy", _("Ersättare tjänstgjorde")
        ABSENT = "absent", _("Frånvarande")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    seat = models.CharField(_("plats i rådet"), max_length=40)  # a Role value, e.g. council_representative
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("förvaltning/bolag"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    presence = models.CharField(_("närvaro"), max_length=10, choices=Presence.choices)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="one_attendance_per_person")]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.get_presence_display()}"


class Minutes(FrozenRecord):
    """The justerade minnesanteckningar of a meeting, frozen: what they said (content), the
    archival PDF/A and its SHA-256 (also in the change log), who justerade. The diarienummer is
    added when they are registered, once (POL-3.5: "minnesanteckningar som diarieförs")."""

    mutable_fields = frozenset({"diary_series", "diary_year", "diary_serial", "registered_at", "registered_by"})

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    content = models.JSONField(_("innehåll"))
    pdf = models.BinaryField(_("arkivexemplar (PDF/A)"))
    pdf_sha256 = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64)
    justered_at = models.DateTimeField(_("justerat"))
    diary_series = models.CharField(_("diarieserie"), max_length=20, blank=True)
    diary_year = models.PositiveSmallIntegerField(_("diarieår"), null=True, blank=True)
    diary_serial = models.PositiveIntegerField(_("löpnummer"), null=True, blank=True)
    registered_at = models.DateTimeField(_("diariefört"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("justerade minnesanteckningar")
        verbose_name_plural = _("justerade minnesanteckningar")
        constraints = [
            models.UniqueConstraint(
                fields=["diary_series", "diary_year", "diary_serial"],
                condition=Q(diary_serial__isnull=False),
                name="minutes_diary_number_unique",
                violation_error_message=_("Diarienumret är redan registrerat på andra minnesanteckningar."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def diary_number(self) -> str:
        if self.diary_serial is None:
            return ""
        return get_pack().format_diary_number(year=self.diary_year, serial=self.diary_serial, board=self.diary_series)


class Advice(models.Model):
    """What the E-råd advises (POL-3.6: rådgivande, never a decision), to whom, and who follows it
    up by when. Open advice comes back on every agenda until it is followed up."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="advice")
    text = models.TextField(_("råd"))
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("till förvaltning/bolag"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    board = models.ForeignKey(
        Board,
        verbose_name=_("till nämnd/styrelse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    follow_up_by = models.ForeignKey(
        Person, verbose_name=_("följs upp av"), on_delete=models.PROTECT, related_name="council_advice"
    )
    follow_up_on = models.DateField(_("följs upp senast"))
    followed_up_on = models.DateField(_("uppföljt"), null=True, blank=True)
    follow_up_note = models.TextField(_("uppföljning"), blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["follow_up_on", "pk"]
        verbose_name = _("råd")
        verbose_name_plural = _("råd")
        indexes = [models.Index(fields=["followed_up_on", "follow_up_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(board__isnull=False),
                name="advice_has_addressee",
                violation_error_message=_("Ange vilken förvaltning, vilket bolag eller vilken nämnd rådet ges till."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class SuaAssessment(models.Model):
    """Whether a system run by a third party needs säkerhetsskyddad upphandling (POL-3.26,
    DOMAIN.md "SUA"), assessed before procurement or when the driftsform changes and raised in
    the E-råd. Facts only: no säkerhetsskyddsklassificerad information is stored (POL-3.24)."""

    class Reason(models.TextChoices):
        PROCUREMENT = "procurement", _("Före upphandling")
        OPERATING_MODEL = "operating_model", _("Ändrad driftsform")

    system = models.ForeignKey(
        InformationSystem, verbose_name=_("system"), on_delete=models.PROTECT, related_name="sua_assessments"
    )
    reason = models.CharField(_("anledning"), max_length=20, choices=Reason.choices)
    operating_model = models.CharField(_("driftsform som bedömts"), max_length=40)
    classified_information = models.BooleanField(_("säkerhetsskyddsklassificerade uppgifter berörs"))
    security_sensitive_activity = models.BooleanField(_("säkerhetskänslig verksamhet berörs"))
    protection_class = models.CharField(_("säkerhetsskyddsklass"), max_length=40, blank=True)
    agreement_needed = models.BooleanField(_("säkerhetsskyddsavtal behövs"))
    agreement_level = models.PositiveSmallIntegerField(_("nivå på säkerhetsskyddsavtal"), null=True, blank=True)
    sapo_consultation = models.BooleanField(_("samråd med Säkerhetspolisen behövs"))
    decision = models.TextField(_("beslut"))
    decided_by = models.ForeignKey(Person, verbose_name=_("beslutat av"), on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("beslutsdatum"))
    agenda_item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("ärende i E-rådet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sua_assessment",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["system", "-decided_on", "-pk"]
        verbose_name = _("SUA-bedömning")
        verbose_name_plural = _("SUA-bedömningar")
        constraints = [
            models.CheckConstraint(
                condition=Q(agreement_needed=False, agreement_level__isnull=True)
                | Q(agreement_needed=True, agreement_level__gte=1, agreement_level__lte=3),
                name="sua_agreement_level_1_to_3",
                violation_error_message=_(
                    "Ange säkerhetsskyddsavtalets nivå (1–3) när ett avtal behövs, annars ingen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(classified_information=False) | ~Q(protection_class=""),
                name="sua_class_when_classified",
                violation_error_message=_("Ange säkerhetsskyddsklassen när klassificerade uppgifter berörs."),
            ),
        ]

    def __str__(self) -> str:
        return _("SUA-bedömning av %(system)s") % {"system": self.system.name}
