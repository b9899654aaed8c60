"""Synthetic deliveries: deterministic, covering the catalogue, loadable exactly as promised."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from xinyong.errors import InvalidData
from xinyong.ingest.manifest import read_manifest
from xinyong.ingest.service import IngestOptions, ingest_directory
from xinyong.ledger import tables as t
from xinyong.schemes import Pack
from xinyong.synth import SynthConfig, write_delivery
from xinyong.synth.generate import profile
from xinyong.types import SubjectKind

KEY = b"test-secret-for-pseudonyms"


def ingest(
    delivery: Path, engine: sa.Engine, pack: Pack, batch_size: int = 20_000
) -> dict[str, int]:
    """Totals per content kind over the delivery set: accepted, duplicates, quarantined."""
    options = IngestOptions(
        key=KEY,
        delivered_on=date(2026, 9, 30),
        recorded_at=datetime(2026, 10, 1, tzinfo=UTC),
        batch_size=batch_size,
    )
    totals: dict[str, int] = {}
    for o in ingest_directory(engine, pack, delivery, options=options):
        for name in ("accepted", "duplicates", "quarantined"):
            key = f"{o.content}.{name}"
            totals[key] = totals.get(key, 0) + getattr(o, name)
        totals[f"{o.content}.rows"] = totals.get(f"{o.content}.rows", 0) + o.rows_total
        totals["loaded"] = totals.get("loaded", 0) + (o.status == "loaded")
    return totals


def digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory, cn_pack: Pack) -> Path:
    out = tmp_path_factory.mktemp("synth") / "delivery"
    write_delivery(SynthConfig(subjects=3000, seed=11), cn_pack, out)
    return out


class TestGeneration:
    def test_same_seed_gives_byte_identical_files(
        self, delivery: Path, tmp_path: Path, cn_pack: Pack
    ) -> None:
        write_delivery(SynthConfig(subjects=3000, seed=11), cn_pack, tmp_path / "again")
        assert digest(tmp_path / "again") == digest(delivery)

    def test_another_seed_gives_other_files(
        self, delivery: Path, tmp_path: Path, cn_pack: Pack
    ) -> None:
        write_delivery(SynthConfig(subjects=3000, seed=12), cn_pack, tmp_path / "other")
        assert digest(tmp_path / "other") != digest(delivery)

    def test_every_catalogue_item_has_a_rate(self, cn_pack: Pack) -> None:
        assert sorted(profile()["rates"]) == sorted(item.code for item in cn_pack.catalogue)

    def test_records_are_drawn_from_every_catalogue_item(
        self, tmp_path: Path, cn_pack: Pack
    ) -> None:
        manifest = write_delivery(SynthConfig(subjects=40_000, seed=3), cn_pack, tmp_path / "d")
        drawn = {item for f in manifest["files"] for item in f["catalogue_items"]}
        assert drawn == {item.code for item in cn_pack.catalogue}

    def test_every_subject_kind_is_generated(self, delivery: Path) -> None:
        expected = read_manifest(delivery)["expected"]
        assert set(expected["subjects_by_kind"]) == {str(k) for k in SubjectKind}
        assert sum(expected["subjects_by_kind"].values()) == 3000

    def test_manifest_lists_every_file_with_its_rows(self, delivery: Path) -> None:
        manifest = read_manifest(delivery)
        listed = {f["path"]: f["rows"] for f in manifest["files"]}
        on_disk = {p.name for p in delivery.glob("*.csv")}
        assert set(listed) == on_disk
        for name, rows in listed.items():
            assert (delivery / name).read_text("utf-8").count("\n") == rows + 1

    def test_refuses_to_overwrite(self, delivery: Path, cn_pack: Pack) -> None:
        with pytest.raises(InvalidData, match="exists and is not empty"):
            write_delivery(SynthConfig(subjects=10), cn_pack, delivery)


class TestLoading:
    def test_an_ingest_yields_what_the_manifest_promises(
        self, delivery: Path, engine: sa.Engine, cn_pack: Pack
    ) -> None:
        expected = read_manifest(delivery)["expected"]
        totals = ingest(delivery, engine, cn_pack, batch_size=997)
        defective = sum(expected["records_defective"].values())
        assert totals["records.accepted"] == expected["records_valid"]
        assert totals["records.quarantined"] == defective
        assert totals["records.duplicates"] == expected["duplicate_rows"]
        assert totals["links.accepted"] == expected["links"]
        assert totals["decisions.accepted"] == expected["revocations"]
        with engine.connect() as conn:
            kinds = dict(
                conn.execute(
                    sa.select(t.subjects.c.kind, sa.func.count()).group_by(t.subjects.c.kind)
                ).all()
            )
            versions = conn.execute(
                sa.select(sa.func.count()).where(t.records.c.version == 2)
            ).scalar_one()
            revoked = conn.execute(
                sa.select(sa.func.count(sa.distinct(t.records.c.source_record_id))).where(
                    t.records.c.record_id.in_(
                        sa.select(t.record_events.c.record_id).where(
                            t.record_events.c.kind == "revoked"
                        )
                    )
                )
            ).scalar_one()
        generated = expected["subjects_by_kind"]
        lost = expected["persons_only_in_defective_rows"]
        assert kinds == {**generated, "natural_person": generated["natural_person"] - lost}
        assert versions == expected["corrections"]
        assert revoked == expected["revocations"]

    def test_ingesting_twice_adds_nothing(
        self, delivery: Path, engine: sa.Engine, cn_pack: Pack
    ) -> None:
        first = ingest(delivery, engine, cn_pack)
        with engine.connect() as conn:
            before = conn.execute(sa.select(sa.func.count()).select_from(t.records)).scalar_one()
        again = ingest(delivery, engine, cn_pack)
        with engine.connect() as conn:
            after = conn.execute(sa.select(sa.func.count()).select_from(t.records)).scalar_one()
        assert (again["loaded"], before) == (0, after)
        assert {k: v for k, v in again.items() if k != "loaded"} == {
            k: v for k, v in first.items() if k != "loaded"
        }

    def test_no_raw_resident_number_reaches_the_ledger(
        self, delivery: Path, engine: sa.Engine, cn_pack: Pack
    ) -> None:
        ingest(delivery, engine, cn_pack)
        raw_numbers = set()
        for path in delivery.glob("*.csv"):
            for line in path.read_text("utf-8").splitlines():
                raw_numbers.update(
                    field for field in line.split(",") if len(field) == 18 and field[:17].isdigit()
                )
        assert raw_numbers
        with engine.connect() as conn:
            stored = " ".join(
                str(v)
                for table in (t.subjects, t.subject_links, t.records)
                for row in conn.execute(sa.select(table)).all()
                for v in row
            )
        assert not [n for n in raw_numbers if n in stored]


class TestManifestErrors:
    def test_a_directory_without_a_manifest(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidData, match="has no manifest.json"):
            read_manifest(tmp_path)

    def test_a_manifest_naming_a_missing_file(self, tmp_path: Path) -> None:
        manifest = {
            "format": "xinyong-delivery/1",
            "delivered_on": "2026-09-30",
            "files": [{"path": "records-tax.csv", "content": "records"}],
        }
        (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        with pytest.raises(InvalidData, match="'records-tax.csv' does not exist"):
            read_manifest(tmp_path)

    def test_an_unknown_format(self, tmp_path: Path) -> None:
        (tmp_path / "manifest.json").write_text('{"format": "csv-dump"}', encoding="utf-8")
        with pytest.raises(InvalidData) as exc:
            read_manifest(tmp_path)
        assert exc.value.errors[0].field == "format"
