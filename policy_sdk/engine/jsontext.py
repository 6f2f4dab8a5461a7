"""Indented JSON text, fast: what ``json.dumps(value, ensure_ascii=False, indent=N)`` gives.

With ``indent`` the standard library encodes in pure Python, one generator step per
token, which costs about as much as building a report's findings. Reports are
plain dicts, lists and strings, so :func:`dumps` writes those directly (strings
through the standard library's C string encoder) into one list of pieces. Anything
else — a float, a key that is not text, a value of another type — makes it hand the
whole value to :func:`json.dumps`, so the text is always exactly the standard one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from json.encoder import encode_basestring  # the C implementation when available
from operator import itemgetter
from typing import Any

import attrs

__all__ = ["FindingText", "FindingWriter", "dumps", "dumps_nested", "reindented", "utf8"]


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


#: indentation step -> (a dict's keys, depth) -> what precedes each value (_Writer)
_SHAPES: dict[str, dict[tuple[tuple[Any, ...], int], tuple[str, ...]]] = {}


class _Writer:
    __slots__ = ("_newlines", "_shapes", "_step", "out")

    def __init__(self, step: str) -> None:
        self._step = step
        self.out: list[str] = []
        self._newlines: list[str] = []  # depth -> newline and indentation
        #: (a dict's keys, depth) -> what precedes each value: a function of them and the
        #: step, kept between texts (a report's head has the same shape every time)
        shapes = _SHAPES.get(step)
        if shapes is None or len(shapes) > 1024:
            if len(_SHAPES) > 16:  # indents seldom vary: bound what is kept all the same
                _SHAPES.clear()
            shapes = _SHAPES[step] = {}
        self._shapes: dict[tuple[tuple[Any, ...], int], tuple[str, ...]] = shapes

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

    def _prefixes(self, keys: tuple[Any, ...], depth: int) -> tuple[str, ...]:
        """What precedes each value of a dict with ``keys``: '{\\n  "key": ' first, then
        ',\\n  "key": '."""
        if any(type(key) is not str for key in keys):
            raise _Unusual
        newline = self._newline(depth)
        return tuple([("," if i else "{") + newline + encode_basestring(key) + ": "
                      for i, key in enumerate(keys)])

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


# --- findings ---------------------------------------------------------------------------


def _layout(indent: int | None) -> tuple[Callable[[int], str], str]:
    """(depth -> newline and indentation, item separator) as ``json.dumps`` lays out."""
    if indent is None:
        return (lambda depth: ""), ", "
    step = " " * indent  # a negative indent indents by nothing, as json's does
    return (lambda depth: "\n" + step * depth), ","


def reindented(value: Any, indent: int | None, depth: int) -> str:
    """``json.dumps(value)`` as it stands ``depth`` levels deep in an enclosing value
    (the standard encoder, any value it takes: the slow twin of the writers here)."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    if indent is None or "\n" not in text:
        return text
    # json escapes a newline in a string: every newline in the text is layout
    return text.replace("\n", "\n" + " " * indent * depth)


class FindingWriter:
    """Writes findings as ``json.dumps`` writes ``[f.to_dict() for f in findings]`` two
    levels deep in a report, into :attr:`out` (pieces, joined by the caller).

    Made from :data:`~policy_sdk.engine.finding.FINDING_FIELDS`: the text of the
    fields a rule's findings share (rule, status, message, …) is written once per rule
    and status, as pieces around holes for the finding's own fields; each hole is
    written by its kind's encoder, which writes the usual values (text, None, dates,
    lists of text) directly and hands any other to the standard encoder
    (:func:`reindented`) — so the text is exactly ``json.dumps``'s, value by value.
    """

    __slots__ = ("_separator", "_templates", "_write", "out")

    def __init__(self, indent: int | None, out: list[str] | None = None) -> None:
        self.out: list[str] = [] if out is None else out
        made = _made(indent)
        self._separator = made.separator
        self._write = made.write
        #: a rule's shared values -> the text around its findings' holes; per writer
        #: (equal values of other types, `1` and `1.0`, would share a text otherwise)
        self._templates: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def write(self, f: Any) -> None:
        """One finding (after the previous one, if any: the caller writes the list's
        opening and :attr:`separator` between findings)."""
        from policy_sdk.engine.finding import row_of

        self._write(row_of(f), self.out, self._templates)

    def write_row(self, row: tuple[Any, ...]) -> None:
        """One finding given as its row of values (``finding.ROW``)."""
        self._write(row, self.out, self._templates)

    def write_rows(self, rows: Iterable[tuple[Any, ...]], limit: int = 0) -> Iterator[str]:
        """Findings from their rows, :attr:`separator` between them; every ``limit``
        pieces (0: never) the text so far is handed out and :attr:`out` emptied."""
        write, out, templates = self._write, self.out, self._templates
        separator = self._separator
        first = True
        for row in rows:
            if not first:
                out.append(separator)
            first = False
            write(row, out, templates)
            if limit and len(out) >= limit:
                piece = "".join(out)
                out.clear()
                yield piece

    @property
    def separator(self) -> str:
        """What goes between two findings of the list."""
        return self._separator

