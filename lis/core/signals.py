"""Logins, logouts and failed logins are change-log events (POL-2.3)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .changelog import record_event


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_event("login", user=user, details={"ip": _ip(request)})


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event("logout", user=user, details={"ip": _ip(request)})


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record_event(
        "login_failed", user=None, user_name=username or "okänd", details={"username": username, "ip": _ip(request)}
    )


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""
