"""Portal languages: Chinese (default) and English, with Babel.

Templates are written with English message ids; ``locale/zh/LC_MESSAGES/messages.po`` holds
the Chinese. The catalogue is compiled in memory when the app starts (no ``.mo`` files to
build or forget). Each language gets its own Jinja2 environment, so a request never changes
another request's language.
"""

from __future__ import annotations

from importlib import resources
from io import BytesIO
from typing import Any

import jinja2
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("zh", "en")
DEFAULT_LOCALE = "zh"


def translations(locale: str) -> NullTranslations:
    if locale == "en":
        return NullTranslations()
    po = resources.files(__package__).joinpath(f"locale/{locale}/LC_MESSAGES/messages.po")
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def environments(globals_: dict[str, Any]) -> dict[str, jinja2.Environment]:
    """One template environment per locale."""
    found = {}
    for locale in LOCALES:
        env = jinja2.Environment(
            loader=jinja2.PackageLoader("xinyong.web", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
        env.globals.update(globals_, locale=locale, name=_namer(locale))
        env.filters["agency"] = _agency_namer(locale, globals_.get("agencies", {}))
        env.filters["responder"] = _agency_namer(locale, globals_.get("responders", {}))
        found[locale] = env
    return found


def _namer(locale: str) -> Any:
    """``name(obj)``: an object's ``name_zh`` or ``name_en`` in the page's language."""
    field = "name_zh" if locale == "zh" else "name_en"

    def name(obj: Any) -> str:
        value = obj.get(field) if isinstance(obj, dict) else getattr(obj, field, None)
        return str(value or "")

    return name


def _agency_namer(locale: str, agencies: dict[str, Any]) -> Any:
    """``code|agency``: a source agency's name in the page's language (the code if unknown)."""
    field = "name_zh" if locale == "zh" else "name_en"

    def agency(code: Any) -> str:
        found = agencies.get(str(code))
        return str(getattr(found, field)) if found is not None else str(code)

    return agency


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The chosen language: the ``lang`` cookie, else the browser's preference, else zh."""
    if cookie in LOCALES:
        return str(cookie)
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LOCALE
