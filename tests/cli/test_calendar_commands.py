"""Time keeps working past the calendar's last notice: the demo pipeline on dates in
provisional years, and the ``xinyong calendar`` commands an operator runs."""

from __future__ import annotations

import json
from datetime import UTC, date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.cli.test_commands import xinyong
from xinyong.ledger import tables as t
from xinyong.rights.cases import provisional
from xinyong.schemes import load_pack

FIXTURE = Path(__file__).parents[1] / "rights" / "calendar_fixture" / "2027.yaml"


@pytest.mark.parametrize(
    ("as_of", "seed", "decision_due", "feedback_due"),
    [
        # Monday 1 March 2027: three and ten working days later (no holiday in between);
        # seeds whose population has a company on the court list, for the screening step
        ("2027-03-01", "3", date(2027, 3, 4), date(2027, 3, 15)),
        # Sunday 30 June 2030
        ("2030-06-30", "5", date(2030, 7, 3), date(2030, 7, 12)),
    ],
)
def test_the_demo_pipeline_runs_on_a_provisional_year(
    tmp_path: Path, as_of: str, seed: str, decision_due: date, feedback_due: date
) -> None:
    """Synthesise, ingest, evaluate, dispatch, screening, an objection and a repair."""
    run = xinyong("demo", "--subjects", "400", "--seed", seed, "--no-serve", "--as-of", as_of,
                  cwd=tmp_path)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"Lists on {as_of}" in run.stdout and f"credit file as of {as_of}" in run.stdout
    assert "dispatched" in run.stdout and "aviation.ticket: deny" in run.stdout
    assert "the court revokes the listing → next check: allow" in run.stdout
    assert "objects to record" in run.stdout and "was granted repair" in run.stdout
    assert "counted on a provisional calendar year" in run.stdout
    url = f"sqlite:///{tmp_path}/demo/xinyong-demo.db"
    engine = sa.create_engine(url)
    deadline_items = [i.code for i in load_pack("cn").catalogue if i.publicity_deadline]
    with engine.connect() as conn:
        [repair] = conn.execute(sa.text("SELECT * FROM repairs")).mappings().all()
        [objection] = conn.execute(sa.text("SELECT * FROM objections")).mappings().all()
        notices = conn.execute(sa.text("SELECT count(*) FROM dispatch_notices")).scalar()
        # double publicity counted on provisional years: published in 2027 or later
        r = t.records.c
        published_late = conn.execute(
            sa.select(sa.func.count()).where(
                r.version == 1,
                r.item_code.in_(deadline_items),
                r.published_on >= date(2027, 1, 1),
            )
        ).scalar()
    engine.dispose()
    report = xinyong("ingest", "report", "--json", cwd=tmp_path, XINYONG_DATABASE_URL=url)
    timeliness = [s["timeliness"] for s in json.loads(report.stdout)]
    assert sum(x["unknown"] for x in timeliness) == 0
    assert published_late and sum(x["provisional"] for x in timeliness) == published_late
    assert str(repair["filed_on"]) == as_of
    assert (repair["decision_due"], repair["feedback_due"]) == (
        str(decision_due),
        str(feedback_due),
    )
    assert provisional({"filed_on": date.fromisoformat(as_of), "decision_due": decision_due})
    assert objection["status"] == "open" and str(objection["filed_on"]) == as_of
    assert notices and notices > 0


def test_list_and_show_the_years(tmp_path: Path) -> None:
    listed = xinyong("calendar", "list", "--until", "2028", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    years = {y["year"]: y for y in json.loads(listed.stdout)}
    assert min(years) == 2004 and max(years) == 2028
    assert years[2025]["status"] == "official"
    assert years[2025]["notice"]["number"] == "国办发明电〔2024〕12号"
    assert years[2026]["notice"]["verified"] is False and years[2026]["notice"]["number"] is None
    assert (years[2027]["status"], years[2027]["notice"]) == ("provisional", None)
    shown = json.loads(xinyong("calendar", "show", "2026", "--json", cwd=tmp_path).stdout)
    assert {"date": "2026-02-14", "name": "春节"} in shown["workdays"]
    # 261 weekdays, 19 of them off for holidays, 6 make-up Saturdays and Sundays worked
    assert shown["working_days"] == 261 - 19 + 6


def test_adding_a_year_needs_its_directory_and_a_valid_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    assert xinyong("init", cwd=tmp_path, XINYONG_DATABASE_URL=url).returncode == 0
    unset = xinyong("calendar", "add", str(FIXTURE), cwd=tmp_path, XINYONG_DATABASE_URL=url)
    assert unset.returncode == 2 and "XINYONG_CALENDAR_PATH is not set" in unset.stderr
    bad = tmp_path / "2027.yaml"
    bad.write_text(FIXTURE.read_text("utf-8").replace("year: 2027", "year: 2028"), "utf-8")
    env = {"XINYONG_DATABASE_URL": url, "XINYONG_CALENDAR_PATH": str(tmp_path / "cal")}
    refused = xinyong("calendar", "add", str(bad), cwd=tmp_path, **env)
    assert refused.returncode == 2 and "name it 2028.yaml" in refused.stderr
    added = xinyong("calendar", "add", str(FIXTURE), "--json", cwd=tmp_path, **env)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["moved"] == []
    listed = xinyong("calendar", "list", "--until", "2027", "--json", cwd=tmp_path, **env)
    assert json.loads(listed.stdout)[-1]["notice"]["test_fixture"] is True


def test_recompute_moves_open_deadlines_after_a_year_arrives_by_other_means(
    tmp_path: Path,
) -> None:
    """A pack update, or a file copied in by hand: ``calendar recompute`` catches up."""
    import shutil
    from datetime import datetime

    from xinyong.rights.tables import repairs

    url = f"sqlite:///{tmp_path}/ledger.db"
    assert xinyong("init", cwd=tmp_path, XINYONG_DATABASE_URL=url).returncode == 0
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            repairs.insert().values(
                repair_id="r" * 16,
                subject_id="91350200776049653A",
                record_id="b" * 32,
                provider="samr",
                corrective_action="paid",
                evidence=[],
                commitment="we commit",
                eligibility=[],
                filed_by="account:company",
                filed_at=datetime(2026, 12, 28, 9, tzinfo=UTC),
                filed_on=date(2026, 12, 28),
                status="open",
                decision_due=date(2026, 12, 31),
                feedback_due=date(2027, 1, 12),  # ten working days on provisional 2027
            )
        )
    (tmp_path / "cal").mkdir()
    shutil.copy(FIXTURE, tmp_path / "cal" / "2027.yaml")
    env = {"XINYONG_DATABASE_URL": url, "XINYONG_CALENDAR_PATH": str(tmp_path / "cal")}
    run = xinyong("calendar", "recompute", "--year", "2027", "--json", cwd=tmp_path, **env)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["moved"] == [
        {
            "case": "repair",
            "case_id": "r" * 16,
            "subject_id": "91350200776049653A",
            "agency": "samr",
            "deadline": "feedback_due",
            "before": "2027-01-12",
            "after": "2027-01-11",
            "stored": True,
        }
    ]
    with engine.connect() as conn:
        assert conn.execute(sa.select(repairs.c.feedback_due)).scalar_one() == date(2027, 1, 11)
    engine.dispose()
    again = xinyong("calendar", "recompute", "--json", cwd=tmp_path, **env)
    assert json.loads(again.stdout)["moved"] == []
