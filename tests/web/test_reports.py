"""Credit reports: the subject's own within the yearly number, an agency's only under
consent, printable with a verification code that `xinyong report verify` checks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_commands import xinyong
from tests.factories import KEY, XIAMEN_USCC
from tests.web.conftest import Web


def request(web: Web, role: str, subject: str | None = None) -> object:
    return web.client.post(
        "/api/reports", json={"subject": subject} if subject else {}, headers=web.as_role(role)
    )


def test_own_reports_are_free_up_to_the_yearly_number(web: Web) -> None:
    first = request(web, "company")
    assert first.status_code == 201  # type: ignore[attr-defined]
    body = first.json()  # type: ignore[attr-defined]
    assert body["as_of"] == "2026-06-30" and len(body["verification_code"]) == 20
    assert {r["item_code"] for r in body["report"]["records"]} >= {"market.penalty"}
    web.client.cookies.set("lang", "zh")
    printable = web.client.get(body["printable"], headers=web.as_role("company")).text
    assert "信用报告" in printable and body["verification_code"] in printable
    assert request(web, "company").status_code == 201  # type: ignore[attr-defined]
    third = request(web, "company")
    assert third.status_code == 422 and third.json()["code"] == "report-quota"  # type: ignore[attr-defined]


def test_an_agencys_report_needs_the_subjects_consent(web: Web) -> None:
    refused = request(web, "bank", XIAMEN_USCC)
    assert refused.status_code == 403 and refused.json()["code"] == "consent-required"  # type: ignore[attr-defined]
    web.client.post(
        "/api/consents",
        json={"agency": "credit_reference_centre", "expires_on": "2026-12-31"},
        headers=web.as_role("company"),
    )
    issued = request(web, "bank", XIAMEN_USCC)
    assert issued.status_code == 201  # type: ignore[attr-defined]
    report_id = issued.json()["report_id"]  # type: ignore[attr-defined]
    assert web.client.get(f"/reports/{report_id}", headers=web.as_role("bank")).status_code == 200
    log = web.get("/api/me/access-log", "company").json()["items"]
    assert any(
        e["action"] == "credit_report" and e["agency"] == "credit_reference_centre" for e in log
    )


def test_the_verification_code_checks_an_unaltered_copy(web: Web, tmp_path: Path) -> None:
    body = request(web, "company").json()  # type: ignore[attr-defined]
    copy = tmp_path / "report.json"
    copy.write_text(json.dumps(body["report"], ensure_ascii=False), "utf-8")
    env = {"XINYONG_DATABASE_URL": web.url, "XINYONG_PSEUDONYM_KEY": KEY.decode()}
    ok = xinyong(
        "report", "verify", body["verification_code"], "--file", str(copy), cwd=tmp_path, **env
    )
    assert ok.returncode == 0 and "unaltered" in ok.stdout and "2026-06-30" in ok.stdout
    altered = body["report"]
    altered["records"] = altered["records"][1:]
    copy.write_text(json.dumps(altered, ensure_ascii=False), "utf-8")
    bad = xinyong(
        "report", "verify", body["verification_code"], "--file", str(copy), cwd=tmp_path, **env
    )
    assert bad.returncode == 1 and "differs" in bad.stderr
    unknown = xinyong("report", "verify", "0" * 20, cwd=tmp_path, **env)
    assert unknown.returncode == 2 and "no report was issued" in unknown.stderr


def test_reports_come_as_pdf_in_either_language(web: Web) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    issued = request(web, "company").json()  # type: ignore[attr-defined]
    texts = {}
    for lang in ("zh", "en"):
        web.client.cookies.set("lang", lang)
        pdf = web.client.get(issued["pdf"], headers=web.as_role("company"))
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        reader = PdfReader(BytesIO(pdf.content))
        texts[lang] = "".join(page.extract_text() for page in reader.pages)
        assert issued["verification_code"] in texts[lang] and "2026-06-30" in texts[lang]
    assert "信用报告" in texts["zh"] and "厦门鹭江海鲜贸易有限公司" in texts["zh"]
    assert "Credit report" in texts["en"] and "Verification code" in texts["en"]
    assert web.client.get(issued["pdf"], headers=web.as_role("bank")).status_code == 403


def test_an_agencys_report_withholds_an_unnoticed_adverse_grade(web: Web) -> None:
    web.client.post(
        "/api/consents",
        json={"agency": "credit_reference_centre", "expires_on": "2026-12-31"},
        headers=web.as_role("company"),
    )
    theirs = request(web, "bank", XIAMEN_USCC).json()["report"]  # type: ignore[attr-defined]
    ours = request(web, "company").json()["report"]  # type: ignore[attr-defined]
    scheme = "cn.public_credit.comprehensive"
    [withheld] = [g for g in theirs["grades"] if g["scheme_id"] == scheme]
    [shown] = [g for g in ours["grades"] if g["scheme_id"] == scheme]
    assert "grade" not in withheld and shown["grade"] == "D"
