"""The client's address behind LIS's reverse proxies: for login lockout and the change log.

LIS_PROXY_COUNT is how many reverse proxies in front of LIS each append the address they saw to
X-Forwarded-For (one nginx or Apache: 1). The client is the address the outermost of them saw:
that many entries from the right. Anything further left was written by the client itself and is
never trusted. A request with fewer entries did not come through the proxies: its own address
counts.

django-ipware 8 was measured for this and not chosen: its default algorithm answered None for the
documented single-proxy chain (`X-Forwarded-For: client`, REMOTE_ADDR the proxy)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.AXES_IPWARE_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
