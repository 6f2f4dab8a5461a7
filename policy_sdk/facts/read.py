"""One strict reader for the YAML and JSON documents the tool reads.

:func:`read_document` turns bytes or text into a plain document (dicts, lists, text,
numbers, booleans, dates, None) and a :class:`Locator` that knows where each value
stands. Its guarantees, the same for facts, policy test files, calendar files and
configuration files:

* UTF-8 only (a byte order mark is skipped); at most :data:`MAX_FACTS_BYTES`;
* YAML is read with the YAML 1.2 core schema (see :mod:`policy_sdk.facts.yaml12`):
  one document, no tags beyond the core ones, aliases shared and never expanded;
* a duplicate key is an error, in YAML and in JSON, named with its line and data path;
* nesting at most :data:`MAX_DEPTH` levels, at most :data:`MAX_YAML_NODES` YAML values,
  integers of at most :data:`MAX_NUMBER_DIGITS` digits;
* no text holds a NUL or a lone surrogate (``"\\udc80"``); ``NaN`` and ``Infinity`` are
  not JSON numbers;
* every problem is a :class:`~policy_sdk.errors.PolicySdkError` (a
  :class:`~policy_sdk.errors.FactsError` unless the caller names another class) with a
  worded message, never a parser's exception.

Other control characters (an escape sequence in a name, say) are kept as written:
reporters show them escaped.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, Literal

import yaml

from policy_sdk.errors import Diagnostic, FactsError, PolicySdkError, Span
from policy_sdk.facts.yaml12 import (
    BAD_TEXT,
    MAX_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_YAML_NODES,
    Marks,
    YamlFailure,
    bad_text_message,
    compose,
    failure_parts,
)
from policy_sdk.facts.yaml_lines import Places, first_lines, read_sections

__all__ = [
    "MAX_DEPTH",
    "MAX_FACTS_BYTES",
    "MAX_NUMBER_DIGITS",
    "MAX_YAML_NODES",
    "Format",
    "LineMap",
    "Locator",
    "check_text",
    "decode",
    "fail",
    "read_document",
    "read_text",
]

MAX_FACTS_BYTES: Final = 512 * 1024 * 1024
"""Largest document accepted (512 MiB; 1,000,000 deployments in JSON are about 110 MB)."""

Format = Literal["json", "yaml"]


def fail(code: str, message: str, file: str | None, *, line: int | None = None,
         column: int = 1, text: str | None = None, help: str | None = None,
         path: str | None = None) -> FactsError:
    """A FactsError with one diagnostic, at ``line`` (with its source line) if given."""
    span = None
    source_line = None
    if line is not None and file is not None:
        span = Span(file, line, column, line, column + 1)
        if text is not None:
            lines = text.splitlines()
            if 0 < line <= len(lines):
                source_line = lines[line - 1]
    return FactsError([Diagnostic(code=code, message=message, span=span, path=path,
                                  file=file, help=help, source_line=source_line)])


class Locator:
    """Where the values of a read document stand: data path -> span in the text.

    JSON documents have no positions (their problems name data paths); YAML ones have
    the position of every value, found when first asked for (``marks_of``: all of
    them; ``mark_of``: one path's, None if it has none) where the reader did not
    record them on the way; ``line_of`` gives the text of a line (by default the
    text is split into lines when one is first needed); ``places`` (the line reader's)
    count them and give entries' first lines without working them all out. A path
    with no position of its own is shown at its nearest parent that has one.
    """

    def __init__(self, file: str | None, text: str | None = None,
                 marks: Marks | None = None, *,
                 marks_of: Callable[[], Marks] | None = None,
                 mark_of: Callable[[str], tuple[int, int, int, int] | None] | None = None,
                 line_of: Callable[[int], str | None] | None = None,
                 places: Places | None = None) -> None:
        self.file = file
        self.text = text
        self._marks = marks
        self._marks_of = marks_of
        self._mark_of = mark_of
        self._line_of = line_of
        self._places = places
        self._lines: list[str] | None = None

    @property
    def marks(self) -> Marks | None:
        """data path -> (line, column, end line, end column), or None (JSON)."""
        if self._marks is None and self._marks_of is not None:
            self._marks = self._marks_of()
            self._marks_of = None
            self._mark_of = None
            self._places = None
        return self._marks

    def count(self) -> int:
        """How many values have a position (as many as :attr:`marks` has)."""
        if self._marks is None and self._places is not None:
            return self._places.count()
        return len(self.marks or {})

    def first_lines(self) -> dict[str, int]:
        """Entry (``deployments[3]``, or a top-level key) -> the first line of its values
        (:func:`~policy_sdk.facts.yaml_lines.first_lines`), without working out every
        position where the reader can tell it from the rows."""
        if self._marks is None and self._places is not None:
            return self._places.first_lines()
        return first_lines(self.marks or {})

    def _mark(self, path: str) -> tuple[int, int, int, int] | None:
        if self._mark_of is not None:  # one path's, not all of them
            return self._mark_of(path)
        marks = self.marks
        return None if marks is None else marks.get(path)

    def lines(self) -> Mapping[str, int]:
        """data path -> the 1-based line of its value (empty for JSON); a view, worked
        out when first read."""
        if self._marks is None and self._marks_of is None:
            return {}
        return LineMap(self)

    def span(self, path: str, at_key: bool = False) -> tuple[Span | None, str | None]:
        """The span of ``path``'s value (or of its key, ``at_key``) and its source line."""
        if self.file is None or (self._marks is None and self._marks_of is None):
            return None, None
        probe = path
        mark = self._mark(probe)
        while mark is None and probe:
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
            mark = self._mark(probe) if probe else None
        if mark is None:
            return None, None
        line, col, end_line, end_col = mark
        if at_key and probe == path:
            found = self._key_span(path.rsplit(".", 1)[-1], line, col)
            if found is not None:
                return found
        source = self._source(line)
        if end_line != line:
            end_line, end_col = line, col + 1
        return Span(self.file, line, col, end_line, max(end_col, col + 1)), source

    def _source(self, number: int) -> str | None:
        """The text of line ``number`` (1-based), None if there is no such line."""
        if self._line_of is not None:
            return self._line_of(number)
        if self._lines is None:
            self._lines = (self.text or "").splitlines()
        return self._lines[number - 1] if 0 < number <= len(self._lines) else None

    def _key_span(self, key: str, line: int, col: int) -> tuple[Span, str] | None:
        """Where the key of a value at (line, col) is written: before the value on its
        line, or on one of the few lines above (a block value starts below its key).
        Only values' places are recorded while parsing; keys are found when needed."""
        assert self.file is not None
        for number in range(line, max(0, line - 4), -1):
            text = self._source(number)
            if text is None:
                continue
            at = text.rfind(key, 0, col - 1 if number == line else len(text))
            if at >= 0 and text[at + len(key):].lstrip(" \t\"'").startswith(":"):
                return Span(self.file, number, at + 1, number, at + 1 + len(key)), text
        return None


class LineMap(Mapping[str, int]):
    """data path -> line of a :class:`Locator`'s document (``Facts.locations``)."""

    __slots__ = ("_locator",)

    def __init__(self, locator: Locator) -> None:
        self._locator = locator

    def _marks(self) -> Marks:
        return self._locator.marks or {}

    def __getitem__(self, path: str) -> int:
        return self._marks()[path][0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._marks())

    def __len__(self) -> int:
        return self._locator.count()  # without working out every position

    def first_lines(self) -> dict[str, int]:
        """Entry (``deployments[3]``, or a top-level key) -> the first line of its values:
        what a report points at, found without working out every value's line where
        the reader can tell it from the rows."""
        return self._locator.first_lines()

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))  # pickled as the plain mapping it stands for


