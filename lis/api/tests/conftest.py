from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from lis.api import services
from lis.systems.tests.test_access_matrix import register  # noqa: F401  (the register the pages' matrix uses)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    """An API client for a persona (or user) with a fresh token of the given scope."""

    def make(user, scope: str = "write", language: str | None = None) -> APIClient:
        _token, secret = services.token_create(
            actor=user, name="Test", scope=scope, expires_on=datetime.date.today() + datetime.timedelta(days=30)
        )
        client = APIClient()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        if language:
            headers["HTTP_ACCEPT_LANGUAGE"] = language
        client.credentials(**headers)
        return client

    return make
