from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("lis.core.urls")),
    path("policy/", include("lis.plans.policy_urls")),
    path("organisation/", include("lis.organisation.urls")),
    path("system/", include("lis.systems.urls")),
    path("system/", include("lis.classification.urls")),
    path("risker/", include("lis.risks.urls")),
    path("planer/", include("lis.plans.urls")),
    path("e-radet/", include("lis.council.urls")),
    path("incidenter/", include("lis.incidents.urls")),
    path("utbildning/", include("lis.training.urls")),
    path("personal/", include("lis.staff.urls")),
    path("driftinformation/", include("lis.operations.urls")),
    path("informationshantering/", include("lis.classification.handling_urls")),
    path("efterlevnad/", include("lis.compliance.urls")),
    path("rapporter/", include("lis.reports.urls")),
    path("api/v1/", include("lis.api.urls")),
    path("sprak/", login_not_required(set_language), name="set_language"),
    # Single sign-on (lis.core.sso): allauth's OpenID Connect login and callback,
    # /konto/oidc/<provider_id>/login/ and …/login/callback/ (no other allauth pages).
    path("konto/", include("allauth.socialaccount.providers.openid_connect.urls")),
]

handler403 = "lis.core.views.permission_denied"
