"""Deadlines that run into a year with no State Council notice yet say so: an objection
filed on 2026-12-28, a prior notice served then, on the API and on the portal pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.factories import GUANGZHOU_USCC
from tests.web.conftest import make_web
from tests.web.test_objections import object_to, record_id

FILED = date(2026, 12, 28)  # Monday; 1 January 2027 is New Year's Day (provisional 2027)


def test_an_objection_filed_on_28_december_says_its_extended_deadline_is_provisional(
    world_template: Path, tmp_path: Path
) -> None:
    web = make_web(world_template, tmp_path, jurisdiction="cn-shenzhen", as_of=FILED)
    with web.client:
        filed = object_to(web, record_id(web, "1")).json()
        # check within one working day, decision within two: both still in 2026
        assert (filed["check_due"], filed["decision_due"]) == ("2026-12-29", "2026-12-31")
        assert filed["provisional"] is False
        extended = web.client.post(
            f"/api/objections/{filed['objection_id']}/extend",
            json={"reason": "waiting for the inspection file"},
            headers=web.as_role("samr"),
        ).json()
        # three working days on: 1 January off, then Monday 4 to Wednesday 6 January 2027
        assert extended["extended_to"] == "2027-01-06"
        assert extended["provisional"] is True
        [mine] = web.get("/api/objections", "company").json()["items"]
        assert mine["provisional"] is True
        [routed] = web.get("/api/objections", "samr").json()["items"]
        assert routed["provisional"] is True
        page = web.get("/me", "company")
        assert page.status_code == 200
        assert page.text.count('class="badge provisional"') == 1
        assert "暂定" in page.text
        staff = web.get("/cases", "samr")
        assert staff.status_code == 200 and 'class="badge provisional"' in staff.text


def test_a_prior_notice_served_on_28_december_answers_by_a_provisional_date(
    world_template: Path, tmp_path: Path
) -> None:
    web = make_web(world_template, tmp_path, as_of=FILED)
    with web.client:
        [notice] = web.get("/api/notices/pending", "samr").json()["items"]
        printed = web.get("/notices/prior/cn.samr.serious_violation/SV-1", "samr")
    # five working days from Monday 28 December: 29, 30, 31 December, 4 and 5 January
    assert notice["answer_by_if_served"] == "2027-01-05"
    assert notice["provisional"] is True
    assert printed.status_code == 200 and "2027-01-05" in printed.text
    assert printed.text.count('class="badge provisional"') == 1


def test_a_prior_notice_inside_an_official_year_is_not_provisional(
    world_template: Path, tmp_path: Path
) -> None:
    web = make_web(world_template, tmp_path)  # 2026-06-30
    with web.client:
        [notice] = web.get("/api/notices/pending", "samr").json()["items"]
        printed = web.get("/notices/prior/cn.samr.serious_violation/SV-1", "samr")
    assert notice["answer_by_if_served"] == "2026-07-07"
    assert notice["provisional"] is False
    assert printed.status_code == 200 and 'class="badge provisional"' not in printed.text


def test_a_listing_whose_notice_period_runs_into_2027_is_explained_as_provisional(
    world_template: Path, tmp_path: Path
) -> None:
    from xinyong.evaluate import SqlEngine, evaluate_lists

    web = make_web(world_template, tmp_path, as_of=FILED)
    with web.client:
        served = web.client.post(
            "/api/decisions",
            json={
                "source_record_id": "SV-1",
                "decision": "notice_served",
                "effective_on": FILED.isoformat(),
                "instrument_number": "穗市监告〔2026〕9号",
            },
            headers=web.as_role("samr"),
        )
        assert served.status_code == 201, served.text
        platform = web.client.app.state.platform  # type: ignore[attr-defined]
        engine = SqlEngine(platform.engine)
        [noticed] = [
            e
            for e in evaluate_lists(engine, platform.pack, FILED)
            if e.list_id == "cn.samr.serious_violation"
        ]
        # five working days to answer, the last Tuesday 5 January 2027: active from the 6th
        [active] = [
            e
            for e in evaluate_lists(engine, platform.pack, date(2027, 1, 6))
            if e.list_id == "cn.samr.serious_violation"
        ]
    assert noticed.status == "noticed" and active.status == "active"
    assert str(active.active_from) == "2027-01-06"
    assert noticed.explanation["provisional"] is True
    assert noticed.explanation["provisional_deadlines"] == ["notice_period"]


def test_dispatch_metrics_say_when_an_acknowledgement_is_counted_on_a_provisional_year(
    world_template: Path, tmp_path: Path
) -> None:
    """The world's notices were sent on 2026-06-30 and are not acknowledged."""
    for as_of, provisional in ((date(2026, 12, 31), False), (date(2027, 1, 4), True)):
        (tmp_path / str(as_of)).mkdir()
        web = make_web(world_template, tmp_path / str(as_of), as_of=as_of)
        with web.client:
            metrics = web.get("/api/dispatch/metrics", "operator").json()
        assert metrics["overdue"] == metrics["notices"] > 0
        assert metrics["provisional"] is provisional


def test_adding_2027_lists_the_noticed_entry_whose_period_to_answer_moves(
    world_template: Path, tmp_path: Path
) -> None:
    from xinyong import workdays
    from xinyong.evaluate import SqlEngine, evaluate_lists
    from xinyong.evaluate.run import materialise
    from xinyong.rights.calendar_moves import Move, add_year

    fixture = Path(__file__).parents[1] / "rights" / "calendar_fixture" / "2027.yaml"
    web = make_web(world_template, tmp_path, as_of=FILED)
    with web.client:
        web.client.post(
            "/api/decisions",
            json={
                "source_record_id": "SV-1",
                "decision": "notice_served",
                "effective_on": FILED.isoformat(),
                "instrument_number": "穗市监告〔2026〕9号",
            },
            headers=web.as_role("samr"),
        )
        filed = object_to(web, record_id(web, "1")).json()  # national pack: no deadlines
        platform = web.client.app.state.platform  # type: ignore[attr-defined]
        materialise(
            platform.engine,
            evaluate_lists(SqlEngine(platform.engine), platform.pack, FILED),
            as_of=FILED,
            pack=platform.pack,
            engine_name="sql",
            recorded_at=platform.now().replace(minute=9),
        )
        workdays.configure(tmp_path / "calendar")
        try:
            _, moves = add_year(
                platform.engine,
                platform.pack,
                fixture,
                tmp_path / "calendar",
                actor="cli:operator",
                now=platform.now(),
                today=FILED,
            )
        finally:
            workdays.configure(None)
    [entry] = [m for m in moves if m.case == "list_entry"]
    assert moves == [entry]  # the objection has no working-day deadline to move
    assert filed["deadlines_set"] is False
    # five working days from Monday 28 December; the fixture works Saturday 2 January
    assert entry == Move(
        "list_entry",
        entry.case_id,
        entry.subject_id,
        "samr",
        "notice_period",
        date(2027, 1, 5),
        date(2027, 1, 4),
        stored=False,
    )
    assert entry.case_id.startswith("cn.samr.serious_violation:samr:")
    assert entry.subject_id == GUANGZHOU_USCC
