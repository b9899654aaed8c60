"""Evidence uploads on objections and repair applications: bounded in size and number, typed
by their content, readable by the subject, the deciding agency and the operator only."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from tests.web.conftest import Web, make_web
from tests.web.test_objections import object_to, record_id

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(web: Web, case: str, name: str, content: bytes, kind: str, role: str = "company") -> Any:
    return web.client.post(
        f"/api/{case}/evidence",
        files={"file": (name, content, kind)},
        headers=web.as_role(role),
    )


def open_objection(web: Web) -> str:
    return str(object_to(web, record_id(web, "1")).json()["objection_id"])


def test_evidence_is_stored_listed_and_read_by_the_deciding_agency(web: Web) -> None:
    objection = open_objection(web)
    stored = upload(web, f"objections/{objection}", "../../收据 2026.pdf", PDF, "application/pdf")
    assert stored.status_code == 201, stored.text
    body = stored.json()
    assert body["media_type"] == "application/pdf" and body["size"] == len(PDF)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert "/" not in body["filename"] and body["filename"].endswith(".pdf")
    [listed] = web.get("/api/objections", "samr").json()["items"]
    assert [f["evidence_id"] for f in listed["evidence_files"]] == [body["evidence_id"]]
    for role in ("samr", "company", "operator"):
        read = web.get(f"/api/evidence/{body['evidence_id']}", role)
        assert read.status_code == 200 and read.content == PDF
        assert read.headers["content-type"] == "application/pdf"
        assert read.headers["content-disposition"].startswith("attachment;")
    assert web.get(f"/api/evidence/{body['evidence_id']}", "court").status_code == 404
    assert web.get(f"/api/evidence/{body['evidence_id']}", "person").status_code == 404


def test_the_content_decides_the_type_and_nothing_else_is_accepted(web: Web) -> None:
    objection = f"objections/{open_objection(web)}"
    script = b"<html><script>alert(1)</script>"
    html = upload(web, objection, "proof.pdf", script, "application/pdf")
    assert html.status_code == 422 and html.json()["errors"][0]["field"] == "file"
    lying = upload(web, objection, "photo.pdf", PNG, "application/pdf")
    assert lying.status_code == 422 and "image/png" in lying.json()["errors"][0]["message"]
    empty = upload(web, objection, "empty.pdf", b"", "application/pdf")
    assert empty.status_code == 422
    untyped = upload(web, objection, "scan", PNG, "application/octet-stream")
    assert untyped.status_code == 201 and untyped.json()["media_type"] == "image/png"


def test_size_and_number_are_bounded(world_template: Path, tmp_path: Path) -> None:
    web = make_web(world_template, tmp_path, evidence_max_bytes=10_000)
    with web.client:
        objection = f"objections/{open_objection(web)}"
        big = upload(web, objection, "big.pdf", PDF + b"0" * 10_000, "application/pdf")
        assert big.status_code == 422 and "10000" in big.json()["errors"][0]["fix"]
        huge = upload(web, objection, "huge.pdf", PDF + b"0" * 2_000_000, "application/pdf")
        assert huge.status_code == 413
        for n in range(10):
            assert upload(web, objection, f"{n}.pdf", PDF, "application/pdf").status_code == 201
        eleventh = upload(web, objection, "11.pdf", PDF, "application/pdf")
        assert eleventh.status_code == 422


def test_only_the_subject_adds_evidence_and_only_while_the_case_is_open(web: Web) -> None:
    objection = open_objection(web)
    assert upload(web, f"objections/{objection}", "a.pdf", PDF, "", "person").status_code == 403
    web.client.post(
        f"/api/objections/{objection}/decide",
        json={"outcome": "kept", "reasons": "the penalty decision stands as issued"},
        headers=web.as_role("samr"),
    )
    late = upload(web, f"objections/{objection}", "late.pdf", PDF, "application/pdf")
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "case"
    missing = upload(web, "repairs/0123456789abcdef", "a.pdf", PDF, "application/pdf")
    assert missing.status_code == 404