def decode(data: bytes, file: str) -> str:
    """UTF-8 ``data`` (a byte order mark skipped) as text, within the size limit."""
    if len(data) > MAX_FACTS_BYTES:
        raise fail("too-large", f"the facts file is larger than {MAX_FACTS_BYTES} bytes", file)
    try:
        return codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise fail("encoding",
                   f"facts files must be UTF-8; byte {exc.start} (line {line}) is not valid UTF-8",
                   file, line=line) from None


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def check_text(text: str, file: str) -> None:
    """Refuse text given as a string (not decoded here) that holds a lone surrogate:
    no file can hold one, and no parser can read it."""
    if not text.isascii():
        found = _SURROGATE.search(text)
        if found is not None:
            line = text.count("\n", 0, found.start()) + 1
            code, message, help = bad_text_message(found.group())
            raise fail(code, message, file, line=line,
                       column=found.start() - text.rfind("\n", 0, found.start()), help=help)


def read_text(text: str, file: str, format: Format) -> tuple[Any, Locator, list[Diagnostic]]:
    """The document of ``text`` (decoded from bytes, or checked by :func:`check_text`),
    its locator and soft errors (duplicate YAML keys and keys that are not text:
    reported with the document's other problems)."""
    if len(text) > MAX_FACTS_BYTES:
        raise fail("too-large", f"the facts file is larger than {MAX_FACTS_BYTES} bytes", file)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise fail("nul", "the facts file contains a NUL character", file, line=line,
                   column=nul - text.rfind("\n", 0, nul), text=text)
    if format == "json":
        return _parse_json(text, file), Locator(file), []
    fast = read_sections(text)
    if fast is not None:  # positions worked out when first asked for
        places = fast[1]
        return fast[0], Locator(file, text, marks_of=places.marks, mark_of=places.mark,
                                line_of=places.source, places=places), []
    try:
        doc, marks, soft = compose(text, file)
    except YamlFailure as exc:
        mark = exc.mark
        raise fail(exc.code, exc.message, file, line=mark.line + 1 if mark else None,
                   column=mark.column + 1 if mark else 1, text=text, help=exc.help) from None
    except yaml.YAMLError as exc:
        if getattr(exc, "problem", None) == "exceeded maximum nesting depth":  # libyaml's
            raise fail("too-deep", f"the facts file is nested deeper than {MAX_DEPTH} levels",
                       file) from None
        message, at, column, help = failure_parts(exc, text)
        raise fail("malformed", message, file, line=at, column=column, text=text,
                   help=help) from None
    return doc, Locator(file, text, marks), soft


