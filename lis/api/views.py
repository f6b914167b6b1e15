"""The REST API (/api/v1/) through the same selectors and services as the pages, the page where
a user keeps their own access tokens, and the docs page listing the endpoints."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import status, viewsets
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from lis.classification import services as classification_services
from lis.classification.models import Classification
from lis.core import access
from lis.core.forms import call_service
from lis.core.pack import get_pack
from lis.core.rules import Finding, current_results, visible_results
from lis.organisation import selectors as organisation_selectors
from lis.organisation.models import OrgUnit
from lis.plans import selectors as plan_selectors
from lis.risks import selectors as risk_selectors
from lis.risks import services as risk_services
from lis.systems import selectors as system_selectors
from lis.systems import services as system_services
from lis.systems.forms import top_units

from . import selectors, services
from .forms import TokenForm
from .permissions import TokenScope
from .schema import ApiAutoSchema
from .serializers import (
    AgreementSerializer,
    AgreementWriteSerializer,
    AnalysisSerializer,
    ClassificationApproveSerializer,
    ClassificationSaveSerializer,
    ComplianceSerializer,
    InformationSetSerializer,
    InformationSetWriteSerializer,
    MeasureFilterSerializer,
    MeasureSerializer,
    MeasureStatusSerializer,
    PartySerializer,
    PartyWriteSerializer,
    PlanSerializer,
    RiskFilterSerializer,
    RiskSerializer,
    SetClassificationSerializer,
    SystemFilterSerializer,
    SystemSerializer,
    SystemWriteSerializer,
)

# --- the API's plumbing -----------------------------------------------------------------------


class ApiMixin:
    """Every API view: the language of Accept-Language (Swedish by default) for messages and
    errors, and the caller's principal as on the pages."""

    schema = ApiAutoSchema()

    def dispatch(self, request, *args, **kwargs):
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = super().dispatch(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    @property
    def principal(self) -> access.Principal:
        return access.principal_for(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "principal": self.principal}


class SchemaView(ApiMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, for signed-in users and tokens."""

    permission_classes = [TokenScope]


# --- systems ----------------------------------------------------------------------------------


SYSTEM_FILTERS = [
    OpenApiParameter("q", str, description="Sök i namn, beskrivning, taggar, systemägare och plattformar."),
    OpenApiParameter("unit", int, description="Förvaltningens eller bolagets id."),
    OpenApiParameter(
        "status", str, enum=[value for value, _label in system_selectors.InformationSystem.Status.choices]
    ),
    OpenApiParameter("operating_model", str, description="Driftsformens nyckel ur policypaketet, ”-” för ingen."),
    OpenApiParameter("completeness", str, enum=["complete", "incomplete"]),
    OpenApiParameter("classified", str, enum=["ja", "nej", "vantar"]),
    OpenApiParameter("mine", bool, description="Bara system du ansvarar för."),
]


class SystemViewSet(ApiMixin, viewsets.GenericViewSet):
    """Informationssystem: the register's list (with the list page's filters), one system,
    registering and changing one (`systems.services`)."""

    serializer_class = SystemSerializer
    queryset = system_selectors.InformationSystem.objects.none()  # for the schema; reads use selectors

    def _system(self, pk) -> system_selectors.InformationSystem:
        return system_selectors.system_get(self.principal, int(pk))

    def _read(self, pk) -> dict:
        system = system_selectors.systems_visible_to(self.principal).prefetch_related("platforms").get(pk=pk)
        return SystemSerializer(system, context=self.get_serializer_context()).data

    @extend_schema(parameters=SYSTEM_FILTERS)
    def list(self, request):
        params = SystemFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        unit = None
        if data.get("unit"):
            unit = OrgUnit.objects.filter(pk=data["unit"]).first()
            if unit is None:
                return Response(self._empty_page())
        filters = system_selectors.SystemFilters(
            query=data.get("q", ""),
            unit=unit,
            operating_model=data.get("operating_model", ""),
            status=data.get("status", ""),
            completeness=data.get("completeness", ""),
            classified=data.get("classified", ""),
            mine=data.get("mine", False),
        )
        queryset = system_selectors.system_search(self.principal, filters).prefetch_related("platforms")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _empty_page(self) -> dict:
        return {"next": None, "previous": None, "results": []}

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self._system(pk)).data)

    @extend_schema(request=SystemWriteSerializer, responses={201: SystemSerializer})
    def create(self, request):
        p = self.principal
        access.require(top_units(p, manage=True).exists())
        serializer = SystemWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        system = system_services.system_create(actor=request.user, **serializer.validated_data)
        return Response(self._read(system.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=SystemWriteSerializer, responses={200: SystemSerializer})
    def partial_update(self, request, pk=None):
        p = self.principal
        system = self._system(pk)
        access.require(access.can_manage_system(p, system))
        serializer = SystemWriteSerializer(
            system, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        system_services.system_update(actor=request.user, system=system, **serializer.validated_data)
        return Response(self._read(system.pk))


class InformationSetViewSet(ApiMixin, viewsets.GenericViewSet):
    """A system's informationsmängder: list and create (`systems.services.information_set_create`)."""

    serializer_class = InformationSetSerializer
    queryset = system_selectors.InformationSet.objects.none()  # for the schema; reads use selectors

    def list(self, request, system_pk=None):
        system = system_selectors.system_get(self.principal, int(system_pk))
        page = self.paginate_queryset(system.information_sets.all())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=InformationSetWriteSerializer, responses={201: InformationSetSerializer})
    def create(self, request, system_pk=None):
        p = self.principal
        system = system_selectors.system_get(p, int(system_pk))
        access.require(access.can_manage_system(p, system))
        serializer = InformationSetWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        information_set = system_services.information_set_create(
            actor=request.user, system=system, **serializer.validated_data
        )
        return Response(self.get_serializer(information_set).data, status=status.HTTP_201_CREATED)


