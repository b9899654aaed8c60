"""Rendering ledger statistics, load reports and subject files as Rich tables."""

from __future__ import annotations

from collections import Counter

from rich.table import Table

from ..ingest.report import SourceReport
from ..ingest.service import DeliveryOutcome
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


def print_outcomes(outcomes: list[DeliveryOutcome]) -> None:
    """One line per delivery, totals, and the commonest reasons rows were quarantined."""
    table = Table(title="Deliveries")
    for column in ("file", "source", "status", "rows", "accepted", "duplicates", "quarantined"):
        table.add_column(
            column, justify="left" if column in ("file", "source", "status") else "right"
        )
    for o in outcomes:
        status = o.status + (f" (resumed at row {o.resumed_at:,})" if o.resumed_at else "")
        table.add_row(
            o.file_name,
            o.source_agency,
            status,
            f"{o.rows_total:,}",
            f"{o.accepted:,}",
            f"{o.duplicates:,}",
            f"{o.quarantined:,}",
        )
    if len(outcomes) > 1:
        table.add_row(
            "[bold]total[/]",
            "",
            "",
            *(
                f"[bold]{sum(getattr(o, f) for o in outcomes):,}[/]"
                for f in ("rows_total", "accepted", "duplicates", "quarantined")
            ),
        )
    console().print(table)
    for o in outcomes:
        if o.status == "held":
            console().print(f"[yellow]held[/] {o.file_name}: {o.status_reason}")
        if o.unconsumed_columns:
            console().print(
                f"[yellow]unconsumed columns[/] in {o.file_name}: "
                f"{', '.join(o.unconsumed_columns)} (not loaded; declare a rename "
                "in the source's `columns` if they carry a field)"
            )
    reasons: Counter[str] = Counter()
    for o in outcomes:
        reasons.update(o.reasons)
    if reasons:
        why = Table(title="Quarantined rows by reason (`xinyong quarantine list` to review)")
        why.add_column("rows", justify="right")
        why.add_column("reason")
        for reason, n in reasons.most_common(10):
            why.add_row(f"{n:,}", reason)
        console().print(why)


def print_ingest_report(reports: list[SourceReport], *, reasons: bool = True) -> None:
    table = Table(
        title="Ingest by source agency; on time: published within the deadline in PRC working "
        "days, of the records checked; late: count (median working days late)"
    )
    for column in ("source", "rows", "accepted", "dups", "quarant.", "on time", "late"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for r in reports:
        t = r.timeliness
        share = f"{t.on_time_share:.0%}/{t.checked:,}" if t.on_time_share is not None else "–"
        late = f"{t.late:,} ({t.median_days_late:g})" if t.median_days_late is not None else "0"
        held = f" ({r.held} held)" if r.held else ""
        table.add_row(
            r.source_agency + held,
            f"{r.rows_delivered:,}",
            f"{r.accepted:,}",
            f"{r.duplicates:,}",
            f"{r.quarantined:,}",
            share,
            late,
        )
    console().print(table)
    provisional = sum(r.timeliness.provisional for r in reports)
    if provisional:
        console().print(
            f"{provisional:,} record(s) counted on a provisional calendar year (no State Council "
            "holiday notice yet): their lateness may change when it is added"
        )
    for r in reports if reasons else []:
        if r.reasons:
            console().print(f"[bold]{r.source_agency}[/] quarantine reasons:")
            for reason, n in r.reasons[:5]:
                console().print(f"  {n:>7,}  {reason}")


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


def print_list_sizes(by_list: dict[str, dict[str, int]], pack: Pack, title: str) -> None:
    table = Table(title=title)
    for column in ("list", "candidate", "noticed", "active", "exited"):
        table.add_column(column, justify="left" if column == "list" else "right")
    for list_id, counts in by_list.items():
        table.add_row(
            f"{pack.lists[list_id].name_zh}\n{list_id}",
            *(f"{counts[s]:,}" for s in ("candidate", "noticed", "active", "exited")),
        )
    console().print(table)


def print_grade_distribution(by_scheme: dict[str, dict[str, int]], pack: Pack, title: str) -> None:
    table = Table(title=title)
    table.add_column("scheme")
    table.add_column("subjects by grade")
    for scheme_id, counts in by_scheme.items():
        scheme = pack.grades[scheme_id]
        order = [b.grade for b in scheme.bands]
        order += sorted(set(counts) - set(order))  # direct grades outside the bands (e.g. M)
        shown = "  ".join(f"{g}: {counts.get(g, 0):,}" for g in order)
        table.add_row(f"{scheme.name_zh}\n{scheme_id}", shown)
    console().print(table)
