from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path

from . import views

app_name = "api"


def _api(viewset, actions):
    # The API authenticates by token or session itself (401 in JSON), not by the login page.
    return login_not_required(viewset.as_view(actions))


urlpatterns = [
    path("schema/", login_not_required(views.SchemaView.as_view()), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/aterkalla/", views.token_revoke, name="token_revoke"),
    path("systems/", _api(views.SystemViewSet, {"get": "list", "post": "create"}), name="system-list"),
    path(
        "systems/<int:pk>/",
        _api(views.SystemViewSet, {"get": "retrieve", "patch": "partial_update"}),
        name="system-detail",
    ),
    path(
        "systems/<int:system_pk>/information-sets/",
        _api(views.InformationSetViewSet, {"get": "list", "post": "create"}),
        name="information-set-list",
    ),
    path(
        "systems/<int:system_pk>/agreements/",
        _api(views.AgreementViewSet, {"get": "list", "post": "create"}),
        name="agreement-list",
    ),
    path(
        "systems/<int:system_pk>/agreements/<int:pk>/",
        _api(views.AgreementViewSet, {"get": "retrieve", "patch": "partial_update"}),
        name="agreement-detail",
    ),
    path(
        "information-sets/<int:set_pk>/classification/",
        _api(views.ClassificationViewSet, {"get": "retrieve", "post": "save"}),
        name="classification",
    ),
    path(
        "information-sets/<int:set_pk>/classification/approve/",
        _api(views.ClassificationViewSet, {"post": "approve"}),
        name="classification-approve",
    ),
    path("risks/", _api(views.RiskViewSet, {"get": "list"}), name="risk-list"),
    path("risks/<int:pk>/", _api(views.RiskViewSet, {"get": "retrieve"}), name="risk-detail"),
    path("measures/", _api(views.MeasureViewSet, {"get": "list"}), name="measure-list"),
    path("measures/<int:pk>/", _api(views.MeasureViewSet, {"get": "retrieve"}), name="measure-detail"),
    path(
        "measures/<int:pk>/status/",
        _api(views.MeasureViewSet, {"post": "report_status"}),
        name="measure-status",
    ),
    path("analyses/", _api(views.AnalysisViewSet, {"get": "list"}), name="analysis-list"),
    path("analyses/<int:pk>/", _api(views.AnalysisViewSet, {"get": "retrieve"}), name="analysis-detail"),
    path("plans/", _api(views.PlanViewSet, {"get": "list"}), name="plan-list"),
    path("plans/<int:pk>/", _api(views.PlanViewSet, {"get": "retrieve"}), name="plan-detail"),
    path("compliance/", login_not_required(views.ComplianceView.as_view()), name="compliance"),
    path("parties/", _api(views.PartyViewSet, {"get": "list", "post": "create"}), name="party-list"),
    path(
        "parties/<int:pk>/",
        _api(views.PartyViewSet, {"get": "retrieve", "patch": "partial_update"}),
        name="party-detail",
    ),
    # Last: any other path under /api/v1/ answers a JSON 404.
    re_path(r"^(?P<path>[\s\S]*)\Z", login_not_required(views.not_found), name="not-found"),
]
