"""Which language policy-sdk speaks to people: Simplified Chinese (``zh``) or English (``en``).

Messages are written in English in the code and marked for translation::

    from policy_sdk.i18n import _, N_

    _("no policy file or folder `{path}`").format(path=path)   # translated now
    STATUS = N_("violated")                                      # marked; translated at use

The Chinese catalog is ``policy_sdk/locale/zh_CN/LC_MESSAGES/policy_sdk.po`` (gettext
format, kept with Babel: ``pybabel extract`` / ``update``); the wheel ships it compiled
(``.mo``, built by ``hatch_build.py``), and a source checkout reads the ``.po`` directly.
A test fails when a marked message has no Chinese translation or a translation drops a
placeholder. Terms follow the regulation's own: docs/glossary.md.

The language is chosen per call context (a :class:`contextvars.ContextVar`, so threads
and asyncio tasks of a server each keep their own): :func:`use_language` for a block,
:func:`set_language` for the rest of the context. The default comes from
:func:`resolve_language`: an explicit choice, then ``POLICY_SDK_LANG``, then the locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG`` starting with ``zh`` → Chinese), else English.

What stays English whatever the language: JSON keys, diagnostic codes, rule ids,
statuses in JSON, and identifiers from the facts.
"""

from __future__ import annotations

import ast as _pyast
import contextlib
import contextvars
import functools
import gettext
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final, Literal

__all__ = [
    "LANGUAGES",
    "N_",
    "Language",
    "_",
    "catalog",
    "get_language",
    "install_click_translations",
    "os_reason",
    "pick",
    "plural",
    "resolve_language",
    "set_language",
    "use_language",
]

