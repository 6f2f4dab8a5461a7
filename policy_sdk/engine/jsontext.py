"""Indented JSON text, fast: what ``json.dumps(value, ensure_ascii=False, indent=N)`` gives.

With ``indent`` the standard library encodes in pure Python, one generator step per
token, which costs about as much as building a report's findings. Reports are
plain dicts, lists and strings, so :func:`dumps` writes those directly (strings
through the standard library's C string encoder) into one list of pieces. Anything
else — a float, a key that is not text, a value of another type — makes it hand the
whole value to :func:`json.dumps`, so the text is always exactly the standard one.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C implementation when available
from typing import Any

__all__ = ["dumps", "dumps_nested"]


class _Unusual(Exception):
    """A value the fast path leaves to :func:`json.dumps`."""


def dumps(value: Any, indent: int | None = 2) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=indent)``, the same text."""
    if indent is None or type(indent) is not int:
        return json.dumps(value, ensure_ascii=False, indent=indent)
    writer = _Writer(" " * indent)
    try:
        writer.value(value, 0)
    except (_Unusual, RecursionError):
        return json.dumps(value, ensure_ascii=False, indent=indent)
    return "".join(writer.out)


def dumps_nested(value: Any, indent: int | None, depth: int) -> str:
    """The text ``value`` has where :func:`dumps` writes it ``depth`` levels deep in an
    enclosing value (its nested lines indented as there; its own first line is not).

    Raises ``ValueError`` for a value the fast path leaves to :func:`json.dumps`.
    """
    if indent is None:
        return json.dumps(value, ensure_ascii=False)
    if type(indent) is not int:
        raise ValueError("indent")
    writer = _Writer(" " * indent)
    try:
        writer.value(value, depth)
    except (_Unusual, RecursionError):
        raise ValueError("unusual value") from None
    return "".join(writer.out)


class _Writer:
    __slots__ = ("_newlines", "_shapes", "_step", "out")

    def __init__(self, step: str) -> None:
        self._step = step
        self.out: list[str] = []
        self._newlines: list[str] = []  # depth -> newline and indentation
        #: (a dict's keys, depth) -> what precedes each value
        self._shapes: dict[tuple[tuple[Any, ...], int], list[str]] = {}

    def _newline(self, depth: int) -> str:
        newlines = self._newlines
        while len(newlines) <= depth:
            newlines.append("\n" + self._step * len(newlines))
        return newlines[depth]

    def value(self, value: Any, depth: int) -> None:
        t = type(value)
        if t is str:
            self.out.append(encode_basestring(value))
        elif value is None:
            self.out.append("null")
        elif value is True:
            self.out.append("true")
        elif value is False:
            self.out.append("false")
        elif t is int:
            self.out.append(int.__repr__(value))
        elif t is dict:
            self._dict(value, depth)
        elif t is list or t is tuple:
            self._list(value, depth)
        else:
            raise _Unusual

    def _dict(self, value: dict[Any, Any], depth: int) -> None:
        out = self.out
        if not value:
            out.append("{}")
            return
        keys = tuple(value)
        prefixes = self._shapes.get((keys, depth))
        if prefixes is None:
            prefixes = self._shapes[(keys, depth)] = self._prefixes(keys, depth + 1)
        inner = depth + 1
        for prefix, item in zip(prefixes, value.values(), strict=True):
            out.append(prefix)
            if type(item) is str:
                out.append(encode_basestring(item))
            else:
                self.value(item, inner)
        out.append(self._newline(depth) + "}")

    def _prefixes(self, keys: tuple[Any, ...], depth: int) -> list[str]:
        """What precedes each value of a dict with ``keys``: '{\\n  "key": ' first, then
        ',\\n  "key": '."""
        if any(type(key) is not str for key in keys):
            raise _Unusual
        newline = self._newline(depth)
        return [("," if i else "{") + newline + encode_basestring(key) + ": "
                for i, key in enumerate(keys)]

    def _list(self, value: list[Any] | tuple[Any, ...], depth: int) -> None:
        out = self.out
        if not value:
            out.append("[]")
            return
        newline = self._newline(depth + 1)
        out.append("[" + newline)
        separator = "," + newline
        try:  # the usual list: all text
            out.append(separator.join(map(encode_basestring, value)))
        except TypeError:
            first = True
            for item in value:
                if not first:
                    out.append(separator)
                first = False
                self.value(item, depth + 1)
        out.append(self._newline(depth) + "]")
