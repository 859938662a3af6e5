"""Property-based API robustness: schemathesis drives every route from the OpenAPI spec.

No 5xx, and every response matches its documented schema. Admin routes are exercised with the
token so their validation paths are reached too. (Schemathesis' pytest plugin does not load under
pytest 9, so operations are iterated directly with Hypothesis.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from bot.app import create_app
from tests.conftest import build_service


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    service = build_service(tmp_path_factory.mktemp("schema-store"))
    yield create_app(service.settings, service)
    service.close()


def test_api_never_fails_and_matches_its_schema(app) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [op.ok() for op in schema.get_all_operations()]
    checked = []
    for operation in operations:
        if operation.method.upper() == "DELETE":
            continue  # would delete the shared store's documents; covered by test_api

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            # An upload that fits the schema may still be a file we cannot read (no suffix, bad
            # bytes): a clear 4xx there is right, so "valid data must be accepted" is not checked.
            case.call_and_validate(headers={"Authorization": "Bearer test-token"},
                                   excluded_checks=[positive_data_acceptance])

        check()
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert "POST /api/ask" in checked and "GET /api/metrics" in checked