class AgreementViewSet(ApiMixin, viewsets.GenericViewSet):
    """A system's avtal: list, one, create and change (`systems.services.agreement_create/_update`),
    for those who may see the system; writes for those who may manage it, as on the Avtal tab."""

    serializer_class = AgreementSerializer
    queryset = system_selectors.Agreement.objects.none()  # for the schema; reads use selectors

    def _system(self, system_pk, *, manage: bool = False) -> system_selectors.InformationSystem:
        p = self.principal
        system = system_selectors.system_get(p, int(system_pk))
        if manage:
            access.require(access.can_manage_system(p, system))
        return system

    def _agreement(self, system, pk):
        agreement = system.agreements.select_related("counterparty").filter(pk=int(pk)).first()
        if agreement is None:
            raise Http404
        return agreement

    def list(self, request, system_pk=None):
        system = self._system(system_pk)
        page = self.paginate_queryset(system.agreements.select_related("counterparty"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, system_pk=None, pk=None):
        return Response(self.get_serializer(self._agreement(self._system(system_pk), pk)).data)

    @extend_schema(request=AgreementWriteSerializer, responses={201: AgreementSerializer})
    def create(self, request, system_pk=None):
        system = self._system(system_pk, manage=True)
        serializer = AgreementWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = system_services.agreement_create(actor=request.user, system=system, **serializer.validated_data)
        return Response(self.get_serializer(agreement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AgreementWriteSerializer, responses={200: AgreementSerializer})
    def partial_update(self, request, system_pk=None, pk=None):
        agreement = self._agreement(self._system(system_pk, manage=True), pk)
        serializer = AgreementWriteSerializer(agreement, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        agreement = system_services.agreement_update(
            actor=request.user, agreement=agreement, **serializer.validated_data
        )
        return Response(self.get_serializer(agreement).data)


class PartyViewSet(ApiMixin, viewsets.GenericViewSet):
    """The party register (leverantörer, kommunens egna enheter): everyone reads it; a new party by
    those who may register systems, a change by the säkerhetsstrateg or an administrator
    (`systems.services.party_create/party_update`), as on the party pages."""

    serializer_class = PartySerializer
    queryset = system_selectors.Party.objects.none()  # for the schema; reads use selectors

    @extend_schema(parameters=[OpenApiParameter("q", str, description="Sök i namnet.")])
    def list(self, request):
        parties = system_selectors.parties_visible_to(self.principal)
        query = request.query_params.get("q", "")[:100]
        if query:
            parties = parties.filter(name__icontains=query)
        page = self.paginate_queryset(parties)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(system_selectors.party_get(self.principal, int(pk))).data)

    @extend_schema(request=PartyWriteSerializer, responses={201: PartySerializer})
    def create(self, request):
        access.require(access.can_manage_parties(self.principal))
        serializer = PartyWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        party = system_services.party_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(party).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PartyWriteSerializer, responses={200: PartySerializer})
    def partial_update(self, request, pk=None):
        p = self.principal
        party = system_selectors.party_get(p, int(pk))
        access.require(p.manages_everything)
        serializer = PartyWriteSerializer(party, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        party = system_services.party_update(actor=request.user, party=party, **serializer.validated_data)
        return Response(self.get_serializer(party).data)


# --- classifications ---------------------------------------------------------------------------


class ClassificationViewSet(ApiMixin, viewsets.GenericViewSet):
    """An information set's classification (POL-3.22) as on the Klassning tab; save or propose it
    and fastställa someone else's proposal through `classification.services` (four eyes: the
    proposer cannot approve)."""

    serializer_class = SetClassificationSerializer
    queryset = system_selectors.InformationSet.objects.none()  # for the schema; reads use selectors

    def _set(self, pk) -> tuple[system_selectors.InformationSet, system_selectors.InformationSystem]:
        information_set = system_selectors.InformationSet.objects.filter(pk=int(pk)).first()
        if information_set is None:
            raise Http404
        system = system_selectors.system_get(self.principal, information_set.system_id)  # 404 unless visible
        return information_set, system

    def _state(self, information_set) -> Response:
        rows = list(
            information_set.classifications.select_related("proposed_by__person", "approved_by__person").order_by(
                "-created_at", "-pk"
            )
        )
        Status = Classification.Status
        data = {
            "information_set": information_set.pk,
            "security_protected": information_set.security_protected,
            "approved": next((c for c in rows if c.status == Status.APPROVED), None),
            "open": next((c for c in rows if c.status in (Status.DRAFT, Status.PROPOSED)), None),
            "history": [c for c in rows if c.status == Status.SUPERSEDED],
        }
        return Response(SetClassificationSerializer(data, context=self.get_serializer_context()).data)

    def retrieve(self, request, set_pk=None):
        information_set, _system = self._set(set_pk)
        return self._state(information_set)

    @extend_schema(request=ClassificationSaveSerializer, responses={200: SetClassificationSerializer})
    def save(self, request, set_pk=None):
        information_set, system = self._set(set_pk)
        access.require(access.can_manage_system(self.principal, system))
        serializer = ClassificationSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        classification_services.classification_save(
            actor=request.user,
            information_set=information_set,
            levels=data["levels"],
            motivation=data["motivation"],
            propose=data["propose"],
        )
        return self._state(information_set)

    @extend_schema(request=ClassificationApproveSerializer, responses={200: SetClassificationSerializer})
    def approve(self, request, set_pk=None):
        information_set, system = self._set(set_pk)
        serializer = ClassificationApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = information_set.classifications.filter(status=Classification.Status.PROPOSED).first()
        if proposal is None:
            access.require(
                access.can_approve_classification(self.principal, system),
                _("Du får inte fastställa klassningar för detta system."),
            )
            raise ValidationError(_("Bara en föreslagen klassning kan fastställas."))
        # The approval is of the proposal as the caller read it (as the page's form carries it).
        proposal.revision = serializer.validated_data["revision"]
        classification_services.classification_approve(actor=request.user, classification=proposal)
        return self._state(information_set)


# --- risks and measures -------------------------------------------------------------------------


RISK_FILTERS = [
    OpenApiParameter("unit", int, description="Förvaltningens, bolagets eller enhetens id."),
    OpenApiParameter("system", int, description="Systemets id."),
    OpenApiParameter("analysis", int, description="Analysens id."),
]
MEASURE_FILTERS = [
    OpenApiParameter("unit", int, description="Förvaltningens, bolagets eller enhetens id."),
    OpenApiParameter("overdue", bool, description="Bara försenade (öppna med passerat datum, POL-3.31)."),
    OpenApiParameter("mine", bool, description="Bara åtgärder du är åtgärdsansvarig för."),
]


class RiskViewSet(ApiMixin, viewsets.GenericViewSet):
    """Risks of the systems the user may see (`risks.selectors.risks_visible_to`), scoped like the
    risk list page by unit, system or analysis."""

    serializer_class = RiskSerializer
    queryset = risk_selectors.Risk.objects.none()  # for the schema; reads use selectors

    @extend_schema(parameters=RISK_FILTERS)
    def list(self, request):
        p = self.principal
        params = RiskFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        risks = risk_selectors.risks_visible_to(p).select_related("owner")
        # As the page's scope: a unit, system or analysis the user may not see is not found.
        if "unit" in data:
            unit = organisation_selectors.unit_get(p, data["unit"])
            risks = risks.filter(system__unit__path__startswith=unit.path)
        if "system" in data:
            risks = risks.filter(system=system_selectors.system_get(p, data["system"]))
        if "analysis" in data:
            risks = risks.filter(analysis=risk_selectors.analysis_get(p, data["analysis"]))
        page = self.paginate_queryset(risks)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(risk_selectors.risk_get(self.principal, int(pk))).data)


class MeasureViewSet(ApiMixin, viewsets.GenericViewSet):
    """Measures the user sees (`risks.selectors.measures_visible_to`) with the measure list page's
    filters, and the status report of the åtgärdsansvarig (`risks.services.measure_set_status`)."""

    serializer_class = MeasureSerializer
    queryset = risk_selectors.Measure.objects.none()  # for the schema; reads use selectors

    def get_serializer_context(self):
        open_statuses = {s.key for s in get_pack().measure_statuses if s.get("open")}
        return {**super().get_serializer_context(), "today": access.today(), "open": open_statuses}

    def _with_rows(self, measures):
        # Only the risks the user may see, as on the list page; the people of the completion.
        visible_risks = risk_selectors.risks_visible_to(self.principal).select_related(None).only("pk")
        return measures.select_related("completed_by__person", "verified_by__person").prefetch_related(
            Prefetch("risks", visible_risks)
        )

    def _measure(self, pk):
        p = self.principal
        measure = risk_selectors.measure_get(p, int(pk))
        return self._with_rows(risk_selectors.measures_visible_to(p)).get(pk=measure.pk)

    @extend_schema(parameters=MEASURE_FILTERS)
    def list(self, request):
        p = self.principal
        params = MeasureFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        measures = risk_selectors.measures_visible_to(p)
        if "unit" in data:
            unit = organisation_selectors.unit_get(p, data["unit"])
            measures = measures.filter(analysis__unit__path__startswith=unit.path)
        if data["overdue"]:
            measures = risk_selectors.overdue(measures, access.today())
        if data["mine"]:
            measures = measures.filter(responsible=p.person) if p.person is not None else measures.none()
        page = self.paginate_queryset(self._with_rows(measures))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self._measure(pk)).data)

    @extend_schema(request=MeasureStatusSerializer, responses={200: MeasureSerializer})
    def report_status(self, request, pk=None):
        p = self.principal
        measure = risk_selectors.measure_get(p, int(pk))
        access.require(risk_services.can_report_measure(p, measure))
        serializer = MeasureStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        risk_services.measure_set_status(
            actor=request.user,
            measure=measure,
            status=data["status"],
            completion_note=data.get("completion_note"),
        )
        return Response(self.get_serializer(self._measure(pk)).data)


