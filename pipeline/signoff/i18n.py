"""The review interface in the doctor's language: its own strings through gettext, English the fallback.

The interface's catalogs are .po files inside the package
(``locale/<ll>/LC_MESSAGES/review.po``), read with Babel and compiled in memory
the first time a locale is asked for: nothing to build at install, and no
compiled file that could drift from the .po a translator edits.

Code marks its strings with ``_`` (``ngettext`` for counts, ``N_`` for constants
translated where they are shown); templates use Jinja's i18n extension
(:func:`install`). Which language and time zone they speak is set per request or
per session with :func:`speaking`.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from pipeline.catalogs.model import language_name

if TYPE_CHECKING:
    from jinja2 import Environment

    from pipeline.config import Config
    from pipeline.signoff.roster import Reviewer

DOMAIN = "review"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
FALLBACK = "en"  # the language the interface is written in: its msgids
UTC_ZONE = "UTC"


@contextmanager
def speaking(locale: str | None, timezone: str | None = None) -> Iterator[None]:
    """Within the block, ``_``, templates and :func:`when` speak ``locale`` in ``timezone``."""
    language = _language.set(ui_locale(locale))
    time_zone(timezone)  # refuses an unknown zone before anything is shown in it
    zone = _zone.set(timezone or UTC_ZONE)
    try:
        yield
    finally:
        _zone.reset(zone)
        _language.reset(language)


def speaking_to(config: Config, reviewer: Reviewer | None,
                accept_language: str | None = None) -> AbstractContextManager[None]:
    """Speak as the doctor wants: the roster's ``locale``, else the browser's Accept-Language;
    the roster's ``timezone``, else ``[site] timezone``."""
    locale = reviewer.locale if reviewer is not None and reviewer.locale else negotiate(accept_language)
    zone = (reviewer.timezone if reviewer is not None else None) or config.timezone
    return speaking(locale, zone)


def _(message: str) -> str:
    """``message`` in the current language (see :func:`speaking`)."""
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return translations(_language.get()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a constant for extraction; it is translated with ``_`` where it is shown."""
    return message


def current_locale() -> str:
    """The language the interface speaks now, as a locale identifier (``tr``, ``en``)."""
    return _language.get()


def html_lang() -> str:
    """The current language as HTML's ``lang`` wants it (BCP 47: a hyphen, not an underscore)."""
    return current_locale().replace("_", "-")


def language_label(code: str) -> str:
    """A language's name in the interface's language: Almanca in Turkish, German in English."""
    return language_name(code, current_locale())


def when(moment: datetime) -> str:
    """A moment as the doctor reads it: their time zone, their language's date format (Babel)."""
    return format_datetime(moment, "long", tzinfo=time_zone(_zone.get()), locale=current_locale())


def number(value: float) -> str:
    """A number as the interface's language writes it (54,3 in Turkish)."""
    return format_decimal(value, locale=current_locale())


def zone_name() -> str:
    return _zone.get()


def available() -> tuple[str, ...]:
    """The languages the interface speaks: English and every shipped catalog."""
    shipped = sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (FALLBACK, *shipped)


def ui_locale(wanted: str | None) -> str:
    """The shipped interface language for a wanted locale (``tr_TR`` → ``tr``); English when none fits."""
    if not wanted:
        return FALLBACK
    found = Locale.negotiate([wanted.replace("-", "_")], available(), sep="_")
    return str(found) if found is not None else FALLBACK


def negotiate(accept_language: str | None) -> str:
    """The interface language for a browser's Accept-Language header, best quality first."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag.replace("-", "_")))
    preferred = [tag for _quality, _position, tag in sorted(ranked)]
    found = Locale.negotiate(preferred, available(), sep="_") if preferred else None
    return str(found) if found is not None else FALLBACK


def valid_locale(text: str) -> bool:
    """Whether ``text`` is a locale identifier Babel knows (``tr``, ``tr_TR``, ``de-AT``)."""
    try:
        Locale.parse(text.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def time_zone(name: str | None) -> tzinfo:
    """The IANA time zone ``name`` (UTC when none); ValueError for an unknown one."""
    try:
        return ZoneInfo(name or UTC_ZONE)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone '{name}' (use an IANA name such as "
                         "Europe/Istanbul)") from None


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The interface's translations for a shipped locale; the msgids themselves (English) otherwise."""
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale == FALLBACK or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def environment() -> Environment:
    """The review templates (page and sheet): autoescaped, strict, speaking the current language."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("pipeline.signoff", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      extensions=["jinja2.ext.i18n"])
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(_, ngettext, newstyle=True, pgettext=pgettext)  # type: ignore[attr-defined]
    env.globals["html_lang"] = html_lang
    env.filters["when"] = when
    env.filters["number"] = number
    return env


_language: ContextVar[str] = ContextVar("review_language", default=FALLBACK)
_zone: ContextVar[str] = ContextVar("review_zone", default=UTC_ZONE)
