"""The OpenAPI document names how to authenticate and every error an operation answers,
each with the one error body (its conformance to real answers is fuzzed in ``test_fuzz``)."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import Web
from xinyong.access import Purpose
from xinyong.rights.objections import OUTCOMES as OBJECTION_OUTCOMES


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


#: the answers that are no JSON body: a file, Prometheus text, the NDJSON stream
NOT_JSON = {
    ("get", "/api/evidence/{evidence_id}"),
    ("get", "/metrics"),
    ("post", "/api/screen/lines"),
}


def test_every_answer_has_its_model_and_vocabularies_their_values(web: Web) -> None:
    doc = web.client.get("/api/openapi.json").json()
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            [status] = [s for s in op["responses"] if s.startswith("2")]
            content = op["responses"][status].get("content", {})
            if (method, path) in NOT_JSON:
                assert "application/json" not in content, (method, path)
                continue
            schema = content["application/json"]["schema"]
            assert set(schema) == {"$ref"}, (method, path, schema)
    schemas = doc["components"]["schemas"]
    # enums come from the code that defines each vocabulary
    decided = schemas["DecidedObjection"]["properties"]["outcome"]
    assert decided["enum"] == list(OBJECTION_OUTCOMES)
    assert schemas["Decision"]["properties"]["outcome"]["enum"] == ["allow", "deny", "advise"]
    purpose = schemas["ListedConsent"]["properties"]["purpose"]
    assert schemas[purpose["$ref"].rsplit("/", 1)[1]]["enum"] == [str(p) for p in Purpose]
    # an answer with an undeclared field is refused, not passed on undocumented
    assert schemas["Decision"]["additionalProperties"] is False
