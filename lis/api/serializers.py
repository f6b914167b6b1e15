"""What the API shows and accepts. Fields are listed one by one; people are shown through
`access.person_label` (a protected identity as its pseudonym, without its id, POL-3.30)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lis.classification.models import Classification
from lis.core import access
from lis.organisation.models import Board, OrgUnit, Person
from lis.organisation.selectors import people_choices
from lis.plans.models import ActionPlan
from lis.risks.models import Measure, Risk, SecurityAnalysis
from lis.systems import services as system_services
from lis.systems.models import Agreement, InformationSet, InformationSystem, Party, Platform


class RefSerializer(serializers.Serializer):
    """Another object by id and name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, allow_null=True, help_text="Tomt för skyddad identitet.")
    name = serializers.CharField(read_only=True)


@extend_schema_field(PersonRefSerializer(allow_null=True))
class PersonRefField(serializers.Field):
    """A person as this viewer may see them."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, person):
        p = self.context["principal"]
        withheld = access.identity_withheld(p, person)
        return {"id": None if withheld else person.pk, "name": access.person_label(p, person)}


@extend_schema_field(PersonRefSerializer(allow_null=True))
class UserRefField(serializers.Field):
    """A login as this viewer may see it: its person (pseudonymised if protected), else its user name."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, user):
        p = self.context["principal"]
        person = getattr(user, "person", None)
        withheld = access.identity_withheld(p, person)
        return {
            "id": None if person is None or withheld else person.pk,
            "name": access.user_label(p, user),
        }


class SystemSerializer(serializers.ModelSerializer):
    unit = RefSerializer(read_only=True)
    system_owner = RefSerializer(read_only=True, allow_null=True)
    supplier = RefSerializer(read_only=True, allow_null=True)
    developer = RefSerializer(read_only=True, allow_null=True)
    accountable_board = RefSerializer(read_only=True, allow_null=True)
    responsible_manager = PersonRefField(allow_null=True)
    system_steward = PersonRefField(allow_null=True)
    platforms = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    levels = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = InformationSystem
        fields = [
            "id",
            "name",
            "description",
            "status",
            "unit",
            "system_owner",
            "supplier",
            "developer",
            "accountable_board",
            "responsible_manager",
            "system_steward",
            "steward_appointed_on",
            "operating_model",
            "personal_data",
            "sensitive_personal_data",
            "secrecy",
            "secrecy_provision",
            "platforms",
            "it_consulted_on",
            "procurement_reference",
            "tags",
            "no_consumers",
            "levels",
            "classified",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SystemWriteSerializer(serializers.ModelSerializer):
    """What a POST or PATCH may set: the fields of the system form, validated again by
    `systems.services.system_create/system_update`."""

    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    system_owner = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), allow_null=True, required=False)
    supplier = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), allow_null=True, required=False)
    developer = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), allow_null=True, required=False)
    accountable_board = serializers.PrimaryKeyRelatedField(
        queryset=Board.objects.all(), allow_null=True, required=False
    )
    platforms = serializers.PrimaryKeyRelatedField(queryset=Platform.objects.all(), many=True, required=False)

    class Meta:
        model = InformationSystem
        fields = list(system_services.SYSTEM_FORM_FIELDS)  # the system form's fields, nothing else

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        system = self.instance
        current = (system.responsible_manager_id, system.system_steward_id) if system is not None else ()
        # The people the form offers: those the user may see, and whoever the system already names.
        principal = self.context.get("principal")
        people = people_choices(principal, *current) if principal is not None else Person.objects.none()
        for name in ("responsible_manager", "system_steward"):
            self.fields[name] = serializers.PrimaryKeyRelatedField(queryset=people, allow_null=True, required=False)


class InformationSetSerializer(serializers.ModelSerializer):
    system = serializers.PrimaryKeyRelatedField(read_only=True)
    description = serializers.SerializerMethodField()

    class Meta:
        model = InformationSet
        fields = ["id", "system", "name", "description", "digital", "security_protected"]
        read_only_fields = fields

    def get_description(self, obj: InformationSet) -> str:
        # A säkerhetsskyddsklassificerad set's content is not described in LIS.
        return "" if obj.security_protected else obj.description


class InformationSetWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = InformationSet
        fields = ["name", "description", "digital"]


class PartySerializer(serializers.ModelSerializer):
    internal_unit = RefSerializer(read_only=True, allow_null=True)
    # Shown as stored: may be empty, so not the schema's "email" format.
    contact_email = serializers.CharField(read_only=True)

    class Meta:
        model = Party
        fields = [
            "id",
            "name",
            "kind",
            "organisation_number",
            "internal_unit",
            "contact_name",
            "contact_email",
            "contact_phone",
            "notes",
        ]
        read_only_fields = fields


