"""Production: PostgreSQL via DATABASE_URL, secrets from the environment, HTTPS only.

Fails at start-up rather than running with an unsafe configuration."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, read_secret_key

LIS_ENVIRONMENT = "production"
DEBUG = False

SECRET_KEY = read_secret_key()
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY eller SECRET_KEY_FILE måste anges (minst 50 tecken) i produktion.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("ALLOWED_HOSTS måste anges i produktion.")
if not LIS_CHANGELOG_KEYS:  # noqa: F405
    raise ImproperlyConfigured(
        "LIS_CHANGELOG_KEY_FILE (eller LIS_CHANGELOG_KEY) måste anges i produktion: ändringsloggens nyckel "
        "hålls utanför databasen (README, Drift)."
    )
if "DATABASE_URL" not in os.environ:
    raise ImproperlyConfigured("DATABASE_URL måste anges i produktion (PostgreSQL).")

# LIS runs behind a TLS proxy (README): the client address is the one the proxy adds, so that
# login lockout counts per user and address, not per proxy.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("LIS_PROXY_COUNT", "1"))

SECURE_SSL_REDIRECT = env_bool("LIS_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("LIS_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("LIS_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Submitting a domain to the browsers' HSTS preload list is the kommun's decision for its whole
# domain, not the application's: LIS_HSTS_PRELOAD=1 turns it on, and the check back with it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
LIS_DEMO = False
