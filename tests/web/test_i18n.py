"""Every message in the portal's templates has its Chinese translation."""

from __future__ import annotations

from importlib import resources

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

TEMPLATES = resources.files("xinyong.web").joinpath("templates")
PO = resources.files("xinyong.web").joinpath("locale/zh/LC_MESSAGES/messages.po")


def test_every_template_message_is_translated_to_chinese() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh")
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(TEMPLATES),
            method_map=[("**.html", "jinja2")],
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        )
    }
    assert len(found) > 80
    untranslated = sorted(m for m in found if not (catalog.get(m) and catalog.get(m).string))
    assert untranslated == []