# --- analyses, handlingsplaner, Efterlevnad (read only) ----------------------------------------


class AnalysisViewSet(ApiMixin, viewsets.GenericViewSet):
    """Informationssäkerhetsanalyser the user may see (`risks.selectors.analyses_visible_to`), with
    the number of risks and measures in them the user sees, not the rows."""

    serializer_class = AnalysisSerializer
    queryset = risk_selectors.SecurityAnalysis.objects.none()  # for the schema; reads use selectors

    def _analyses(self):
        p = self.principal
        open_statuses = [s.key for s in get_pack().measure_statuses if s.get("open")]

        def count(queryset):
            rows = queryset.filter(analysis=OuterRef("pk")).order_by().values("analysis")
            return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

        measures = risk_selectors.measures_visible_to(p).select_related(None)
        return risk_selectors.analyses_visible_to(p).annotate(
            risk_count=count(risk_selectors.risks_visible_to(p).select_related(None)),
            measure_count=count(measures),
            overdue_count=count(measures.filter(status__in=open_statuses, due_on__lt=access.today())),
        )

    def list(self, request):
        page = self.paginate_queryset(self._analyses())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        analysis = risk_selectors.analysis_get(self.principal, int(pk))  # 404 unless visible, as the page
        return Response(self.get_serializer(self._analyses().get(pk=analysis.pk)).data)


