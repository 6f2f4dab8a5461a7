"""YAML 1.2 (core schema) over libyaml events: values, their positions, soft errors.

Not PyYAML's 1.1 defaults: only ``true``/``false`` are booleans (``on``, ``yes`` and
``no`` stay text), ``010`` is ten, ``1:30`` is text, ``2026-03-02`` is a date. A
duplicate key is an error (a key merged in with ``<<`` gives way to one written in the
mapping itself, as YAML's merge keys say). Aliases are shared, never expanded; nesting,
the number of values and the length of a number are bounded. Text holds no NUL and no
lone surrogate. Values are built here without recursion, which also records the
position of every value cheaply.

The events come from libyaml (PyYAML's C parser) when it is installed, otherwise from
PyYAML's pure-Python parser (the same events, slower).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

import yaml

from policy_sdk.errors import Diagnostic, Span

__all__ = ["MAX_DEPTH", "MAX_NUMBER_DIGITS", "MAX_YAML_NODES", "Marks", "YamlFailure",
           "compose", "plain_value"]

MAX_DEPTH: Final = 32
"""Deepest nesting of mappings and lists accepted (a facts file needs 4)."""

MAX_YAML_NODES: Final = 20_000_000
"""Most YAML nodes (scalars, mappings, lists; an alias counts once) accepted."""

MAX_NUMBER_DIGITS: Final = 4300
"""Longest integer accepted, in digits (Python's own limit for reading one)."""

#: data path -> (line, column, end line, end column), 1-based; a value spanning lines
#: is marked by its first character
Marks = dict[str, tuple[int, int, int, int]]

_Parser: Any = yaml.CBaseLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN: Final[dict[str, Any]] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT: Final = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"),
                         ".Inf": float("inf"), "+.Inf": float("inf"), "-.Inf": float("-inf"),
                         ".INF": float("inf"), "+.INF": float("inf"), "-.INF": float("-inf"),
                         ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan")}
_NUMBER_START = frozenset("0123456789+-.")
_TAG = "tag:yaml.org,2002:"
#: characters no text value may hold: NUL and the halves of UTF-16 pairs
BAD_TEXT: Final = re.compile("[\x00\ud800-\udfff]")


class YamlFailure(Exception):
    """A problem at a place of the YAML text (``mark`` None: where the parser stands)."""

    def __init__(self, code: str, message: str, mark: Any, help: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark
        self.help = help


def bad_text_message(value: str) -> tuple[str, str, str]:
    """(code, message, help) for text holding a NUL or a lone surrogate."""
    found = BAD_TEXT.search(value)
    assert found is not None
    char = found.group()
    if char == "\x00":
        return ("nul", "the facts file contains a NUL character (`\\u0000`)",
                "text values cannot hold NUL; remove it")
    return ("surrogate", f"text holds a lone surrogate `\\u{ord(char):04x}`, which is not a "
            "character", "half of a UTF-16 pair cannot stand alone; check the program "
            "that wrote this file")


def plain_value(value: str) -> Any:
    """A plain (unquoted, untagged) scalar as the YAML 1.2 core schema reads it."""
    if value in _PLAIN:
        return _PLAIN[value]
    if value[0] in _NUMBER_START:
        if len(value) == 10 and _DATE_TEXT.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value  # not a real day: reported where a date is expected
        if _INT.fullmatch(value):
            if len(value) > MAX_NUMBER_DIGITS:
                raise YamlFailure("too-large", f"a number has more than {MAX_NUMBER_DIGITS} "
                                  "digits", None, "write a long code as text, in quotes")
            if value.startswith("0o"):
                return int(value[2:], 8)
            return int(value, 0) if value.startswith("0x") else int(value)
        if _FLOAT.fullmatch(value):
            return float(value)
        if value in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[value]
    return value


def _tagged(tag: str, value: str, mark: Any) -> Any:
    if tag in ("!", _TAG + "str"):
        return value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool" and value in ("true", "false", "True", "False", "TRUE", "FALSE"):
        return value.lower() == "true"
    if tag in (_TAG + "int", _TAG + "float"):
        out = plain_value(value) if value else value
        if isinstance(out, int | float) and not isinstance(out, bool):
            return float(out) if tag.endswith("float") else out
    if tag == _TAG + "timestamp":
        out = plain_value(value) if value else value
        if isinstance(out, dt.date):
            return out
    if tag.startswith(_TAG) and tag[len(_TAG):] in ("bool", "int", "float", "timestamp", "null"):
        raise YamlFailure("malformed", f"`{value}` is not a valid `!!{tag[len(_TAG):]}`", mark)
    raise YamlFailure("yaml-tag", f"unsupported YAML tag `{tag}`", mark,
                      "facts files use plain values; remove the tag")


class _Sentinel:
    def __repr__(self) -> str:  # pragma: no cover
        return "<sentinel>"


_NO_KEY: Any = _Sentinel()
_BAD_KEY: Any = _Sentinel()


def compose(text: str, file: str) -> tuple[Any, Marks, list[Diagnostic]]:
    """The document of ``text``, the position of every value by data path, and soft
    errors (duplicate keys, keys that are not text). Raises :class:`YamlFailure` or
    ``yaml.YAMLError`` (see :func:`failure_parts`)."""
    marks: Marks = {}
    soft: list[Diagnostic] = []
    lines: list[str] | None = None
    # only a double-quoted scalar with an escape can hold NUL or a surrogate
    escapes = "\\" in text

    def soft_error(code: str, message: str, mark: Any, path: str | None) -> None:
        nonlocal lines
        if lines is None:
            lines = text.splitlines()
        line, col = mark.line + 1, mark.column + 1
        soft.append(Diagnostic(code=code, message=message, path=path, file=file,
                               span=Span(file, line, col, line, col + 1),
                               source_line=lines[line - 1] if line <= len(lines) else None))

    parser = _Parser(text)  # libyaml's reader may refuse control characters here
    # frames: [container, path, is_mapping, pending key or _NO_KEY, merged keys or None,
    #          start mark, anchor]
    stack: list[list[Any]] = []
    anchors: dict[str, Any] = {}
    root: Any = _NO_KEY
    documents = 0
    nodes = 0
    ScalarEvent, AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
    MappingStart, SequenceStart = yaml.MappingStartEvent, yaml.SequenceStartEvent
    MappingEnd, SequenceEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent

    def add(value: Any, start: Any, end: Any) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        if frame[2]:
            if frame[3] is _NO_KEY:
                if value.__class__ is not str:
                    shown = value.isoformat() if isinstance(value, dt.date) else value
                    soft_error("key-type", f"a key must be text, not `{shown}`", start, frame[1]
                               or None)
                    frame[3] = _BAD_KEY
                    return
                if value in frame[0] and value != "<<":
                    merged = frame[4]
                    if merged is None or value not in merged:
                        soft_error("duplicate-key", f"duplicate key `{value}`", start,
                                   f"{frame[1]}.{value}" if frame[1] else value)
                        frame[3] = _BAD_KEY
                        return
                    merged.discard(value)  # written here: wins over the merged one
                frame[3] = value
                return
            key = frame[3]
            frame[3] = _NO_KEY
            if key is _BAD_KEY:
                return
            if key == "<<":
                _merge(frame, value, start)
                return
            path = f"{frame[1]}.{key}" if frame[1] else key
            frame[0][key] = value
        else:
            path = f"{frame[1]}[{len(frame[0])}]"
            frame[0].append(value)
        line, column = start.line + 1, start.column + 1
        # where a value spanning lines ends is of no use to anyone: kept as one character
        marks[path] = ((line, column, line, end.column + 1) if end.line + 1 == line
                       else (line, column, line, column + 1))

    event: Any = None
    try:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is ScalarEvent:
                nodes += 1
                value = event.value
                if event.tag is None or (event.tag == "!" and event.implicit[0]):
                    value = plain_value(value) if event.implicit[0] else value
                elif event.implicit[0] or event.implicit[1]:
                    value = value if event.tag in ("!", _TAG + "str") else _tagged(
                        event.tag, value, event.start_mark)
                else:
                    value = _tagged(event.tag, value, event.start_mark)
                if escapes and event.style == '"' and BAD_TEXT.search(event.value):
                    code, message, help = bad_text_message(event.value)
                    raise YamlFailure(code, message, event.start_mark, help)
                if event.anchor is not None:
                    anchors[event.anchor] = value
                add(value, event.start_mark, event.end_mark)
            elif kind is MappingStart or kind is SequenceStart:
                nodes += 1
                if len(stack) >= MAX_DEPTH:
                    raise YamlFailure("too-deep",
                                      f"the facts file is nested deeper than {MAX_DEPTH} levels",
                                      event.start_mark)
                tag = event.tag
                is_map = kind is MappingStart
                if tag not in (None, "!", _TAG + ("map" if is_map else "seq")):
                    raise YamlFailure("yaml-tag", f"unsupported YAML tag `{tag}`",
                                      event.start_mark,
                                      "facts files use plain values; remove the tag")
                if stack:
                    parent = stack[-1]
                    if parent[2]:
                        key = parent[3]
                        path = f"{parent[1]}.{key}" if parent[1] else str(key)
                    else:
                        path = f"{parent[1]}[{len(parent[0])}]"
                else:
                    path = ""
                stack.append([{} if is_map else [], path, is_map, _NO_KEY, None,
                              event.start_mark, event.anchor])
            elif kind is MappingEnd or kind is SequenceEnd:
                frame = stack.pop()
                if frame[6] is not None:
                    anchors[frame[6]] = frame[0]
                add(frame[0], frame[5], event.end_mark)
            elif kind is AliasEvent:
                nodes += 1
                if event.anchor not in anchors:
                    raise YamlFailure("yaml-alias",
                                      f"alias `*{event.anchor}` names no anchor defined before it",
                                      event.start_mark)
                add(anchors[event.anchor], event.start_mark, event.end_mark)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlFailure("malformed",
                                      "a facts file holds one YAML document, not several",
                                      event.start_mark, "remove the `---` separator")
            elif kind is yaml.StreamEndEvent:
                break
            if nodes > MAX_YAML_NODES:
                raise YamlFailure("too-large",
                                  f"the facts file has more than {MAX_YAML_NODES} values",
                                  event.start_mark)
    except YamlFailure as exc:
        if exc.mark is None and event is not None:
            exc.mark = event.start_mark
        raise
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    return (None if root is _NO_KEY else root), marks, soft


def _merge(frame: list[Any], value: Any, mark: Any) -> None:
    """``<<: value`` into the mapping of ``frame``: keys it does not have yet (a key
    written in the mapping, before or after the ``<<``, wins)."""
    target: dict[str, Any] = frame[0]
    merged: set[str] = frame[4] if frame[4] is not None else set()
    frame[4] = merged
    for source in value if isinstance(value, list) else [value]:
        if not isinstance(source, dict):
            raise YamlFailure("malformed", "`<<` merges mappings only", mark)
        for k, v in source.items():
            if k not in target:
                target[k] = v
                merged.add(k)


# --- what libyaml says, in words ----------------------------------------------------------

_INDENT_HELP: Final = ("the keys of one mapping start in the same column, and so do the "
                       "`- ` of one list; indent with spaces")


def failure_parts(exc: yaml.YAMLError, text: str) -> tuple[str, int | None, int, str | None]:
    """(message, line, column, help) for anything PyYAML or libyaml raised."""
    if isinstance(exc, yaml.reader.ReaderError):
        position = max(0, min(exc.position, len(text)))
        at_line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        message = (f"malformed YAML: character U+{exc.character:04X} is not allowed in a YAML file"
                   if isinstance(exc.character, int) else f"malformed YAML: {exc.reason}")
        return message, at_line, column, None
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else 1
    at = _char_at(text, mark)
    help: str | None = None
    if at == "\t" and "cannot start any token" in problem:
        message = "malformed YAML: a tab character where YAML expects spaces"
        help = "indent with spaces; YAML does not allow tabs for indentation"
    elif problem.startswith("expected <block end>") or problem == "did not find expected key":
        message = "malformed YAML: this line is not indented like the lines around it"
        help = _INDENT_HELP
    elif problem.startswith("mapping values are not allowed"):
        message = "malformed YAML: a `key:` where no key can start"
        help = ("check the indentation of this line and the one above; a value that "
                "holds `: ` must be quoted")
    elif problem == "found invalid Unicode character escape code":
        message = "malformed YAML: an escape that is not a character (a lone surrogate?)"
        help = "text must be valid Unicode; check the program that wrote this file"
    else:
        message = f"malformed YAML: {problem}" + (f" ({context})" if context else "")
    return message, line, column, help


def _char_at(text: str, mark: Any) -> str | None:
    """The character at ``mark`` (line and column; libyaml's index counts bytes)."""
    if mark is None:
        return None
    start = 0
    for _ in range(mark.line):
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    index = start + mark.column
    return text[index] if index < len(text) else None
