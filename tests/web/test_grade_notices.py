"""Grades in the subject's file, and the written notice owed before an adverse grade is shown
to anyone but the subject (Shenzhen Art 39)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.factories import XIAMEN_USCC
from tests.web.conftest import AS_OF, NOW, Web, make_web, web_settings
from xinyong.errors import InvalidData
from xinyong.rights import grade_notices
from xinyong.schemes import load_pack
from xinyong.web.app import create_app

SCHEME = "cn.public_credit.comprehensive"


def grade_seen(client: TestClient, headers: dict[str, str], purpose: str | None) -> dict:
    params = {"purpose": purpose} if purpose else {}
    found = client.get(f"/api/subjects/{XIAMEN_USCC}/file", params=params, headers=headers)
    assert found.status_code == 200, found.text
    [grade] = [g for g in found.json()["grades"] if g["scheme_id"] == SCHEME]
    return grade


def serve(web: Web, role: str, scheme: str = SCHEME) -> object:
    return web.client.post(
        "/api/grade-notices",
        json={"subject": XIAMEN_USCC, "scheme_id": scheme},
        headers=web.as_role(role),
    )


def test_an_adverse_grade_is_withheld_from_others_until_its_notice_is_served(web: Web) -> None:
    own = grade_seen(web.client, web.as_role("company"), None)
    assert own["grade"] == "D" and own["adverse"] is True and own["notice_served_on"] is None
    assert own["contributions"] and own["legal_basis"]  # why: every indicator, every basis
    other = grade_seen(web.client, web.as_role("operator"), "supervision")
    assert "grade" not in other and "Art 39" in other["withheld"]
    explained = web.get(
        f"/api/subjects/{XIAMEN_USCC}/explain", "airline", params={"purpose": "supervision"}
    ).json()
    [hidden] = [g for g in explained["grades"] if g["scheme_id"] == SCHEME]
    assert "grade" not in hidden

    owed = web.get("/api/grade-notices/pending", "ndrc").json()
    assert XIAMEN_USCC in {n["subject_id"] for n in owed["items"]}
    assert owed["total"] == len(owed["items"])
    assert web.get("/api/grade-notices/pending", "samr").json()["total"] == 0
    assert serve(web, "samr").status_code == 403  # not the scheme's authority
    assert serve(web, "ndrc", "cn.tax.credit_grade").status_code == 403
    served = serve(web, "ndrc")
    assert served.status_code == 201, served.text
    body = served.json()
    assert (body["served_on"], body["visible_to_others_from"]) == ("2026-06-30", "2026-07-01")
    assert "reconsideration" in body["rights"]
    assert serve(web, "ndrc").json()["served_on"] == "2026-06-30"  # serving again: no change
    owed = web.get("/api/grade-notices/pending", "ndrc").json()
    assert XIAMEN_USCC not in {n["subject_id"] for n in owed["items"]}
    assert "grade" not in grade_seen(web.client, web.as_role("operator"), "supervision")

    later = create_app(web_settings(web.url, as_of=date(2026, 7, 1)), clock=lambda: NOW)
    with TestClient(later) as client:
        shown = grade_seen(client, web.as_role("operator"), "supervision")
    assert shown["grade"] == "D" and shown["notice_served_on"] == "2026-06-30"


def test_no_notice_is_owed_for_a_grade_that_is_not_adverse(web: Web) -> None:
    engine = sa.create_engine(web.url)
    with engine.begin() as conn, pytest.raises(InvalidData) as refused:
        grade_notices.serve(
            conn,
            load_pack("cn"),
            agency="tax",
            subject_id=XIAMEN_USCC,
            scheme_id="cn.tax.credit_grade",
            actor="tax-officer",
            today=date(2026, 6, 30),
            now=NOW,
        )
    engine.dispose()
    assert refused.value.code == "not-adverse"


def test_a_correction_changes_the_grade_in_the_file_at_once(web: Web) -> None:
    from tests.web.test_objections import object_to

    filed = object_to(web, "cn.court.dishonest_debtors:court:ZX-2", kind="list_entry").json()
    before = grade_seen(web.client, web.as_role("company"), None)
    web.client.post(
        f"/api/objections/{filed['objection_id']}/decide",
        json={"outcome": "deleted", "reasons": "the judgment was performed before listing"},
        headers=web.as_role("court"),
    )
    after = grade_seen(web.client, web.as_role("company"), None)
    assert after["score"] > before["score"]
    assert "dishonest_debtor" in before["contributions"]
    assert "dishonest_debtor" not in after["contributions"]


def test_a_public_adverse_grade_is_published_only_after_its_notice(
    world_template: Path, tmp_path: Path
) -> None:
    """A local pack that publishes a grading scheme: the portal shows an adverse grade only
    from the day after its notice was served."""
    from xinyong.evaluate import SqlEngine, evaluate_lists
    from xinyong.evaluate.grading import evaluate_grades
    from xinyong.evaluate.run import materialise
    from xinyong.schemes.pack import builtin_packs_dir

    pack_dir = tmp_path / "packs" / "cn-testpublic"
    (pack_dir / "grades").mkdir(parents=True)
    (pack_dir / "pack.yaml").write_text(
        "id: cn-testpublic\nname_zh: 公开评价测试\nname_en: Public grade test\n"
        'version: "1"\nparent: cn\ndescription: publishes the comprehensive evaluation\n',
        encoding="utf-8",
    )
    national = builtin_packs_dir() / "cn" / "grades" / "public_credit_comprehensive.yaml"
    published = national.read_text(encoding="utf-8").replace(
        f"id: {SCHEME}", "id: test.public_comprehensive"
    )
    (pack_dir / "grades" / "public.yaml").write_text(
        published.replace("public: shared", "public: public"), encoding="utf-8"
    )
    web = make_web(
        world_template, tmp_path, jurisdiction="cn-testpublic", packs_path=tmp_path / "packs"
    )
    platform = web.client.app.state.platform  # type: ignore[attr-defined]
    query = SqlEngine(platform.engine)
    materialise(
        platform.engine,
        evaluate_lists(query, platform.pack, AS_OF),
        grades=evaluate_grades(query, platform.pack, AS_OF),
        as_of=AS_OF,
        pack=platform.pack,
        engine_name="sql",
        recorded_at=NOW,
    )

    def shown(client: TestClient) -> set[str]:
        page = client.get(f"/api/subjects/{XIAMEN_USCC}").json()
        return {g["grade"] for g in page["grades"] if g["scheme_id"] == "test.public_comprehensive"}

    with web.client:
        assert shown(web.client) == set()  # D, and no notice served
        served = web.client.post(
            "/api/grade-notices",
            json={"subject": XIAMEN_USCC, "scheme_id": "test.public_comprehensive"},
            headers=web.as_role("ndrc"),
        )
        assert served.status_code == 201, served.text
        assert shown(web.client) == set()  # served today: published from tomorrow
    overrides = {"jurisdiction": "cn-testpublic", "packs_path": tmp_path / "packs"}
    later = create_app(
        web_settings(web.url, as_of=date(2026, 7, 1), **overrides), clock=lambda: NOW
    )
    with TestClient(later) as client:
        assert shown(client) == {"D"}
