"""The fast path for YAML: block-style documents of simple lines, read line by line.

Large YAML facts files are written by programs, one ``key: value`` or ``- item`` per
line. Such a file is read here several times faster than through libyaml's events
(:mod:`policy_sdk.facts.yaml12`), with the same values and the same positions (worked
out when asked for, from the text). Any text outside the subset below makes
:func:`read_lines` answer None, and the caller composes the file from libyaml's
events, which reports every problem in words.

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

The text is read section by section (a section: a line at column 0 that starts a key,
and the lines up to the next one). Most sections are read line by line
(:func:`_read_block`). A section that is a plain table (``key:`` then a list of flat
mappings, every line ``- name: value`` or ``  name: value`` at one indentation, no
blank or comment line inside, values without ``\\``, ``#``, ``[]``/``{}`` or (in plain
text) quotes) is checked once per distinct line, turned into JSON with a few C-speed
text replacements and decoded by :mod:`json` (:func:`_read_table`); its slow twin is
the line reader, which reads any table too (``tests/facts/test_yaml_tables.py``
compares the two, documents and positions). Positions are worked out only when asked
for (:class:`Places`): one path's from the text of its row (a diagnostic's), all of
them (``Facts.locations``) from the tables' lines in C calls and from the places the
line reader noted.
``tests/facts/test_yaml_lines.py`` compares the line reader with the composer on
generated documents.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterator
from itertools import accumulate, compress, count, pairwise, repeat
from operator import add, getitem, is_not
from typing import Any, Final

from policy_sdk._gc import gc_paused
from policy_sdk.facts.yaml12 import MAX_DEPTH, MAX_YAML_NODES, Marks, YamlFailure, plain_value

__all__ = ["Places", "first_lines", "read_lines", "read_sections"]

Place = tuple[int, int, int, int]

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
#: where a section starts: a line at column 0 that is not blank, a comment or a list item
_SECTION: Final = re.compile(r"\n(?=[^\s#-])")


class Places:
    """Where the values of a document read by :func:`read_sections` stand, worked out
    from the text when asked for: :meth:`marks` (every value) or :meth:`mark` (one)."""

    def __init__(self, sections: list[_Section]) -> None:
        self._sections = sections
        self._by_key = {key: s for s in sections for key in s.keys}
        self._firsts = [s._line for s in sections]

    def source(self, number: int) -> str | None:
        """The text of line ``number`` (1-based; None past the last line)."""
        at = bisect_right(self._firsts, number) - 1
        if at < 0:
            return None
        section = self._sections[at]
        lines = section.lines()
        index = number - section._line
        return lines[index] if index < len(lines) - 1 else None

    @property
    def tables(self) -> tuple[str, ...]:
        """The sections read as tables (their keys), in the order of the document."""
        return tuple(s.keys[0] for s in self._sections if isinstance(s, _Table))

    def marks(self) -> Marks:
        """data path -> place of every value, in the order of the document."""
        marks: Marks = {}
        with gc_paused():  # millions of small tuples and no cycle, as when loading
            for section in self._sections:
                section.marks(marks)
        return marks

    def count(self) -> int:
        """How many values there are (as many as :meth:`marks` has)."""
        return sum(s.count() for s in self._sections)

    def first_lines(self) -> dict[str, int]:
        """:func:`first_lines` of :meth:`marks`, without working out every position:
        for a table, its rows' first lines."""
        out: dict[str, int] = {}
        for section in self._sections:
            section.first_lines(out)
        return out

    def mark(self, path: str) -> Place | None:
        """The place of the value at data ``path``, or None if there is no such value."""
        cut = len(path)
        for stop in (".", "["):
            at = path.find(stop)
            if at >= 0:
                cut = min(cut, at)
        section = self._by_key.get(path[:cut])
        return None if section is None else section.mark(path)


class _Section:
    """The lines of ``text[start:end]``, the first being line ``line`` of the file (the
    text is shared, not copied)."""

    keys: tuple[str, ...]

    def __init__(self, text: str, start: int, end: int, line: int) -> None:
        self._text = text
        self._start = start
        self._end = end
        self._line = line
        self._lines: list[str] | None = None

    def lines(self) -> list[str]:
        """The section's lines (and an empty one after its last line break)."""
        if self._lines is None:
            self._lines = self._text[self._start:self._end].split("\n")
        return self._lines

    def marks(self, into: Marks) -> None:
        """Add the place of each value of the section to ``into``."""
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def first_lines(self, into: dict[str, int]) -> None:
        raise NotImplementedError

    def mark(self, path: str) -> Place | None:
        raise NotImplementedError


