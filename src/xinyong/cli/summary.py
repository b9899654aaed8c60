"""Rendering ledger statistics, load reports and subject files as Rich tables."""

from __future__ import annotations

from rich.table import Table

from ..ingest.delivery import LoadReport
from ..ledger import Subject, SubjectFile
from ..ledger.stats import LedgerStats
from ..schemes import Pack
from .output import console


def print_stats(stats: LedgerStats) -> None:
    kinds = Table(title="Subjects by kind")
    kinds.add_column("kind")
    kinds.add_column("subjects", justify="right")
    for kind, n in stats.subjects_by_kind.items():
        kinds.add_row(kind, f"{n:,}")
    kinds.add_row("[bold]total[/]", f"[bold]{sum(stats.subjects_by_kind.values()):,}[/]")
    console().print(kinds)
    sectors = Table(title="Records by area and sector")
    for column in ("area", "sector", "records"):
        sectors.add_column(column, justify="right" if column == "records" else "left")
    for area, by_sector in stats.records_by_sector.items():
        for i, (sector, n) in enumerate(by_sector.items()):
            sectors.add_row(area if i == 0 else "", sector, f"{n:,}")
        sectors.add_row("", f"[bold]{area} total[/]", f"[bold]{stats.records_by_area[area]:,}[/]")
    console().print(sectors)
    console().print(
        f"records {stats.records_total:,} · links {stats.links_total:,} · "
        f"events {stats.events_total:,}"
    )


def print_load_report(report: LoadReport) -> None:
    s = report.stats
    table = Table(title="Delivery loaded")
    for column in ("", "seen", "new in ledger", "already there", "rejected"):
        table.add_column(column, justify="right")
    table.add_row(
        "subjects",
        f"{s.subjects_seen:,}",
        f"{s.subjects_new:,}",
        f"{s.subjects_seen - s.subjects_new:,}",
        "",
    )
    table.add_row(
        "links", f"{s.links_seen:,}", f"{s.links_new:,}", f"{s.links_seen - s.links_new:,}", ""
    )
    table.add_row(
        "records",
        f"{s.records_seen:,}",
        f"{s.records_new:,}",
        f"{s.records_duplicate:,}",
        f"{s.records_rejected:,}",
    )
    console().print(table)
    reasons = {**report.other_rejections, **s.rejections}
    if reasons:
        why = Table(title="Rows rejected, by reason (kept out of the ledger)")
        why.add_column("rows", justify="right")
        why.add_column("reason")
        for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:15]:
            why.add_row(f"{n:,}", reason)
        console().print(why)


def print_subject_file(
    file: SubjectFile, pack: Pack, linked: dict[str, Subject] | None = None
) -> None:
    """A subject's file, one block per record; ``linked`` names the subjects of its links."""
    s = file.subject
    who = s.id_masked or s.subject_id
    console().print(f"[bold]{s.name}[/] · {s.kind} · {who} · region {s.region}")
    console().print(f"credit file as of {file.as_of}: {len(file.entries)} records\n")
    for entry in file.entries:
        record = entry.record
        item = pack.catalogue.get(record.item_code)
        status = str(entry.status) + (" · disputed" if entry.disputed else "")
        if entry.superseded_versions:
            earlier = ", ".join(f"v{v}" for v in entry.superseded_versions)
            status += f" · v{record.version} supersedes {earlier}"
        console().print(
            f"{record.decided_on}  [bold]{item.name_zh}[/] ({item.code}) · {record.severity} · "
            f"{status}",
            soft_wrap=True,
        )
        console().print(
            f"            {record.instrument.number} · {record.instrument.issuer}", soft_wrap=True
        )
        basis = "; ".join(pack.cite(ref) for ref in item.legal_basis)
        console().print(f"            basis: {basis}", soft_wrap=True)
    for link in file.links:
        other = (linked or {}).get(link.to_subject)
        person = f"{other.name} ({other.id_masked})" if other else link.to_subject
        console().print(f"\n{person} is {link.role} since {link.valid_from}", soft_wrap=True)
