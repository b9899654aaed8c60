"""``evaluate --diff``: who would enter and leave each list under a proposed pack."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from tests.rules.test_rule_cases import OPTIONS, _record_row
from xinyong.evaluate import SqlEngine, evaluate_lists
from xinyong.evaluate.run import diff_entries
from xinyong.ingest.submit import submit_record
from xinyong.schemes import Pack, load_pack
from xinyong.schemes.pack import builtin_packs_dir


def test_a_shorter_term_shows_who_would_leave(
    engine: sa.Engine, cn_pack: Pack, tmp_path: Path
) -> None:
    for n, decided in enumerate(("2025-01-10", "2026-06-01")):
        submit_record(
            engine,
            cn_pack,
            source="court",
            options=OPTIONS,
            row=_record_row(
                {
                    "source_record_id": f"C-{n}",
                    "version": 1,
                    "item_code": "court.dishonest_debtor",
                    "subject_kind": "legal_person",
                    "subject_code": ("91350200776049653A", "91440101MA5CJQ4N59")[n],
                    "subject_name": "某公司",
                    "decided_on": decided,
                    "severity": "serious",
                    "instrument_type": "listing_decision",
                    "attributes": {
                        "ground": "evades_enforcement",
                        "case_number": "x",
                        "basis_document": "y",
                        "performance": "none",
                    },
                }
            ),
        )
    proposal = tmp_path / "cn-proposal"
    shutil.copytree(builtin_packs_dir() / "cn", proposal)
    (proposal / "pack.yaml").write_text(
        (proposal / "pack.yaml").read_text("utf-8").replace("id: cn\n", "id: cn-proposal\n")
    )
    term = proposal / "lists" / "court_dishonest_debtors.yaml"
    term.write_text(term.read_text("utf-8").replace("value: 24", "value: 12"), "utf-8")
    proposed = load_pack("cn-proposal", extra_path=tmp_path)
    as_of = date(2026, 9, 30)
    changes = diff_entries(
        evaluate_lists(SqlEngine(engine), cn_pack, as_of),
        evaluate_lists(SqlEngine(engine), proposed, as_of),
    )
    assert changes == {"cn.court.dishonest_debtors": {"enter": [], "leave": ["91350200776049653A"]}}
