"""``xinyong catalogue``: browse the active public credit information catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..schemes import Pack

app = typer.Typer(help="Browse the public credit information catalogue of a jurisdiction pack.")

JurisdictionOption = Annotated[
    str | None, typer.Option("--jurisdiction", "-j", help="Pack id; default XINYONG_JURISDICTION.")
]


def _pack(jurisdiction: str | None) -> Pack:
    from ..schemes import load_pack
    from ..settings import Settings

    settings = Settings()
    return load_pack(jurisdiction or settings.jurisdiction, extra_path=settings.packs_path)


@app.command("list")
def list_items(
    jurisdiction: JurisdictionOption = None,
    area: Annotated[str | None, typer.Option(help="Only this area, e.g. judicial.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List catalogue items: code, names, area, sector, public attribute and legal basis."""
    from rich.table import Table

    from .output import console, print_json

    pack = _pack(jurisdiction)
    items = [i for i in pack.catalogue if area is None or i.area == area]
    if as_json:
        print_json([i.model_dump(mode="json") for i in items])
        return
    table = Table(title=f"{pack.meta.name_zh} / {pack.meta.name_en}: {len(items)} items")
    for column in ("code", "name", "area / sector", "public", "legal basis"):
        table.add_column(column)
    for item in items:
        basis = "; ".join(
            pack.cite(r) + ("" if r.verified else " [dim](unverified)[/]") for r in item.legal_basis
        )
        table.add_row(
            item.code,
            f"{item.name_zh}\n{item.name_en}",
            f"{item.area}\n{item.sector}",
            item.public,
            basis,
        )
    console().print(table)


@app.command("show")
def show(
    code: Annotated[str, typer.Argument(help="Item code, e.g. court.dishonest_debtor.")],
    jurisdiction: JurisdictionOption = None,
) -> None:
    """Show one item in full, including its field schema (the delivery format of its records)."""
    from .output import print_json

    pack = _pack(jurisdiction)
    item = pack.catalogue.get(code)
    data = item.model_dump(mode="json")
    data["legal_basis_cited"] = [pack.cite(r) for r in item.legal_basis]
    print_json(data)


@app.command("format")
def delivery_format(
    jurisdiction: JurisdictionOption = None,
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the delivery format of every file and catalogue item, as Markdown."""
    from ..ingest.docs import delivery_format_markdown

    text = delivery_format_markdown(_pack(jurisdiction)) + "\n"
    if out is None:
        print(text, end="")  # noqa: T201
    else:
        from ..files import write_text

        write_text(out, text)
