"""The README documents every setting and every command (datasette's test_docs pattern)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.cli import app
from xinyong.settings import Settings

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_described_and_documented(name: str) -> None:
    assert Settings.model_fields[name].description
    assert f"`XINYONG_{name.upper()}`" in README


def _commands() -> list[str]:
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    for group in app.registered_groups:
        sub = group.typer_instance
        assert sub is not None
        names += [
            f"{group.name} {c.name or c.callback.__name__}"  # type: ignore[union-attr]
            for c in sub.registered_commands
        ]
    return names


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"xinyong {command}" in README


def test_quick_start_has_the_two_commands() -> None:
    assert "make demo" in README and "make test" in README


def test_the_delivery_format_document_is_generated_from_the_catalogue() -> None:
    from xinyong.ingest.docs import delivery_format_markdown
    from xinyong.schemes import load_pack

    committed = (Path(__file__).parent.parent / "docs" / "delivery-format.md").read_text("utf-8")
    assert committed == delivery_format_markdown(load_pack("cn")) + "\n", (
        "regenerate: uv run xinyong catalogue format --out docs/delivery-format.md"
    )
