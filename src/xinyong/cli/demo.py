"""``xinyong demo``: a fresh platform with a synthetic population, loaded and summarised."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import clock

if TYPE_CHECKING:
    from datetime import date
    from typing import Any

    import sqlalchemy as sa

DEMO_DB = "xinyong-demo.db"
DEMO_DELIVERY = "delivery"
#: the demo node's audit checkpoint signing key, in the demo directory
DEMO_AUDIT_KEY = "audit-key.pem"


def demo(
    subjects: Annotated[
        int, typer.Option(help="Size of the synthetic population.", min=10)
    ] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 2026,
    directory: Annotated[
        Path, typer.Option("--dir", help="Where the demo database and delivery files go.")
    ] = Path("demo"),
    serve: Annotated[
        bool, typer.Option(help="Serve the portal and API when done (Ctrl-C stops).")
    ] = True,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="The platform date: delivery, evaluation and rights, YYYY-MM-DD "
            "(default 2026-09-30, fixed on purpose)."
        ),
    ] = None,
) -> None:
    """Initialise a fresh demo ledger, generate a population, load it, evaluate it, print a
    summary, then serve the portal and the API on it with demo accounts for each role."""

    from ..evaluate import SqlEngine, evaluate_lists
    from ..evaluate.grading import distribution, evaluate_grades
    from ..evaluate.run import materialise, sizes
    from ..ids import Mode
    from ..ingest.report import ingest_report
    from ..ingest.service import IngestOptions, ingest_directory
    from ..keyfiles import write_private_key
    from ..keys.fingerprint import pseudonym_key_for
    from ..ledger import get_subject, make_engine, subject_file, upgrade
    from ..ledger.checkpoints import sign_head
    from ..ledger.db import refresh_statistics
    from ..ledger.notes import NoteSigner
    from ..ledger.stats import ledger_stats
    from ..schemes import load_pack
    from ..synth import SynthConfig
    from ..workdays import add_months
    from .demo_keys import DEMO_KEYS, demo_settings
    from .output import console, progress
    from .summary import (
        print_grade_distribution,
        print_ingest_report,
        print_list_sizes,
        print_outcomes,
        print_stats,
        print_subject_file,
    )
    from .synth import run_synth

    directory.mkdir(parents=True, exist_ok=True)
    settings = demo_settings(directory)
    for stale in directory.glob(DEMO_DB + "*"):
        stale.unlink()
    shutil.rmtree(directory / DEMO_DELIVERY, ignore_errors=True)
    audit_key = directory / DEMO_AUDIT_KEY
    audit_key.unlink(missing_ok=True)  # a fresh ledger, a fresh key
    signer = NoteSigner(settings.audit_log_name, write_private_key(audit_key))
    database = directory / DEMO_DB
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    pack = load_pack(settings.jurisdiction, extra_path=settings.packs_path)
    config = SynthConfig(subjects=subjects, seed=seed, as_of=_as_of(as_of))
    console().rule(f"1. synthetic delivery: {subjects:,} subjects, seed {seed}")
    manifest = run_synth(config, pack, directory / DEMO_DELIVERY, progress)
    total_rows = sum(f["rows"] for f in manifest["files"])
    console().rule("2. ingest: every row validated; invalid rows quarantined with reasons")
    options = IngestOptions(
        key=pseudonym_key_for(engine, settings),
        seal_key=settings.quarantine_seal_key,
        delivered_on=config.as_of,
        recorded_at=clock.now(config.as_of),
        mode=Mode(settings.uscc_mode),
        batch_size=settings.bulk_batch_size,
    )
    with progress() as bar:
        task = bar.add_task("ingesting", total=total_rows, rate="")
        finished: dict[str, int] = {}

        def advance(name: str, done: int, _total: int, _quarantined: int) -> None:
            finished[name] = done
            bar.update(task, completed=sum(finished.values()))

        outcomes = ingest_directory(
            engine, pack, directory / DEMO_DELIVERY, options=options, on_progress=advance
        )
    print_outcomes(outcomes)
    with engine.connect() as conn:
        print_ingest_report(ingest_report(conn, pack), reasons=False)
    console().rule("3. evaluate lists and grades, quarterly up to the delivery date (SQL)")
    for months_back in (9, 6, 3, 0):
        day = add_months(config.as_of, -months_back)
        entries = evaluate_lists(SqlEngine(engine), pack, day)
        grades = evaluate_grades(SqlEngine(engine), pack, day)
        materialise(
            engine,
            entries,
            grades=grades,
            as_of=day,
            pack=pack,
            engine_name="sql",
            recorded_at=clock.now(config.as_of),
        )
    refresh_statistics(engine)
    print_list_sizes(sizes(entries), pack, f"Lists on {config.as_of}")
    print_grade_distribution(distribution(grades), pack, f"Grades on {config.as_of}")
    console().rule("4. joint measures: entry → notices → acknowledgement → feedback → lift → allow")
    joint_measures_cycle(engine, pack, config.as_of, settings)
    console().rule("5. what the ledger holds")
    with engine.connect() as conn:
        print_stats(ledger_stats(conn, pack.catalogue))
        sample = _sample_subject(conn)
        if sample is not None:
            console().rule("6. one subject's file")
            file = subject_file(conn, sample, as_of=config.as_of)
            linked = {link.to_subject: get_subject(conn, link.to_subject) for link in file.links}
            print_subject_file(file, pack, linked)
    console().rule("7. subject rights: an open objection and a granted repair")
    repaired = rights_examples(engine, pack, config.as_of, sample)
    console().rule("8. web platform")
    url = f"sqlite:///{database}"
    credentials = demo_credentials(engine, sample, repaired)
    with engine.begin() as conn:
        sign_head(conn, signer, clock.real_now())
    print_credentials(credentials, host, port)
    console().print(
        f"ledger: {database} · delivery files: {directory / DEMO_DELIVERY} · audit checkpoint "
        f"key: {audit_key}\n"
        f"CLI on the same ledger and keys: set -a; . {directory / DEMO_KEYS}; set +a; "
        f"XINYONG_DATABASE_URL={url} XINYONG_AS_OF={config.as_of} "
        f"XINYONG_AUDIT_SIGNING_KEY_FILE={audit_key} "
        "uv run xinyong stats | explain CODE --as-of DATE | audit verify"
    )
    if not serve:
        return
    import uvicorn

    from ..web.app import create_app

    web_settings = demo_settings(
        directory, database_url=url, as_of=config.as_of, audit_signing_key_file=audit_key
    )
    console().print(
        f"\n[bold]portal[/] http://{host}:{port}/   [bold]API docs[/] http://{host}:{port}/api/docs"
        "   (Ctrl-C stops)"
    )
    uvicorn.run(create_app(web_settings), host=host, port=port, access_log=False)


def _as_of(text: str | None) -> date:
    """The demo's date: ``text`` if given, else the synthetic data's fixed default."""
    from datetime import date

    from ..errors import FieldError, InvalidData
    from ..synth import DEFAULT_AS_OF

    if text is None:
        return DEFAULT_AS_OF
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidData(
            f"--as-of is {text!r}, not a date",
            code="invalid-date",
            errors=[FieldError("as_of", f"is {text!r}", "write the date as YYYY-MM-DD")],
        ) from None


DEMO_PASSWORD = "xinyong-demo-2026"
#: the two simulated responding agencies that answer the demo's notices
DEMO_RESPONDERS = ("civil_aviation", "procurement")


def joint_measures_cycle(engine: sa.Engine, pack: Any, day: date, settings: Any) -> None:
    """Dispatch the demo's notices, let two simulated agencies acknowledge and answer them,
    then follow one listed company through a lift to an allowing check."""
    from datetime import timedelta

    from ..access import Role
    from ..disclosure.entries import latest_evaluation
    from ..evaluate import SqlEngine, evaluate_lists
    from ..evaluate.grading import evaluate_grades
    from ..evaluate.run import materialise
    from ..ids import Mode
    from ..keys.fingerprint import pseudonym_key_for
    from ..sanctions import ScreeningIndex
    from ..sanctions import dispatch as dispatching
    from ..services.submissions import RecordDecision, submit_decision
    from ..services.work import LedgerNode, Operator
    from .output import console

    now = clock.now(day)  # the platform's clock, pinned to the demo's date
    with engine.connect() as conn:
        evaluation = latest_evaluation(conn, pack, day)
    evaluation_id = evaluation["evaluation_id"] if evaluation else None
    run = dispatching.dispatch(engine, pack, evaluation_id, day, now=now)
    console().print(f"dispatched {run.entries:,} entry notices to the responding agencies")
    answered = simulate_responders(engine, now + timedelta(minutes=5))
    console().print(f"simulated {', '.join(DEMO_RESPONDERS)}: {answered}")
    index = ScreeningIndex(engine, pack)
    index.build(day, evaluation_id)
    company = next(
        (
            s
            for s, standing in sorted(index.standings.items())
            if not s.startswith("P")
            and any(x.list_id == "cn.court.dishonest_debtors" for x in standing.listings)
        ),
        None,
    )
    if company is None:
        console().print("no company is on the court list in this population")
        return
    listing = next(
        x for x in index.standings[company].listings if x.list_id == "cn.court.dishonest_debtors"
    )
    before = index.check(company, "aviation.ticket")
    console().print(
        f"{company} · aviation.ticket: [bold]{before.outcome}[/] — "
        f"{before.grounds[0].measure_en} ({before.grounds[0].memorandum})"
    )
    # the court's decision, through the command the API and the staff pages call: its
    # follow-up sends the lift notices at once, before any re-evaluation
    key = pseudonym_key_for(engine, settings)
    court = LedgerNode(
        engine, pack, day, key, Mode(settings.uscc_mode), moment=now + timedelta(minutes=10)
    )
    submit_decision(
        court,
        Operator(f"demo:{listing.source_agency}", Role.SOURCE_AGENCY, listing.source_agency),
        RecordDecision(
            source_record_id=listing.source_record_id,
            decision="revoked",
            effective_on=day,
            instrument_number="（2026）执复1号",
            reason="listing revoked on review",
        ),
    )
    index.refresh([company])
    after = index.check(company, "aviation.ticket")
    console().print(f"the court revokes the listing → next check: [bold]{after.outcome}[/]")
    entries = evaluate_lists(SqlEngine(engine), pack, day)
    lifted = materialise(
        engine,
        entries,
        grades=evaluate_grades(SqlEngine(engine), pack, day),
        as_of=day,
        pack=pack,
        engine_name="sql",
        recorded_at=now + timedelta(minutes=15),
    )
    run = dispatching.dispatch(engine, pack, lifted, day, now=now + timedelta(minutes=15))
    answered = simulate_responders(engine, now + timedelta(minutes=20))
    console().print(
        f"lift notices went to every agency that received the entry at once; re-evaluated "
        f"and dispatched {run.exits:,} more; simulated agencies: {answered}"
    )


def simulate_responders(engine: sa.Engine, now: Any) -> str:
    """The demo's two responding agencies pull their notices, acknowledge each, and answer
    (applied; not applicable for one in ten, with a reason)."""
    from ..sanctions import dispatch as dispatching

    counts = {"applied": 0, "not_applicable": 0}
    with engine.begin() as conn:
        for agency in DEMO_RESPONDERS:
            cursor = 0
            while True:
                page = dispatching.pull(conn, agency, cursor, 500)
                if not page["items"]:
                    break
                cursor = page["next_cursor"]
                for n, notice in enumerate(page["items"]):
                    if notice["feedback"] is not None:
                        continue
                    dispatching.acknowledge(conn, notice["notice_id"], agency, now=now)
                    outcome = "not_applicable" if n % 10 == 9 else "applied"
                    dispatching.feedback(
                        conn,
                        notice["notice_id"],
                        agency,
                        outcome=outcome,
                        reason="the subject did not apply to us" if outcome != "applied" else None,
                        actor=f"demo:{agency}",
                        now=now,
                    )
                    counts[outcome] += 1
    return f"{counts['applied']:,} applied, {counts['not_applicable']:,} not applicable"


def _demo_evidence() -> bytes:
    """A one-page PDF standing in for a subject's scanned evidence."""
    from io import BytesIO

    from reportlab.pdfgen.canvas import Canvas

    from ..web.pdf import FONT

    out = BytesIO()
    page = Canvas(out)
    page.setFont(FONT, 12)
    page.drawString(72, 760, "演示证据：本公司统一社会信用代码与处罚决定书所载代码不一致。")
    page.save()
    return out.getvalue()


