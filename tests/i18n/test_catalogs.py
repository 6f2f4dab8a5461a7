"""The Chinese catalog is complete and faithful: every message marked in the code has a
translation that keeps its placeholders, and the compiled catalog says what the source
catalog says."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po as babel_read_po

from policy_sdk import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "policy_sdk" / "locale" / "zh_CN" / "LC_MESSAGES"


def marked_messages() -> dict[str, str]:
    """msgid -> where it is marked (`_(...)` or `N_(...)` in policy_sdk/)."""
    out: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "policy_sdk"), method_map=[("**.py", "python")],
        keywords={"_": None, "N_": None}, comment_tags=(),
    ):
        if isinstance(message, str) and message:
            out.setdefault(message, f"policy_sdk/{filename}:{lineno}")
    return out


def fields(text: str) -> list[str]:
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)


def test_every_marked_message_has_a_chinese_translation() -> None:
    table = i18n.catalog("zh")
    missing = [f"{where}: {msgid!r}" for msgid, where in sorted(marked_messages().items())
               if msgid not in table]
    assert not missing, "no zh_CN translation:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders_and_quoted_input() -> None:
    table = i18n.catalog("zh")
    broken = []
    for msgid, msgstr in table.items():
        if fields(msgid) != fields(msgstr):
            broken.append(f"{msgid!r}: placeholders {fields(msgid)} != {fields(msgstr)}")
        if msgid.count("`") != msgstr.count("`"):
            broken.append(f"{msgid!r}: backticks differ")
        if re.findall(r"%\(\w+\)s|%s", msgid) != re.findall(r"%\(\w+\)s|%s", msgstr):
            broken.append(f"{msgid!r}: %-placeholders differ")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("domain", ["policy_sdk", "messages"])
def test_the_compiled_catalog_equals_the_source(domain: str, tmp_path: Path) -> None:
    """read_po (what a checkout reads) and Babel's .mo (what the wheel ships) agree."""
    po = LOCALE / f"{domain}.po"
    with po.open("rb") as f:
        catalog = babel_read_po(f)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    import gettext

    compiled = gettext.GNUTranslations(io.BytesIO(buffer.getvalue()))
    table = {k: v for k, v in getattr(compiled, "_catalog", {}).items()
             if isinstance(k, str) and k and v}
    assert i18n.read_po(po.read_text(encoding="utf-8")) == table


def test_read_po_reads_continuations_and_skips_fuzzy_entries() -> None:
    text = (
        'msgid ""\nmsgstr "header"\n\n'
        'msgid "a "\n"b"\nmsgstr "甲"\n"乙"\n\n'
        '#, fuzzy\nmsgid "c"\nmsgstr "丙"\n\n'
        'msgid "d"\nmsgstr ""\n\n'
        'msgid "e \\"q\\""\nmsgstr "戊 \\"q\\""\n'
    )
    assert i18n.read_po(text) == {"a b": "甲乙", 'e "q"': '戊 "q"'}


def test_the_language_is_chosen_by_option_then_environment_then_locale() -> None:
    assert i18n.resolve_language("en", {"LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.resolve_language(None, {"POLICY_SDK_LANG": "zh", "LANG": "C"}) == "zh"
    assert i18n.resolve_language(None, {"LANG": "zh_CN.UTF-8"}) == "zh"
    assert i18n.resolve_language(None, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN"}) == "en"
    assert i18n.resolve_language(None, {}) == "en"
    assert i18n.resolve_language("zh-Hans") == "zh"


def test_the_language_is_per_context() -> None:
    import threading

    seen: dict[str, str] = {}

    def worker(lang: str) -> None:
        with i18n.use_language(lang):
            seen[lang] = i18n._("Usage:") + i18n.get_language()

    threads = [threading.Thread(target=worker, args=(lang,)) for lang in ("zh", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"zh": "Usage:zh", "en": "Usage:en"}


def test_a_provisional_deadline_is_recognised_in_chinese_too() -> None:
    from policy_sdk.engine.deadlines import PROVISIONAL
    from policy_sdk.engine.finding import PROVISIONAL_MARKS

    english, chinese = PROVISIONAL_MARKS
    assert PROVISIONAL.startswith(english)
    assert i18n.catalog("zh")[PROVISIONAL].startswith(chinese)
