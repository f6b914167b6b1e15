"""Local trial and development: embedded SQLite under var/, demo data allowed."""

from .base import *  # noqa: F403
from .base import env_bool, read_secret_key

LIS_ENVIRONMENT = "development"
DEBUG = env_bool("LIS_DEBUG", True)
SECRET_KEY = read_secret_key() or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
