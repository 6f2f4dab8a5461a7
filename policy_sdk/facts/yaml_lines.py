"""The fast path for YAML: block-style documents of simple lines, read line by line.

Large YAML facts files are written by programs, one ``key: value`` or ``- item`` per
line. Such a file is read here about three times faster than through libyaml's events
(:mod:`policy_sdk.facts.yaml12`), with the same values and the same positions (worked
out when first asked for, from the place of each value recorded on the way). Any
text outside the subset below makes :func:`read_lines` answer None, and the caller
composes the file from libyaml's events, which reports every problem in words.

The subset (each line, after its indentation of spaces):

* blank, or a comment starting with ``#``;
* ``key: value``, ``key:`` (a block mapping or list follows, deeper or, for a list, at
  the same column), ``- key: value``, ``- key:`` (a mapping as a list item) or
  ``- value``; keys are names (a letter or ``_``, then letters, digits, ``_`` or ``-``;
  plain or in single quotes), each once per mapping;
* a value is a plain scalar (not starting with an indicator such as ``-``, ``[``,
  ``{``, ``&``, ``*``, ``!``, ``|``, ``>``, ``'``, ``"``, ``#``, ``%``, ``@``; no ``: ``,
  no ``#``, no two spaces, nothing after it), ``'text'`` without ``'`` inside, or
  ``"text"`` without ``"`` or ``\\`` inside, or an empty ``[]`` or ``{}``.

The text ends with a newline and holds no tab, carriage return or other character
libyaml refuses or takes as a line break, and is not bigger than the composer allows.
Plain scalars are read with :func:`~policy_sdk.facts.yaml12.plain_value`, as the
composer reads them.
``tests/facts/test_yaml_lines.py`` compares the two on generated documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Final

from policy_sdk.facts.yaml12 import MAX_DEPTH, MAX_YAML_NODES, Marks, YamlFailure, plain_value

__all__ = ["read_lines"]

_VALUE: Final = (r"(?:[^-?:,\[\]{}#&*!|>'\"%@`\s](?:[^\s#:]|:(?=[^\s])|[ ](?=[^\s#]))*"
                 r"|'[^'\n]*'|\"[^\"\\\n]*\"|\[\]|\{\})")
#: groups: indentation, `- `, key, the key's value, a list item's value; a blank or
#: comment line matches with no groups
_LINE: Final = re.compile(
    r"[ ]*(?:#.*)?$|([ ]*)(-[ ]+)?(?:([^\W\d][\w-]*|'[^\W\d][\w-]*'):(?:[ ]+(" + _VALUE + r"))?|("
    + _VALUE + r"))$"
)
#: a character libyaml refuses, or takes as a line break (NEL, U+2028, U+2029)
_NOT_PLAIN_TEXT: Final = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd"
                                    "\U00010000-\U0010ffff]")
_NOT_KEYS: Final = frozenset({"null", "Null", "NULL", "true", "True", "TRUE", "false",
                              "False", "FALSE"})


def read_lines(text: str) -> tuple[Any, Callable[[], Marks]] | None:
    """The document :func:`~policy_sdk.facts.yaml12.compose` would give and a function
    giving its marks (worked out when called), or None when ``text`` is outside the
    subset."""
    if (not text.endswith("\n") or text.startswith("\ufeff")
            or text.count("\n") * 3 > MAX_YAML_NODES or _NOT_PLAIN_TEXT.search(text)):
        return None
    # the place of every value, in the order a walk of the document meets them
    places: list[tuple[int, int, int, int]] = []
    place = places.append
    known: dict[str, Any] = {}  # scalar text -> its value (never a container)
    miss = _MISS
    match = _LINE.match
    # frames: [indent, container, is_mapping]
    root: dict[str, Any] = {}
    stack: list[list[Any]] = [[0, root, True]]
    top = stack[0]
    pending: tuple[list[Any], str] | None = None  # (frame, key): `key:` still open
    lineno = 0
    try:
        for line in text.split("\n"):
            lineno += 1
            m = match(line)
            if m is None:
                return None
            ind, dash, key, raw, item = m.groups()
            if ind is None:
                continue  # blank or a comment
            indent = len(ind)
            if pending is not None:
                frame, pkey = pending
                pending = None
                if dash is not None and indent >= frame[0]:
                    child: Any = []
                elif dash is None and indent > frame[0]:
                    child = {}
                else:
                    return None  # `key:` with nothing: left to the composer
                if len(stack) >= MAX_DEPTH:
                    return None
                frame[1][pkey] = child
                place((lineno, indent + 1, lineno, indent + 2))
                top = [indent, child, dash is None]
                stack.append(top)
            elif top[0] != indent or top[2] != (dash is None):
                while stack and (stack[-1][0] > indent or (
                        stack[-1][0] == indent and not stack[-1][2] and dash is None)):
                    stack.pop()
                if not stack:
                    return None
                top = stack[-1]
                if top[0] != indent or top[2] != (dash is None):
                    return None
            if dash is not None:  # a new item of the list `top`
                if key is None:
                    value = known.get(item, miss)
                    if value is miss:
                        value = _scalar(item, known)
                    top[1].append(value)
                    column = len(line) - len(item) + 1
                    place((lineno, column, lineno, column + len(item)))
                    continue
                if len(stack) >= MAX_DEPTH:
                    return None
                column = indent + len(dash) + 1
                mapping: dict[str, Any] = {}
                top[1].append(mapping)
                place((lineno, column, lineno, column + 1))
                top = [column - 1, mapping, True]
                stack.append(top)
            # `key: value` or `key:` in the mapping `top`
            if key is None:
                return None  # a value where a key belongs (a scalar going on)
            if key[0] == "'":
                key = key[1:-1]
            if key in _NOT_KEYS or key in top[1]:
                return None
            if raw is None:
                pending = (top, key)
                continue
            value = known.get(raw, miss)
            if value is miss:
                value = _scalar(raw, known)
            top[1][key] = value
            column = len(line) - len(raw) + 1
            place((lineno, column, lineno, column + len(raw)))
    except YamlFailure:
        return None  # a number too long to read: the composer says so
    if pending is not None or not root:
        return None
    return root, lambda: _marks(root, places)


def _marks(root: dict[str, Any], places: list[tuple[int, int, int, int]]) -> Marks:
    """data path -> place: the places given in the order a depth-first walk of ``root``
    (mappings in key order, lists in order, each value before its contents) meets the
    values, as the line reader recorded them."""
    marks: Marks = {}
    found = iter(places)
    # frames: (path, is_mapping, iterator over (key or index, value))
    stack: list[tuple[str, bool, Iterator[tuple[Any, Any]]]] = [("", True, iter(root.items()))]
    while stack:
        base, is_map, children = stack[-1]
        for key, value in children:
            path = (f"{base}.{key}" if base else key) if is_map else f"{base}[{key}]"
            marks[path] = next(found)
            if value and (value.__class__ is dict or value.__class__ is list):
                stack.append((path, value.__class__ is dict,
                              iter(value.items() if value.__class__ is dict
                                   else enumerate(value))))
                break
        else:
            stack.pop()
    return marks


_MISS: Final[Any] = object()


def _scalar(raw: str, known: dict[str, Any]) -> Any:
    """The value of ``raw``, remembered in ``known`` unless it is a (new) container."""
    first = raw[0]
    if first == "[" or first == "{":
        return [] if first == "[" else {}
    value = raw[1:-1] if first == "'" or first == '"' else plain_value(raw)
    known[raw] = value
    return value
