"""Help text wrapping that knows Chinese: a line may break between any two Chinese
characters (there are no spaces to break at), widths count a Chinese character as two
terminal cells, and closing punctuation (，。；：）」 …) never starts a line.

click wraps help with :func:`click.formatting.wrap_text`, which breaks at spaces only
and counts characters: a Chinese paragraph would come out as one over-long line. The
command line installs :func:`wrap_text` in its place when it speaks Chinese (the same
paragraph rules as click's: blank lines separate paragraphs, a paragraph opened by a
``\\b`` line is kept as written).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from policy_sdk.errors import display_width

_WIDE: Final = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
#: one Chinese character (or full-width sign), a `quoted` run, a word, or spaces
_TOKEN: Final = re.compile(rf"\[[^\]\n]*\]|[{_WIDE}]|`[^`]*`|[^\s{_WIDE}]+|\s+")
#: characters that must not begin a line
_CLOSING: Final = frozenset("，。、；：？！）》」』】〕…—")
#: characters that must not end a line
_OPENING: Final = frozenset("（《「『【〔([{")
_CJK: Final = re.compile(f"[{_WIDE}]")


def fill(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """``text`` (one paragraph) broken into lines of at most ``width`` cells."""
    lines: list[str] = []
    line, used = initial_indent, display_width(initial_indent)
    start = len(line)
    for token in _TOKEN.findall(text):
        if token.isspace():
            if len(line) > start:  # no space at the start of a line
                line, used = line + " ", used + 1
            continue
        w = display_width(token)
        if used + w > width and len(line.rstrip()) > start and token[0] not in _CLOSING:
            carry = ""
            if line[-1] in _OPENING and len(line) - 1 > start:  # keep it with what follows
                line, carry = line[:-1], line[-1]
            lines.append(line.rstrip())
            line = subsequent_indent + carry
            used = display_width(line)
            start = len(subsequent_indent)
        line, used = line + token, used + w
    if len(line.rstrip()) > start or not lines:
        lines.append(line.rstrip())
    return "\n".join(lines)


def _join(parts: list[str]) -> str:
    """Lines of one paragraph as one: a space between them unless both sides are
    Chinese."""
    out = ""
    for part in parts:
        if out and not ((_CJK.match(out[-1]) and _CJK.match(part[0]))
                        or (out[-1] in _CLOSING and _CJK.match(out[-1]))):
            out += " "
        out += part
    return out


def wrap_text(text: str, width: int = 78, initial_indent: str = "",
              subsequent_indent: str = "", preserve_paragraphs: bool = False) -> str:
    """:func:`click.formatting.wrap_text`, knowing Chinese."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return fill(text, width, initial_indent, subsequent_indent)
    paragraphs: list[tuple[int, bool, str]] = []
    buf: list[str] = []
    indent: int | None = None

    def flush() -> None:
        if not buf:
            return
        if buf[0].strip() == "\b":
            paragraphs.append((indent or 0, True, "\n".join(buf[1:])))
        else:
            paragraphs.append((indent or 0, False, _join(buf)))
        del buf[:]

    for line in text.splitlines():
        if not line:
            flush()
            indent = None
        else:
            if indent is None:
                stripped = line.lstrip()
                indent = len(line) - len(stripped)
                line = stripped
            buf.append(line)
    flush()
    out = []
    for extra, raw, body in paragraphs:
        first, rest = initial_indent + " " * extra, subsequent_indent + " " * extra
        if raw:
            out.append("\n".join(first + line for line in body.splitlines()))
        else:
            out.append(fill(body, width, first, rest))
    return "\n\n".join(out)


_ORIGINAL: dict[str, Callable[..., Any]] = {}


#: stands for a hyphen inside a word while click wraps English help (a private-use
#: character, one cell wide like the hyphen)
_HYPHEN: Final = "\ue000"
_INNER_HYPHEN: Final = re.compile(r"(?<=\w)-(?=\w)")


def english_wrap_text(text: str, *args: Any, **kwargs: Any) -> str:
    """click's own wrapping, except that a word is never broken at a hyphen inside it
    (``--no-default-pack`` split as ``--no-`` / ``default-pack``, ``YYYY-MM-`` / ``DD``);
    every other break is click's."""
    original = _ORIGINAL["wrap_text"]
    if _HYPHEN in text:  # pragma: no cover - never in our help texts
        return str(original(text, *args, **kwargs))
    wrapped = str(original(_INNER_HYPHEN.sub(_HYPHEN, text), *args, **kwargs))
    return wrapped.replace(_HYPHEN, "-")


def install(chinese: bool) -> None:
    """Wrap click's help the Chinese way (``chinese``) or click's own way (never
    breaking a word at a hyphen)."""
    import click.formatting

    _ORIGINAL.setdefault("wrap_text", click.formatting.wrap_text)
    click.formatting.wrap_text = wrap_text if chinese else english_wrap_text