class _Block(_Section):
    """A section read line by line: its places, in the order of a walk of its values."""

    def __init__(self, text: str, start: int, end: int, line: int, root: dict[str, Any],
                 places: list[Place]) -> None:
        super().__init__(text, start, end, line)
        self.keys = tuple(root)
        self._root: dict[str, Any] | None = root
        self._places = places
        self._marks: Marks | None = None

    def _all(self) -> Marks:
        if self._marks is None:
            assert self._root is not None
            self._marks = _marks(self._root, self._places)
            self._root = None
        return self._marks

    def marks(self, into: Marks) -> None:
        into.update(self._all())

    def count(self) -> int:
        return len(self._places)

    def first_lines(self, into: dict[str, int]) -> None:
        into.update(first_lines(self._all()))

    def mark(self, path: str) -> Place | None:
        return self._all().get(path)


_ROW_PATH: Final = re.compile(r"\[(0|[1-9][0-9]*)\](?:\.(.+))?")


class _Table(_Section):
    """A section read as a table (:func:`_read_table`): ``key:`` on line ``line``, its
    rows on the ``size`` lines after it, each row's first line starting with ``indent``
    spaces and ``dash`` (``-`` and spaces), the others with as many spaces."""

    def __init__(self, key: str, text: str, start: int, end: int, line: int, indent: int,
                 dash: str, size: int, rows: int) -> None:
        super().__init__(text, start, end, line)
        self.keys = (key,)
        self._rows = rows
        self._indent = indent
        self._dash = dash
        self._size = size
        self._starts: list[int] | None = None

    def count(self) -> int:
        return 1 + self._rows + self._size  # the list, its rows, their values

    def first_lines(self, into: dict[str, int]) -> None:
        key, first = self.keys[0], self._line
        lines = self.lines()[1:self._size + 1]
        starts = map(str.startswith, lines, repeat(" " * self._indent + self._dash))
        into[key] = first + 1
        into.update(zip(map(f"{key}[{{}}]".format, range(self._rows)),
                        compress(range(first + 1, first + 1 + len(lines)), starts),
                        strict=True))

    def marks(self, into: Marks) -> None:
        # every line of a row is `name: value` after the row's indentation: worked out
        # for all lines at once, in C calls (rows first, then their values)
        key, first = self.keys[0], self._line
        lines = self.lines()[1:self._size + 1]
        skip = self._indent + len(self._dash)  # where a row's names start
        ends = list(map(str.index, lines, repeat(": ")))
        starts = list(map(str.startswith, lines, repeat(" " * self._indent + self._dash)))
        numbers = list(range(first + 1, first + 1 + len(lines)))  # one int object each
        marks = into
        marks[key] = (first + 1, self._indent + 1, first + 1, self._indent + 2)
        heads = list(compress(numbers, starts))
        paths = list(map(f"{key}[{{}}]".format, range(len(heads))))
        marks.update(zip(paths, zip(heads, repeat(skip + 1), heads, repeat(skip + 2),
                                    strict=False), strict=True))
        prefixes = ["", *map(add, paths, repeat("."))]  # by row number, from 1
        names = map(getitem, lines, map(slice, repeat(skip), ends))
        marks.update(zip(map(add, map(prefixes.__getitem__, accumulate(starts)), names),
                         zip(numbers, map(add, ends, repeat(3)), numbers,
                             map(add, map(len, lines), repeat(1)), strict=True),
                         strict=True))

    def mark(self, path: str) -> Place | None:
        key = self.keys[0]
        column = self._indent + 1
        if path == key:  # the list: its first `-`
            return (self._line + 1, column, self._line + 1, column + 1)
        found = _ROW_PATH.fullmatch(path, len(key))
        if found is None:
            return None
        lines = self.lines()
        if self._starts is None:
            self._starts = list(compress(count(), map(
                str.startswith, lines, repeat(" " * self._indent + self._dash))))
        row = int(found.group(1))
        if row >= len(self._starts):
            return None
        first = self._starts[row]
        column += len(self._dash)  # the row's first key
        name = found.group(2)
        if name is None:
            return (self._line + first, column, self._line + first, column + 1)
        last = self._starts[row + 1] if row + 1 < len(self._starts) else self._size + 1
        head = name + ": "
        for number in range(first, last):
            text = lines[number]
            if text.startswith(head, column - 1):
                at = column + len(head)
                end = len(text) + 1
                return (self._line + number, at, self._line + number, end)
        return None