class PlanViewSet(ApiMixin, viewsets.GenericViewSet):
    """Handlingsplaner of the units the user sees (`plans.selectors.plans_visible_to`)."""

    serializer_class = PlanSerializer
    queryset = plan_selectors.ActionPlan.objects.none()  # for the schema; reads use selectors

    def _plans(self):
        versions = plan_selectors.ActionPlanVersion.objects.select_related("decision__board").only(
            "pk", "plan_id", "number", "decision"
        )
        return plan_selectors.plans_visible_to(self.principal).prefetch_related(Prefetch("versions", versions))

    def list(self, request):
        page = self.paginate_queryset(self._plans())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        plan = plan_selectors.plan_get(self.principal, int(pk))  # 404 unless visible, as the page
        return Response(self.get_serializer(self._plans().get(pk=plan.pk)).data)


class ComplianceView(ApiMixin, GenericAPIView):
    """Efterlevnad as its page computes it: every rule's kept results, findings only of units the user
    may view, a finding's link only for those who may follow it."""

    serializer_class = ComplianceSerializer

    def get(self, request):
        p = self.principal
        access.require(access.can_view_compliance(p))

        def visible(finding: Finding) -> bool:
            return finding.unit is None or p.can_view_unit(finding.unit)

        everything, _checked_at = current_results()
        results = everything if p.sees_everything else visible_results(everything, visible)
        rows = []
        for result in results:
            findings = []
            for finding in result.findings:
                may_follow = finding.may_follow is None or finding.may_follow(p)
                unit = finding.unit
                findings.append(
                    {
                        "unit": None if unit is None else {"id": unit.pk, "name": unit.name},
                        "message": str(finding.message),
                        "link": finding.link if may_follow else "",
                    }
                )
            rows.append(
                {
                    "requirement": result.requirement.id,
                    "title": str(result.requirement.title),
                    "checked": result.checked,
                    "partial": str(result.partial),
                    "met": result.met,
                    "findings": findings,
                }
            )
        checked = [r for r in results if r.checked]
        data = {
            "checked_count": len(checked),
            "met_count": sum(r.met for r in checked),
            "partial_count": sum(bool(r.partial) for r in checked),
            "results": rows,
        }
        return Response(ComplianceSerializer(data).data)