def rights_examples(engine: sa.Engine, pack: Any, day: date, sample: str | None) -> str | None:
    """File an objection for the sample company (left open) and grant a repair to another
    company whose penalty has passed its minimum publicity period, through the same commands
    the portal and the API call (audited); returns that company."""

    import sqlalchemy as sa

    from ..access import Role
    from ..errors import InvalidData
    from ..ledger import tables as t
    from ..services import objections, repairs
    from ..services.work import LedgerNode, Operator
    from .output import console

    node = LedgerNode(engine, pack, day)  # the platform's clock, pinned to the demo's date
    r = t.records.c
    with engine.connect() as conn:
        target = (
            conn.execute(
                sa.select(r.record_id).where(r.subject_id == sample).order_by(r.decided_on.desc())
            ).scalar()
            if sample is not None
            else None
        )
        candidates = conn.execute(
            sa.select(r.record_id, r.subject_id)
            .where(r.item_code == "market.penalty", r.severity == "general", r.subject_id != sample)
            .order_by(r.decided_on)
            .limit(50)
        ).all()
    if sample is not None and target is not None:
        company = Operator("account:company", Role.SUBJECT, subject_id=sample)
        filed = objections.file_objection(
            node,
            company,
            "record",
            str(target),
            "the penalty was decided against another company of a similar name",
        )
        repairs.attach_evidence(
            node,
            company,
            "objection",
            filed["objection_id"],
            filename="营业执照与处罚对象比对说明.pdf",
            declared_type="application/pdf",
            content=_demo_evidence(),
            max_bytes=1_000_000,
        )
        console().print(
            f"{sample} objects to record {str(target)[:12]}…: marked disputed, routed "
            f"to {filed['provider']}, open, with a PDF of evidence"
        )
    for record_id, subject_id in candidates:
        if subject_id.startswith("P"):
            continue
        applicant = Operator("account:company2", Role.SUBJECT, subject_id=subject_id)
        try:
            filed = repairs.apply_for_repair(
                node,
                applicant,
                record_id,
                "the fine was paid and the practice stopped",
                ["payment receipt", "rectification report"],
                "we commit to comply with market regulation from now on",
            )
        except InvalidData:
            continue
        provider = Operator(f"demo:{filed['provider']}", Role.SOURCE_AGENCY, filed["provider"])
        repairs.decide_repair(
            node,
            provider,
            filed["repair_id"],
            "granted",
            "obligations fulfilled with evidence; minimum period elapsed",
        )
        console().print(f"{subject_id} was granted repair of a penalty: no longer published")
        return str(subject_id)
    return None


