"""The application layer's commands (``xinyong.services``): a command and its audit entry
commit together or not at all, its follow-up runs only after the commit, and no adapter
(web, CLI) changes a subject's case except through a command."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.factories import XIAMEN_USCC
from tests.web.conftest import AS_OF
from xinyong.access import Role
from xinyong.errors import Forbidden
from xinyong.ledger import make_engine
from xinyong.ledger import tables as lt
from xinyong.rights.tables import objections as objection_rows
from xinyong.schemes import Pack
from xinyong.services import objections
from xinyong.services.work import LedgerNode, Operator

SRC = Path(__file__).parents[2] / "src" / "xinyong"
COMPANY = Operator("account:company", Role.SUBJECT, subject_id=XIAMEN_USCC)
COURT = Operator("account:court", Role.SOURCE_AGENCY, agency="court")
SAMR = Operator("account:samr", Role.SOURCE_AGENCY, agency="samr")


class Followed(LedgerNode):
    """A ledger node that also notes, at each follow-up, the objection statuses a fresh
    connection sees (what the command committed before it)."""

    seen: list[tuple[str, list[str]]]

    def follow_decision(self, subject_id: str) -> None:
        with self.engine.connect() as conn:
            statuses = conn.execute(sa.select(objection_rows.c.status)).scalars().all()
        self.seen.append((subject_id, sorted(statuses)))
        super().follow_decision(subject_id)


@pytest.fixture
def node(world_template: Path, tmp_path: Path, cn_pack: Pack) -> Any:
    path = tmp_path / "world.db"
    shutil.copy(world_template, path)
    found = Followed(make_engine(f"sqlite:///{path}"), cn_pack, AS_OF)
    found.seen = []
    yield found
    found.engine.dispose()


def audit_actions(node: LedgerNode) -> list[tuple[str, str | None]]:
    a = lt.audit_log.c
    with node.engine.connect() as conn:
        return [
            (r.action, r.subject_id)
            for r in conn.execute(sa.select(a.action, a.subject_id).order_by(a.seq))
        ]


def test_a_command_commits_with_its_audit_entry_and_follows_after_the_commit(node: Any) -> None:
    before = audit_actions(node)
    filed = objections.file_objection(
        node, COMPANY, "list_entry", "cn.court.dishonest_debtors:court:ZX-2", "paid in full"
    )
    assert audit_actions(node) == [*before, ("file_objection", XIAMEN_USCC)]
    assert node.seen == []  # filing changes no standing: nothing follows

    objections.decide_objection(
        node, COURT, filed["objection_id"], "deleted", "the judgment was performed first"
    )
    assert audit_actions(node)[-1] == ("decide_objection", XIAMEN_USCC)
    # the follow-up ran once, and saw the decision committed
    assert node.seen == [(XIAMEN_USCC, ["decided"])]


def test_a_refused_command_leaves_neither_a_change_nor_an_audit_entry(node: Any) -> None:
    filed = objections.file_objection(
        node, COMPANY, "list_entry", "cn.court.dishonest_debtors:court:ZX-2", "paid in full"
    )
    before = audit_actions(node)
    with pytest.raises(Forbidden):  # the objection is routed to the court, not to SAMR
        objections.decide_objection(
            node, SAMR, filed["objection_id"], "deleted", "the judgment was performed first"
        )
    assert audit_actions(node) == before
    with node.engine.connect() as conn:
        assert conn.execute(sa.select(objection_rows.c.status)).scalars().all() == ["open"]
    assert node.seen == []


#: the domain functions that change a subject's case or file; only ``services`` calls them
COMMANDS = {
    "objections": {"file", "extend", "check", "decide"},
    "repair": {"apply", "decide"},
    "evidence": {"attach"},
    "report": {"issue"},
    "grade_notices": {"serve"},
    "commitments": {"make", "withdraw", "find"},
    "consent": {"grant", "revoke"},
}


def test_no_adapter_changes_a_case_except_through_a_command() -> None:
    calls = []
    for path in sorted((SRC / "web").glob("*.py")) + sorted((SRC / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.attr in COMMANDS.get(node.func.value.id, ())
            ):
                calls.append(f"{path.name}:{node.lineno} {node.func.value.id}.{node.func.attr}")
        source = path.read_text(encoding="utf-8")
        if "submit_decision as submit" in source or "ingest.submit import" in source:
            calls.append(f"{path.name}: ingest.submit")
    assert calls == []