Language = Literal["zh", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("zh", "en")
DOMAIN: Final = "policy_sdk"
LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
#: the gettext locale folder of each language with a catalog
_LOCALES: Final[Mapping[Language, str]] = {"zh": "zh_CN"}

_current: contextvars.ContextVar[Language | None] = contextvars.ContextVar(
    "policy_sdk_language", default=None
)


#: the variables the language is read from, in order
_VARIABLES: Final = ("POLICY_SDK_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


def _environment_language() -> Language:
    """:func:`resolve_language` of the process environment, read at C speed.

    Findings are written one by one, each asking which language to use: reading
    ``os.environ`` four times through its mapping methods cost several microseconds
    a finding. ``os.environ`` keeps its variables in a plain dict (``_data``) that
    every change goes through; the language is worked out again whenever the values
    read there differ (the slow twin is ``resolve_language(environ=os.environ)``)."""
    data = getattr(os.environ, "_data", None)
    if data.__class__ is not dict or _ENCODED is None:
        return resolve_language(environ=os.environ)
    values = tuple(map(data.get, _ENCODED))
    found = _RESOLVED.get(values)
    if found is None:
        found = resolve_language(environ=os.environ)
        if len(_RESOLVED) > 64:
            _RESOLVED.clear()
        _RESOLVED[values] = found
    return found


def _encoded_names() -> tuple[Any, ...] | None:
    encode = getattr(os.environ, "encodekey", None)
    try:
        return None if encode is None else tuple(map(encode, _VARIABLES))
    except Exception:  # pragma: no cover - an environment mapping of another make
        return None


_ENCODED: Final = _encoded_names()
_RESOLVED: dict[tuple[Any, ...], Language] = {}


def resolve_language(explicit: str | None = None,
                     environ: Mapping[str, str] | None = None) -> Language:
    """``explicit`` (``zh``/``en``, also ``zh_CN``, ``zh-Hans``, ``en_US`` …), else
    ``POLICY_SDK_LANG``, else the locale variables, else English."""
    if explicit is None and environ is None:
        return _environment_language()
    env = os.environ if environ is None else environ
    for value in (explicit, env.get("POLICY_SDK_LANG")):
        if value:
            return normalize(value)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def normalize(value: str) -> Language:
    """``zh_CN.UTF-8`` → ``zh``; anything not Chinese → ``en``."""
    return "zh" if value.strip().lower().replace("-", "_").startswith("zh") else "en"


def get_language() -> Language:
    """The language of the current context (set, else resolved from the environment)."""
    chosen = _current.get()
    return chosen if chosen is not None else resolve_language()


def set_language(language: str | None) -> None:
    """Speak ``language`` for the rest of the current context (None: back to the default)."""
    _current.set(normalize(language) if language else None)


@contextlib.contextmanager
def use_language(language: str | None) -> Iterator[Language]:
    """Speak ``language`` inside the block (None: the current default)."""
    token = _current.set(normalize(language) if language else _current.get())
    try:
        yield get_language()
    finally:
        _current.reset(token)


@functools.cache
def catalog(language: Language, domain: str = DOMAIN) -> Mapping[str, str]:
    """msgid → translation for ``language`` (empty for English, the source language)."""
    locale = _LOCALES.get(language)
    if locale is None:
        return {}
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    mo = folder / f"{domain}.mo"
    if mo.is_file():
        with mo.open("rb") as f:
            compiled = gettext.GNUTranslations(f)
        table: dict[object, str] = getattr(compiled, "_catalog", {})
        return {k: v for k, v in table.items() if isinstance(k, str) and k and v}
    po = folder / f"{domain}.po"
    return read_po(po.read_text(encoding="utf-8")) if po.is_file() else {}


def read_po(text: str) -> dict[str, str]:
    """msgid → msgstr of a ``.po`` file (the subset Babel writes: no plurals, no contexts;
    fuzzy and untranslated entries are left out). The slow twin of the compiled ``.mo``;
    a test checks both give the same catalog."""
    out: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    part: list[str] | None = None
    fuzzy = False

    def flush() -> None:
        key = "".join(entry.get("msgid", []))
        value = "".join(entry.get("msgstr", []))
        if key and value and not fuzzy:
            out[key] = value

    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        keyword = line.split(" ", 1)[0]
        if not line or (keyword == "msgid" and "msgstr" in entry):
            flush()
            entry, part, fuzzy = {}, None, False
            if not line:
                continue
        if line.startswith("#"):
            fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
        elif keyword in ("msgid", "msgstr"):
            part = entry[keyword] = [_unquote(line[len(keyword) + 1:])]
        elif line.startswith('"') and part is not None:
            part.append(_unquote(line))
    return out


def _unquote(token: str) -> str:
    value = _pyast.literal_eval(token.strip())
    if not isinstance(value, str):  # pragma: no cover - a .po string is always quoted
        raise ValueError(token)
    return value


def _(message: str) -> str:
    """``message`` in the current language (the message itself when untranslated)."""
    language = get_language()
    if language == "en":
        return message
    return catalog(language).get(message, message)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it (constants); translate
    it where it is shown, with :func:`_`."""
    return message


def plural(count: int, singular: str, several: str) -> str:
    """``singular`` or ``several`` (both marked with :func:`N_`, with a ``{count}``
    placeholder) as ``count`` asks, translated and filled in; Chinese has one form."""
    return _(singular if count == 1 else several).format(count=count)


def pick(zh: str | None, en: str | None) -> str | None:
    """The text of a bilingual pair in the current language, falling back to the other."""
    if get_language() == "zh":
        return zh if zh is not None else en
    return en if en is not None else zh


def install_click_translations(language: Language) -> None:
    """Translate click's own words (``Usage:``, ``Options:``, ``Error:`` …) in this process.

    click translates through the standard library's module-level ``gettext`` functions;
    the command line (a process of its own) points click's modules at our catalog of
    click's messages (``locale/zh_CN/LC_MESSAGES/messages.po``). Embedders never call it.
    """
    import importlib

    table = catalog(language, "messages")

    def translate(message: str) -> str:
        return table.get(message, message)

    def ntranslate(singular: str, plural: str, n: int) -> str:
        message = singular if n == 1 else plural
        return table.get(message, message)

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types",
                 "utils", "termui"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ntranslate  # type: ignore[attr-defined]


#: the operating system's reasons for a failed read, by errno name (its own words are English)
_OS_REASONS: Final[Mapping[str, str]] = {
    "ENOENT": N_("no such file or folder"),
    "EACCES": N_("permission denied"),
    "EPERM": N_("permission denied"),
    "EISDIR": N_("it is a folder"),
    "ENOTDIR": N_("a part of the path is not a folder"),
}


def os_reason(exc: OSError) -> str:
    """Why ``exc`` happened, for a message: the system's own words in English (as
    before), a translation of the usual ones in Chinese."""
    import errno

    english = exc.strerror or str(exc)
    if get_language() == "en":
        return english
    name = errno.errorcode.get(exc.errno or -1, "")
    reason = _OS_REASONS.get(name)
    return _(reason) if reason is not None else english
