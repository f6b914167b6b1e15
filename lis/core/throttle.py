"""Password spraying: one address trying a password on many user names.

django-axes locks a user name at one address after LIS_LOGIN_FAILURE_LIMIT failures; a spray
stays under that limit for every user name. This refuses the address itself (not the accounts:
the same people can still log in from elsewhere) once it has LIS_LOGIN_SPRAY_FAILURES failed
logins for at least LIS_LOGIN_SPRAY_USERNAMES different user names within the last
LIS_LOGIN_SPRAY_MINUTES. Failures are django-axes' AccessFailureLog, recorded with the real client
address (lis.core.clientip). A refused attempt is not tried and not recorded, so the address is
free again once its failures are older than the window."""

from __future__ import annotations

import datetime

from axes.models import AccessFailureLog
from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone

from .clientip import client_ip


def address_is_spraying(request: HttpRequest) -> bool:
    address = client_ip(request)
    if not address:
        return False
    since = timezone.now() - datetime.timedelta(minutes=settings.LIS_LOGIN_SPRAY_MINUTES)
    failures = AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Count("id"), usernames=Count("username", distinct=True)
    )
    return (
        failures["total"] >= settings.LIS_LOGIN_SPRAY_FAILURES
        and failures["usernames"] >= settings.LIS_LOGIN_SPRAY_USERNAMES
    )
