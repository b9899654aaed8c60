"""Ingest on SQLite and PostgreSQL: nothing outside the catalogue gets in, nothing valid is
lost, nothing is applied twice, and every rejected row says why."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.ingest.helpers import convert, debtor_row, deliver, row, write_csv
from xinyong.errors import InvalidData, NotFound
from xinyong.ingest import tables as it
from xinyong.ingest.format import COLUMNS, Content
from xinyong.ingest.readers import UnreadableFile
from xinyong.ingest.service import IngestOptions, ingest_file
from xinyong.ledger import RecordStatus, subject_file
from xinyong.ledger import tables as lt
from xinyong.schemes import Pack, load_pack

OPTIONS = IngestOptions(
    key=b"test-secret-for-pseudonyms",
    delivered_on=date(2026, 9, 30),
    recorded_at=datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
    batch_size=3,
)


def count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def quarantined_fields(engine: sa.Engine) -> dict[str, list[str]]:
    """source_record_id of each quarantined row → the fields of its errors."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(it.quarantine.c.raw, it.quarantine.c.errors)).all()
    return {raw.get("source_record_id", "?"): [e["field"] for e in errors] for raw, errors in rows}


#: one defect per row: source_record_id → (changes, the field the error must name)
DEFECTS = {
    "BAD-USCC": ({"subject_code": "91350200776049653B"}, "subject_code"),
    "BAD-PERSON": (
        {"subject_kind": "natural_person", "subject_code": "110105194912310021"},
        "subject_code",
    ),
    "UNKNOWN-ITEM": ({"item_code": "social.online_speech"}, "item_code"),
    "NOT-DECLARED": ({"item_code": "tax.arrears"}, "item_code"),
    "NO-INSTRUMENT": ({"instrument_number": ""}, "instrument_number"),
    "PUBLISHED-EARLY": ({"published_on": "2025-03-01"}, "published_on"),
    "FUTURE": (
        {"decided_on": "2026-10-08", "instrument_date": "2026-10-08", "published_on": "2026-10-09"},
        "decided_on",
    ),
    "BAD-SEVERITY": ({"severity": "catastrophic"}, "severity"),
    "BAD-ATTRIBUTE": (
        {
            "attributes": '{"violation": "x", "penalty_types": "罚款", '
            '"fine_yuan": -5, "procedure": "general"}'
        },
        "attributes.fine_yuan",
    ),
    "MISSING-ATTRIBUTE": ({"attributes": '{"violation": "x"}'}, "attributes.penalty_types"),
    "BAD-JSON": ({"attributes": "{fine: 5}"}, "attributes"),
    "BAD-DATE": ({"decided_on": "2025/03/14"}, "decided_on"),
    "BAD-VERSION": ({"version": "one"}, "version"),
    "BAD-KIND": ({"subject_kind": "alien"}, "subject_kind"),
}


