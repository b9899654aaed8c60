"""A small platform to test the web layer against: real deliveries ingested into SQLite,
lists and grades evaluated and materialised, accounts and tokens for every role.

The world (as of 2026-06-30):
- 厦门鹭江海鲜贸易有限公司 (XIAMEN_USCC): a general market penalty (public, disputed) and a
  court listing as a dishonest judgment debtor (public list);
- 广州市天河区云帆科技（集团）有限责任公司 (GUANGZHOU_USCC): a licence (public) and a tax
  credit grade record (shared: never public);
- 王秀英 (BEIJING_RESIDENT): a court listing (public list, so findable) and a market penalty
  (an individual's penalty: never public);
- 李建国 (LONELY_RESIDENT): a market penalty only — the public may see nothing about him;
  he is the legal representative of 厦门鹭江 (so the defaulter measures that reach legal
  representatives reach him);
- the Guangzhou company is under a consumption-restriction order (flights, star hotels) and
  awaits prior notice of its listing as a serious violator (a candidate entry).

Every response any test client receives is scanned for raw resident numbers (see
``ScanningClient``).
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from tests.factories import BEIJING_RESIDENT, GUANGZHOU_USCC, KEY, XIAMEN_USCC
from tests.ingest.helpers import debtor_row, deliver, row, write_csv
from tests.privacy import RAW_ID, raw_ids_in_sqlite_file
from xinyong.access import Role
from xinyong.evaluate import SqlEngine, evaluate_lists
from xinyong.evaluate.grading import evaluate_grades
from xinyong.evaluate.run import materialise
from xinyong.ids import pseudonymise
from xinyong.ingest.format import COLUMNS, Content
from xinyong.ingest.service import IngestOptions, ingest_file
from xinyong.ledger import EventKind, RecordEvent, append_event, make_engine, upgrade
from xinyong.sanctions.dispatch import dispatch
from xinyong.schemes import Pack
from xinyong.settings import Settings
from xinyong.web.app import create_app
from xinyong.web.credentials import add_account, issue_token
from xinyong.web.platform import Platform

AS_OF = date(2026, 6, 30)
NOW = datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
LONELY_RESIDENT = "110105198001010032"
PASSWORD = "correct horse battery"
PERSON = pseudonymise(BEIJING_RESIDENT, key=KEY)
LONELY = pseudonymise(LONELY_RESIDENT, key=KEY)
RAW_IDS_SEEN: list[str] = []


@pytest.fixture(autouse=True)
def platforms_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Platform]]:
    """Every platform a test creates is closed when it ends, served or not, so no build or
    ledger follower of one test runs on into the next."""
    made: list[Platform] = []
    created = Platform.__post_init__

    def remembered(self: Platform) -> None:
        created(self)
        made.append(self)

    monkeypatch.setattr(Platform, "__post_init__", remembered)
    yield made
    for platform in made:
        platform.close()


def _penalty(number: str, **changes: Any) -> dict[str, Any]:
    fields = {"source_record_id": number, "instrument_number": f"厦市监罚〔2026〕{number}号"}
    return row(**{**fields, **changes})


def build_world(path: Path, pack: Pack) -> None:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    options = IngestOptions(key=KEY, delivered_on=AS_OF, recorded_at=NOW)
    licence = {
        "item_code": "admin.licence",
        "subject_code": GUANGZHOU_USCC,
        "subject_name": "广州市天河区云帆科技（集团）有限责任公司",
        "instrument_type": "licence_decision",
        "instrument_number": "穗市监许〔2026〕7号",
        "severity": "not_applicable",
        "region": "440106",
        "attributes": json.dumps({"licence_name": "食品经营许可证", "action": "granted"}),
    }
    person = {"subject_kind": "natural_person", "subject_name": "王秀英", "region": "110105"}
    samr = [
        _penalty(
            "1", decided_on="2026-03-02", published_on="2026-03-05", instrument_date="2026-03-02"
        ),
        _penalty("L-7", **licence),
        _penalty("3", subject_code=BEIJING_RESIDENT, **person),
        _penalty("4", subject_code=LONELY_RESIDENT, **{**person, "subject_name": "李建国"}),
        _penalty(
            "SV-1",
            item_code="market.serious_violation",
            subject_code=GUANGZHOU_USCC,
            subject_name="广州市天河区云帆科技（集团）有限责任公司",
            instrument_type="listing_decision",
            instrument_number="穗市监列〔2026〕3号",
            severity="serious",
            region="440106",
            decided_on="2026-06-20",
            instrument_date="2026-06-20",
            published_on="2026-06-22",
            attributes=json.dumps(
                {"field_of_violation": "food", "heavier_punishment": "heavier_fine"}
            ),
        ),
    ]
    outcome = deliver(engine, pack, path.parent / "samr.csv", samr, options=options)
    assert outcome.accepted == 5, outcome
    court = [
        debtor_row(
            source_record_id="ZX-1",
            decided_on="2026-01-05",
            instrument_date="2026-01-05",
            published_on="2026-01-05",
        ),
        debtor_row(
            source_record_id="ZX-2",
            subject_kind="legal_person",
            subject_code=XIAMEN_USCC,
            subject_name="厦门鹭江海鲜贸易有限公司",
            decided_on="2026-02-10",
            instrument_date="2026-02-10",
            published_on="2026-02-10",
        ),
    ]
    order = row(
        source_record_id="XF-1",
        item_code="court.consumption_restriction",
        subject_code=GUANGZHOU_USCC,
        subject_name="广州市天河区云帆科技（集团）有限责任公司",
        instrument_type="restriction_order",
        instrument_number="（2026）粤0106执限1号",
        instrument_issuer="广州市天河区人民法院",
        severity="serious",
        region="440106",
        decided_on="2026-04-01",
        instrument_date="2026-04-01",
        published_on="2026-04-01",
        attributes=json.dumps(
            {
                "case_number": "（2026）粤0106执88号",
                "signed_by": "张院长",
                "restricted": "aviation.ticket,hotel.star_rated",
            },
            ensure_ascii=False,
        ),
    )
    outcome = deliver(
        engine, pack, path.parent / "court.csv", [*court, order], options=options, source="court"
    )
    assert outcome.accepted == 3, outcome
    link = {
        "from_kind": "legal_person",
        "from_code": XIAMEN_USCC,
        "role": "legal_representative",
        "to_kind": "natural_person",
        "to_code": LONELY_RESIDENT,
        "to_name": "李建国",
        "valid_from": "2020-01-01",
    }
    links = write_csv(path.parent / "links.csv", [link], list(COLUMNS[Content.LINKS]))
    outcome = ingest_file(engine, pack, links, source="samr", options=options)
    assert outcome.accepted == 1, outcome
    with engine.begin() as conn:
        penalty = conn.exec_driver_sql(
            "SELECT record_id FROM records WHERE source_record_id = '1'"
        ).scalar_one()
        append_event(
            conn,
            RecordEvent(penalty, EventKind.DISPUTED, date(2026, 6, 1), actor="credit_platform"),
            recorded_at=NOW,
        )
    entries = evaluate_lists(SqlEngine(engine), pack, AS_OF)
    grades = evaluate_grades(SqlEngine(engine), pack, AS_OF)
    evaluation = materialise(
        engine, entries, grades=grades, as_of=AS_OF, pack=pack, engine_name="sql", recorded_at=NOW
    )
    dispatch(engine, pack, evaluation, AS_OF, now=NOW)
    with engine.begin() as conn:
        for username, role, agency, subject in ACCOUNTS:
            add_account(
                conn,
                username=username,
                password=PASSWORD,
                role=role,
                now=NOW,
                agency=agency,
                subject_id=subject,
            )
    engine.dispose()


ACCOUNTS: list[tuple[str, Role, str | None, str | None]] = [
    ("operator", Role.OPERATOR, None, None),
    ("samr", Role.SOURCE_AGENCY, "samr", None),
    ("court", Role.SOURCE_AGENCY, "court", None),
    # the authority of the public credit comprehensive evaluation
    ("ndrc", Role.SOURCE_AGENCY, "development_reform", None),
    ("airline", Role.RESPONDING_AGENCY, "civil_aviation", None),
    ("bank", Role.CREDIT_SERVICE, "credit_reference_centre", None),
    ("company", Role.SUBJECT, None, XIAMEN_USCC),
    ("person", Role.SUBJECT, None, PERSON),
]


class ScanningClient(TestClient):
    """A test client that fails the test if any response carries a raw resident number: in
    its body or headers, or in those of a redirect on the way (``Location``)."""

    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(*args, **kwargs)
        for step in [*response.history, response]:
            headers = " ".join(f"{k}: {v}" for k, v in step.headers.items())
            found = RAW_ID.findall(f"{headers}\n{step.text}")
            if found:
                RAW_IDS_SEEN.extend(found)
                raise AssertionError(
                    f"raw resident number in response {step.status_code} to {args[:2]}: {found[:3]}"
                )
        return response


@dataclass
class Web:
    """A running app on a private copy of the world, with a token per role."""

    client: ScanningClient
    settings: Settings
    tokens: dict[str, str]
    url: str

    def as_role(self, role: str) -> dict[str, str]:
        """Headers that authenticate as ``role`` (``public``: none)."""
        return {} if role == "public" else {"authorization": f"Bearer {self.tokens[role]}"}

    def get(self, path: str, role: str = "public", **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.as_role(role), **kwargs)


class Clock:
    """The real clock the platform reads, moved by the test."""

    def __init__(self) -> None:
        self.at = NOW

    def __call__(self) -> datetime:
        return self.at


def web_settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "pseudonym_key": KEY.decode(),
        "session_secret": "test-session-secret",
        "as_of": AS_OF,
        "api_rate_limit": "100000/minute",
        # a loaded test machine may take seconds to build the index: checks wait for it
        "screening_wait_seconds": 120,
    }
    values.update(overrides)
    return Settings(**values)


def make_web(
    template: Path, tmp_path: Path, clock: Callable[[], datetime] = lambda: NOW, **overrides: Any
) -> Web:
    """The world's app; ``clock`` is the real clock (the platform's date is ``AS_OF``)."""
    path = tmp_path / "web.db"
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    settings = web_settings(url, **overrides)
    app = create_app(settings, clock=clock)
    engine = app.state.platform.engine
    tokens = {}
    with engine.begin() as conn:
        for username, role, agency, subject in ACCOUNTS:
            issued = issue_token(
                conn,
                role=role,
                label=username,
                now=NOW,
                days=30,
                agency=agency,
                subject_id=subject,
            )
            tokens[username] = issued.token
    return Web(ScanningClient(app), settings, tokens, url)


@pytest.fixture
def web(world_template: Path, tmp_path: Path) -> Iterator[Web]:
    made = make_web(world_template, tmp_path)
    with made.client:
        yield made
    made.client.app.state.platform.engine.dispose()  # type: ignore[attr-defined]
    # what the test wrote through the platform: no raw number in the database file either
    assert raw_ids_in_sqlite_file(tmp_path / "web.db") == []


@contextmanager
def served(app: Any) -> Iterator[str]:
    """``app`` on a live uvicorn on a free loopback port (its lifespan runs), as its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