#: indent -> the finding writer made for it (made once per process)
_WRITERS: dict[int | None, _Made] = {}


def _made(indent: int | None) -> _Made:
    made = _WRITERS.get(indent)
    if made is None:
        made = _WRITERS[indent] = _Made(indent)
    return made


class FindingText:
    """A finding's text as :class:`FindingWriter` writes it, from its values rather
    than a row, for writers that know which values a rule's findings share.

    ``text_for(constant)`` is ``text(pieces, *own) -> str``: the finding's own values
    (:attr:`own`, in that order) in the holes of ``pieces``, one call and one join per
    finding; the values named in ``constant`` are not read (the same for every finding
    of the rule, they are in the pieces). ``template(values, constant)`` gives those
    pieces: the text of the shared and constant values, around the holes (made once
    per rule and status by the caller). An engine's findings are written so
    (``FindingMaker.json_text``)."""

    __slots__ = ("_made", "indent", "own", "separator")

    def __init__(self, indent: int | None) -> None:
        from policy_sdk.engine.finding import FINDING_FIELDS

        self.indent = indent
        made = self._made = _made(indent)
        #: what goes between two findings of the list
        self.separator = made.separator
        #: the finding's own values ``text`` takes after the pieces, in order (the
        #: :class:`~policy_sdk.engine.finding.Finding` attributes they are)
        self.own: tuple[str, ...] = tuple(
            name for f in FINDING_FIELDS if not f.shared for name in f.reads)

    def text_for(self, constant: frozenset[str]) -> Callable[..., str]:
        text: Callable[..., str] = self._made.text_for(constant, False)
        return text

    def template(self, values: Mapping[str, Any], constant: frozenset[str]) -> tuple[str, ...]:
        """The pieces around the holes of a finding whose shared attributes (rule,
        status, severity, message, citation, origin, span) and ``constant`` ones have
        ``values`` (by attribute name)."""
        return self._made.template_with(values, constant)

    def utf8_for(self, constant: frozenset[str]) -> Callable[..., bytes]:
        """:meth:`text_for`, the text encoded in UTF-8 (as :func:`utf8` encodes it),
        from the pieces of :meth:`utf8_template`: the finding's text is never made as
        text (a rule's citation in Chinese would make each one twice as large)."""
        utf8_text: Callable[..., bytes] = self._made.text_for(constant, True)
        return utf8_text

    def utf8_template(self, values: Mapping[str, Any], constant: frozenset[str]
                      ) -> tuple[bytes, ...]:
        """:meth:`template`, each piece encoded by :func:`utf8`."""
        return tuple(map(utf8, self._made.template_with(values, constant)))


def utf8(text: str) -> bytes:
    """``text`` in UTF-8 as the output is written (``policy_sdk._io``): a lone surrogate
    (from a ``\\ud800`` escape in JSON facts) written as ``\\ud800``, not refused."""
    return text.encode("utf-8", "backslashreplace")


