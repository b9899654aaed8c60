"""The delivery format as a document, generated from the catalogue and source declarations.

``docs/delivery-format.md`` is this module's output for the ``cn`` pack; a test keeps it
current. Regenerate it with ``xinyong catalogue format --out docs/delivery-format.md``.
"""

from __future__ import annotations

from ..schemes import Pack
from .format import COLUMNS, CONTENT_ORDER, DESCRIPTIONS, OPTIONAL_FIELDS


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def delivery_format_markdown(pack: Pack) -> str:
    """Markdown describing every file layout and every catalogue item's record fields."""
    out = [
        f"# Delivery format ({pack.meta.name_en}, pack `{pack.id}` {pack.meta.version})",
        "",
        "Generated from the catalogue and source declarations by "
        "`xinyong catalogue format`; do not edit by hand.",
        "",
        "A delivery is a CSV (UTF-8, header row), JSON Lines, Parquet or xlsx file from one "
        "source agency. A delivery set is a directory of such files with a `manifest.json`. "
        "The file name's prefix (`subjects-`, `links-`, `records-`, `decisions-`) says what "
        "it holds. An agency may keep its own column names if its source declaration maps "
        "them (`columns` in `sources.yaml`).",
        "",
        "What is refused or held, so that nothing delivered changes silently:",
        "",
        "- **A column or key given twice.** A CSV or xlsx header naming a column twice, two "
        "columns that the source's renames map to one field, or a JSON line with a key "
        "twice refuse the whole delivery, naming both (the last value would otherwise "
        "win). Nothing of it is loaded.",
        "- **A truncated file.** If the file ends inside its last row (no line end, and the "
        "row lacks columns, ends inside a quoted value or is not whole JSON), the delivery "
        "is held with the reason and nothing is loaded; deliver the complete file again.",
        "- **A byte order mark** at the start of a UTF-8 CSV or JSON Lines file is read as "
        "one, not as part of the first column's name.",
        "- **Text that cannot be stored or shown.** No value may hold a lone surrogate, NUL "
        "or another C0/C1 control character (tab and line breaks are allowed in free text "
        "such as names, issuers and reasons). Identifiers — subject codes, "
        "`source_record_id`, `instrument_number`, `item_code` and the other code columns, "
        "and column names — may in addition hold nothing invisible: no zero-width "
        "character, bidi override or isolate, or other format character. Such a row is "
        "quarantined naming the field, the code point and its position (in the quarantine "
        "the character is shown as an escape such as `\\ud800`).",
        "- **Subject codes** are checked as `xinyong id check` checks them: surrounding "
        "spaces and full-width letters and digits are normalised; a wrong check character "
        "is refused in strict mode (`XINYONG_USCC_MODE`) unless the code is on the "
        "exception list.",
        "",
    ]
    for content in CONTENT_ORDER:
        out += [f"## {content} files", "", "| column | required | meaning |", "|---|---|---|"]
        for column in COLUMNS[content]:
            required = "no" if column in OPTIONAL_FIELDS else "yes"
            out.append(f"| `{column}` | {required} | {_cell(DESCRIPTIONS[column])} |")
        out.append("")
    out += ["## Records by catalogue item", ""]
    sources: dict[str, list[str]] = {}
    for agency, declaration in pack.sources.items():
        for code in declaration.items:
            sources.setdefault(code, []).append(agency)
    for item in sorted(pack.catalogue, key=lambda i: i.code):
        deadline = (
            f"; publish within {item.publicity_deadline.working_days} working days"
            if item.publicity_deadline
            else ""
        )
        out += [
            f"### `{item.code}` {item.name_zh} / {item.name_en}",
            "",
            f"- sources: {', '.join(f'`{s}`' for s in sorted(sources.get(item.code, [])))}",
            f"- subject kinds: {', '.join(item.subject_kinds)}",
            f"- instrument types: {', '.join(item.instrument_types)}",
            f"- severity classes: {', '.join(item.severity_classes)}",
            f"- public attribute: {item.public}{deadline}",
            *(
                [f"- persons under {item.min_subject_age} on the decision date are refused"]
                if item.min_subject_age
                else []
            ),
            f"- legal basis: {'; '.join(pack.cite(r) for r in item.legal_basis)}",
            "",
        ]
        if item.fields:
            out += ["| attribute | type | required | meaning |", "|---|---|---|---|"]
            for name, spec in item.fields.items():
                kind: str = spec.type
                if spec.values:
                    kind += ": " + ", ".join(spec.values)
                if spec.minimum is not None or spec.maximum is not None:
                    kind += f" [{spec.minimum if spec.minimum is not None else ''}–"
                    kind += f"{spec.maximum if spec.maximum is not None else ''}]"
                required = "yes" if spec.required else "no"
                out.append(f"| `{name}` | {_cell(kind)} | {required} | {_cell(spec.description)} |")
            out.append("")
    return "\n".join(out)
