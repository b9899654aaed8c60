"""The examples in docstrings run (doctests for pure helpers)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "xinyong.errors",
    "xinyong.ids.orgcode",
    "xinyong.ids.resident",
    "xinyong.ids.uscc",
    "xinyong.schemes.laws",
    "xinyong.workdays",
    "xinyong.ingest.timeliness",
    "xinyong.settings",
    "xinyong.clock",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