class SystemFilterSerializer(serializers.Serializer):
    """The list page's filters, by the API's names."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    unit = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=InformationSystem.Status.choices, required=False)
    operating_model = serializers.CharField(required=False, allow_blank=True, max_length=40)
    completeness = serializers.ChoiceField(choices=["complete", "incomplete"], required=False)
    classified = serializers.ChoiceField(choices=["ja", "nej", "vantar"], required=False)
    mine = serializers.BooleanField(required=False, default=False)


class PartyWriteSerializer(serializers.ModelSerializer):
    """What a POST or PATCH of a party may set: the party form's fields, validated again by
    `systems.services.party_create/party_update`."""

    internal_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Party
        fields = [
            "name",
            "kind",
            "organisation_number",
            "internal_unit",
            "contact_name",
            "contact_email",
            "contact_phone",
            "notes",
        ]


class AgreementSerializer(serializers.ModelSerializer):
    system = serializers.PrimaryKeyRelatedField(read_only=True)
    counterparty = RefSerializer(read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "system", "counterparty", "reference", "starts_on", "ends_on", "notice_months"]
        read_only_fields = fields


class AgreementWriteSerializer(serializers.ModelSerializer):
    """The agreement form's fields, validated again by `systems.services.agreement_create/_update`."""

    counterparty = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all())

    class Meta:
        model = Agreement
        fields = ["counterparty", "reference", "starts_on", "ends_on", "notice_months"]
        # The model's date-order constraint is the service's check (a Swedish message on `ends_on`).
        validators = []


class ClassificationSerializer(serializers.ModelSerializer):
    levels = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="Nivå per aspekt (K, R, T)."
    )
    proposed_by = UserRefField(allow_null=True)
    approved_by = UserRefField(allow_null=True)

    class Meta:
        model = Classification
        fields = [
            "id",
            "status",
            "levels",
            "motivation",
            "revision",
            "proposed_by",
            "proposed_at",
            "approved_by",
            "approved_at",
            "created_at",
        ]
        read_only_fields = fields


class SetClassificationSerializer(serializers.Serializer):
    """An information set's classification as on the Klassning tab: the fastställd one, the open
    one (utkast or föreslagen) and the earlier ones."""

    information_set = serializers.IntegerField(read_only=True)
    security_protected = serializers.BooleanField(read_only=True)
    approved = ClassificationSerializer(read_only=True, allow_null=True)
    open = ClassificationSerializer(read_only=True, allow_null=True)
    history = ClassificationSerializer(read_only=True, many=True)


class ClassificationSaveSerializer(serializers.Serializer):
    """Save the open classification as utkast, or propose it (`propose`: true) for someone else to
    fastställa (`classification.services.classification_save`)."""

    levels = serializers.DictField(
        child=serializers.CharField(max_length=10), help_text='Nivå per aspekt, t.ex. {"K": "2", "R": "1", "T": "1"}.'
    )
    motivation = serializers.CharField(max_length=5000)
    propose = serializers.BooleanField(default=False)


class ClassificationApproveSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=0, help_text="Förslagets `revision` som du har läst: ett förslag som ändrats sedan fastställs inte."
    )


class LevelSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


def _level(choice) -> dict | None:
    return None if choice is None else {"key": choice.key, "name": str(choice.name)}