class TestRows:
    def test_every_defect_is_quarantined_with_its_reason_and_nothing_valid_is_lost(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        rows = [row(source_record_id="GOOD-1"), row(source_record_id="GOOD-2", version="2")]
        rows += [row(source_record_id=key, **changes) for key, (changes, _) in DEFECTS.items()]
        outcome = deliver(engine, cn_pack, tmp_path / "records-samr.csv", rows, options=OPTIONS)
        assert (outcome.status, outcome.accepted, outcome.quarantined) == ("loaded", 2, 14)
        fields = quarantined_fields(engine)
        assert sorted(fields) == sorted(DEFECTS)
        for key, (_, field) in DEFECTS.items():
            assert field in fields[key], key
        assert count(engine, lt.records) == 2

    def test_a_quarantined_row_keeps_its_original_content_and_every_reason(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        bad = row(source_record_id="TWO-FAULTS", severity="x", instrument_number="")
        deliver(engine, cn_pack, tmp_path / "records-samr.csv", [bad], options=OPTIONS)
        with engine.connect() as conn:
            raw, errors = conn.execute(sa.select(it.quarantine.c.raw, it.quarantine.c.errors)).one()
        assert raw == bad
        assert [e["field"] for e in errors] == ["severity", "instrument_number"]
        assert all(e["fix"] for e in errors)

    def test_unconsumed_columns_are_reported_not_dropped_silently(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        columns = [*COLUMNS[Content.RECORDS], "备注"]
        path = write_csv(tmp_path / "records-samr.csv", [row(备注="经复核")], columns)
        outcome = ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert outcome.unconsumed_columns == ["备注"]


def test_a_minor_is_never_recorded_as_a_dishonest_debtor(
    engine: sa.Engine, cn_pack: Pack, tmp_path: Path
) -> None:
    import random

    from xinyong.ids import generate_resident_id

    def debtor(key: str, born: date) -> dict[str, str]:
        number = generate_resident_id(random.Random(1), region="110105", birth_date=born, male=True)
        return debtor_row(source_record_id=key, subject_code=number, subject_name="李明")

    rows = [debtor("MINOR", date(2007, 3, 15)), debtor("ADULT", date(2007, 3, 14))]
    outcome = deliver(
        engine, cn_pack, tmp_path / "records-court.csv", rows, source="court", options=OPTIONS
    )
    assert (outcome.accepted, outcome.quarantined) == (1, 1)
    with engine.connect() as conn:
        (errors,) = conn.execute(sa.select(it.quarantine.c.errors)).scalars().all()
    assert errors[0]["message"] == (
        "the person was under 18 on 2025-03-14; this item may not record them"
    )


class TestDeliveries:
    def test_the_same_delivery_again_changes_nothing(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        path = write_csv(
            tmp_path / "records-samr.csv",
            [row(source_record_id=f"R-{i}") for i in range(7)] + [row(severity="x")],
        )
        first = ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        again = ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert (first.status, again.status) == ("loaded", "already-loaded")
        assert (again.accepted, again.quarantined) == (7, 1)
        assert (count(engine, lt.records), count(engine, it.quarantine)) == (7, 1)

    def test_a_file_repeating_rows_already_loaded_counts_duplicates(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        deliver(engine, cn_pack, tmp_path / "records-samr.csv", [row()], options=OPTIONS)
        path = write_csv(tmp_path / "records-samr-2.csv", [row(), row(), row(source_record_id="N")])
        outcome = ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert (outcome.accepted, outcome.duplicates) == (1, 2)

    @pytest.mark.parametrize("fmt", ["jsonl", "parquet", "xlsx"])
    def test_every_format_gives_the_ledger_a_csv_gives(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path, fmt: str
    ) -> None:
        rows = [row(source_record_id=f"R-{i}") for i in range(4)] + [row(severity="x")]
        path = convert(write_csv(tmp_path / "records-samr.csv", rows), fmt)
        outcome = ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert (outcome.accepted, outcome.quarantined) == (4, 1)
        with engine.connect() as conn:
            fine = conn.execute(sa.select(lt.records.c.attributes)).scalars().first()
        assert fine["fine_yuan"] == 50000

    def test_an_unreadable_file_loads_nothing(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        path = tmp_path / "records-samr.csv"
        path.write_bytes("source_record_id\n厦门".encode("gbk"))
        with pytest.raises(UnreadableFile):
            ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert count(engine, it.deliveries) == 0

    def test_missing_columns_load_nothing(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        columns = [c for c in COLUMNS[Content.RECORDS] if c != "instrument_number"]
        path = write_csv(
            tmp_path / "records-samr.csv",
            [{k: v for k, v in row().items() if k in columns}],
            columns,
        )
        with pytest.raises(InvalidData, match="lacks the columns instrument_number"):
            ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert count(engine, it.deliveries) == 0

    def test_an_undeclared_source_is_named_with_the_declared_ones(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        with pytest.raises(NotFound, match="'ministry_of_truth' is not declared"):
            deliver(
                engine,
                cn_pack,
                tmp_path / "records-x.csv",
                [row()],
                source="ministry_of_truth",
                options=OPTIONS,
            )


def local_pack(root: Path, sources_yaml: str) -> Pack:
    pack = root / "cn-testcity"
    pack.mkdir(parents=True)
    (pack / "pack.yaml").write_text(
        "id: cn-testcity\nname_zh: 测试市\nname_en: Test City\nversion: '1'\nparent: cn\n", "utf-8"
    )
    (pack / "sources.yaml").write_text(sources_yaml, "utf-8")
    return load_pack("cn-testcity", extra_path=root)


class TestSourceDeclarations:
    def test_a_delivery_outside_the_volume_bounds_is_held_not_loaded(
        self, engine: sa.Engine, tmp_path: Path
    ) -> None:
        pack = local_pack(
            tmp_path / "packs",
            "sources:\n  samr:\n    items: [market.penalty]\n"
            "    volume: {min_rows: 1, max_rows: 3}\n",
        )
        path = write_csv(
            tmp_path / "records-samr.csv", [row(source_record_id=f"R-{i}") for i in range(5)]
        )
        held = ingest_file(engine, pack, path, source="samr", options=OPTIONS)
        assert held.status == "held" and "outside the expected 1–3" in (held.status_reason or "")
        assert count(engine, lt.records) == 0
        assert ingest_file(engine, pack, path, source="samr", options=OPTIONS).status == "held"
        accepted = IngestOptions(**{**OPTIONS.__dict__, "accept_volume": True})
        loaded = ingest_file(engine, pack, path, source="samr", options=accepted)
        assert (loaded.status, loaded.accepted) == ("loaded", 5)

    def test_declared_renames_map_an_agencys_own_columns(
        self, engine: sa.Engine, tmp_path: Path
    ) -> None:
        pack = local_pack(
            tmp_path / "packs",
            (
                "sources:\n  samr:\n    items: [market.penalty]\n"
                "    volume: {min_rows: 1, max_rows: 100}\n"
                "    columns: {处罚决定书文号: instrument_number, 罚款金额: attributes.fine_yuan}\n"
            ),
        )
        original = row()
        attributes = json.loads(original["attributes"])
        fine = attributes.pop("fine_yuan")
        renamed = {
            ("处罚决定书文号" if k == "instrument_number" else k): v
            for k, v in {**original, "attributes": json.dumps(attributes)}.items()
        }
        renamed["罚款金额"] = str(fine)
        path = write_csv(tmp_path / "records-samr.csv", [renamed], list(renamed))
        outcome = ingest_file(engine, pack, path, source="samr", options=OPTIONS)
        assert (outcome.accepted, outcome.unconsumed_columns) == (1, [])
        with engine.connect() as conn:
            number, stored = conn.execute(
                sa.select(lt.records.c.instrument_number, lt.records.c.attributes)
            ).one()
        assert (number, stored["fine_yuan"]) == ("厦市监罚〔2025〕42号", 50000.0)


class TestRevocations:
    def test_a_revocation_takes_effect_in_the_subjects_file(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        deliver(engine, cn_pack, tmp_path / "records-samr.csv", [row()], options=OPTIONS)
        decisions = [
            {
                "source_record_id": "XMSJ-2025-0042",
                "decision": "revoked",
                "effective_on": "2025-09-01",
                "instrument_number": "厦府复〔2025〕7号",
                "reason": "行政复议撤销",
            },
            {
                "source_record_id": "NO-SUCH",
                "decision": "revoked",
                "effective_on": "2025-09-01",
                "instrument_number": "厦府复〔2025〕8号",
                "reason": "",
            },
        ]
        path = write_csv(
            tmp_path / "decisions-samr.csv", decisions, list(COLUMNS[Content.DECISIONS])
        )
        outcome = ingest_file(engine, cn_pack, path, source="samr", options=OPTIONS)
        assert (outcome.accepted, outcome.quarantined) == (1, 1)
        assert quarantined_fields(engine) == {"NO-SUCH": ["source_record_id"]}
        with engine.connect() as conn:
            before = subject_file(conn, "91350200776049653A", as_of=date(2025, 8, 31)).entries
            after = subject_file(conn, "91350200776049653A", as_of=date(2025, 9, 1)).entries
        assert (before[0].status, after[0].status) == (RecordStatus.ACTIVE, RecordStatus.REVOKED)


def test_notice_extension_and_early_exit_arrive_as_decisions(
    engine: sa.Engine, cn_pack: Pack, tmp_path: Path
) -> None:
    listing = debtor_row(
        source_record_id="C-9",
        subject_kind="legal_person",
        subject_code="91350200776049653A",
        subject_name="厦门鹭江海鲜贸易有限公司",
    )
    deliver(
        engine, cn_pack, tmp_path / "records-court.csv", [listing], source="court", options=OPTIONS
    )
    decisions = [
        {
            "source_record_id": "C-9",
            "decision": "extended",
            "effective_on": "2026-01-05",
            "instrument_number": "（2026）闽0203执延1号",
            "reason": "",
            "attributes": '{"months": 12}',
        },
        {
            "source_record_id": "C-9",
            "decision": "extended",
            "effective_on": "2026-01-06",
            "instrument_number": "（2026）闽0203执延2号",
            "reason": "",
            "attributes": "",
        },
        {
            "source_record_id": "C-9",
            "decision": "forgiven",
            "effective_on": "2026-01-06",
            "instrument_number": "N",
            "reason": "",
            "attributes": "",
        },
    ]
    path = write_csv(tmp_path / "decisions-court.csv", decisions, list(COLUMNS[Content.DECISIONS]))
    outcome = ingest_file(engine, cn_pack, path, source="court", options=OPTIONS)
    assert (outcome.accepted, outcome.quarantined) == (1, 2)
    with engine.connect() as conn:
        fields = sorted(
            f
            for raw, errors in conn.execute(
                sa.select(it.quarantine.c.raw, it.quarantine.c.errors)
            ).all()
            for f in [e["field"] for e in errors]
        )
        (entry,) = subject_file(conn, "91350200776049653A", as_of=date(2026, 9, 30)).entries
    assert fields == ["attributes.months", "decision"]
    assert [e.kind for e in entry.events] == ["extended"]
    assert entry.events[0].attributes == {"months": 12}
