"""Prior notices before a listing takes effect, and the repair notice served with a penalty."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.factories import GUANGZHOU_USCC
from tests.web.conftest import NOW, Web, make_web
from tests.web.test_objections import record_id


def test_an_agency_is_told_which_notices_it_owes_and_what_they_say(web: Web) -> None:
    owed = web.get("/api/notices/pending", "samr").json()["items"]
    [notice] = owed
    assert notice["subject_id"] == GUANGZHOU_USCC
    assert notice["list_id"] == "cn.samr.serious_violation" and notice["legal_basis"]
    assert "穗市监列〔2026〕3号" in notice["reasons"]["instrument"]
    assert notice["evidence"] == [record_id(web, "SV-1")]
    assert "reconsideration" in notice["rights"]
    # five working days to answer, counted from service today (Tuesday 2026-06-30)
    assert notice["answer_within_working_days"] == 5
    assert notice["answer_by_if_served"] == "2026-07-07"
    assert web.get("/api/notices/pending", "court").json()["items"] == []


def test_serving_the_notice_starts_the_period_and_clears_it_from_the_owed_list(web: Web) -> None:
    from xinyong.evaluate import SqlEngine, evaluate_lists
    from xinyong.evaluate.run import materialise

    served = web.client.post(
        "/api/decisions",
        json={
            "source_record_id": "SV-1",
            "decision": "notice_served",
            "effective_on": "2026-06-30",
            "instrument_number": "穗市监告〔2026〕3号",
        },
        headers=web.as_role("samr"),
    )
    assert served.status_code == 201
    platform = web.client.app.state.platform  # type: ignore[attr-defined]
    entries = evaluate_lists(SqlEngine(platform.engine), platform.pack, platform.today())
    [entry] = [e for e in entries if e.list_id == "cn.samr.serious_violation"]
    assert entry.status == "noticed" and str(entry.noticed_on) == "2026-06-30"
    materialise(
        platform.engine,
        entries,
        as_of=platform.today(),
        pack=platform.pack,
        engine_name="sql",
        recorded_at=platform.now().replace(minute=9),
    )
    platform._evaluation = None  # the evaluation cache, as if it had expired
    assert web.get("/api/notices/pending", "samr").json()["items"] == []


def test_the_repair_notice_goes_with_the_penalty_decision(web: Web) -> None:
    notice = web.get(f"/api/records/{record_id(web, '1')}/repair-notice", "samr").json()
    assert notice["published"] is True
    assert (notice["repair_from"], notice["publicity_ends"]) == ("2026-06-05", "2027-03-05")
    refused = web.get(f"/api/records/{record_id(web, 'ZX-2')}/repair-notice", "samr")
    assert refused.status_code == 403


def test_staff_print_the_notices_they_owe_and_record_their_service(web: Web) -> None:
    from tests.factories import XIAMEN_USCC

    web.client.cookies.set("lang", "zh")
    page = web.get("/notices", "samr")
    assert page.status_code == 200 and "/notices/prior/cn.samr.serious_violation/SV-1" in page.text
    printed = web.get("/notices/prior/cn.samr.serious_violation/SV-1", "samr")
    assert printed.status_code == 200 and "列入名单事先告知书" in printed.text
    assert "穗市监列〔2026〕3号" in printed.text and "2026-07-07" in printed.text
    assert web.get("/notices/prior/cn.samr.serious_violation/SV-1", "court").status_code == 404
    assert web.get("/notices", "company").status_code == 403
    served = web.client.post(
        "/notices/prior/cn.samr.serious_violation/SV-1",
        data={"number": "穗市监告〔2026〕3号"},
        headers=web.as_role("samr"),
        follow_redirects=False,
    )
    assert served.status_code == 303
    # owed no longer, at once: the service is in the ledger before the next evaluation
    assert web.get("/api/notices/pending", "samr").json()["items"] == []
    repair = web.get("/notices/repair", "samr", params={"record_id": record_id(web, "1")})
    assert (
        repair.status_code == 200
        and "信用修复告知书" in repair.text
        and "2026-06-05" in repair.text
    )
    grade = web.get(f"/notices/grade/cn.public_credit.comprehensive/{XIAMEN_USCC}", "ndrc")
    assert grade.status_code == 200 and "不良信用评价告知书" in grade.text
    assert (
        web.get(f"/notices/grade/cn.public_credit.comprehensive/{XIAMEN_USCC}", "samr").status_code
        == 403
    )
    web.client.post(
        f"/notices/grade/cn.public_credit.comprehensive/{XIAMEN_USCC}",
        headers=web.as_role("ndrc"),
        follow_redirects=False,
    )
    owed = web.get("/api/grade-notices/pending", "ndrc").json()["items"]
    assert XIAMEN_USCC not in {n["subject_id"] for n in owed}


def test_an_early_exit_before_the_minimum_year_leaves_the_entry_on_the_portal(
    world_template: Path, tmp_path: Path
) -> None:
    """The portal hides an entry ended by a decision before the next evaluation — but an early
    exit ends a SAMR serious-violation entry only after a year on the list (Order 44 Art 20),
    so one granted after a week changes nothing, on the portal as in the evaluation."""
    from xinyong.evaluate import SqlEngine, evaluate_lists
    from xinyong.evaluate.grading import evaluate_grades
    from xinyong.evaluate.run import materialise

    web = make_web(world_template, tmp_path, as_of=date(2026, 7, 20))
    with web.client:
        for decision, day, number in (
            ("notice_served", "2026-06-30", "穗市监告〔2026〕3号"),
            ("early_exit", "2026-07-15", "穗市监移〔2026〕1号"),
        ):
            done = web.client.post(
                "/api/decisions",
                json={
                    "source_record_id": "SV-1",
                    "decision": decision,
                    "effective_on": day,
                    "instrument_number": number,
                },
                headers=web.as_role("samr"),
            )
            assert done.status_code == 201, done.text
        platform = web.client.app.state.platform  # type: ignore[attr-defined]
        query = SqlEngine(platform.engine)
        entries = evaluate_lists(query, platform.pack, date(2026, 7, 20))
        [entry] = [e for e in entries if e.list_id == "cn.samr.serious_violation"]
        assert entry.status == "active" and str(entry.active_from) == "2026-07-08"
        materialise(
            platform.engine,
            entries,
            grades=evaluate_grades(query, platform.pack, date(2026, 7, 20)),
            as_of=date(2026, 7, 20),
            pack=platform.pack,
            engine_name="sql",
            recorded_at=NOW,
        )
        platform._evaluation = None
        page = web.get(f"/api/subjects/{GUANGZHOU_USCC}").json()
        assert "cn.samr.serious_violation" in {e["list_id"] for e in page["lists"]}