class RiskSerializer(serializers.ModelSerializer):
    analysis = serializers.PrimaryKeyRelatedField(read_only=True)
    system = RefSerializer(read_only=True)
    owner = PersonRefField(allow_null=True)
    aspects = serializers.ListField(child=serializers.CharField(), read_only=True)
    level = serializers.SerializerMethodField()
    residual_level = serializers.SerializerMethodField()

    class Meta:
        model = Risk
        fields = [
            "id",
            "analysis",
            "system",
            "threat",
            "cause",
            "event",
            "consequence_text",
            "aspects",
            "likelihood",
            "consequence",
            "level",
            "existing_protection",
            "owner",
            "treatment",
            "treatment_motivation",
            "residual_likelihood",
            "residual_consequence",
            "residual_level",
            "assessed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(LevelSerializer(allow_null=True))
    def get_level(self, obj: Risk) -> dict | None:
        return _level(obj.level)

    @extend_schema_field(LevelSerializer(allow_null=True))
    def get_residual_level(self, obj: Risk) -> dict | None:
        return _level(obj.residual_level)


class MeasureSerializer(serializers.ModelSerializer):
    analysis = serializers.PrimaryKeyRelatedField(read_only=True)
    unit = serializers.SerializerMethodField()
    aspects = serializers.ListField(child=serializers.CharField(), read_only=True)
    responsible = PersonRefField(allow_null=True)
    risks = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    has_evidence = serializers.SerializerMethodField()
    completed_by = UserRefField(allow_null=True)
    verified_by = UserRefField(allow_null=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "analysis",
            "unit",
            "title",
            "description",
            "kind",
            "aspects",
            "responsible",
            "due_on",
            "status",
            "overdue",
            "risks",
            "completion_note",
            "has_evidence",
            "completed_by",
            "completed_at",
            "verified_by",
            "verified_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RefSerializer)
    def get_unit(self, obj: Measure) -> dict:
        return {"id": obj.analysis.unit_id, "name": obj.analysis.unit.name}

    def get_risks(self, obj: Measure) -> list[int]:
        """The risks it treats that the viewer may see (prefetched through `risks_visible_to`)."""
        return [risk.pk for risk in obj.risks.all()]

    def get_overdue(self, obj: Measure) -> bool:
        return obj.due_on is not None and obj.due_on < self.context["today"] and obj.status in self.context["open"]

    def get_has_evidence(self, obj: Measure) -> bool:
        return bool(obj.evidence)


class RiskFilterSerializer(serializers.Serializer):
    """The risk list's scope: a unit, a system or an analysis (each must be visible: else 404)."""

    unit = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    system = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    analysis = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class MeasureFilterSerializer(serializers.Serializer):
    """The measure list's filters: a unit, only overdue ones (`forsenad`), only the user's own (`mina`)."""

    unit = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    overdue = serializers.BooleanField(required=False, default=False)
    mine = serializers.BooleanField(required=False, default=False)


class MeasureStatusSerializer(serializers.Serializer):
    """A status report, as on the measure's status page (`risks.services.measure_set_status`)."""

    status = serializers.CharField(
        max_length=20, help_text="Statusens nyckel ur policypaketet, t.ex. in_progress, done."
    )
    completion_note = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="Hur åtgärden är genomförd (krävs för done)."
    )


class PeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)

    def get_name(self, obj) -> str:
        return str(obj)


class AnalysisSerializer(serializers.ModelSerializer):
    """An analysis without its risk rows: how many risks and measures the viewer sees in it."""

    unit = RefSerializer(read_only=True)
    period = PeriodSerializer(read_only=True)
    risk_count = serializers.IntegerField(read_only=True)
    measure_count = serializers.IntegerField(read_only=True)
    overdue_count = serializers.IntegerField(read_only=True, help_text="Öppna åtgärder med passerat datum.")

    class Meta:
        model = SecurityAnalysis
        fields = [
            "id",
            "unit",
            "period",
            "status",
            "started_on",
            "completed_on",
            "summary",
            "secrecy_marking",
            "risk_count",
            "measure_count",
            "overdue_count",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    board = serializers.SerializerMethodField()
    meeting_date = serializers.DateField(read_only=True)
    paragraph = serializers.IntegerField(read_only=True)
    diary_number = serializers.CharField(read_only=True)
    subject = serializers.CharField(read_only=True)

    @extend_schema_field(RefSerializer)
    def get_board(self, obj) -> dict:
        return {"id": obj.board_id, "name": obj.board.name}


class PlanSerializer(serializers.ModelSerializer):
    """A handlingsplan: its status, period and the decision on its latest decided version."""

    unit = RefSerializer(read_only=True)
    period = PeriodSerializer(read_only=True)
    decided_version = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()

    class Meta:
        model = ActionPlan
        fields = ["id", "unit", "period", "status", "version", "decided_version", "decision"]
        read_only_fields = fields

    def _latest(self, obj):
        versions = list(obj.versions.all())
        return max(versions, key=lambda version: version.number) if versions else None

    def get_decided_version(self, obj) -> int | None:
        latest = self._latest(obj)
        return latest.number if latest is not None else None

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, obj) -> dict | None:
        latest = self._latest(obj)
        return DecisionSerializer(latest.decision).data if latest is not None else None


class FindingSerializer(serializers.Serializer):
    unit = RefSerializer(read_only=True, allow_null=True, help_text="Tomt: hela kommunen.")
    message = serializers.CharField(read_only=True)
    link = serializers.CharField(read_only=True, help_text="Sidan där bristen åtgärdas; tomt om du inte kan följa den.")


class ComplianceResultSerializer(serializers.Serializer):
    requirement = serializers.CharField(read_only=True, help_text="Kravets id, t.ex. POL-3.11.")
    title = serializers.CharField(read_only=True)
    checked = serializers.BooleanField(read_only=True, help_text="Om LIS kontrollerar kravet automatiskt.")
    partial = serializers.CharField(read_only=True, help_text="Vad en delvis kontroll omfattar; tomt om hela kravet.")
    met = serializers.BooleanField(read_only=True)
    findings = FindingSerializer(many=True, read_only=True)


class ComplianceSerializer(serializers.Serializer):
    checked_count = serializers.IntegerField(read_only=True)
    met_count = serializers.IntegerField(read_only=True)
    partial_count = serializers.IntegerField(read_only=True)
    results = ComplianceResultSerializer(many=True, read_only=True)
