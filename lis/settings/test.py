"""Test settings: fast hashing, in-memory mail, both SQLite and PostgreSQL through DATABASE_URL."""

from .dev import *  # noqa: F403

LIS_ENVIRONMENT = "test"
# The same keys on every machine, whatever a trial under var/ uses.
SECRET_KEY = "test-only-secret-key-" + "x" * 40
LIS_CHANGELOG_KEYS = {"test": "test-only-changelog-key-not-a-secret"}
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 5
LANGUAGE_CODE = "sv"
# Background jobs run inside the request in tests; "database" is the real queue, which the
# worker tests (lis/core/tests/test_jobs_worker.py) use with a real `manage.py worker`.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
