"""Re-keying the pseudonyms: every stored person id is re-keyed, in one transaction."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.cli.test_commands import xinyong
from tests.factories import (
    BEIJING_RESIDENT,
    KEY,
    RECORDED_AT,
    TODAY,
    make_company,
    make_penalty,
    make_person,
)
from xinyong.errors import ConfigError
from xinyong.ids import pseudonymise, rekey
from xinyong.keys import fingerprint, pseudonym_key_state, record_pseudonym_key
from xinyong.keys.rotate import KEPT_COLUMNS, SUBJECT_COLUMNS, rotate_pseudonyms
from xinyong.ledger import RecordValidator, add_link, append_record, register_subject
from xinyong.ledger import tables as t
from xinyong.ledger.model import SubjectLink
from xinyong.migrations.drift import declared_metadata
from xinyong.types import LinkRole

NEW = b"0123456789abcdef0123456789abcdef-the-new-key"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_every_declared_subject_column_is_rekeyed_or_kept_on_purpose() -> None:
    declared = {
        (table.name, column.name)
        for table in declared_metadata().sorted_tables
        for column in table.columns
        if column.name in ("subject_id", "from_subject", "to_subject")
    }
    assert declared == {("subjects", "subject_id"), *SUBJECT_COLUMNS, *KEPT_COLUMNS}


def test_rotation_rekeys_persons_only_and_keeps_the_foreign_keys(
    engine: sa.Engine, validator: RecordValidator
) -> None:
    company, person = make_company(), make_person()
    with engine.begin() as conn:
        record_pseudonym_key(conn, KEY, now=NOW)
        register_subject(conn, company, recorded_at=RECORDED_AT)
        register_subject(conn, person, recorded_at=RECORDED_AT)
        penalty = make_penalty(person.subject_id)
        append_record(conn, penalty, validator, recorded_at=RECORDED_AT, today=TODAY)
        add_link(
            conn,
            SubjectLink(
                company.subject_id,
                person.subject_id,
                LinkRole.LEGAL_REPRESENTATIVE,
                date(2020, 5, 1),
                source_agency="samr",
            ),
            recorded_at=RECORDED_AT,
        )
    with engine.begin() as conn:
        done = rotate_pseudonyms(conn, (KEY, NEW), now=NOW)
    moved = pseudonymise(BEIJING_RESIDENT, key=(KEY, NEW))
    assert moved == rekey(person.subject_id, key=NEW) != person.subject_id
    assert (done.persons, done.from_fingerprint, done.to_fingerprint) == (
        1,
        fingerprint(KEY),
        fingerprint((KEY, NEW)),
    )
    with engine.connect() as conn:
        ids = set(conn.execute(sa.select(t.subjects.c.subject_id)).scalars())
        assert ids == {company.subject_id, moved}
        assert conn.execute(sa.select(t.records.c.subject_id)).scalars().all() == [moved]
        assert conn.execute(sa.select(t.subject_links.c.to_subject)).scalars().all() == [moved]
        assert pseudonym_key_state(conn, (KEY, NEW)).state == "matches"
        assert pseudonym_key_state(conn, (KEY,)).state == "mismatch"
    with pytest.raises(ConfigError) as again, engine.begin() as conn:
        rotate_pseudonyms(conn, (KEY, NEW), now=NOW)
    assert again.value.code == "pseudonym-key-mismatch"  # already re-keyed: refused


def test_rotation_without_a_new_key_is_refused(engine: sa.Engine) -> None:
    with pytest.raises(ConfigError) as refused, engine.begin() as conn:
        rotate_pseudonyms(conn, (KEY,), now=NOW)
    assert refused.value.code == "no-rotation-key"
    assert [e.field for e in refused.value.errors] == ["XINYONG_PSEUDONYM_ROTATIONS"]


def test_a_listed_person_still_screens_deny_after_the_rotation(
    tmp_path: Path, world_template: Path
) -> None:
    shutil.copy(world_template, tmp_path / "w.db")
    old = {
        "XINYONG_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
        "XINYONG_PSEUDONYM_KEY": KEY.decode(),
    }
    new = {**old, "XINYONG_PSEUDONYM_ROTATIONS": NEW.decode()}
    screen = ("screen", BEIJING_RESIDENT, "--action", "aviation.ticket", "--as-of", "2026-06-30")
    assert xinyong("init", cwd=tmp_path, **old).returncode == 0
    engine = sa.create_engine(old["XINYONG_DATABASE_URL"])
    with engine.connect() as conn:
        persons = set(
            conn.execute(
                sa.select(t.subjects.c.subject_id).where(t.subjects.c.subject_id.startswith("P"))
            ).scalars()
        )
    assert pseudonymise(BEIJING_RESIDENT, key=KEY) in persons
    pending = xinyong(*screen, cwd=tmp_path, **new)
    assert pending.returncode == 2 and "pseudonym-rotation-pending" in pending.stderr
    rotated = xinyong("keys", "rotate-pseudonym", cwd=tmp_path, **new)
    assert rotated.returncode == 0, rotated.stderr
    assert f"fingerprint is now {fingerprint((KEY, NEW))}" in rotated.stdout
    assert NEW.decode() not in rotated.stdout + rotated.stderr
    denied = xinyong(*screen, cwd=tmp_path, **new)
    assert denied.returncode == 1 and "deny" in denied.stdout, denied.stderr
    refused = xinyong(*screen, cwd=tmp_path, **old)  # the old key alone
    assert refused.returncode == 2 and "error (pseudonym-key-mismatch)" in refused.stderr
    verified = xinyong("audit", "verify", cwd=tmp_path, **new)
    assert verified.returncode == 0 and "audit log intact" in verified.stdout
    status = xinyong("keys", "status", cwd=tmp_path, **new)
    assert status.returncode == 0 and "pseudonym_key: matches" in status.stdout
    with engine.connect() as conn:
        after = set(
            conn.execute(
                sa.select(t.subjects.c.subject_id).where(t.subjects.c.subject_id.startswith("P"))
            ).scalars()
        )
        (entry,) = conn.execute(
            sa.select(t.audit_log.c.detail).where(t.audit_log.c.action == "keys.rotate_pseudonym")
        ).scalars()
    engine.dispose()
    assert after == {rekey(p, key=NEW) for p in persons}
    assert entry["to_fingerprint"] == fingerprint((KEY, NEW)) and entry["persons"] == len(persons)
