"""The kommun's organisation, its people and their roles (POL-2.1, POL-3.1–3.8, POL-3.30)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis.core.pack import get_pack


class Municipality(models.Model):
    """The kommun the LIS serves. One row, named by the policy pack."""

    name = models.CharField(_("namn"), max_length=200)
    code = models.CharField(_("kommunkod"), max_length=4, unique=True)

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name


class Board(models.Model):
    """A politically governed body: kommunfullmäktige, kommunstyrelsen, a nämnd (possibly
    joint with another kommun) or a bolagsstyrelse. Nämnder and styrelser are
    *systemansvariga* (POL-3.2, POL-3.10); kommunstyrelsen is responsible for IT and
    information security (POL-3.1)."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Kommunfullmäktige")
        EXECUTIVE = "executive", _("Kommunstyrelse")
        COMMITTEE = "committee", _("Nämnd")
        JOINT_COMMITTEE = "joint_committee", _("Gemensam nämnd")
        COMPANY_BOARD = "company_board", _("Bolagsstyrelse")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="boards")
    name = models.CharField(_("namn"), max_length=200)
    short_name = models.CharField(
        _("förkortning"),
        max_length=20,
        help_text=_("Används i diarienummer och listor, t.ex. KS."),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    responsible_for_security = models.BooleanField(
        _("ansvarig nämnd för IT och informationssäkerhet"),
        default=False,
        help_text=_("POL-3.1: kommunstyrelsen är ansvarig nämnd för IT och informationssäkerhet."),
    )
    partner_municipalities = models.CharField(
        _("samverkande kommuner"),
        max_length=200,
        blank=True,
        help_text=_("För gemensamma nämnder, t.ex. Säffle."),
    )
    member_count = models.PositiveSmallIntegerField(_("antal ledamöter"), null=True, blank=True)
    ended_on = models.DateField(_("upphörde"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("nämnd eller styrelse")
        verbose_name_plural = _("nämnder och styrelser")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "short_name"],
                name="board_short_name_unique",
                violation_error_message=_("Det finns redan en nämnd eller styrelse med den förkortningen."),
            ),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(responsible_for_security=True),
                name="one_board_responsible_for_security",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.ended_on is None or self.ended_on > timezone.localdate()


class OrgUnit(models.Model):
    """A förvaltning, a bolag or an enhet within one. Each förvaltning and bolag is governed by
    a Board (POL-2.1); enheter inherit theirs. `path` holds the ids from the root, so a subtree
    is one indexed prefix query."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("Förvaltning")
        COMPANY = "company", _("Bolag")
        UNIT = "unit", _("Enhet")

    class Function(models.TextChoices):
        NONE = "", _("Ingen särskild")
        IT = "it", _("IT-enheten")
        HR = "hr", _("Personalenheten")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("namn"), max_length=200)
    short_name = models.CharField(_("förkortning"), max_length=20, blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("ingår i"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    governing_board = models.ForeignKey(
        Board,
        verbose_name=_("styrande nämnd/styrelse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="governed_units",
    )
    function = models.CharField(_("funktion"), max_length=10, choices=Function.choices, blank=True, default="")
    organisation_number = models.CharField(_("organisationsnummer"), max_length=11, blank=True)
    code = models.CharField(
        _("enhetskod"),
        max_length=40,
        blank=True,
        help_text=_("Enhetskod i HR-systemet; personer från HR-exporten knyts till enheten med den."),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    ended_on = models.DateField(_("upphörde"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisatorisk enhet")
        verbose_name_plural = _("organisatoriska enheter")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["administration", "company"]) | Q(governing_board__isnull=False),
                name="top_unit_has_board",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="unit_code_unique",
                violation_error_message=_("Det finns redan en enhet med den enhetskoden."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_top_level(self) -> bool:
        """A förvaltning or bolag: the level the policy's obligations address."""
        return self.kind in (self.Kind.ADMINISTRATION, self.Kind.COMPANY)

    @property
    def is_active(self) -> bool:
        return self.ended_on is None or self.ended_on > timezone.localdate()


class MandatePeriod(models.Model):
    """A four-year term. Two anchors from the pack: the council's (kommunfullmäktige, from
    15 October of the election year) and the boards' (kommunstyrelsen and nämnder, from
    1 January the year after). Rows are created from the pack as they are needed."""

    class Anchor(models.TextChoices):
        COUNCIL = "council", _("Kommunfullmäktige")
        BOARD = "board", _("Kommunstyrelse och nämnder")

    anchor = models.CharField(_("ankare"), max_length=10, choices=Anchor.choices)
    election_year = models.PositiveSmallIntegerField(_("valår"))
    starts_on = models.DateField(_("börjar"))
    ends_on = models.DateField(_("slutar"))

    class Meta:
        ordering = ["starts_on", "anchor"]
        verbose_name = _("mandatperiod")
        verbose_name_plural = _("mandatperioder")
        constraints = [
            models.UniqueConstraint(fields=["anchor", "election_year"], name="mandate_period_unique"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="mandate_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on.year}–{self.ends_on.year}"


class Person(models.Model):
    """A medarbetare or förtroendevald (POL-2.1), with or without a login. A person with
    *skyddad identitet* is shown pseudonymised to all but administrators and HR (POL-3.30)."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Medarbetare")
        ELECTED = "elected", _("Förtroendevald")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="people")
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices, default=Kind.EMPLOYEE)
    title = models.CharField(_("befattning"), max_length=200, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("enhet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inloggning"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    protected_identity = models.BooleanField(
        _("skyddad identitet"),
        default=False,
        help_text=_("POL-3.30: visas med pseudonym för alla utom administratörer och HR."),
    )
    ended_on = models.DateField(_("slutade"), null=True, blank=True)
    employee_number = models.CharField(
        _("anställningsnummer"),
        max_length=40,
        blank=True,
        help_text=_("Numret i HR-systemet; personer från HR-exporten matchas på det."),
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("närmaste chef enligt HR"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("När den är angiven är den personens chef; annars förvaltningschefen eller VD för enheten."),
    )

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        indexes = [models.Index(fields=["unit", "last_name"]), models.Index(fields=["last_name", "first_name", "id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["employee_number"],
                condition=~Q(employee_number=""),
                name="person_employee_number_unique",
                violation_error_message=_("Det finns redan en person med det anställningsnumret."),
            ),
        ]

    def __str__(self) -> str:
        # The real name: never rendered directly, always through core.access.person_label.
        return f"{self.first_name} {self.last_name}"

    @property
    def pseudonym(self) -> str:
        return str(_("Skyddad person %(number)s") % {"number": self.pk})

    @property
    def is_active(self) -> bool:
        return self.ended_on is None or self.ended_on > timezone.localdate()


class Role(models.TextChoices):
    """The policy's roles (chapter 3). Which ones need a unit or a board: ROLE_SCOPE."""

    SECURITY_STRATEGIST = "security_strategist", _("Säkerhetsskyddschef/säkerhetsstrateg")
    DEPUTY_SIGNALS_CHIEF = "deputy_signals_chief", _("Biträdande signalskyddschef")
    MUNICIPAL_DIRECTOR = "municipal_director", _("Kommundirektör")
    IT_MANAGER = "it_manager", _("IT-chef")
    UNIT_HEAD = "unit_head", _("Förvaltningschef/VD")
    SECURITY_COORDINATOR = "security_coordinator", _("Informationssäkerhetssamordnare")
    COUNCIL_REPRESENTATIVE = "council_representative", _("E-rådsrepresentant")
    COUNCIL_DEPUTY = "council_deputy", _("Ersättare i E-rådet")
    COUNCIL_CHAIR = "council_chair", _("E-rådets ordförande")
    BOARD_MEMBER = "board_member", _("Nämndledamot/styrelseledamot")
    HR = "hr", _("HR")
    ADMINISTRATOR = "administrator", _("Administratör")


ROLE_SCOPE: dict[str, str] = {
    Role.UNIT_HEAD: "unit",
    Role.SECURITY_COORDINATOR: "unit",
    Role.COUNCIL_REPRESENTATIVE: "unit",
    Role.COUNCIL_DEPUTY: "unit",
    Role.BOARD_MEMBER: "board",
}


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, day: datetime.date | None = None) -> RoleAssignmentQuerySet:
        """Assignments in force on `day` (today in Europe/Stockholm), held by someone who has
        not left."""
        day = day or timezone.localdate()
        return self.filter(
            Q(starts_on__lte=day),
            Q(ends_on__isnull=True) | Q(ends_on__gte=day),
            Q(person__ended_on__isnull=True) | Q(person__ended_on__gt=day),
        )


class RoleAssignment(models.Model):
    """A person holds a policy role from a date, possibly to a date, possibly for one unit
    or one board."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("roll"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("enhet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    board = models.ForeignKey(
        Board,
        verbose_name=_("nämnd/styrelse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    starts_on = models.DateField(_("från"))
    ends_on = models.DateField(_("till och med"), null=True, blank=True)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role", "starts_on"]
        verbose_name = _("rolltilldelning")
        verbose_name_plural = _("rolltilldelningar")
        indexes = [models.Index(fields=["role", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="role_assignment_dates_in_order",
                violation_error_message=_("Slutdatum kan inte vara före startdatum."),
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["unit_head", "security_coordinator", "council_representative", "council_deputy"])
                | Q(unit__isnull=False),
                name="unit_role_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(role="board_member") | Q(board__isnull=False),
                name="board_role_has_board",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.board
        label = self.get_role_display()
        return f"{label}, {scope}" if scope else str(label)


class Decision(models.Model):
    """A decision recorded in a board's minutes: meeting date, paragraf and the ärende's
    diarienummer. The diarienummer belongs to the board's series when the pack says so
    (Åmål: 2026-00014, one series per nämnd), so the series is part of its identity."""

    board = models.ForeignKey(Board, verbose_name=_("nämnd/styrelse"), on_delete=models.PROTECT, related_name="+")
    meeting_date = models.DateField(_("sammanträdesdatum"))
    paragraph = models.PositiveIntegerField(_("paragraf"))
    diary_series = models.CharField(_("diarieserie"), max_length=20, blank=True)
    diary_year = models.PositiveSmallIntegerField(_("diarieår"))
    diary_serial = models.PositiveIntegerField(_("löpnummer"))
    subject = models.CharField(_("ärende"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrerat"), default=timezone.now)

    class Meta:
        ordering = ["-meeting_date", "-paragraph"]
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        constraints = [
            models.UniqueConstraint(
                fields=["board", "meeting_date", "paragraph"],
                name="one_decision_per_paragraph",
                violation_error_message=_("Nämnden har redan ett beslut med den paragrafen vid sammanträdet."),
            ),
        ]
        indexes = [models.Index(fields=["diary_series", "diary_year", "diary_serial"])]
        # Moved here from lis.plans (which records plans' decisions, as risks, routines and the
        # policy do): the table keeps its name.
        db_table = "plans_decision"

    changelog_type = "plans.decision"

    def __str__(self) -> str:
        return f"{self.board.short_name} {self.meeting_date:%Y-%m-%d} § {self.paragraph}"

    @property
    def diary_number(self) -> str:
        return get_pack().format_diary_number(
            year=self.diary_year, serial=self.diary_serial, board=self.board.short_name
        )