def read_lines(text: str) -> tuple[Any, Callable[[], Marks]] | None:
    """The document :func:`~policy_sdk.facts.yaml12.compose` would give and a function
    giving its marks (worked out when called), or None when ``text`` is outside the
    subset."""
    found = read_sections(text)
    return None if found is None else (found[0], found[1].marks)


def read_sections(text: str, *, tables: bool = True) -> tuple[dict[str, Any], Places] | None:
    """The document :func:`~policy_sdk.facts.yaml12.compose` would give and its
    :class:`Places`, or None when ``text`` is outside the subset. ``tables=False``
    reads every section line by line (the slow twin of the tables)."""
    if (not text.endswith("\n") or text.startswith("\ufeff")
            or text.count("\n") * 3 > MAX_YAML_NODES):
        return None
    root: dict[str, Any] = {}
    sections: list[_Section] = []
    starts = [0, *(m.end() for m in _SECTION.finditer(text))]
    starts.append(len(text))
    line = 1  # of the section's first line
    for a, b in pairwise(starts):
        part = text[a:b]
        table = _read_table(part) if tables else None
        if table is not None:
            key, rows, indent, dash, size = table
            if key in root:
                return None
            root[key] = rows
            sections.append(_Table(key, text, a, b, line, indent, dash, size, len(rows)))
        elif _NOT_PLAIN_TEXT.search(part):  # a table's lines are checked by _read_table
            return None
        else:
            found = _read_block(part, line)
            if found is None:
                return None
            block, places = found
            for key, value in block.items():
                if key in root:
                    return None
                root[key] = value
            sections.append(_Block(text, a, b, line, block, places))
        line += part.count("\n")
    if not root:
        return None
    return root, Places(sections)


def _read_block(text: str, first: int) -> tuple[dict[str, Any], list[Place]] | None:
    """The mapping of the lines of ``text`` (its first line is line ``first`` of the
    file) and the place of every value, in the order a walk of the mapping meets them;
    None when a line is outside the subset."""
    places: list[Place] = []
    place = places.append
    known: dict[str, Any] = {}  # scalar text -> its value (never a container)
    miss = _MISS
    match = _LINE.match
    # frames: [indent, container, is_mapping]
    root: dict[str, Any] = {}
    stack: list[list[Any]] = [[0, root, True]]
    top = stack[0]
    pending: tuple[list[Any], str] | None = None  # (frame, key): `key:` still open
    lineno = first - 1
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
    if pending is not None:
        return None
    return root, places


def _marks(root: dict[str, Any], places: list[Place]) -> Marks:
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


def first_lines(marks: Marks) -> dict[str, int]:
    """Entry (``deployments[3]``, or a top-level key) -> the first line of its values
    (what a report points at)."""
    out: dict[str, int] = {}
    for path, (line, _c, _l, _e) in marks.items():
        cut = path.find("]")
        entry = path[: cut + 1] if cut != -1 else path.split(".", 1)[0]
        if entry not in out or line < out[entry]:
            out[entry] = line
    return out


_MISS: Final[Any] = object()


def _scalar(raw: str, known: dict[str, Any]) -> Any:
    """The value of ``raw``, remembered in ``known`` unless it is a (new) container."""
    first = raw[0]
    if first == "[" or first == "{":
        return [] if first == "[" else {}
    value = raw[1:-1] if first == "'" or first == '"' else plain_value(raw)
    known[raw] = value
    return value


# --- tables -------------------------------------------------------------------------------

