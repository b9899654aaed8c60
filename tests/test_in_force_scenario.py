"""One answer to "is this list entry in force on D", checked through every consumer.

A ledger of seven court listings is evaluated on 29 June 2026. On 30 June, before the next
evaluation, decisions are recorded: a revocation (of a person's only listing), a credit
repair, a removal on an upheld objection, an early exit after the minimum time and one
before it; one entry's term ends that very day; and a tax-list entry, noticed when evaluated,
has its period to answer run out. The entries in force on 30 June are the control, the
early exit granted too soon and the tax entry — and every consumer must show exactly those
(as evaluating again that day would):
the list pages (HTML and JSON), the name search, the subject pages, the statistics, the own
file, the credit report, screening (single and bulk), dispatch and the offline extract.

The court list has no early exit in ``cn``; the test pack adds one after twelve months (the
rule of the SAMR list), so that every consumer of joint measures sees it too.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.factories import BEIJING_RESIDENT, GUANGZHOU_USCC, KEY, XIAMEN_USCC
from tests.ingest.helpers import debtor_row, deliver, row
from tests.web.conftest import ScanningClient, web_settings
from xinyong.access import Role
from xinyong.evaluate import EntryStatus, SqlEngine, evaluate_lists
from xinyong.evaluate.run import materialise
from xinyong.ids import pseudonymise
from xinyong.ids.uscc import generate_uscc
from xinyong.ingest.service import IngestOptions
from xinyong.ledger import EventKind, RecordEvent, append_event
from xinyong.ledger import tables as t
from xinyong.sanctions import ScreeningIndex
from xinyong.sanctions.dispatch import dispatch
from xinyong.sanctions.extract import lines_of
from xinyong.sanctions.tables import dispatch_notices
from xinyong.schemes import Pack
from xinyong.schemes.lists import EarlyExitSpec
from xinyong.web.app import create_app
from xinyong.web.credentials import issue_token
from xinyong.workdays import add_working_days

COURT = "cn.court.dishonest_debtors"
EVALUATED = date(2026, 6, 29)
TODAY = date(2026, 6, 30)
BEFORE = datetime(2026, 6, 29, 10, 0, tzinfo=UTC)
AFTER = datetime(2026, 6, 30, 9, 0, tzinfo=UTC)
ACTION = "aviation.ticket"
_rng = random.Random(13)
REPAIRED, DELISTED, EARLY = (
    generate_uscc(_rng, authority="9", entity_type="1", division=d)
    for d in ("320102", "330102", "510104")
)
LATE_RESIDENT = "110105198001010032"  # 李建国: granted an early exit before the minimum
REVOKED = pseudonymise(BEIJING_RESIDENT, key=KEY)  # 王秀英: her only listing is revoked
TOO_EARLY = pseudonymise(LATE_RESIDENT, key=KEY)
#: subject → (code delivered, name, region, decided on, the decision recorded after)
WORLD: dict[str, tuple[str, str, str, str, EventKind | None]] = {
    XIAMEN_USCC: (XIAMEN_USCC, "厦门鹭江海鲜贸易有限公司", "350200", "2026-02-10", None),
    REVOKED: (BEIJING_RESIDENT, "王秀英", "110105", "2026-01-05", EventKind.REVOKED),
    # a two-year term (ground 2–6) from 30 June 2024: it ends today
    GUANGZHOU_USCC: (GUANGZHOU_USCC, "广州市云帆科技有限公司", "440106", "2024-06-30", None),
    REPAIRED: (REPAIRED, "南京秦淮建材有限公司", "320102", "2026-03-01", EventKind.REPAIRED),
    DELISTED: (DELISTED, "杭州西湖茶业有限公司", "330102", "2026-03-15", EventKind.DELISTED),
    EARLY: (EARLY, "成都锦江物流有限公司", "510104", "2025-01-10", EventKind.EARLY_EXIT),
    TOO_EARLY: (LATE_RESIDENT, "李建国", "110105", "2026-01-20", EventKind.EARLY_EXIT),
}
#: on the tax list, noticed on 29 June: its period to answer ran out that day
TAXED = generate_uscc(_rng, authority="9", entity_type="1", division="420102")
TAX = "cn.tax.major_violation"
ON_COURT = {XIAMEN_USCC, TOO_EARLY}
IN_FORCE = ON_COURT | {TAXED}


@pytest.fixture(scope="module")
def pack(cn_pack: Pack) -> Pack:
    """``cn`` with an early exit from the court list after twelve months."""
    court, samr = cn_pack.lists[COURT], cn_pack.lists["cn.samr.serious_violation"]
    minimum = samr.parameters["early_exit_months"]
    changed = court.model_copy(
        update={
            "early_exit": EarlyExitSpec(after_months="early_exit_months"),
            "parameters": {**court.parameters, "early_exit_months": minimum},
        }
    )
    return dataclasses.replace(cn_pack, lists={**cn_pack.lists, COURT: changed})


def _ledger(engine: sa.Engine, pack: Pack, tmp_path: Path) -> str:
    """The listings, their evaluation on 29 June with its entry notices, then the decisions
    of 30 June; the evaluation's id."""
    options = IngestOptions(key=KEY, delivered_on=EVALUATED, recorded_at=BEFORE)
    rows = []
    for n, (code, name, region, decided, _) in enumerate(WORLD.values()):
        person = code in (BEIJING_RESIDENT, LATE_RESIDENT)
        rows.append(
            debtor_row(
                source_record_id=f"ZX-{n}",
                subject_kind="natural_person" if person else "legal_person",
                subject_code=code,
                subject_name=name,
                region=region,
                decided_on=decided,
                instrument_date=decided,
                published_on=decided,
                occurred_on=decided,
                instrument_number=f"（2026）京0105执{n}号",
            )
        )
    outcome = deliver(engine, pack, tmp_path / "court.csv", rows, options=options, source="court")
    assert outcome.accepted == len(WORLD), outcome
    tax = row(
        source_record_id="SW-1",
        item_code="tax.major_violation",
        subject_kind="legal_person",
        subject_code=TAXED,
        subject_name="武汉江汉贸易有限公司",
        instrument_type="tax_penalty_decision",
        severity="serious",
        instrument_number="武税稽罚〔2026〕1号",
        instrument_issuer="国家税务总局武汉市税务局稽查局",
        region="420102",
        **dict.fromkeys(
            ("decided_on", "instrument_date", "published_on", "occurred_on"), "2026-06-01"
        ),
        attributes=json.dumps({"violation": "evasion", "amount_yuan": 2_000_000}),
    )
    outcome = deliver(engine, pack, tmp_path / "tax.csv", [tax], options=options, source="tax")
    assert outcome.accepted == 1, outcome
    # served so that the five working days to answer end on 29 June
    served = date(2026, 6, 22)
    assert add_working_days(served, 5) == EVALUATED
    r = t.records.c
    with engine.begin() as conn:
        record_id = conn.execute(sa.select(r.record_id).where(r.subject_id == TAXED)).scalar_one()
        notice = RecordEvent(record_id, EventKind.NOTICE_SERVED, served, "tax")
        append_event(conn, notice, recorded_at=BEFORE)
    entries = evaluate_lists(SqlEngine(engine), pack, EVALUATED)
    assert {e.subject_id for e in entries if e.list_id == COURT} == set(WORLD)
    [noticed] = [e for e in entries if e.list_id == TAX]
    assert (noticed.status, noticed.active_from) == (EntryStatus.NOTICED, TODAY)
    evaluation = materialise(
        engine, entries, as_of=EVALUATED, pack=pack, engine_name="sql", recorded_at=BEFORE
    )
    dispatch(engine, pack, evaluation, EVALUATED, now=BEFORE)
    with engine.begin() as conn:
        for subject_id, (*_, decision) in WORLD.items():
            if decision is None:
                continue
            record_id = conn.execute(
                sa.select(r.record_id).where(r.subject_id == subject_id)
            ).scalar_one()
            attributes = {"list_id": COURT} if decision is EventKind.DELISTED else {}
            event = RecordEvent(record_id, decision, TODAY, "court", attributes=attributes)
            append_event(conn, event, recorded_at=AFTER)
    return evaluation