class _Made:
    """What :class:`FindingWriter` writes with, for one indent: the function writing a
    finding (made from the declaration) and the templates of the rules seen so far."""

    __slots__ = ("_after", "_indent", "_kept", "_kept_with", "_texts", "separator", "write")

    def __init__(self, indent: int | None) -> None:
        from policy_sdk.engine.finding import FINDING_FIELDS

        self._indent = indent
        newline, comma = _layout(indent)
        self.separator = comma + newline(2)
        self._after = newline(2) + "}"
        #: (shared values, their types) -> template, kept between reports
        self._kept: dict[tuple[Any, ...], tuple[str, ...]] = {}
        self.write = self._writer(FINDING_FIELDS, comma + newline(3))
        #: (constant own values, in UTF-8) -> the text function (:meth:`text_for`)
        self._texts: dict[tuple[frozenset[str], bool], Callable[..., Any]] = {}
        #: (values, their types, constant) -> :meth:`template_with`'s pieces, kept
        #: between reports (a rule's shared texts are the same in every report)
        self._kept_with: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def template_with(self, values: Mapping[str, Any], constant: frozenset[str]
                      ) -> tuple[str, ...]:
        """:meth:`_text` of a finding whose shared and ``constant`` attributes have
        ``values``: the constant ones written into the pieces, by the standard
        encoder. Kept by the values, their types (`1 == 1.0 == True`) and ``constant``,
        of which they are a function (:meth:`template_with_uncached`, the slow twin,
        makes them every time)."""
        try:
            key = (tuple([(k, _exact(v)) for k, v in values.items()]), constant)
        except _Unusual:  # a value of another kind: made anew
            return self.template_with_uncached(values, constant)
        found = self._kept_with.get(key)
        if found is None:
            found = self.template_with_uncached(values, constant)
            if len(self._kept_with) > 4096:  # bound what is kept between reports
                self._kept_with.clear()
            self._kept_with[key] = found
        return found

    def template_with_uncached(self, values: Mapping[str, Any], constant: frozenset[str]
                               ) -> tuple[str, ...]:
        """:meth:`template_with`, made anew."""
        return self._pieces(_Attrs(values), constant)

    def _pieces(self, given: Any, constant: frozenset[str]) -> tuple[str, ...]:
        """The finding's text cut where its own values go: the shared fields (and those
        reading only ``constant`` attributes) written from ``given``'s attributes by the
        standard encoder; every other field a hole (an optional one's key included)."""
        from policy_sdk.engine.finding import ABSENT, FINDING_FIELDS

        newline, comma = _layout(self._indent)
        pieces: list[str] = []
        text = ""
        for i, field in enumerate(FINDING_FIELDS):
            prefix = ("{" if i == 0 else comma) + newline(3) + encode_basestring(field.name)
            prefix += ": "
            if field.shared or constant.issuperset(field.reads):
                value = field.to_json(given)
                if value is not ABSENT:
                    text += prefix + reindented(value, self._indent, 3)
            elif field.optional:  # its hole writes its key too, when it has a value
                pieces.append(text)
                text = ""
            else:
                pieces.append(text + prefix)
                text = ""
        pieces.append(text + self._after)
        return tuple(pieces)

    def text_for(self, constant: frozenset[str], binary: bool) -> Callable[..., Any]:
        """``text(pieces, *own values) -> str``: :meth:`_writer`'s finding as one text,
        from its own values (:attr:`FindingText.own`) given as arguments, those of
        the fields all of whose attributes are ``constant`` not read (made once).
        ``binary``: the text in UTF-8 (:func:`utf8`), from pieces in UTF-8."""
        from policy_sdk.engine.finding import FINDING_FIELDS

        found = self._texts.get((constant, binary))
        if found is not None:
            return found
        newline, comma = _layout(self._indent)
        between = comma + newline(3)
        env: dict[str, Any] = {"encode": encode_basestring}
        parts = ["pieces[0]"]
        args: list[str] = []
        k = 0
        for field in FINDING_FIELDS:
            if field.shared:
                continue
            names = [f"a_{name}" for name in field.reads]
            args.extend(names)
            if constant.issuperset(field.reads):
                continue
            prefix = between + encode_basestring(field.name) + ": "
            env[f"e{k}"] = _encoder(field, self._indent, prefix if field.optional else "")
            if len(names) == 1:
                value = names[0]
                if field.kind == "text?":
                    parts.append(f"(encode({value}) if type({value}) is str else e{k}({value}))")
                elif field.kind == "int?":
                    parts.append(f"(int.__repr__({value}) if type({value}) is int "
                                 f"else e{k}({value}))")
                elif field.kind == "waiver":
                    parts.append(f"('' if {value} is None else e{k}({value}))")
                else:
                    parts.append(f"e{k}({value})")
            else:
                parts.append(f"e{k}((" + ", ".join(names) + "))")
            k += 1
            parts.append(f"pieces[{k}]")
        if not binary:
            source = (
                "def text(pieces, " + ", ".join(args) + "):\n"
                "    return ''.join((" + ", ".join(parts) + ",))\n"
            )
        else:  # each hole encoded (strictly first: a lone surrogate is rare)
            holes = parts[1::2]
            strict = [f"({hole}).encode()" for hole in holes]
            lenient = [f"utf8({hole})" for hole in holes]
            env["utf8"] = utf8

            def joined(encoded: list[str]) -> str:
                return ", ".join(x for pair in zip(parts[::2], [*encoded, ""], strict=True)
                                 for x in pair if x)

            source = (
                "def text(pieces, " + ", ".join(args) + "):\n"
                "    try:\n"
                "        return b''.join((" + joined(strict) + ",))\n"
                "    except UnicodeEncodeError:\n"
                "        return b''.join((" + joined(lenient) + ",))\n"
            )
        exec(compile(source, "<finding text>", "exec"), env)
        text: Callable[..., Any] = env["text"]
        self._texts[(constant, binary)] = text
        return text

    def _writer(
        self, fields: Any, between: str
    ) -> Callable[[Any, list[str], dict[tuple[Any, ...], tuple[str, ...]]], None]:
        """The function writing a finding, made from the declaration (as attrs makes
        ``__init__``): the template's pieces and each per-finding field's encoder
        called on the attributes it reads, in one ``extend``, with no loop."""
        from policy_sdk.engine.finding import ROW

        env: dict[str, Any] = {"encode": encode_basestring, "template": self._template}
        shared = [ROW.index(name) for f in fields if f.shared for name in f.reads]
        env["shared_of"] = itemgetter(*shared)
        parts = ["pieces[0]"]
        for k, field in enumerate(f for f in fields if not f.shared):
            prefix = between + encode_basestring(field.name) + ": "
            env[f"e{k}"] = _encoder(field, self._indent, prefix if field.optional else "")
            at = [ROW.index(name) for name in field.reads]
            if len(at) == 1:
                value = f"f[{at[0]}]"
                if field.kind == "text?":  # the usual text written inline
                    parts.append(f"(encode(v{k}) if type(v{k} := {value}) is str else e{k}(v{k}))")
                elif field.kind == "int?":
                    parts.append(f"(int.__repr__(v{k}) if type(v{k} := {value}) is int "
                                 f"else e{k}(v{k}))")
                elif field.kind == "waiver":  # none but on a waived finding
                    parts.append(f"('' if (v{k} := {value}) is None else e{k}(v{k}))")
                else:
                    parts.append(f"e{k}({value})")
            else:
                parts.append(f"e{k}((" + ", ".join(f"f[{i}]" for i in at) + "))")
            parts.append(f"pieces[{k + 1}]")
        source = (
            "def write(f, out, templates):\n"
            "    shared = shared_of(f)\n"
            "    try:\n"
            "        pieces = templates[shared]\n"
            "    except (KeyError, TypeError):\n"
            "        pieces = template(f, shared, templates)\n"
            "    out.extend((" + ", ".join(parts) + "))\n"
        )
        exec(compile(source, "<finding writer>", "exec"), env)
        write: Callable[[Any, list[str], dict[tuple[Any, ...], tuple[str, ...]]], None] = (
            env["write"])
        return write

    def _template(
        self, f: Any, shared: Any, templates: dict[tuple[Any, ...], tuple[str, ...]]
    ) -> tuple[str, ...]:
        """The text around the holes of ``f``'s rule and status, up to its closing
        (kept in ``templates`` for the next finding with the same ``shared`` values, and
        here for the next report: by values and their types, since `1 == 1.0`)."""
        try:
            typed = (shared, _types(shared))
            found = self._kept.get(typed)
        except TypeError:  # an unhashable value in a hand-made finding
            typed, found = None, None
        if found is None:
            found = self._text(f)
            if typed is not None:
                if len(self._kept) > 4096:  # bound what is kept between reports
                    self._kept.clear()
                self._kept[typed] = found
        with contextlib.suppress(TypeError):
            templates[shared] = found
        return found

    def _text(self, f: Any) -> tuple[str, ...]:
        return self._pieces(_Row(f), frozenset())


