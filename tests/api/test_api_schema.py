"""Property-based: schemathesis generates requests from the app's own OpenAPI schema, valid and invalid;
none may crash the app, and every response must match the schema (status, content type, body).

Hypothesis drives each operation's strategy directly: schemathesis' lazy pytest loader
(`from_fixture`) does not run under the pytest this project uses.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from apisupport import fake_loader, small_config
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from search_api.app import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# the schema without starting the app (no lifespan runs for this)
_SPEC = create_app(small_config(Path("."))).openapi()["paths"]
PATHS = sorted(_SPEC)
# invalid input is generated only where an operation takes parameters to get wrong
CASES = [(p, GenerationMode.POSITIVE) for p in PATHS] + [
    (p, GenerationMode.NEGATIVE) for p in PATHS if _SPEC[p]["get"].get("parameters")]
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "30"))  # more for a deeper run


@pytest.fixture(scope="module")
def api_schema(small_data):
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(small_config(small_data), loader=fake_loader))


def test_the_schema_has_every_endpoint():
    assert {"/search", "/answer", "/facts", "/documents", "/documents/{doc_id}", "/documents/{doc_id}/pages/{n}",
            "/documents/{doc_id}/tables/{table_id}", "/health", "/metrics"} == set(PATHS)


@pytest.mark.parametrize(("path", "mode"), CASES)
def test_generated_requests_never_crash_and_match_the_schema(api_schema, path, mode):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()
