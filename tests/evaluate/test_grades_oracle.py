"""Grades scored in the engine equal the Python scoring (``grading.score_subject``) over the
engine's own indicator counts: scores, caps, the floor at 0, direct grades, bands and every
contribution, on every engine, over generated ledgers (several versions, revocations,
records in and out of the window) and dates."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.evaluate.test_lifecycle_oracle import (
    ENGINES,
    EXAMPLES,
    NOW,
    SUBJECTS,
    _store,
    engine_factory,
)
from xinyong.evaluate import SqlEngine
from xinyong.evaluate.grading import (
    Grade,
    _window_start,
    counts_query,
    evaluate_grades,
    score_subject,
    subjects_query,
)
from xinyong.ledger import EventKind
from xinyong.schemes import load_pack

CN = load_pack("cn")
SCHEMES = [s for s in CN.grades.values() if s.enabled or s.pilot]
ITEMS = sorted({item for s in SCHEMES for i in s.indicators for item in i.items})
VALUES: dict[str, list[Any]] = {"severity": ["general", "serious", "minor"]}
for scheme in SCHEMES:
    for indicator in scheme.indicators:
        for c in indicator.where:
            if c.op != "in_window":
                values = c.value if isinstance(c.value, list) else [c.value]
                VALUES.setdefault(c.field, [None, "other"]).extend(values)


def _oracle(as_of: date) -> list[Grade]:
    engine_rows = []
    for scheme in sorted(SCHEMES, key=lambda s: s.id):
        if not scheme.in_force(as_of):
            continue
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        query = counts_query(scheme, _window_start(scheme, CN, as_of), as_of)
        for row in ORACLE_ENGINE[0].rows(query):
            counts[row["subject_id"]][row["indicator"]] = int(row["n"])
        for row in ORACLE_ENGINE[0].rows(subjects_query(scheme)):
            s = row["subject_id"]
            engine_rows.append(score_subject(scheme, CN, s, counts.get(s, {}), as_of))
    return sorted(engine_rows, key=lambda g: (g.scheme_id, g.subject_id))


ORACLE_ENGINE: list[SqlEngine] = []


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[date, list[dict[str, Any]], list[dict[str, Any]]]:
    as_of = draw(st.dates(date(2025, 1, 1), date(2029, 12, 31)))
    records, events = [], []
    for n in range(draw(st.integers(0, 14))):
        day = as_of - timedelta(days=draw(st.integers(-10, 1300)))
        for version in range(1, draw(st.integers(1, 2)) + 1):
            attributes: dict[str, Any] = {
                "established_on": (day - timedelta(days=draw(st.integers(0, 900)))).isoformat()
            }
            severity = "general"
            for name, values in VALUES.items():
                value = draw(st.sampled_from(values))
                if name == "severity":
                    severity = value
                elif value is not None:
                    attributes[name.removeprefix("attributes.")] = value
            records.append(
                {
                    "record_id": f"g{n}v{version}",
                    "item_code": draw(st.sampled_from(ITEMS)),
                    "subject_id": draw(st.sampled_from(SUBJECTS)),
                    "source_agency": "tax",
                    "source_record_id": f"g-{n}",
                    "version": version,
                    "instrument_type": "decision",
                    "instrument_number": f"g-{n}-{version}",
                    "instrument_issuer": "test",
                    "instrument_date": day,
                    "decided_on": day,
                    "severity": severity,
                    "attributes": attributes,
                    "recorded_at": NOW,
                }
            )
            if draw(st.integers(0, 5)) == 0:
                kind = draw(st.sampled_from([EventKind.REVOKED, EventKind.REPAIRED]))
                events.append(
                    {
                        "event_id": f"ge{n}-{version}",
                        "record_id": f"g{n}v{version}",
                        "kind": str(kind),
                        "effective_on": day + timedelta(days=draw(st.integers(0, 400))),
                        "actor": "tax",
                        "attributes": {},
                        "recorded_at": NOW,
                    }
                )
            day += timedelta(days=draw(st.integers(0, 200)))
    return as_of, records, events


@pytest.mark.parametrize("engine_name", sorted(ENGINES))
def test_compiled_grades_equal_the_python_scoring(
    engine: sa.Engine,
    engine_name: str,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> None:
    if engine_name != "direct" and engine.dialect.name != "sqlite":
        pytest.skip("snapshot engines read a snapshot of the SQLite ledger")
    factory = engine_factory(request, engine_name)
    ORACLE_ENGINE[:] = [SqlEngine(engine)]

    @settings(
        max_examples=min(20, EXAMPLES[engine_name]),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(ledgers())
    def check(ledger: tuple[date, list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        as_of, records, events = ledger
        _store(engine, records, events)
        under_test = factory(engine, tmp_path_factory.mktemp("snapshot"))
        compiled = evaluate_grades(under_test, CN, as_of, include_pilots=True)
        expected = _oracle(as_of)
        assert compiled == expected
        assert [(g.contributions, g.direct) for g in compiled] == [
            (g.contributions, g.direct) for g in expected
        ]
        some = SUBJECTS[:1]
        assert evaluate_grades(under_test, CN, as_of, include_pilots=True, subjects=some) == [
            g for g in expected if g.subject_id in some
        ]

    check()
