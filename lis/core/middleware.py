"""Per-request context: the request id that groups change-log entries, and the principal."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from . import access
from .changelog import reset_request_id, set_request_id

CLIENT_REQUEST_ID_MAX = 64
_UNSAFE = re.compile(r"[^A-Za-z0-9._:/+=-]")


def client_request_id(header: str | None) -> str:
    """The client's own X-Request-ID, reduced to harmless characters and 64 of them: kept beside
    LIS's request id so a proxy's trace can be followed, never trusted as LIS's id."""
    return _UNSAFE.sub("", header or "")[:CLIENT_REQUEST_ID_MAX]


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = str(uuid.uuid4())
        token = set_request_id(request_id, client_value=client_request_id(request.headers.get("X-Request-ID")))
        request.principal = SimpleLazyObject(lambda: access.principal_for(request.user))
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class LanguageMiddleware:
    """Swedish unless the user chose another language with the switch (a cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a kommun's
    staff see the policy's Swedish terms whatever their browser is set to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