def demo_credentials(
    engine: sa.Engine, sample: str | None, repaired: str | None = None
) -> list[dict[str, str]]:
    """An account and a token for each role (the demo's; never for real data)."""
    from ..access import Role
    from ..web.credentials import add_account, issue_token

    now = clock.real_now()
    roles: list[tuple[str, Role, str | None, str | None]] = [
        ("operator", Role.OPERATOR, None, None),
        ("samr", Role.SOURCE_AGENCY, "samr", None),
        # the authority of the comprehensive evaluation: serves notices of adverse grades
        ("ndrc", Role.SOURCE_AGENCY, "development_reform", None),
        ("airline", Role.RESPONDING_AGENCY, "civil_aviation", None),
        ("bank", Role.CREDIT_SERVICE, "credit_reference_centre", None),
    ]
    if sample is not None:
        roles.append(("company", Role.SUBJECT, None, sample))
    if repaired is not None:
        roles.append(("company2", Role.SUBJECT, None, repaired))
    found = []
    with engine.begin() as conn:
        for username, role, agency, subject in roles:
            add_account(
                conn,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                now=now,
                agency=agency,
                subject_id=subject,
            )
            token = issue_token(
                conn,
                role=role,
                label=f"demo {username}",
                now=now,
                days=30,
                agency=agency,
                subject_id=subject,
            )
            found.append(
                {
                    "username": username,
                    "role": str(role),
                    "scope": agency or subject or "",
                    "token": token.token,
                }
            )
    return found


def print_credentials(found: list[dict[str, str]], host: str, port: int) -> None:
    """One line per role (tokens are long: no table that would cut them)."""
    from .output import console

    console().print(f"Demo accounts (sign in at /login, password {DEMO_PASSWORD}) and API tokens:")
    for c in found:
        scope = f" for {c['scope']}" if c["scope"] else ""
        console().print(f"  {c['username']:<9} {c['role']}{scope}\n            {c['token']}")
    if found:
        console().print(
            f"e.g. curl -H 'Authorization: Bearer {found[0]['token']}' "
            f"http://{host}:{port}/api/audit/verify"
        )


def _sample_subject(conn: sa.Connection) -> str | None:
    """A company with a penalty and a legal representative: the most instructive file."""
    import sqlalchemy as sa

    from ..ledger import tables as t

    r, links = t.records.c, t.subject_links.c
    query = (
        sa.select(r.subject_id)
        .join(t.subject_links, links.from_subject == r.subject_id)
        .where(r.item_code == "market.penalty", links.role == "legal_representative")
        .order_by(r.subject_id)
        .limit(1)
    )
    found = conn.execute(query).scalar_one_or_none()
    return str(found) if found is not None else None
