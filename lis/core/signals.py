"""Logins, logouts and failed logins are change-log events (POL-2.3)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .changelog import record_event
from .clientip import client_ip


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_event("login", user=user, details={"ip": client_ip(request)})


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event("logout", user=user, details={"ip": client_ip(request)})


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record_event(
        "login_failed",
        user=None,
        user_name=username or "okänd",
        details={"username": username, "ip": client_ip(request)},
    )
