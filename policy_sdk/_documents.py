"""One strict reader for the YAML and JSON documents the tool reads besides facts.

Policy test files (``*.tests.yaml``) and calendar files are read with the facts
loader's reader, so they get the same guarantees (``docs/facts.md``): YAML 1.2
(``010`` is 10, ``1:30`` is text, only ``true``/``false`` are booleans), duplicate
keys are errors, alias, size and nesting limits, no NUL. On top of that this module
refuses what the facts loader's reading functions let through: numbers of more than
4,300 digits (Python's limit on converting text to an integer), lone surrogates in
text (they cannot be written as UTF-8), JSON nested deeper than the YAML limit and
aliases that expand to more than :data:`MAX_EXPANDED_VALUES` values.

The facts loader's reading functions are imported in :func:`_facts_reader` only, so
that when they move to a module of their own there is one line to change.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from policy_sdk.errors import Diagnostic, FactsError, PolicySdkError

__all__ = ["MAX_EXPANDED_VALUES", "read_document"]

MAX_EXPANDED_VALUES: Final = 1_000_000
"""Most values a document may stand for once its aliases are expanded."""

MAX_NESTING: Final = 32
"""Deepest nesting of mappings and lists (the facts loader's limit, for JSON too)."""

_DIGITS = re.compile(r"(?:\d+ digits|integer string conversion)")


def _facts_reader() -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    """The facts loader's reading functions: read a file, parse JSON, parse YAML."""
    from policy_sdk.facts.load import _parse_json, _parse_yaml, _read

    return _read, _parse_json, _parse_yaml


def read_document(
    path: str | os.PathLike[str],
    *,
    what: str,
    error: Callable[[list[Diagnostic]], PolicySdkError],
    max_bytes: int,
) -> Any:
    """The document in the YAML or JSON file at ``path`` (JSON when it ends in ``.json``).

    ``what`` names the kind of file in messages (``"test file"``); every problem is
    raised as ``error(diagnostics)``.
    """
    read, parse_json, parse_yaml = _facts_reader()
    file = os.fspath(path)
    try:
        size = Path(file).stat().st_size
    except (OSError, ValueError):
        size = 0  # the reader words it
    if size > max_bytes:
        raise error([Diagnostic("too-large", f"the {what} is {size} bytes; the limit is "
                                f"{max_bytes} bytes", file=file)])
    try:
        file, text = read(Path(file))
        if len(text) > max_bytes:
            raise error([Diagnostic("too-large", f"the {what} is larger than {max_bytes} "
                                    "bytes", file=file)])
        if file.endswith(".json"):
            document = parse_json(text, file)
        else:
            document, _, soft = parse_yaml(text, file)
            if soft:
                raise FactsError(soft)
    except FactsError as exc:
        raise error([_reworded(d, what) for d in exc.diagnostics]) from None
    except ValueError as exc:  # a YAML integer beyond Python's conversion limit
        if _DIGITS.search(str(exc)) is None:  # pragma: no cover - no other ValueError known
            raise
        raise error([_too_many_digits(file)]) from None
    _check_values(document, file, what, error)
    return document


def _reworded(d: Diagnostic, what: str) -> Diagnostic:
    message = d.message
    if _DIGITS.search(message):
        return _too_many_digits(d.file)
    if d.code == "io":
        message = message.replace("cannot read `", f"cannot read {what} `", 1)
    message = (message.replace("the facts file", f"the {what}")
               .replace("a facts file", f"a {what}").replace("facts files", f"{what}s"))
    help = d.help.replace("facts files", f"{what}s") if d.help else d.help
    if help == "split the facts or load them as a mapping":
        help = None
    file = d.file.replace("\x00", "\\0") if d.file else d.file  # never print a NUL
    return Diagnostic(d.code, message, level=d.level, span=d.span, path=d.path, file=file,
                      help=help, source_line=d.source_line)


def _too_many_digits(file: str | None) -> Diagnostic:
    return Diagnostic("bad-number", "a number has more than 4300 digits", file=file,
                      help="write it as text in quotes if it is an identifier")


def _check_values(
    document: Any, file: str, what: str, error: Callable[[list[Diagnostic]], PolicySdkError]
) -> None:
    """Refuse lone surrogates in text, nesting beyond :data:`MAX_NESTING` and alias
    expansion beyond :data:`MAX_EXPANDED_VALUES`; each shared value is visited once."""
    sizes: dict[int, int] = {}  # id(container) -> values it stands for, expanded
    # iterative post-order walk: (value, depth, data path, children done)
    stack: list[tuple[Any, int, str, bool]] = [(document, 0, "", False)]
    while stack:
        value, depth, where, done = stack.pop()
        if isinstance(value, str):
            _check_text(value, file, where, what, error)
            continue
        if not isinstance(value, dict | list):
            continue
        key = id(value)
        if done:
            children = value.values() if isinstance(value, dict) else value
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            sizes[key] = total
            if total > MAX_EXPANDED_VALUES:
                raise error([Diagnostic(
                    "too-large", f"the {what}'s aliases expand to more than "
                    f"{MAX_EXPANDED_VALUES} values", file=file)])
            continue
        if key in sizes:
            continue
        if depth >= MAX_NESTING:
            raise error([Diagnostic("too-deep", f"the {what} is nested deeper than "
                                    f"{MAX_NESTING} levels", file=file, path=where or None)])
        sizes[key] = 1  # seen (a value met again while walking below itself is not a cycle
        # YAML can build: anchors are defined before their aliases)
        stack.append((value, depth, where, True))
        if isinstance(value, dict):
            for k, v in value.items():
                path = f"{where}.{k}" if where else str(k)
                if isinstance(k, str):
                    _check_text(k, file, path, what, error)
                stack.append((v, depth + 1, path, False))
        else:
            for i, v in enumerate(value):
                stack.append((v, depth + 1, f"{where}[{i}]", False))


def _check_text(
    text: str, file: str, where: str, what: str,
    error: Callable[[list[Diagnostic]], PolicySdkError],
) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise error([Diagnostic(
            "encoding", f"text in the {what} holds a lone surrogate U+{ord(text[exc.start]):04X}, "
            "which is not a character", file=file, path=where or None,
            help="write the character itself, or a `\\u` escape of a whole surrogate pair")]
        ) from None
    if "\x00" in text:
        raise error([Diagnostic("nul", f"text in the {what} contains a NUL character",
                                file=file, path=where or None)])
