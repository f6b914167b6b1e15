"""Local trial and development: embedded SQLite under var/, demo data allowed."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool, env_list, read_changelog_keys, read_secret_key

LIS_ENVIRONMENT = "development"
DEBUG = env_bool("LIS_DEBUG", True)
# `make run` makes the trial's own keys under var/ once; without them (a developer's shell, the
# tests) fixed development keys are used.
_TRIAL_SECRET = VAR_DIR / "secret_key"
SECRET_KEY = (
    read_secret_key()
    or (_TRIAL_SECRET.read_text(encoding="utf-8").strip() if _TRIAL_SECRET.is_file() else "")
    or "dev-only-insecure-key-do-not-use-in-production"
)
_TRIAL_KEYS = VAR_DIR / "changelog_keys"
LIS_CHANGELOG_KEYS = (
    LIS_CHANGELOG_KEYS  # noqa: F405
    or (read_changelog_keys(_TRIAL_KEYS) if _TRIAL_KEYS.is_file() else {})
    or {"dev": "dev-only-changelog-key-do-not-use-in-production"}
)
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The trial's demo logins go straight in; `LIS_MFA_REQUIRED_ROLES=administrator,security_strategist
# make run` shows what production requires.
LIS_MFA_REQUIRED_ROLES = frozenset(env_list("LIS_MFA_REQUIRED_ROLES"))
# With DEBUG off (`make run`) runserver serves no static files: whitenoise serves them from the apps.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
