"""Property-based fuzzing of the API from its own OpenAPI document (schemathesis): whatever
the generated input, the platform answers with a normal result or a clean 4xx — never a 500
— with a status the document lists for that operation, and never with a raw resident
number."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.conftest import RAW_ID, make_web

#: every check schemathesis makes of a response against the document
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_no_generated_input_makes_any_operation_fail(world_template: Path, tmp_path: Path) -> None:
    web = make_web(world_template, tmp_path)
    web.client.app.state.platform.warm()  # type: ignore[attr-defined]  # as before traffic
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", web.client.app)
    # calls carry an operator's token (or, for subject-only operations, a subject's), so
    # generated input reaches the handlers instead of stopping at the authorisation check
    headers = {
        role: {"authorization": f"Bearer {web.tokens[role]}"}
        for role in ("operator", "company", "samr", "airline")
    }
    tried = []
    for found in schema.get_all_operations():
        operation = found.ok()
        role = "company" if "consents" in operation.path or "/me/" in operation.path else "operator"
        if operation.path in ("/api/records", "/api/decisions"):
            role = "samr"
        if operation.path == "/api/screen/override" or (
            operation.path.startswith("/api/dispatch") and not operation.path.endswith("metrics")
        ):
            role = "airline"

        # with the role's token, then with none (a public answer, or a documented 401)
        for sent, examples in ((headers[role], 30), ({}, 10)):

            @given(case=operation.as_strategy())
            @settings(
                max_examples=examples,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def call(case: schemathesis.Case) -> None:
                # a hang still fails; a slow answer on a loaded machine is not what this is for
                response = case.call(headers=sent, timeout=120)  # noqa: B023
                assert response.status_code < 500, (case.method, case.formatted_path, response.text)
                case.validate_response(response, checks=CHECKS)
                assert not RAW_ID.search(response.text)

            call()
        tried.append(operation.label)
    web.client.app.state.platform.close()  # type: ignore[attr-defined]
    assert len(tried) >= 30