# --- unknown paths -------------------------------------------------------------------------------


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@authentication_classes([])
@throttle_classes([])
def not_found(request, path: str = ""):
    """Any other path under /api/v1/: a JSON 404 in the request's language, not the HTML page."""
    translation.activate(translation.get_language_from_request(request))
    raise NotFound(_("Det finns ingen sådan adress i API:t. Se /api/v1/schema/."))


# --- pages: the user's tokens and the docs -----------------------------------------------------


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's own access tokens: create one (its secret is shown on this response only, never
    again), see them and revoke them."""
    p = request.principal
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form,
            lambda: services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_on=form.cleaned_data["expires_on"],
            ),
        )
        if created is not None:
            token, secret = created
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": selectors.tokens_of(p), "secret": secret},
        status=201 if secret else 200,
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get(request.principal, pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token %(token)s är återkallad.") % {"token": token})
    return redirect("api:tokens")


def docs(request: HttpRequest) -> HttpResponse:
    """The API's endpoints, read from the OpenAPI schema (no script, no CDN)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": (operation.get("description") or "").split("\n")[0],
                    "parameters": [parameter["name"] for parameter in operation.get("parameters", [])],
                }
            )
    return render(request, "api/docs.html", {"endpoints": endpoints, "info": schema.get("info", {})})