_KEY: Final = r"[^\W\d][\w-]*"
_TABLE_HEAD: Final = re.compile(f"({_KEY}):\n")
#: a value of a table: quoted text without `'`, `"` or `\` inside, or a plain scalar
#: without quotes or `\` (and, as every plain scalar here, no `: `, `#`, two spaces)
_CELL: Final = (r"(?:'[^'\"\\\n]*'|\"[^\"\\\n]*\""
                r"|[^-?:,\[\]{}#&*!|>'\"%@`\s\\](?:[^\s#:'\"\\]|:(?=[^\s])|[ ](?=[^\s#]))*)")
_TABLES: dict[tuple[int, int], re.Pattern[str]] = {}
_ROW: Final = re.compile(r"([ ]*)(-[ ]+)")
_WORDS: Final = "null|Null|NULL|true|True|TRUE|false|False|FALSE"
#: the cells read otherwise than as they are written (groups: key, cell): quoted, or
#: plain scalars that are not text
_SPECIAL: Final = re.compile(
    f"^[ ]*(?:-[ ]+)?({_KEY}): ((?:['\"0-9+.~]|(?:{_WORDS})$).*)$", re.M)
_QUOTED: Final = "\\u0002"  # marks double-quoted text in the JSON made of a table


def _table(indent: int, dash: int) -> re.Pattern[str]:
    """The lines of a table's rows (``dash``: the width of ``-`` and its spaces)."""
    found = _TABLES.get((indent, dash))
    if found is None:
        pad, more = " " * indent, " " * (dash - 1)
        found = _TABLES[indent, dash] = re.compile(
            f"(?:{pad}[ -]{more}(?!(?:{_WORDS}):){_KEY}: {_CELL}\n)*")
    return found


def _read_table(text: str) -> tuple[str, list[dict[str, Any]], int, str, int] | None:
    """(key, rows, indentation, the ``-`` and spaces before a row, number of lines of
    the rows) of a section that is a plain table (see the module text), read at C
    speed, or None."""
    head = _TABLE_HEAD.match(text)
    if head is None or head.group(1) in _NOT_KEYS:
        return None
    body = text[head.end():]
    end = len(body)
    while end > 0:  # blank or comment lines after the rows belong to no row
        start = body.rfind("\n", 0, end - 1) + 1
        line = body[start:end].strip(" \n")
        if line and not line.startswith("#"):
            break
        end = start
    if _NOT_PLAIN_TEXT.search(body, end):  # the lines after the rows
        return None
    body = body[:end]
    row = _ROW.match(body)
    if row is None:
        return None
    pad, dash = row.groups()
    indent, width = len(pad), len(dash)
    every = body.split("\n")
    every.pop()  # after the last line break
    lines = len(every)
    distinct = "\n".join(set(every)) + "\n"
    del every
    # each line on its own is of the form (the same lines are checked once)
    if _NOT_PLAIN_TEXT.search(distinct) or _table(indent, width).fullmatch(distinct) is None:
        return None
    js = body.replace(": ", '":"')
    if '"' in body:  # double-quoted text marked; single-quoted keeps its quotes
        js = js.replace('":""', '":"' + _QUOTED).replace('"\n', "\n")
    js = js.replace(f"\n{pad}{dash}", '"},{"').replace(f"\n{pad}{' ' * width}", '","')
    try:
        rows: list[dict[str, Any]] = json.loads(f'[{{"{js[indent + width:-1]}"}}]')
    except ValueError:
        return None
    del js
    if sum(map(len, rows)) != lines:
        return None  # a key twice in a row
    # key -> cell as decoded -> its value, for the cells not read as written
    special: dict[str, dict[str, Any]] = {}
    try:
        for key, raw in _SPECIAL.findall(distinct):
            if raw[0] == "'":
                value: Any = raw[1:-1]
            elif raw[0] == '"':
                raw = "\x02" + raw[1:-1]
                value = raw[1:]
            else:
                value = plain_value(raw)
                if value is raw:
                    continue
            special.setdefault(key, {})[raw] = value
    except YamlFailure:
        return None  # a number too long to read: the composer says so
    for key in sorted(special):
        read = special[key]
        column: list[Any] = list(map(dict.get, rows, repeat(key)))
        have = rows
        if column.count(None):  # rows without the key
            mask = list(map(is_not, column, repeat(None)))
            have, column = list(compress(rows, mask)), list(compress(column, mask))
        deque(map(dict.__setitem__, have, repeat(key), map(read.get, column, column)), maxlen=0)
    return head.group(1), rows, indent, dash, lines