def _encoder(field: Any, indent: int | None, prefix: str) -> Callable[[Any], str]:
    """``value -> text`` of a per-finding field (``prefix``: an optional field's key,
    written with its value; nothing when it is absent)."""
    from policy_sdk.engine.finding import ABSENT

    kind = field.kind
    newline, comma = _layout(indent)
    encode = encode_basestring

    def slow(value: Any) -> str:
        converted = field.to_json(_Values(field.reads, value))
        if converted is ABSENT:
            return ""
        return prefix + reindented(converted, indent, 3)

    if kind == "text?":
        def text(v: Any) -> str:
            if type(v) is str:
                return encode(v)
            return "null" if v is None else slow(v)
        return text
    if kind == "int?":
        def number(v: Any) -> str:
            if type(v) is int:
                return int.__repr__(v)
            return "null" if v is None else slow(v)
        return number
    if kind == "date?":
        dates: dict[dt.date, str] = {}  # dates repeat: each written once

        def date(v: Any) -> str:
            if not v:
                return "null"
            if type(v) is dt.date:
                known = dates.get(v)
                if known is None:
                    known = dates[v] = encode(v.isoformat())
                return known
            return slow(v)
        return date
    if kind in ("lines", "platforms"):
        start, between, end = "[" + newline(4), comma + newline(4), newline(3) + "]"
        optional = kind == "platforms"

        def lines(v: Any) -> str:
            if type(v) is tuple or type(v) is list:
                if not v:
                    return "" if optional else "[]"
                try:
                    return prefix + start + between.join(map(encode, v)) + end
                except TypeError:  # not all text
                    pass
            return slow(v)
        return lines
    if kind == "facts_location":
        head = "{" + newline(4) + '"path": '
        mid = comma + newline(4) + '"line": '
        tail = newline(3) + "}"

        def location(v: Any) -> str:
            path, line = v
            if path is None:
                return ""
            if type(path) is str and (line is None or type(line) is int):
                shown = "null" if line is None else int.__repr__(line)
                return prefix + head + encode(path) + mid + shown + tail
            return slow(v)
        return location
    if kind == "waiver":  # none but on a waived finding
        def waiver(v: Any) -> str:
            return "" if v is None else slow(v)
        return waiver
    return slow  # pragma: no cover - every per-finding kind has an encoder above


