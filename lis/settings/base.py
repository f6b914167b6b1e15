"""Settings shared by every environment. Everything deployment-specific comes from the
environment (see README.md, "Konfiguration")."""

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("LIS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def read_secret_key() -> str | None:
    """SECRET_KEY from the environment, or from the file SECRET_KEY_FILE names."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = os.environ.get("SECRET_KEY_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return None


KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,20}")


def read_changelog_keys(path: Path | None = None) -> dict[str, str]:
    """The change log's HMAC keys from LIS_CHANGELOG_KEY_FILE (or LIS_CHANGELOG_KEY), oldest first.

    One key a line, `key-id:secret` (secret at least 32 characters, lines starting with # are
    comments). The last key signs new entries; older ones stay to verify what they signed, so a
    key is rotated by adding a line. The database never holds a key."""
    path = path or os.environ.get("LIS_CHANGELOG_KEY_FILE")
    text = Path(path).read_text(encoding="utf-8") if path else os.environ.get("LIS_CHANGELOG_KEY", "")
    keys: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key_id, _, secret = line.partition(":")
        if not KEY_ID_PATTERN.fullmatch(key_id) or len(secret) < 32 or key_id in keys:
            raise ImproperlyConfigured(
                f"Ändringsloggens nyckel på rad {number} ska skrivas nyckel-id:hemlighet, med ett unikt id "
                "(A–Z, 0–9, . _ -, högst 20 tecken) och en hemlighet på minst 32 tecken."
            )
        keys[key_id] = secret
    return keys


# Which flavour of settings is running: the demo loader refuses to run in "production".
LIS_ENVIRONMENT = "base"
LIS_CHANGELOG_KEYS = read_changelog_keys()

DEBUG = False
# Earlier keys after a rotation: sessions, signed links and the encrypted MFA secrets still open.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "lis.core",
    "lis.organisation",
    "lis.systems",
    "lis.classification",
    "lis.risks",
    "lis.plans",
    "lis.council",
    "lis.incidents",
    "lis.training",
    "lis.staff",
    "lis.operations",
    "lis.reports",
    "lis.compliance",
    "lis.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "lis.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lis.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lis.core.middleware.RequestContextMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "lis.core.middleware.PasswordChangeRequiredMiddleware",
    "lis.core.middleware.MfaRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lis.urls"
WSGI_APPLICATION = "lis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lis" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lis.core.context_processors.lis",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lis.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lis.core.backends.LisModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "lis.core.passwords.BreachedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lis.core.passwords.TrivialPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Lockout after repeated failed logins (django-axes): per user name and address.
AXES_FAILURE_LIMIT = int(os.environ.get("LIS_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LIS_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Reverse proxies in front of LIS that append to X-Forwarded-For (lis/core/clientip.py).
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("LIS_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "lis.core.clientip.client_ip"
# Every failed login with its address, for the spray throttle (lis/core/throttle.py).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# One address trying many user names (password spraying): the address, not the accounts, is
# refused once it has LIS_LOGIN_SPRAY_FAILURES failed logins for LIS_LOGIN_SPRAY_USERNAMES
# different user names within LIS_LOGIN_SPRAY_MINUTES, until they are older than that.
LIS_LOGIN_SPRAY_FAILURES = int(os.environ.get("LIS_LOGIN_SPRAY_FAILURES", "20"))
LIS_LOGIN_SPRAY_USERNAMES = int(os.environ.get("LIS_LOGIN_SPRAY_USERNAMES", "10"))
LIS_LOGIN_SPRAY_MINUTES = int(os.environ.get("LIS_LOGIN_SPRAY_MINUTES", "30"))

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "lis" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "lis" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lis@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_AGE = int(os.environ.get("LIS_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles only from LIS's own static files and
# pages, never inline (no 'unsafe-inline', no nonces: nothing needs one), no plug-ins, no <base>,
# forms post only to LIS and no other site may frame it. The risk levels' pack colours come as a
# stylesheet (core:risk_level_css), not as style="" attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features LIS never uses, refused for LIS and anything it could embed
# (lis.core.middleware.SecurityHeadersMiddleware).
LIS_PERMISSIONS_POLICY = (
    ", ".join(
        f"{feature}=()"
        for feature in (
            "accelerometer",
            "autoplay",
            "browsing-topics",
            "camera",
            "display-capture",
            "encrypted-media",
            "fullscreen",
            "geolocation",
            "gyroscope",
            "hid",
            "identity-credentials-get",
            "idle-detection",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "picture-in-picture",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        )
        # Security keys and passkeys for the second step of a login (lis.core.mfa), in LIS's own pages only.
    )
    + ", publickey-credentials-get=(self), publickey-credentials-create=(self)"
)

# The address users reach LIS at, for links in e-mail.
LIS_BASE_URL = os.environ.get("LIS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Largest Excel workbook an import accepts (the proxy should cap request bodies too).
LIS_IMPORT_MAX_BYTES = int(os.environ.get("LIS_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))

# Demo mode (make run): a banner says that every person shown is invented.
LIS_DEMO = env_bool("LIS_DEMO")

# The policy pack: every kommun-specific word and number (DESIGN.md, "Policy pack").
LIS_POLICY_PACK = Path(os.environ.get("LIS_POLICY_PACK", BASE_DIR / "policy" / "amal.toml"))

# ---- Background jobs (lis.core.jobs, django-tasks) ---------------------------------------------
# Slow documents (the nämnd report, riskmatriser, the whole kommun's register) are built by a
# worker, never by a web request. The embedded default keeps the queue in LIS's own database and
# `manage.py worker` runs it (make run starts one); a larger installation points
# LIS_TASKS_BACKEND at another django-tasks backend (README: "Arbetsprocessen").
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": os.environ.get("LIS_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# The TASKS alias documents are queued on.
LIS_JOBS_BACKEND = os.environ.get("LIS_JOBS_BACKEND", "default")
# A running job writes a sign of life this often; one silent for LIS_JOBS_STALE_SECONDS (or whose
# worker process on this machine has gone) is queued again, at most LIS_JOBS_MAX_ATTEMPTS times.
LIS_JOBS_HEARTBEAT_SECONDS = float(os.environ.get("LIS_JOBS_HEARTBEAT_SECONDS", "10"))
LIS_JOBS_STALE_SECONDS = float(os.environ.get("LIS_JOBS_STALE_SECONDS", "60"))
LIS_JOBS_MAX_ATTEMPTS = int(os.environ.get("LIS_JOBS_MAX_ATTEMPTS", "3"))
# Finished documents are kept this many days (a newer build of the same replaces one at once).
LIS_JOBS_KEEP_DAYS = int(os.environ.get("LIS_JOBS_KEEP_DAYS", "30"))
# ---- end of background jobs ---------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}


# REST API (lis.api): personal access tokens (Bearer) or the session, cursor pagination, a rate
# per token, errors as {"detail": ...} in the language of Accept-Language.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lis.api.authentication.BearerTokenAuthentication",
        "lis.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["lis.api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["lis.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": os.environ.get("LIS_API_RATE", "600/min")},
    "DEFAULT_PAGINATION_CLASS": "lis.api.pagination.PkCursorPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "lis.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LIS REST-API",
    "DESCRIPTION": "Registret över informationssystem med samma behörigheter som sidorna.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field named "status" with their own choices: one name each.
    "ENUM_NAME_OVERRIDES": {
        "SystemStatusEnum": "lis.systems.models.InformationSystem.Status",
        "ClassificationStatusEnum": "lis.classification.models.Classification.Status",
        "AnalysisStatusEnum": "lis.risks.models.SecurityAnalysis.Status",
        "PlanStatusEnum": "lis.plans.models.ActionPlan.Status",
    },
}


# ---- Single sign-on with OpenID Connect (lis.core.sso, django-allauth) -------------------------
# Off unless LIS_OIDC_ISSUER is set; local accounts (break-glass administrator, demo) always stay.
# README: "Inloggning med kommunens identitetstjänst (OIDC)".
def read_oidc_app(environ=os.environ) -> dict | None:
    """allauth's app for the kommun's OpenID Connect provider, or None when SSO is off."""
    issuer = environ.get("LIS_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    secret = environ.get("LIS_OIDC_CLIENT_SECRET", "")
    if not secret and environ.get("LIS_OIDC_CLIENT_SECRET_FILE"):
        secret = Path(environ["LIS_OIDC_CLIENT_SECRET_FILE"]).read_text(encoding="utf-8").strip()
    client_id = environ.get("LIS_OIDC_CLIENT_ID", "").strip()
    if not client_id or not secret:
        raise ImproperlyConfigured(
            "LIS_OIDC_ISSUER kräver LIS_OIDC_CLIENT_ID och LIS_OIDC_CLIENT_SECRET (eller LIS_OIDC_CLIENT_SECRET_FILE)."
        )
    return {
        "provider_id": "kommun",
        "name": environ.get("LIS_OIDC_NAME", "").strip() or "Kommunens inloggning",
        "client_id": client_id,
        "secret": secret,
        "settings": {
            "server_url": issuer,
            "scope": environ.get("LIS_OIDC_SCOPES", "openid profile email").split(),
            "oauth_pkce_enabled": True,
        },
    }


LIS_OIDC_APP = read_oidc_app()
# The claim that names the Person: "email" (Person.email, case-insensitive) or any other claim
# holding the employee number (Person.employee_number), e.g. "employee_number" or "employeeid".
LIS_OIDC_CLAIM = os.environ.get("LIS_OIDC_CLAIM", "email").strip() or "email"
INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "allauth.account.middleware.AccountMiddleware",
)
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "lis.core.sso.LisOpenIDConnectProvider",
        "APPS": [LIS_OIDC_APP] if LIS_OIDC_APP else [],
    }
}
SOCIALACCOUNT_ADAPTER = "lis.core.sso.SocialAccountAdapter"
ACCOUNT_ADAPTER = "lis.core.sso.AccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
ACCOUNT_EMAIL_VERIFICATION = "none"
if LIS_OIDC_APP:
    # The login button's form is answered with a redirect to the IdP, which form-action must allow.
    from urllib.parse import urlsplit

    _issuer = urlsplit(LIS_OIDC_APP["settings"]["server_url"])
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [SELF, f"{_issuer.scheme}://{_issuer.netloc}"]
# ---- end of single sign-on ----------------------------------------------------------------------

# ---- Two-step verification for local logins (lis.core.mfa, allauth's MFA) -----------------------
# An app (TOTP), a security key (WebAuthn) and recovery codes. Local logins of the roles named in
# LIS_MFA_REQUIRED_ROLES (and superusers) reach nothing but the set-up page until they have one;
# SSO logins rely on the identity provider's MFA. README: "Tvåstegsverifiering".
INSTALLED_APPS += ["allauth.mfa"]
LIS_MFA_REQUIRED_ROLES = frozenset(env_list("LIS_MFA_REQUIRED_ROLES", "administrator,security_strategist"))
MFA_ADAPTER = "lis.core.mfa.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("LIS_MFA_ISSUER", "LIS")
MFA_RECOVERY_CODE_COUNT = 10
# A code from the step before or after is accepted too (a phone's clock may be off by ±30 s).
MFA_TOTP_TOLERANCE = 1
# A security key confirms presence; a PIN or fingerprint is asked for where the key has one.
MFA_WEBAUTHN_USER_VERIFICATION = "preferred"
# ---- end of two-step verification ---------------------------------------------------------------