def read_document(data: bytes | str, name: str, format: Format, *,
                  error: type[PolicySdkError] = FactsError) -> tuple[Any, Locator]:
    """``data`` (a file's bytes, or text) read strictly as ``format``.

    ``name`` is what diagnostics call the source (a file name, ``<request>``).
    Returns the document (None for an empty YAML file) and its :class:`Locator`.
    Raises ``error`` (a :class:`~policy_sdk.errors.PolicySdkError` class) with every
    diagnostic; duplicate keys are errors here, not left to the caller.
    """
    try:
        if isinstance(data, bytes | bytearray):
            text = decode(bytes(data), name)
        else:
            text = data.removeprefix("\ufeff")
            check_text(text, name)
        doc, locator, soft = read_text(text, name, format)
        if soft:
            raise FactsError(sorted(soft, key=Diagnostic.sort_key))
    except FactsError as exc:
        if error is FactsError:
            raise
        raise error(list(exc.diagnostics)) from None
    return doc, locator


# --- JSON ------------------------------------------------------------------------------


class _TooLong(ValueError):
    pass


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _TooLong(digits)
    return int(digits)


def _no_constant(name: str) -> Any:
    raise ValueError(f"`{name}` is not a number JSON allows")


class _Duplicate(ValueError):
    pass


def _pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(items)
    if len(d) != len(items):
        raise _Duplicate
    return d


#: an escape that may decode to NUL or to half of a surrogate pair
_RISKY_ESCAPE = re.compile(r"\\u(?:0000|[dD][89abcdefABCDEF])")