def _types(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """The types of ``values`` and of their attributes (a span's line and column)."""
    return tuple(
        (type(v), *(type(getattr(v, a)) for a in attrs_of(v))) for v in values)


_PLAIN: frozenset[type] = frozenset((str, int, bool, float, type(None)))


def _exact(value: Any) -> Hashable:
    """A key equal for two values only where they are written the same: the value
    with its type, and so for the items of a tuple and the attributes of a span (and
    any frozen record of plain values); ``_Unusual`` for anything else."""
    t = type(value)
    if t in _PLAIN:
        return (t, value)
    if t is tuple:
        return (t, tuple(map(_exact, value)))
    names = attrs_of(value)
    if names and getattr(t, "__hash__", None) is not None and attrs.has(t) \
            and t.__setattr__ is not object.__setattr__:
        return (t, tuple(_exact(getattr(value, a)) for a in names))
    raise _Unusual


def attrs_of(value: Any) -> tuple[str, ...]:
    names: tuple[str, ...] = getattr(type(value), "__match_args__", ())
    return names


class _Row:
    """A finding's attributes, from its row of values (``finding.ROW``)."""

    __slots__ = ("_row",)

    def __init__(self, row: tuple[Any, ...]) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        from policy_sdk.engine.finding import ROW

        return self._row[ROW.index(name)]


class _Attrs:
    """Attributes from a mapping of their names."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        return self._values[name]


class _Values:
    """The attributes a field reads, from the value ``attrgetter`` gave for them."""

    __slots__ = ("_values",)

    def __init__(self, reads: tuple[str, ...], value: Any) -> None:
        self._values = dict(zip(reads, value if len(reads) > 1 else (value,), strict=True))

    def __getattr__(self, name: str) -> Any:
        return self._values[name]
