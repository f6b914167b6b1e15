"""Settings for the benchmark: like lis.settings.test, but with the production hasher and
DEBUG off, so that timings are what a deployed LIS would show.

The database comes from DATABASE_URL (set by bench/env.py before Django starts)."""

from lis.settings.dev import *  # noqa: F403

LIS_ENVIRONMENT = "bench"
DEBUG = False
# django.test.Client sends "testserver"; runserver against a generated database uses the others.
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "sv"

# Expected 403/404 answers are part of the measurement, not news.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}