@pytest.fixture
def world(engine: sa.Engine, pack: Pack, tmp_path: Path) -> Iterator[tuple[ScanningClient, str]]:
    evaluation = _ledger(engine, pack, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    app = create_app(web_settings(url, as_of=TODAY), engine=engine, clock=lambda: AFTER)
    app.state.platform.pack = pack
    with ScanningClient(app) as client:
        yield client, evaluation


def _token(engine: sa.Engine, role: Role, **scope: Any) -> dict[str, str]:
    with engine.begin() as conn:
        issued = issue_token(conn, role=role, label="scenario", now=AFTER, days=30, **scope)
    return {"authorization": f"Bearer {issued.token}"}


def test_every_consumer_shows_exactly_the_entries_in_force(
    engine: sa.Engine, pack: Pack, world: tuple[ScanningClient, str]
) -> None:
    client, evaluation = world
    # what evaluating again today would say: the answer without rerunning must agree
    fresh = evaluate_lists(SqlEngine(engine), pack, TODAY)
    assert {e.subject_id for e in fresh if e.status is EntryStatus.ACTIVE} == IN_FORCE
    # the list pages
    page = client.get(f"/api/lists/{COURT}/entries").json()
    assert {i["subject"]["subject_id"] for i in page["items"]} == ON_COURT
    assert page["total"] == len(ON_COURT)
    page = client.get(f"/api/lists/{TAX}/entries").json()
    assert ([i["subject"]["subject_id"] for i in page["items"]], page["total"]) == ([TAXED], 1)
    html = client.get(f"/lists/{COURT}").text
    assert [name for _, name, *_ in WORLD.values() if name in html] == [
        "厦门鹭江海鲜贸易有限公司",
        "李建国",
    ]
    # the name search finds a person only while listed; her page agrees
    for name, subject_id, found in (("王秀英", REVOKED, 0), ("李建国", TOO_EARLY, 1)):
        assert client.get("/api/subjects", params={"q": name}).json()["total"] == found
        html = client.get("/search", params={"q": name}).text
        assert (f"/subjects/{subject_id}" in html) is bool(found)
    assert client.get(f"/api/subjects/{REVOKED}").status_code == 404
    assert client.get(f"/subjects/{REVOKED}").status_code == 404
    for subject_id in set(WORLD) - {REVOKED}:
        lists = client.get(f"/api/subjects/{subject_id}").json()["lists"]
        assert [e["list_id"] for e in lists] == ([COURT] if subject_id in IN_FORCE else [])
    assert [e["list_id"] for e in client.get(f"/api/subjects/{TAXED}").json()["lists"]] == [TAX]
    # statistics: entries in force per province today; the list's size on its evaluation's
    # date, when every decision was still to come
    stats = client.get("/api/statistics").json()
    assert [(code, n) for code, _, n in stats["regions"]] == [("11", 1), ("35", 1), ("42", 1)]
    [size] = stats["list_sizes"]["series"].values()
    assert size == [len(WORLD)]
    # the own file and the credit report of every subject
    for subject_id in [*WORLD, TAXED]:
        own = _token(engine, Role.SUBJECT, subject_id=subject_id)
        file = client.get(f"/api/subjects/{subject_id}/file", headers=own).json()
        [entry] = file["lists"]
        assert entry["in_force"] is (subject_id in IN_FORCE)
        assert bool(entry["measures"]) is (subject_id in IN_FORCE)
        decided = subject_id in WORLD and WORLD[subject_id][4] is not None
        decided = decided and subject_id not in IN_FORCE
        assert entry["ended_by_decision"] is decided
        report = client.post("/api/reports", json={}, headers=own).json()["report"]
        assert [e["in_force"] for e in report["lists"]] == [subject_id in IN_FORCE]
    # screening, one by one and in bulk
    airline = _token(engine, Role.RESPONDING_AGENCY, agency="civil_aviation")
    codes = [code for code, *_ in WORLD.values()] + [TAXED]
    expected = ["deny" if s in ON_COURT else "allow" for s in [*WORLD, TAXED]]
    outcomes = [
        client.post("/api/screen", json={"subject": c, "action": ACTION}, headers=airline).json()[
            "outcome"
        ]
        for c in codes
    ]
    assert outcomes == expected
    bulk = client.post(
        "/api/screen/bulk", json={"subjects": codes, "action": ACTION}, headers=airline
    ).json()
    assert bulk["outcomes"] == expected
    # the tax list's measures: a procurement bar
    procurement = _token(engine, Role.RESPONDING_AGENCY, agency="procurement")
    bid = {"subject": TAXED, "action": "procurement.bid"}
    assert client.post("/api/screen", json=bid, headers=procurement).json()["outcome"] == "deny"
    # dispatch: every responder now holds exactly the entries in force
    run = dispatch(engine, pack, evaluation, TODAY, now=AFTER)
    assert run.extensions == 0
    held: dict[tuple[str, str], str] = {}
    with engine.connect() as conn:
        d = dispatch_notices.c
        for subject_id, responder, event in conn.execute(
            sa.select(d.subject_id, d.responder, d.event).order_by(d.seq)
        ):
            held[(subject_id, responder)] = event
    assert {s for (s, _), event in held.items() if event != "exit"} == IN_FORCE
    assert run.exits == len([k for k, e in held.items() if e == "exit"])
    # the offline extract, written from the same evaluation before it is rerun
    index = ScreeningIndex(engine, pack)
    index.build(TODAY, evaluation)
    assert {line["subject_id"] for line in lines_of(index)} == IN_FORCE


def _listed(client: ScanningClient, subject_id: str) -> bool:
    """Whether the subject's public page shows it on the court list (no page: not listed)."""
    page = client.get(f"/api/subjects/{subject_id}")
    if page.status_code == 404:
        return False
    return COURT in [e["list_id"] for e in page.json()["lists"]]


def test_screening_answers_as_the_subject_page_after_each_decision(
    engine: sa.Engine, pack: Pack, world: tuple[ScanningClient, str], tmp_path: Path
) -> None:
    """Screening answers from the index as production builds it (the evaluation plus the
    decisions since: ``evaluate.in_force``), then from what following the ledger re-derives
    (``evaluate_lists``): after every decision both agree with the subject page, and with
    evaluating again. The world's decisions (revocation, repair, removal, early exits, a
    term ending today) come first, then an extension of the ending term (decided on 1 June,
    before it ended) and a version saying the control's debt is paid."""
    client, evaluation = world
    platform = client.app.state.platform  # type: ignore[attr-defined]
    following = platform.indexes.built(TODAY, evaluation)
    later = datetime(2026, 6, 30, 9, 5, tzinfo=UTC)
    r = t.records.c

    def extend() -> None:
        with engine.begin() as conn:
            [record_id] = conn.execute(
                sa.select(r.record_id).where(r.subject_id == GUANGZHOU_USCC)
            ).scalars()
            extension = RecordEvent(
                record_id, EventKind.EXTENDED, date(2026, 6, 1), "court", attributes={"months": 12}
            )
            append_event(conn, extension, recorded_at=later)

    def pay() -> None:
        code, name, region, decided, _ = WORLD[XIAMEN_USCC]
        paid = debtor_row(
            source_record_id="ZX-0",
            version="2",
            subject_kind="legal_person",
            subject_code=code,
            subject_name=name,
            region=region,
            decided_on=TODAY.isoformat(),
            instrument_date=TODAY.isoformat(),
            published_on=TODAY.isoformat(),
            occurred_on=decided,
            instrument_number="（2026）京0105执0号之一",
            attributes={"performance": "full"},
        )
        options = IngestOptions(key=KEY, delivered_on=TODAY, recorded_at=later)
        outcome = deliver(
            engine, pack, tmp_path / "paid.csv", [paid], options=options, source="court"
        )
        assert outcome.accepted == 1, outcome

    steps = [
        ("the world's decisions", lambda: None, ON_COURT),
        ("an extension of the term ending today", extend, ON_COURT | {GUANGZHOU_USCC}),
        ("the control's debt paid", pay, {TOO_EARLY, GUANGZHOU_USCC}),
    ]
    subjects = sorted(WORLD)
    for step, decide, listed in steps:
        decide()
        fresh = evaluate_lists(SqlEngine(engine), pack, TODAY)
        active = {
            e.subject_id for e in fresh if e.list_id == COURT and e.status is EntryStatus.ACTIVE
        }
        assert active == listed, step
        pages = {s for s in subjects if _listed(client, s)}
        built = platform.indexes.built(TODAY, evaluation)
        following.follow()
        by_build = {s for s in subjects if built.outcome(s, ACTION) == "deny"}
        by_follow = {s for s in subjects if following.outcome(s, ACTION) == "deny"}
        assert (pages, by_build, by_follow) == (listed, listed, listed), step
