"""The schema documents every new operation and its error answers; an unknown path under /api/v1/
answers a JSON 404, whatever the path holds."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

NEW_PATHS = {
    "/api/v1/systems/{system_pk}/agreements/": {"get", "post"},
    "/api/v1/systems/{system_pk}/agreements/{id}/": {"get", "patch"},
    "/api/v1/parties/{id}/": {"get", "patch"},
    "/api/v1/information-sets/{set_pk}/classification/": {"get", "post"},
    "/api/v1/information-sets/{set_pk}/classification/approve/": {"post"},
    "/api/v1/risks/": {"get"},
    "/api/v1/risks/{id}/": {"get"},
    "/api/v1/measures/": {"get"},
    "/api/v1/measures/{id}/": {"get"},
    "/api/v1/measures/{id}/status/": {"post"},
    "/api/v1/analyses/": {"get"},
    "/api/v1/analyses/{id}/": {"get"},
    "/api/v1/plans/": {"get"},
    "/api/v1/plans/{id}/": {"get"},
    "/api/v1/compliance/": {"get"},
}


def test_it_documents_the_new_operations_and_their_errors(personas, api_client):
    schema = json.loads(api_client(personas["employee_vaf"].user).get("/api/v1/schema/?format=json").content)
    for path, methods in NEW_PATHS.items():
        assert set(schema["paths"][path]) == methods, path
        for operation in schema["paths"][path].values():
            assert {"400", "401", "403", "404", "429"} <= set(operation["responses"]), path
    assert not any("{path}" in path for path in schema["paths"])
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"detail", "errors"}


@pytest.mark.parametrize("path", ["/api/v1/okand/", "/api/v1/systems", "/api/v1/a/%0Ab/", "/api/v1/systems/x/"])
@pytest.mark.parametrize("authenticated", [True, False])
def test_it_answers_json_404_for_an_unknown_path(personas, api_client, path, authenticated):
    client = api_client(personas["coordinator_vaf"].user) if authenticated else APIClient()
    for method in ("get", "post", "delete"):
        response = getattr(client, method)(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Det finns ingen sådan adress i API:t. Se /api/v1/schema/."}
