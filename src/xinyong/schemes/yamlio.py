"""Strict YAML for jurisdiction packs: duplicate keys refused, every error with file and line.

Packs are law. A silently ignored duplicate key or a typo in a field name changes what the
law says without anyone noticing, so the loader refuses both and names the file, the line
and the fix. Validation errors from the pydantic models are mapped back to YAML lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import FieldError, RuleError

M = TypeVar("M", bound=BaseModel)


class PackFormatError(RuleError):
    """A pack file that cannot be read as the pack format says."""

    default_code = "pack-format"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys and leaves dates as text.

    Dates stay strings so that the models parse them and a malformed one (``2024-13-01``)
    gets a message with its file and line instead of a bare ``ValueError``.
    """


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise PackFormatError(
                f"line {line}: duplicate key {key!r} (first at line {seen[key]}); "
                "remove one of them",
                code="duplicate-key",
                line=line,
            )
        seen[key] = line
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    """1-based line of the YAML node at path ``loc`` (or of its nearest existing parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    node, line = value_node, key_node.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse ``path`` strictly; returns the data and its node tree (for line numbers)."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackFormatError(
            f"{path}: cannot read ({exc})", code="unreadable", file=str(path)
        ) from None
    try:
        node = yaml.compose(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506
    except PackFormatError as exc:
        raise PackFormatError(
            f"{path}: {exc.detail}", code=exc.code, file=str(path), **exc.context
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise PackFormatError(
            f"{path}: {where}not valid YAML ({getattr(exc, 'problem', exc)})",
            code="yaml-syntax",
            file=str(path),
        ) from None
    return data, node


def _fix_for(error_type: str) -> str:
    return {
        "extra_forbidden": "remove the key, or check its spelling against the pack format",
        "missing": "add the key",
        "date_from_datetime_parsing": "write the date as YYYY-MM-DD",
        "date_parsing": "write the date as YYYY-MM-DD",
        "date_type": "write the date as YYYY-MM-DD",
        "literal_error": "use one of the allowed values",
        "enum": "use one of the allowed values",
    }.get(error_type, "correct the value")


def load_model(path: Path, model: type[M], *, data: Any = None, node: Any = None) -> M:
    """Read ``path`` and validate it against ``model``, mapping errors to YAML lines."""
    if data is None:
        data, node = read_yaml(path)
    return validate_model(path, model, data, node)


def validate_model(path: Path, model: type[M], data: Any, node: yaml.Node | None) -> M:
    """Validate already-parsed YAML, raising ``PackFormatError`` with file and line numbers."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: list[FieldError] = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if isinstance(p, int | str)]
            line = _line_of(node, loc)
            field = ".".join(str(p) for p in loc) or "(file)"
            errors.append(
                FieldError(
                    field=f"{path.name}:{line}:{field}" if line else f"{path.name}:{field}",
                    message=err["msg"],
                    fix=_fix_for(err["type"]),
                )
            )
        summary = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise PackFormatError(
            f"{path}: {summary}{more}", code="pack-format", errors=errors, file=str(path)
        ) from None
