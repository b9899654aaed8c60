"""The quarantine keeps no raw resident number: a valid one as its pseudonym and masked form,
anything else sealed under the quarantine key, revealed only with a reason; old rows scrubbed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import BEIJING_RESIDENT, KEY
from tests.ingest.helpers import debtor_row, deliver, row
from tests.privacy import raw_ids_in_database
from xinyong.errors import ConfigError, InvalidData
from xinyong.ids import pseudonymise
from xinyong.ingest import tables as it
from xinyong.ingest.protect import seal_key
from xinyong.ingest.quarantine import QuarantineStatus, get_entry, list_entries, release
from xinyong.ingest.reveal import Scrubbed, reveal, scrub
from xinyong.ingest.service import IngestOptions
from xinyong.ledger import tables as lt
from xinyong.schemes import Pack

SEAL = seal_key("test-quarantine-key")
OPTIONS = IngestOptions(
    key=KEY,
    seal_key=SEAL,
    delivered_on=date(2026, 9, 30),
    recorded_at=datetime(2026, 10, 1, 9, tzinfo=UTC),
)
AT = datetime(2026, 10, 2, 10, 0, tzinfo=UTC)
#: BEIJING_RESIDENT with the wrong check character
WRONG_CHECK = BEIJING_RESIDENT[:17] + "1"
PERSON = {"subject_kind": "natural_person", "subject_name": "王秀英", "region": "110105"}


def stored_text(engine: sa.Engine) -> str:
    """Every quarantine and review-action row as the database holds it."""
    with engine.connect() as conn:
        rows = [
            *conn.execute(sa.select(it.quarantine)).mappings(),
            *conn.execute(sa.select(it.quarantine_actions)).mappings(),
        ]
    return json.dumps([dict(r) for r in rows], ensure_ascii=False, default=str)


def only_entry(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        (entry,), _ = list_entries(conn, status=None)
    return entry.quarantine_id


def quarantine_one(
    engine: sa.Engine, pack: Pack, path: Path, options: IngestOptions, **row_: str
) -> str:
    outcome = deliver(engine, pack, path / "records-samr.csv", [row(**row_)], options=options)
    assert outcome.quarantined == 1, outcome
    return only_entry(engine)


class TestAtIngest:
    def test_a_valid_number_is_kept_as_its_pseudonym_and_released_as_that_person(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        qid = quarantine_one(
            engine,
            cn_pack,
            tmp_path,
            OPTIONS,
            subject_code=BEIJING_RESIDENT,
            severity="x",
            **PERSON,
        )
        with engine.connect() as conn:
            entry = get_entry(conn, qid)
        assert entry.raw["subject_code"] == "110105********002X"
        pseudonym = pseudonymise(BEIJING_RESIDENT, key=KEY)
        assert entry.identities == {
            "subject_code": {"pseudonym": pseudonym, "masked": "110105********002X"}
        }
        assert BEIJING_RESIDENT not in stored_text(engine)
        released = release(
            engine,
            cn_pack,
            qid,
            changes={"severity": "general"},
            actor="李审核",
            reason=None,
            key=KEY,
            recorded_at=AT,
        )
        assert released.status is QuarantineStatus.RELEASED
        with engine.connect() as conn:
            subject = conn.execute(sa.select(lt.subjects)).mappings().one()
            record_subject = conn.execute(sa.select(lt.records.c.subject_id)).scalar_one()
        assert (subject["subject_id"], subject["id_masked"], subject["region"]) == (
            pseudonym,
            "110105********002X",
            "110105",
        )
        assert record_subject == pseudonym

    def test_an_invalid_number_is_sealed_and_a_corrected_one_kept_masked(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        qid = quarantine_one(engine, cn_pack, tmp_path, OPTIONS, subject_code=WRONG_CHECK, **PERSON)
        with engine.connect() as conn:
            entry = get_entry(conn, qid)
        assert entry.raw["subject_code"] == "110105********0021"
        kept = entry.identities["subject_code"]  # type: ignore[index]
        assert sorted(kept) == ["masked", "sealed"] and WRONG_CHECK not in kept["sealed"]
        assert entry.shown()["identities"]["subject_code"]["sealed"] == "(sealed)"
        assert WRONG_CHECK not in stored_text(engine)
        assert entry.errors[0]["field"] == "subject_code"
        release(
            engine,
            cn_pack,
            qid,
            changes={"subject_code": BEIJING_RESIDENT},
            actor="李审核",
            reason="the source confirmed the number",
            key=KEY,
            recorded_at=AT,
            seal_key=SEAL,
        )
        with engine.connect() as conn:
            entry = get_entry(conn, qid)
            subject_id = conn.execute(sa.select(lt.subjects.c.subject_id)).scalar_one()
        assert entry.actions[0]["changes"] == {"subject_code": "110105********002X"}
        assert subject_id == pseudonymise(BEIJING_RESIDENT, key=KEY)
        assert BEIJING_RESIDENT not in stored_text(engine)

    def test_a_sealed_value_is_validated_again_on_release(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        qid = quarantine_one(engine, cn_pack, tmp_path, OPTIONS, subject_code=WRONG_CHECK, **PERSON)
        with pytest.raises(InvalidData) as exc:
            release(
                engine,
                cn_pack,
                qid,
                changes={},
                actor="李审核",
                reason=None,
                key=KEY,
                recorded_at=AT,
                seal_key=SEAL,
            )
        assert [e.field for e in exc.value.errors] == ["subject_code"]
        assert "check character is '1', expected 'X'" in exc.value.errors[0].message

    def test_without_a_quarantine_key_an_invalid_number_is_kept_masked_only(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        unsealed = IngestOptions(key=KEY, delivered_on=OPTIONS.delivered_on, recorded_at=AT)
        qid = quarantine_one(
            engine, cn_pack, tmp_path, unsealed, subject_code=WRONG_CHECK, **PERSON
        )
        with engine.connect() as conn:
            assert get_entry(conn, qid).identities == {
                "subject_code": {"masked": "110105********0021"}
            }
        with pytest.raises(InvalidData) as exc:
            release(
                engine,
                cn_pack,
                qid,
                changes={},
                actor="李审核",
                reason=None,
                key=KEY,
                recorded_at=AT,
            )
        assert exc.value.code == "value-not-kept"
        assert exc.value.errors[0].field == "subject_code"
        assert "--set subject_code=" in exc.value.errors[0].fix

    def test_a_number_in_any_other_column_or_in_a_reason_is_masked_and_sealed(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        qid = quarantine_one(
            engine,
            cn_pack,
            tmp_path,
            OPTIONS,
            decided_on=BEIJING_RESIDENT,
            instrument_number=f"厦市监罚〔2025〕{WRONG_CHECK}号",
        )
        with engine.connect() as conn:
            entry = get_entry(conn, qid)
        assert entry.raw["decided_on"] == "110105********002X"
        assert entry.raw["instrument_number"] == "厦市监罚〔2025〕110105********0021号"
        assert entry.raw["subject_code"] == "91350200776049653A"  # a company's code: kept
        assert entry.errors[0]["message"] == "is '110105********002X', not a date"
        assert sorted(entry.identities or {}) == ["decided_on", "instrument_number"]
        assert BEIJING_RESIDENT not in stored_text(engine) and WRONG_CHECK not in stored_text(
            engine
        )

    def test_a_person_kept_as_a_pseudonym_cannot_pass_the_age_rule_without_the_number(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        path = tmp_path / "records-court.csv"
        outcome = deliver(
            engine, cn_pack, path, [debtor_row(severity="x")], options=OPTIONS, source="court"
        )
        assert outcome.quarantined == 1
        qid = only_entry(engine)
        with pytest.raises(InvalidData) as exc:
            release(
                engine,
                cn_pack,
                qid,
                changes={"severity": "serious"},
                actor="李审核",
                reason=None,
                key=KEY,
                recorded_at=AT,
            )
        assert [e.field for e in exc.value.errors] == ["subject_code"]
        assert "kept only as its pseudonym" in exc.value.errors[0].message
        release(
            engine,
            cn_pack,
            qid,
            changes={"severity": "serious", "subject_code": BEIJING_RESIDENT},
            actor="李审核",
            reason=None,
            key=KEY,
            recorded_at=AT,
        )
        assert BEIJING_RESIDENT not in stored_text(engine)


class TestReveal:
    def test_only_with_a_reason_and_the_key(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        qid = quarantine_one(engine, cn_pack, tmp_path, OPTIONS, subject_code=WRONG_CHECK, **PERSON)
        with engine.connect() as conn:
            with pytest.raises(InvalidData) as exc:
                reveal(conn, qid[:10], reason=" ", seal_key=SEAL)
            assert exc.value.errors[0].field == "reason"
            with pytest.raises(ConfigError, match="sealed under another key"):
                reveal(conn, qid, reason="check with the source", seal_key=seal_key("other"))
            revealed = reveal(conn, qid[:10], reason="check with the source", seal_key=SEAL)
        assert (revealed.quarantine_id, revealed.values) == (qid, {"subject_code": WRONG_CHECK})

    def test_a_valid_number_cannot_be_revealed(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        qid = quarantine_one(
            engine,
            cn_pack,
            tmp_path,
            OPTIONS,
            subject_code=BEIJING_RESIDENT,
            severity="x",
            **PERSON,
        )
        with engine.connect() as conn, pytest.raises(InvalidData) as exc:
            reveal(conn, qid, reason="curious", seal_key=SEAL)
        assert exc.value.code == "nothing-sealed"


def _as_before_0013(
    engine: sa.Engine, qid: str, raw: dict[str, str], changes: dict[str, str]
) -> None:
    """Put a row back as ingest wrote it before migration 0013: raw numbers, no identities."""
    with engine.begin() as conn:
        conn.execute(
            it.quarantine.update()
            .where(it.quarantine.c.quarantine_id == qid)
            .values(raw=raw, identities=sa.null())
        )
        conn.execute(
            it.quarantine_actions.update()
            .where(it.quarantine_actions.c.quarantine_id == qid)
            .values(changes=changes)
        )


class TestScrub:
    def test_rows_from_before_0013_are_rewritten_once(
        self, engine: sa.Engine, cn_pack: Pack, tmp_path: Path
    ) -> None:
        valid = row(source_record_id="A", subject_code=BEIJING_RESIDENT, severity="x", **PERSON)
        invalid = row(source_record_id="B", subject_code=WRONG_CHECK, **PERSON)
        deliver(engine, cn_pack, tmp_path / "records-samr.csv", [valid, invalid], options=OPTIONS)
        with engine.connect() as conn:
            (first, second), _ = list_entries(conn)
        release(
            engine,
            cn_pack,
            first.quarantine_id,
            changes={"severity": "general"},
            actor="李审核",
            reason=None,
            key=KEY,
            recorded_at=AT,
        )
        _as_before_0013(engine, first.quarantine_id, valid, {"subject_code": BEIJING_RESIDENT})
        _as_before_0013(engine, second.quarantine_id, invalid, {})
        assert BEIJING_RESIDENT in stored_text(engine) and WRONG_CHECK in stored_text(engine)

        assert scrub(engine, cn_pack, key=KEY, seal_key=SEAL) == Scrubbed(rows=2, values=2)
        text = stored_text(engine)
        assert BEIJING_RESIDENT not in text and WRONG_CHECK not in text
        with engine.connect() as conn:
            one, two = get_entry(conn, first.quarantine_id), get_entry(conn, second.quarantine_id)
            assert one.identities == {
                "subject_code": {
                    "pseudonym": pseudonymise(BEIJING_RESIDENT, key=KEY),
                    "masked": "110105********002X",
                }
            }
            assert one.actions[0]["changes"] == {"subject_code": "110105********002X"}
            assert reveal(conn, two.quarantine_id, reason="r", seal_key=SEAL).values == {
                "subject_code": WRONG_CHECK
            }
        assert scrub(engine, cn_pack, key=KEY, seal_key=SEAL) == Scrubbed(rows=0, values=0)
        assert stored_text(engine) == text
        assert raw_ids_in_database(engine) == []