def _parse_json(text: str, file: str) -> Any:
    try:
        # Decoding without a hook is about a third faster (no Python call per object).
        # A duplicate key would then silently keep its last value, so the result is only
        # taken when counting proves there was none; otherwise decode again with a hook
        # that notices one, and find it in the text to name its line and path.
        doc = json.loads(text, parse_constant=_no_constant, parse_int=_json_int)
        if not _no_duplicate_keys(doc, text):
            json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant,
                       parse_int=_json_int)
    except _Duplicate:
        found = _find_duplicate(text)
        assert found is not None
        offset, path, key = found
        line = text.count("\n", 0, offset) + 1
        raise fail("malformed", f"malformed JSON: duplicate key `{key}`", file, line=line,
                   column=offset - text.rfind("\n", 0, offset), text=text, path=path,
                   help="each key appears once in an object; remove one of them") from None
    except json.JSONDecodeError as exc:
        help = None
        message, pos = exc.msg, exc.pos
        if message.startswith("Illegal trailing comma"):
            # Python 3.13 names a trailing comma itself, at the comma; say what earlier
            # versions say, at the bracket, so the message does not depend on the Python
            end = text.find("}" if "object" in message else "]", pos)
            if end != -1 and not text[pos + 1:end].strip():
                pos = end
                message = ("Expecting property name enclosed in double quotes"
                           if text[end] == "}" else "Expecting value")
        before = text[:pos].rstrip()
        if before.endswith(",") and text[pos:pos + 1] in ("}", "]"):
            help = (f"remove the comma before `{text[pos]}`: JSON allows no comma "
                    "after the last item")
        line = text.count("\n", 0, pos) + 1
        column = pos - text.rfind("\n", 0, pos)
        raise fail("malformed", f"malformed JSON: {message.lower()}", file,
                   line=line, column=column, text=text, help=help) from None
    except RecursionError:
        raise fail("too-deep", f"the facts file is nested deeper than {MAX_DEPTH} levels",
                   file) from None
    except _TooLong:
        raise fail("too-large", f"a number has more than {MAX_NUMBER_DIGITS} digits", file,
                   help="write a long code as text, in quotes") from None
    except ValueError as exc:  # from the hooks
        raise fail("malformed", f"malformed JSON: {exc}", file) from None
    if "\\" in text and _RISKY_ESCAPE.search(text):  # rare: look at the decoded text
        found_bad = _find_bad_text(doc)
        if found_bad is not None:
            path, value = found_bad
            code, message, help = bad_text_message(value)
            raise fail(code, message, file, path=path or None, help=help)
    return doc


def _find_bad_text(doc: Any) -> tuple[str, str] | None:
    """(data path, text) of the first key or text value holding NUL or a surrogate."""
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if BAD_TEXT.search(value):
                return path, value
        elif isinstance(value, dict):
            for k, v in value.items():
                p = f"{path}.{k}" if path else k
                if BAD_TEXT.search(k):
                    return p, k
                stack.append((p, v))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
    return None


_KEY_END = re.compile(r'"[ \t\r\n]*:')


def _no_duplicate_keys(doc: Any, text: str) -> bool:
    """Whether counting proves that no object of the JSON ``text`` repeats a key.

    Every key/value pair of the text ends its key with ``"``, optional whitespace and
    ``:``, outside strings; strings can only add to the number of such key ends (and
    of colons). The keys of the decoded dicts are at most the pairs, fewer exactly
    when a key repeats. So if the keys of the dicts counted here are as many as the
    key ends, every pair is a distinct key of a counted dict. The rows of a list of
    objects are counted with C calls, their values not visited: a non-empty object
    nested in a row would leave key ends uncounted. Any disagreement (a colon inside
    a string, say) answers False, and the caller decodes again, slowly.
    """
    keys = 0
    stack = [doc]
    while stack:
        value = stack.pop()
        if value.__class__ is dict:
            keys += len(value)
            stack.extend(v for v in value.values() if v.__class__ in (dict, list))
        elif value.__class__ is list:
            if value and set(map(type, value)) == {dict}:
                keys += sum(map(len, value))
            else:
                stack.extend(v for v in value if v.__class__ in (dict, list))
    return keys == text.count(":") or keys == len(_KEY_END.findall(text))


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def _find_duplicate(text: str) -> tuple[int, str, str] | None:
    """(offset, data path, key) of the first repeated key in the (valid) JSON ``text``."""
    # frames: [is_object, path, keys seen, current key or index, expecting a key]
    stack: list[list[Any]] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        c = token[0]
        top = stack[-1] if stack else None
        if c in "{[":
            if top is None:
                path = ""
            elif top[0]:
                path = f"{top[1]}.{top[3]}" if top[1] else top[3]
            else:
                path = f"{top[1]}[{top[3]}]"
            stack.append([c == "{", path, set(), 0, c == "{"])
        elif c in "}]":
            stack.pop()
        elif c == ",":
            if top is not None:
                if top[0]:
                    top[4] = True
                else:
                    top[3] += 1
        elif c == ":":
            if top is not None:
                top[4] = False
        elif top is not None and top[0] and top[4]:
            key = json.loads(token)
            if key in top[2]:
                return match.start(), (f"{top[1]}.{key}" if top[1] else key), key
            top[2].add(key)
            top[3] = key
    return None
