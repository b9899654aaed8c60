"""The OpenAPI document names how to authenticate and every error an operation answers,
each with the one error body (its conformance to real answers is fuzzed in ``test_fuzz``)."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import Web


def operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["paths"][path][method]
    return found


def test_the_document_names_both_ways_to_authenticate(web: Web) -> None:
    doc = web.client.get("/api/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert (schemes["session"]["in"], schemes["session"]["name"]) == ("cookie", "xinyong_session")
    # an operator's operation needs one of them; a public one takes either, or none
    decide = operation(doc, "post", "/api/objections/{objection_id}/decide")
    assert decide["security"] == [{"bearer": []}, {"session": []}]
    assert operation(doc, "get", "/api/subjects")["security"] == [
        {},
        {"bearer": []},
        {"session": []},
    ]
    assert "security" not in operation(doc, "get", "/api/health")


def test_each_operation_lists_the_errors_it_answers_with_the_one_error_body(web: Web) -> None:
    doc = web.client.get("/api/openapi.json").json()
    listed = {
        (method, path): sorted(op["responses"])
        for path, methods in doc["paths"].items()
        for method, op in methods.items()
    }
    assert listed[("get", "/api/health")] == ["200", "400", "503"]
    # public: no 403; an operation with a body: 413; one that writes: 409
    assert listed[("get", "/api/subjects")] == ["200", "400", "401", "404", "422", "429", "503"]
    assert listed[("post", "/api/objections/{objection_id}/decide")] == [
        "200", "400", "401", "403", "404", "409", "413", "422", "429", "503"
    ]  # fmt: skip
    # a route's own declaration stays: readiness answers 503 with the checks it made
    ready = operation(doc, "get", "/api/health/ready")["responses"]["503"]
    assert ready == {"description": "a check failed; `checks` names it"}
    error = {"$ref": "#/components/schemas/Error"}
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            for status, answer in op["responses"].items():
                if status[0] in "45" and (method, path, status) != (
                    "get",
                    "/api/health/ready",
                    "503",
                ):
                    assert answer["content"]["application/json"]["schema"] == error, (
                        method,
                        path,
                        status,
                    )
    shape = doc["components"]["schemas"]["Error"]
    refused = web.client.get("/api/subjects/91350200MA0000000X")
    assert sorted(refused.json()) == sorted(shape["required"])
