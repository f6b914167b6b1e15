"""How LIS's authentication reads in the OpenAPI schema (drf-spectacular extensions)."""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "lis.api.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Personlig åtkomsttoken (sidan Åtkomsttoken)."}


class LisSessionScheme(SessionScheme):
    target_class = "lis.api.authentication.SessionAuthentication"
    name = "cookieAuth"


class ErrorSerializer(serializers.Serializer):
    """Every error: `detail` in the language of Accept-Language; a 400 also has `errors`, the
    messages per field (`non_field_errors` for the whole)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


# The errors any API operation may answer (lis.api.exceptions): bad input or filter, no or a bad
# token, not allowed, not found (or not visible), past the token's rate.
ERROR_CODES = ("400", "401", "403", "404", "429")


class ApiAutoSchema(AutoSchema):
    """Documents the error answers of every operation, so that a client (and schemathesis) knows
    each status code the API gives."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response":
            for code in ERROR_CODES:
                responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code))
        return responses
