"""Reading a facts file (YAML or JSON) or an in-memory document into :class:`Facts`.

The format is documented in ``docs/facts.md``. In short:

* every problem of a document is collected and raised at once as one
  :class:`~policy_sdk.errors.FactsError`, sorted by position; nothing is half-loaded;
* each diagnostic names the data path (``deployments[3].platform``), the file, and,
  for YAML, the line and column (with the source line for the caret display);
* problems that do not make the facts wrong (a filing number of an unusual shape, a
  stopped deployment without a stop date) are *warnings*, kept in
  :attr:`Facts.warnings <policy_sdk.facts.model.Facts.warnings>`;
* what an input may cost is bounded: file size, nesting depth, YAML nodes; aliases
  are shared, never expanded.

YAML is read with the YAML 1.2 core schema, not PyYAML's 1.1 defaults: only
``true``/``false`` are booleans (so a record's ``on:`` key stays the text ``on`` and
``yes``/``no`` are plain text), ``2026-03-02`` is a date, and a duplicate key is an
error rather than a silent overwrite. The events come from libyaml (``CParser``) when
it is installed and values are built here, without recursion, which also records the
line of every value cheaply.

Validation is hand-written and runs in bulk over plain dicts and lists (no per-field
layers of indirection): a JSON file of 1,000,000 deployments loads in a few seconds.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress, repeat
from operator import attrgetter, itemgetter, setitem
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import yaml

from policy_sdk._gc import gc_paused
from policy_sdk.errors import Diagnostic, FactsError, Span, did_you_mean
from policy_sdk.facts.model import (
    ALGORITHM_TYPES,
    DEPLOYMENT_STATUSES,
    FILING_STATUSES,
    NO_EXTRA,
    ROLES,
    Algorithm,
    AttributeDecl,
    Deployment,
    Facts,
    Filing,
    Organization,
    Platform,
    Record,
    build_deployments,
)
from policy_sdk.facts.schema import CORE_SCHEMA, ENTITIES, RECORD_KINDS, Attribute

if TYPE_CHECKING:
    from policy_sdk.plugins.specs import PlatformTypeSpec

__all__ = [
    "FILING_NUMBER",
    "FIRST_PARTY_PLATFORM_TYPES",
    "MAX_DEPTH",
    "MAX_ERRORS",
    "MAX_FACTS_BYTES",
    "MAX_YAML_NODES",
    "default_platform_types",
    "load_facts",
    "platform_type_specs",
]

MAX_FACTS_BYTES: Final = 512 * 1024 * 1024
"""Largest facts file accepted (512 MiB; 1,000,000 deployments in JSON are about 110 MB)."""

MAX_DEPTH: Final = 32
"""Deepest nesting of mappings and lists accepted (a facts file needs 4)."""

MAX_YAML_NODES: Final = 20_000_000
"""Most YAML nodes (scalars, mappings, lists; an alias counts once) accepted."""

MAX_ERRORS: Final = 1000
"""Errors reported for one file; beyond this a last diagnostic says how many more."""

FILING_NUMBER: Final = re.compile(r"网信算备[0-9]{21}号")
"""The usual shape of a filing number. Another shape is a warning, never an error:
exports of the filing system differ."""

FIRST_PARTY_PLATFORM_TYPES: Final = ("app", "mini_program", "official_account", "website")

_NAME = re.compile(r"[^\W\d]\w*")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EMPTY: Final = NO_EXTRA

_TOP_KEYS: Final = ("organization", "algorithms", "platforms", "deployments", "filings",
                    "records", "schema")
_LIST_KEYS: Final = ("algorithms", "platforms", "deployments", "filings", "records")
_ENTITY_OF: Final = {"algorithms": "algorithm", "platforms": "platform",
                     "deployments": "deployment", "filings": "filing", "records": "record"}
_DECL_TYPES: Final = ("string", "number", "boolean", "date", "list")
_DECL_KEYS: Final = ("name", "type", "description", "enum")

_DATE_EXAMPLE = "a date like 2026-03-02"


# --- platform types ------------------------------------------------------------------


def default_platform_types() -> Mapping[str, PlatformTypeSpec]:
    """The platform types of the default plugin registry (the four first-party ones if
    the plugin manager is not available)."""
    from policy_sdk.plugins.specs import PlatformTypeSpec

    try:
        from policy_sdk.plugins.manager import default_registry
    except ImportError:  # pragma: no cover - the manager ships with the package
        return {n: PlatformTypeSpec(name=n, description=n) for n in FIRST_PARTY_PLATFORM_TYPES}
    return default_registry().platform_types


def platform_type_specs(names: Iterable[str]) -> dict[str, PlatformTypeSpec]:
    """Specs for the platform type ``names``: the registered spec where there is one,
    otherwise a bare spec (for tests that invent platform types)."""
    from policy_sdk.plugins.specs import PlatformTypeSpec

    known = default_platform_types()
    return {n: known.get(n) or PlatformTypeSpec(name=n, description=n) for n in names}


# --- reading files -------------------------------------------------------------------


def _diag(code: str, message: str, file: str | None, *, path: str | None = None,
          help: str | None = None, level: str = "error", span: Span | None = None,
          source_line: str | None = None) -> Diagnostic:
    return Diagnostic(code=code, message=message, level=level, span=span,  # type: ignore[arg-type]
                      path=path, file=file, help=help, source_line=source_line)


def _fail(code: str, message: str, file: str | None, *, line: int | None = None,
          column: int = 1, text: str | None = None, help: str | None = None) -> FactsError:
    span = None
    source_line = None
    if line is not None and file is not None:
        span = Span(file, line, column, line, column + 1)
        if text is not None:
            lines = text.splitlines()
            if 0 < line <= len(lines):
                source_line = lines[line - 1]
    return FactsError([_diag(code, message, file, help=help, span=span,
                             source_line=source_line)])


def _read(path: Path) -> tuple[str, str]:
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FACTS_BYTES:
            raise _fail("too-large",
                        f"the facts file is {size} bytes; the limit is {MAX_FACTS_BYTES} bytes",
                        file, help="split the facts or load them as a mapping")
        data = path.read_bytes()
    except OSError as exc:
        raise _fail("io", f"cannot read `{file}`: {exc.strerror or exc}", file) from None
    except ValueError:  # a NUL in the path
        raise _fail("io", f"cannot read `{file!r}`: the path contains a NUL character",
                    file) from None
    if len(data) > MAX_FACTS_BYTES:  # grew while we looked
        raise _fail("too-large", f"the facts file is larger than {MAX_FACTS_BYTES} bytes", file)
    try:
        text = codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _fail("encoding",
                    f"facts files must be UTF-8; byte {exc.start} (line {line}) is not valid UTF-8",
                    file, line=line) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise _fail("nul", "the facts file contains a NUL character", file, line=line,
                    column=nul - text.rfind("\n", 0, nul), text=text)
    return file, text


def _parse_json(text: str, file: str) -> Any:
    def no_constant(name: str) -> Any:
        raise ValueError(f"`{name}` is not a number JSON allows")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        d = dict(items)
        if len(d) != len(items):
            seen: set[str] = set()
            for k, _ in items:
                if k in seen:
                    raise ValueError(f"duplicate key `{k}`")
                seen.add(k)
        return d

    if "\\u0000" in text:
        raise _fail("nul", "the facts file contains a NUL character (`\\u0000`)", file)
    try:
        # Decoding without a hook is about a third faster (no Python call per object).
        # A duplicate key would then silently keep its last value, so the result is only
        # taken when counting proves there was none; otherwise decode again with the hook
        # that names the duplicate.
        doc = json.loads(text, parse_constant=no_constant)
        if _no_duplicate_keys(doc, text):
            return doc
        return json.loads(text, object_pairs_hook=pairs, parse_constant=no_constant)
    except json.JSONDecodeError as exc:
        raise _fail("malformed", f"malformed JSON: {exc.msg.lower()}", file,
                    line=exc.lineno, column=exc.colno, text=text) from None
    except RecursionError:
        raise _fail("too-deep", f"the facts file is nested deeper than {MAX_DEPTH} levels",
                    file) from None
    except ValueError as exc:  # from the hooks
        raise _fail("malformed", f"malformed JSON: {exc}", file) from None


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


# --- YAML (1.2 core schema) over libyaml events ------------------------------------------

_Parser: Any = getattr(yaml, "CParser", None) or yaml.SafeLoader

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


def _plain(value: str) -> Any:
    if value in _PLAIN:
        return _PLAIN[value]
    if value[0] in _NUMBER_START:
        if len(value) == 10 and _DATE_TEXT.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value  # not a real day: reported where a date is expected
        if _INT.fullmatch(value):
            if value.startswith("0o"):
                return int(value[2:], 8)
            return int(value, 0) if value.startswith("0x") else int(value)
        if _FLOAT.fullmatch(value):
            return float(value)
        if value in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[value]
    return value


class _YamlError(Exception):
    def __init__(self, code: str, message: str, mark: Any, help: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark
        self.help = help


def _tagged(tag: str, value: str, mark: Any) -> Any:
    if tag in ("!", _TAG + "str"):
        return value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool" and value in ("true", "false", "True", "False", "TRUE", "FALSE"):
        return value.lower() == "true"
    if tag in (_TAG + "int", _TAG + "float"):
        out = _plain(value)
        if isinstance(out, int | float) and not isinstance(out, bool):
            return float(out) if tag.endswith("float") else out
    if tag == _TAG + "timestamp":
        out = _plain(value)
        if isinstance(out, dt.date):
            return out
    if tag.startswith(_TAG) and tag[len(_TAG):] in ("bool", "int", "float", "timestamp", "null"):
        raise _YamlError("malformed", f"`{value}` is not a valid `!!{tag[len(_TAG):]}`", mark)
    raise _YamlError("yaml-tag", f"unsupported YAML tag `{tag}`", mark,
                     "facts files use plain values; remove the tag")


_Marks = dict[str, tuple[int, int, int, int]]


def _parse_yaml(text: str, file: str) -> tuple[Any, _Marks, list[Diagnostic]]:
    """The document, the position of every value by data path, and soft errors
    (duplicate keys, keys that are not text)."""
    marks: _Marks = {}
    soft: list[Diagnostic] = []
    lines: list[str] | None = None

    def soft_error(code: str, message: str, mark: Any, path: str | None) -> None:
        nonlocal lines
        if lines is None:
            lines = text.splitlines()
        line, col = mark.line + 1, mark.column + 1
        soft.append(_diag(code, message, file, path=path,
                          span=Span(file, line, col, line, col + 1),
                          source_line=lines[line - 1] if line <= len(lines) else None))

    try:
        parser = _Parser(text)
    except yaml.YAMLError as exc:  # libyaml's reader refuses control characters up front
        raise _yaml_failure(exc, file, text) from None
    # frames: [container, path, is_mapping, pending key or _NO_KEY, key mark, start mark, anchor]
    stack: list[list[Any]] = []
    anchors: dict[str, Any] = {}
    root: Any = _NO_KEY
    documents = 0
    nodes = 0
    ScalarEvent, AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
    MappingStart, SequenceStart = yaml.MappingStartEvent, yaml.SequenceStartEvent
    MappingEnd, SequenceEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent

    def child_path(frame: list[Any]) -> str:
        parent = frame[1]
        if frame[2]:
            key = frame[3]
            return f"{parent}.{key}" if parent else str(key)
        return f"{parent}[{len(frame[0])}]"

    def add(value: Any, start: Any, end: Any) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        if frame[2]:
            if frame[3] is _NO_KEY:
                if not isinstance(value, str):
                    shown = value.isoformat() if isinstance(value, dt.date) else value
                    soft_error("key-type", f"a key must be text, not `{shown}`", start, frame[1]
                               or None)
                    frame[3] = _BAD_KEY
                    return
                if value in frame[0] and value != "<<":
                    soft_error("duplicate-key", f"duplicate key `{value}`", start,
                               f"{frame[1]}.{value}" if frame[1] else value)
                    frame[3] = _BAD_KEY
                    return
                frame[3] = value
                frame[4] = start
                return
            key = frame[3]
            frame[3] = _NO_KEY
            if key is _BAD_KEY:
                return
            if key == "<<":
                _merge(frame[0], value, start)
                return
            path = f"{frame[1]}.{key}" if frame[1] else key
            frame[0][key] = value
        else:
            path = f"{frame[1]}[{len(frame[0])}]"
            frame[0].append(value)
        marks[path] = (start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    try:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is ScalarEvent:
                nodes += 1
                value = event.value
                if event.tag is None or (event.tag == "!" and event.implicit[0]):
                    value = _plain(value) if event.implicit[0] else value
                elif event.implicit[0] or event.implicit[1]:
                    value = value if event.tag in ("!", _TAG + "str") else _tagged(
                        event.tag, value, event.start_mark)
                else:
                    value = _tagged(event.tag, value, event.start_mark)
                if event.anchor is not None:
                    anchors[event.anchor] = value
                add(value, event.start_mark, event.end_mark)
            elif kind is MappingStart or kind is SequenceStart:
                nodes += 1
                if len(stack) >= MAX_DEPTH:
                    raise _YamlError("too-deep",
                                     f"the facts file is nested deeper than {MAX_DEPTH} levels",
                                     event.start_mark)
                tag = event.tag
                is_map = kind is MappingStart
                if tag not in (None, "!", _TAG + ("map" if is_map else "seq")):
                    raise _YamlError("yaml-tag", f"unsupported YAML tag `{tag}`",
                                     event.start_mark,
                                     "facts files use plain values; remove the tag")
                path = child_path(stack[-1]) if stack else ""
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
                    raise _YamlError("yaml-alias",
                                     f"alias `*{event.anchor}` names no anchor defined before it",
                                     event.start_mark)
                add(anchors[event.anchor], event.start_mark, event.end_mark)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _YamlError("malformed",
                                     "a facts file holds one YAML document, not several",
                                     event.start_mark, "remove the `---` separator")
            elif kind is yaml.StreamEndEvent:
                break
            if nodes > MAX_YAML_NODES:
                raise _YamlError("too-large",
                                 f"the facts file has more than {MAX_YAML_NODES} values",
                                 event.start_mark)
    except _YamlError as exc:
        raise _fail(exc.code, exc.message, file, line=exc.mark.line + 1,
                    column=exc.mark.column + 1, text=text, help=exc.help) from None
    except yaml.YAMLError as exc:
        raise _yaml_failure(exc, file, text) from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    return (None if root is _NO_KEY else root), marks, soft


def _type_word(value: Any) -> str:
    """The schema type a value suggests, for the "declare it" hint."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, list | tuple):
        return "list"
    return "string"


def _yaml_failure(exc: yaml.YAMLError, file: str, text: str) -> FactsError:
    """A FactsError for anything PyYAML or libyaml raised, located where it says."""
    if isinstance(exc, yaml.reader.ReaderError):
        position = max(0, min(exc.position, len(text)))
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        message = (f"malformed YAML: character U+{exc.character:04X} is not allowed in a YAML file"
                   if isinstance(exc.character, int) else f"malformed YAML: {exc.reason}")
        return _fail("malformed", message, file, line=line, column=column, text=text)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"malformed YAML: {problem}" + (f" ({context})" if context else "")
    return _fail("malformed", message, file, line=mark.line + 1 if mark else None,
                 column=mark.column + 1 if mark else 1, text=text)


def _merge(target: dict[str, Any], value: Any, mark: Any) -> None:
    sources = value if isinstance(value, list) else [value]
    for source in sources:
        if not isinstance(source, dict):
            raise _YamlError("malformed", "`<<` merges mappings only", mark)
        for k, v in source.items():
            target.setdefault(k, v)


class _Sentinel:
    def __repr__(self) -> str:  # pragma: no cover
        return "<sentinel>"


_NO_KEY: Any = _Sentinel()
_BAD_KEY: Any = _Sentinel()


# --- validation -----------------------------------------------------------------------


def _describe(value: Any) -> str:
    """A value as users wrote it, for messages (never a Python type name)."""
    if value is None:
        return "nothing"
    if value is True or value is False:
        return f"`{str(value).lower()}`"
    if isinstance(value, dict | Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dt.datetime):
        return f"`{value.isoformat()}` (a date with a time)"
    if isinstance(value, dt.date):
        return f"`{value.isoformat()}`"
    text = str(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"`{text}`"


_EXPECT: Final = {
    "string": "text",
    "number": "a number",
    "boolean": "true or false",
    "date": _DATE_EXAMPLE,
    "list": "a list of text items",
}

_CORE_KEYS: Final[dict[str, tuple[str, ...]]] = {
    e: tuple(n for n, a in CORE_SCHEMA.attributes.get(e, {}).items() if not a.computed)
    for e in ENTITIES
}
_COMPUTED: Final[dict[str, frozenset[str]]] = {
    e: frozenset(n for n, a in CORE_SCHEMA.attributes.get(e, {}).items() if a.computed)
    for e in ENTITIES
}
_KEY_CODES: Final = frozenset({"unknown-attribute", "computed-attribute", "unknown-key"})
_GET_ALGORITHM: Final = itemgetter("algorithm")
_GET_PLATFORM: Final = itemgetter("platform")
_ID: Final = attrgetter("id")
_STATUS_OF: Final = {s: s for s in DEPLOYMENT_STATUSES}
_DEPLOYMENT_KEYS: Final = frozenset(_CORE_KEYS["deployment"])
_ARTICLE: Final = {"organization": "the organization", "algorithm": "an algorithm",
                   "platform": "a platform", "deployment": "a deployment",
                   "filing": "a filing", "record": "a record"}


class _Loader:
    def __init__(self, specs: Mapping[str, PlatformTypeSpec], file: str | None,
                 marks: _Marks | None, text: str | None) -> None:
        self.file = file
        self.marks = marks
        self.text = text
        self._lines: list[str] | None = None
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.dropped = 0
        self.dates: dict[str, dt.date] = {}
        #: take the fast paths for plainly well-formed rows (off: every row is checked
        #: one by one; the tests compare the two)
        self.fast = True
        #: algorithm -> platform -> deployment, when the bulk path built it
        self.by_algorithm: dict[str, dict[str, Deployment]] | None = None
        self.types: dict[str, str] = {}
        self.type_attrs: dict[str, dict[str, Attribute]] = {}
        self.plugin_attrs: dict[str, Attribute] = {}
        for canonical in sorted(specs):
            spec = specs[canonical]
            self.types[canonical] = canonical
            for alias in spec.aliases:
                self.types.setdefault(alias, canonical)
            self.type_attrs[canonical] = {a.name: a for a in spec.attributes}
            for a in spec.attributes:
                self.plugin_attrs.setdefault(a.name, a)
        self.canonical_types = tuple(sorted(specs))
        self.declared: dict[str, dict[str, AttributeDecl]] = {e: {} for e in ENTITIES}
        self.kinds: tuple[str, ...] = ()
        # obligation kinds plugins bring travel with a registry's platform types
        plugin_kinds: Mapping[str, Any] = getattr(specs, "obligation_kinds", None) or {}
        self.plugin_kinds: frozenset[str] = frozenset(plugin_kinds)
        #: kind -> record keys a plugin's kind allows
        self.kind_keys: dict[str, dict[str, Attribute]] = {
            k: {a.name: a for a in plugin_kinds[k].keys} for k in sorted(plugin_kinds)}
        self.all_kinds: frozenset[str] = frozenset(RECORD_KINDS) | self.plugin_kinds

    # -- reporting ------------------------------------------------------------------

    def _span(self, path: str, at_key: bool = False) -> tuple[Span | None, str | None]:
        if self.marks is None or self.file is None:
            return None, None
        probe = path
        while probe and probe not in self.marks:
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        if not probe:
            return None, None
        line, col, end_line, end_col = self.marks[probe]
        if self._lines is None:
            self._lines = (self.text or "").splitlines()
        if at_key and probe == path:
            found = self._key_span(path.rsplit(".", 1)[-1], line, col)
            if found is not None:
                return found
        source = self._lines[line - 1] if 0 < line <= len(self._lines) else None
        if end_line != line:
            end_line, end_col = line, col + 1
        return Span(self.file, line, col, end_line, max(end_col, col + 1)), source

    def _key_span(self, key: str, line: int, col: int) -> tuple[Span, str] | None:
        """Where the key of a value at (line, col) is written: before the value on its
        line, or on one of the few lines above (a block value starts below its key).
        Only values' places are recorded while parsing; keys are found when needed."""
        assert self.file is not None
        assert self._lines is not None
        for number in range(min(line, len(self._lines)), max(0, line - 4), -1):
            text = self._lines[number - 1]
            at = text.rfind(key, 0, col - 1 if number == line else len(text))
            if at >= 0 and text[at + len(key):].lstrip(" \t\"'").startswith(":"):
                return Span(self.file, number, at + 1, number, at + 1 + len(key)), text
        return None

    def error(self, path: str, code: str, message: str, help: str | None = None,
              level: str = "error") -> None:
        sink = self.errors if level == "error" else self.warnings
        if level == "error" and len(self.errors) >= MAX_ERRORS:
            self.dropped += 1
            return
        # a key that should not be there is shown at the key, not at its value
        span, source = self._span(path, at_key=code in _KEY_CODES)
        sink.append(_diag(code, message, self.file, path=path or None, help=help, level=level,
                          span=span, source_line=source))

    def wrong(self, path: str, expected: str, value: Any) -> None:
        self.error(path, "type", f"expected {expected}, got {_describe(value)}")

    # -- typed readers (fast path first) ----------------------------------------------

    def text_value(self, value: Any, path: str) -> str | None:
        if value.__class__ is str:
            if value:
                return str(value)
            self.error(path, "empty", "expected text, got an empty value")
            return None
        self.wrong(path, "text", value)
        return None

    def bool_value(self, value: Any, path: str) -> bool | None:
        if value is True or value is False:
            return bool(value)
        self.wrong(path, "true or false", value)
        return None

    def date_value(self, value: Any, path: str) -> dt.date | None:
        if value.__class__ is dt.date:
            return value  # type: ignore[no-any-return, unused-ignore]
        if value.__class__ is str:
            cached = self.dates.get(value)
            if cached is not None:
                return cached
            if len(value) == 10 and _DATE_TEXT.fullmatch(value):
                try:
                    day = dt.date.fromisoformat(value)
                except ValueError:
                    self.error(path, "date",
                               f"`{value}` is not a real day; expected {_DATE_EXAMPLE}")
                    return None
                self.dates[value] = day
                return day
        self.wrong(path, _DATE_EXAMPLE, value)
        return None

    def enum_value(self, value: Any, path: str, allowed: Sequence[str], what: str) -> str | None:
        if value.__class__ is str and value in allowed:
            for a in allowed:  # the canonical object: shared, not one per row
                if a == value:
                    return a
        if value.__class__ is not str:
            self.wrong(path, f"one of {_list(allowed)}", value)
            return None
        self.error(path, "enum", f"unknown {what} `{value}`; expected one of {_list(allowed)}",
                   did_you_mean(value, allowed))
        return None

    def names_list(self, value: Any, path: str, allowed: Sequence[str] | None,
                   what: str) -> tuple[str, ...] | None:
        if not isinstance(value, list | tuple):
            self.wrong(path, "a list", value)
            return None
        out: list[str] = []
        ok = True
        for i, item in enumerate(value):
            p = f"{path}[{i}]"
            got = (self.enum_value(item, p, allowed, what) if allowed is not None
                   else self.text_value(item, p))
            if got is None:
                ok = False
            elif got in out:
                self.error(p, "duplicate", f"`{got}` is listed twice")
                ok = False
            else:
                out.append(got)
        return tuple(out) if ok else None

    def mapping(self, value: Any, path: str, what: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.error(path, "type", f"expected {what} (a mapping of keys to values), "
                                 f"got {_describe(value)}")
        return None

    def entries(self, doc: Mapping[str, Any], key: str) -> Sequence[Any]:
        value = doc.get(key)
        if value is None:
            return ()
        if isinstance(value, list | tuple):
            return value
        self.wrong(key, "a list", value)
        return ()

    def unique_key(self, item: Mapping[str, Any], path: str, key: str, noun: str,
                   first: Mapping[str, int]) -> str | None:
        """``item[key]`` (an id or a filing number): present, text, and not already used
        by an earlier entry of the section (``first`` maps used keys to their index)."""
        value = item.get(key)
        if value is None:
            self.missing(path, key, noun)
            return None
        text = self.text_value(value, f"{path}.{key}")
        if text is not None and text in first:
            what = noun.split(" ", 1)[1]
            section = path.split("[", 1)[0]
            self.error(f"{path}.{key}", "duplicate",
                       f"{what} `{text}` is listed twice (also {section}[{first[text]}])")
            return None
        return text

    def missing(self, path: str, key: str, what: str) -> None:
        self.error(f"{path}.{key}", "missing", f"{what} needs `{key}`")

    # -- extras: attributes beyond the core ---------------------------------------------

    def extras(self, entity: str, item: Mapping[str, Any], core: frozenset[str], path: str,
               platform_type: str | None = None, kind: str | None = None) -> Mapping[str, Any]:
        if item.keys() <= core:  # the common case: nothing beyond the core
            return _EMPTY
        out: dict[str, Any] = {}
        declared = self.declared[entity]
        for key in sorted((k for k in item if k not in core), key=str):
            value = item[key]
            p = f"{path}.{key}"
            if not isinstance(key, str):  # mappings given by embedders
                self.error(path, "key-type", f"a key must be text, not {_describe(key)}")
                continue
            decl = declared.get(key)
            if decl is not None:
                got = self.custom_value(value, p, decl.type, decl.enum)
                if got is not None:
                    out[key] = got
                continue
            kind_key = self.kind_keys.get(kind or "", {}).get(key) if entity == "record" else None
            if kind_key is not None:  # a key a plugin's obligation kind allows
                got = self.custom_value(value, p, kind_key.type, kind_key.enum)
                if got is not None:
                    out[key] = got
                continue
            if entity == "platform" and key in self.plugin_attrs:
                attr = (self.type_attrs.get(platform_type, {}).get(key)
                        if platform_type is not None else None)
                if attr is None:
                    owners = sorted(t for t, a in self.type_attrs.items() if key in a)
                    if platform_type is not None:
                        self.error(p, "unknown-attribute",
                                   f"`{key}` is an attribute of platform type "
                                   f"{_list(owners)}, not of `{platform_type}`")
                    continue
                got = self.custom_value(value, p, attr.type, attr.enum)
                if got is not None:
                    out[key] = got
                continue
            if key in _COMPUTED[entity]:
                self.error(p, "computed-attribute",
                           f"`{key}` is computed from the other facts; it cannot be set",
                           "remove it")
                continue
            known = set(core) | set(declared)
            if entity == "platform" and platform_type is not None:
                known |= set(self.type_attrs.get(platform_type, {}))
            hint = did_you_mean(key, known)
            if isinstance(value, Mapping):  # no declaration would accept it
                advice = ("an attribute of your own holds text, a number, true or false, a "
                          "date or a list; not a nested mapping")
                self.error(p, "unknown-attribute",
                           f"unknown attribute `{key}` of {_ARTICLE[entity]}",
                           f"{hint} Otherwise, {advice}" if hint else advice)
                continue
            declaration = f"`{entity}: [{{name: {key}, type: {_type_word(value)}}}]`"
            self.error(p, "unknown-attribute",
                       f"unknown attribute `{key}` of {_ARTICLE[entity]}",
                       f"{hint} If `{key}` is an attribute of your own, declare it under "
                       f"`schema:` as {declaration}" if hint
                       else f"declare a custom attribute under `schema:` as {declaration}")
        return out or _EMPTY

    def custom_value(self, value: Any, path: str, type_: str,
                     enum: tuple[str, ...] | None) -> Any:
        if value is None:
            return None
        if type_ == "string":
            if enum:
                return self.enum_value(value, path, enum, "value")
            return self.text_value(value, path)
        if type_ == "number":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
            self.wrong(path, "a number", value)
            return None
        if type_ == "boolean":
            return self.bool_value(value, path)
        if type_ == "date":
            return self.date_value(value, path)
        if type_ == "list":
            return self.names_list(value, path, enum, "value")
        return value  # "any": plugins may declare it

    # -- the document ------------------------------------------------------------------

    def load(self, doc: Any) -> Facts:
        if not isinstance(doc, Mapping):
            self.error("", "type", "a facts document is a mapping with `organization`, "
                       f"`algorithms`, `platforms`, … ; got {_describe(doc)}")
            raise FactsError(self.errors)
        for key in doc:
            if key not in _TOP_KEYS:
                self.error(str(key), "unknown-key", f"unknown section `{key}`",
                           did_you_mean(str(key), _TOP_KEYS)
                           or f"the sections are {_list(_TOP_KEYS)}")
        self.schema_section(doc.get("schema"))
        organization = self.organization(doc)
        algorithms = self.algorithms(self.entries(doc, "algorithms"))
        platforms = self.platforms(self.entries(doc, "platforms"))
        deployments = self.deployments(self.entries(doc, "deployments"), algorithms, platforms)
        filings = self.filings(self.entries(doc, "filings"), algorithms, platforms)
        records = self.records(self.entries(doc, "records"), algorithms, platforms, filings)
        self.raise_if_errors()
        assert organization is not None
        attributes = tuple(sorted((d for decls in self.declared.values() for d in decls.values()),
                                  key=lambda d: (d.entity, d.name)))
        facts = Facts(
            organization=organization,
            algorithms=tuple(algorithms.values()),
            platforms=tuple(platforms.values()),
            deployments=deployments,
            filings=tuple(filings.values()),
            records=records,
            attributes=attributes,
            kinds=self.kinds,
            source=self.file,
            locations=({p: m[0] for p, m in self.marks.items()} if self.marks is not None
                       else {}),
            warnings=tuple(sorted(self.warnings, key=Diagnostic.sort_key)),
        )
        if self.by_algorithm is not None:
            facts._derived["by_algorithm"] = self.by_algorithm
        return facts

    def raise_if_errors(self) -> None:
        if self.errors:
            diagnostics = list(self.errors)
            if self.dropped:
                diagnostics.append(_diag("too-many-errors",
                                         f"and {self.dropped} more errors not shown", self.file,
                                         path="~"))
            raise FactsError(diagnostics)

    def schema_section(self, value: Any) -> None:
        if value is None:
            return
        section = self.mapping(value, "schema", "the schema section")
        if section is None:
            return
        for key in section:
            if key != "kinds" and key not in ENTITIES:
                self.error(f"schema.{key}", "unknown-key", f"unknown schema entry `{key}`",
                           did_you_mean(str(key), (*ENTITIES, "kinds"))
                           or f"declare attributes of {_list(ENTITIES)}, or `kinds`")
        kinds = section.get("kinds")
        if kinds is not None:
            if not isinstance(kinds, list | tuple):
                self.wrong("schema.kinds", "a list of obligation kinds", kinds)
            else:
                declared: list[str] = []
                for i, kind in enumerate(kinds):
                    p = f"schema.kinds[{i}]"
                    name = self.text_value(kind, p)
                    if name is None:
                        continue
                    if not _NAME.fullmatch(name):
                        self.error(p, "name", f"`{name}` is not a valid kind name",
                                   "use letters, digits and `_`, starting with a letter")
                    elif name in RECORD_KINDS:
                        self.error(p, "duplicate", f"`{name}` is already a core obligation kind")
                    elif name in declared:
                        self.error(p, "duplicate", f"kind `{name}` is declared twice")
                    else:
                        declared.append(name)
                self.kinds = tuple(sorted(declared))
                self.all_kinds = (frozenset(RECORD_KINDS) | self.plugin_kinds
                                  | frozenset(declared))
        for entity in ENTITIES:
            decls = section.get(entity)
            if decls is None:
                continue
            base = f"schema.{entity}"
            if not isinstance(decls, list | tuple):
                self.wrong(base, "a list of attribute declarations", decls)
                continue
            for i, raw in enumerate(decls):
                decl = self.declaration(entity, raw, f"{base}[{i}]")
                if decl is not None:
                    self.declared[entity][decl.name] = decl

    def declaration(self, entity: str, raw: Any, path: str) -> AttributeDecl | None:
        item = self.mapping(raw, path, "an attribute declaration")
        if item is None:
            return None
        for key in item:
            if key not in _DECL_KEYS:
                self.error(f"{path}.{key}", "unknown-key", f"unknown declaration key `{key}`",
                           did_you_mean(str(key), _DECL_KEYS)
                           or f"a declaration has {_list(_DECL_KEYS)}")
        name = item.get("name")
        type_ = item.get("type")
        ok = True
        if name is None:
            self.missing(path, "name", "an attribute declaration")
            ok = False
        else:
            name = self.text_value(name, f"{path}.name")
            if name is None:
                ok = False
            elif not _NAME.fullmatch(name):
                self.error(f"{path}.name", "name", f"`{name}` is not a valid attribute name",
                           "use letters, digits and `_`, starting with a letter")
                ok = False
            elif CORE_SCHEMA.get(entity, name) is not None or (
                    entity == "platform" and name in self.plugin_attrs):
                self.error(f"{path}.name", "duplicate",
                           f"`{name}` is already an attribute of {_ARTICLE[entity]}")
                ok = False
            elif name in self.declared[entity]:
                self.error(f"{path}.name", "duplicate", f"`{name}` is declared twice")
                ok = False
        if type_ is None:
            self.missing(path, "type", "an attribute declaration")
            ok = False
        else:
            type_ = self.enum_value(type_, f"{path}.type", _DECL_TYPES, "attribute type")
            ok = ok and type_ is not None
        description = item.get("description")
        if description is not None:
            description = self.text_value(description, f"{path}.description")
        enum = item.get("enum")
        if enum is not None:
            enum = self.names_list(enum, f"{path}.enum", None, "value")
            if enum is not None and type_ not in ("string", "list"):
                self.error(f"{path}.enum", "enum",
                           "only `string` and `list` attributes take `enum`")
                ok = False
        if not ok:
            return None
        return AttributeDecl(entity, name, type_, description, enum)  # type: ignore[arg-type]

    def organization(self, doc: Mapping[str, Any]) -> Organization | None:
        raw = doc.get("organization")
        if raw is None:
            self.error("organization", "missing", "the facts need an `organization` section",
                       "e.g. `organization: {name: 示例科技有限公司, role: provider}`")
            return None
        item = self.mapping(raw, "organization", "the organization")
        if item is None:
            return None
        core = frozenset(_CORE_KEYS["organization"])
        name = item.get("name")
        if name is None:
            self.missing("organization", "name", "the organization")
        else:
            name = self.text_value(name, "organization.name")
        role = item.get("role")
        role = "provider" if role is None else self.enum_value(role, "organization.role", ROLES,
                                                               "role")
        po = item.get("public_opinion")
        po = False if po is None else self.bool_value(po, "organization.public_opinion")
        extra = self.extras("organization", item, core, "organization")
        if name is None or role is None or po is None:
            return None
        return Organization(name, role, po, extra)

    def algorithms(self, items: Sequence[Any]) -> dict[str, Algorithm]:
        out: dict[str, Algorithm] = {}
        first: dict[str, int] = {}
        core = frozenset(_CORE_KEYS["algorithm"])
        for i, raw in enumerate(items):
            path = f"algorithms[{i}]"
            item = self.mapping(raw, path, "an algorithm")
            if item is None:
                continue
            aid = self.unique_key(item, path, "id", "an algorithm", first)
            name = item.get("name")
            name = None if name is None else self.text_value(name, f"{path}.name")
            types = item.get("types")
            types = () if types is None else self.names_list(types, f"{path}.types",
                                                             ALGORITHM_TYPES, "algorithm type")
            rec = item.get("uses_recommendation")
            rec = False if rec is None else self.bool_value(rec, f"{path}.uses_recommendation")
            extra = self.extras("algorithm", item, core, path)
            if aid is not None:
                first[aid] = i
                if types is not None and rec is not None:
                    out[aid] = Algorithm(aid, name, types, rec, extra)
                else:  # known for references, but the file does not load
                    out[aid] = Algorithm(aid)
        return out

    def platforms(self, items: Sequence[Any]) -> dict[str, Platform]:
        out: dict[str, Platform] = {}
        first: dict[str, int] = {}
        core = frozenset(_CORE_KEYS["platform"])
        known_types = (*self.canonical_types,
                       *sorted(a for a in self.types if a not in self.canonical_types))
        for i, raw in enumerate(items):
            path = f"platforms[{i}]"
            item = self.mapping(raw, path, "a platform")
            if item is None:
                continue
            pid = self.unique_key(item, path, "id", "a platform", first)
            ptype = item.get("type")
            if ptype is None:
                self.missing(path, "type", "a platform")
            elif ptype.__class__ is str and ptype in self.types:
                ptype = self.types[ptype]
            elif ptype.__class__ is not str:
                self.wrong(f"{path}.type", "a platform type", ptype)
                ptype = None
            else:
                self.error(f"{path}.type", "unknown-platform-type",
                           f"unknown platform type `{ptype}`; known types: "
                           f"{_list(self.canonical_types)}",
                           did_you_mean(ptype, known_types)
                           or "a plugin may provide it: see `policy-sdk plugins`")
                ptype = None
            fields: dict[str, Any] = {}
            ok = True
            for key in ("name", "host"):
                v = item.get(key)
                if v is not None:
                    # a platform type may close a core attribute's values (mini_program: host)
                    refined = self.type_attrs.get(ptype, {}).get(key) if ptype else None
                    if refined is not None and refined.enum:
                        v = self.enum_value(v, f"{path}.{key}", refined.enum, "value")
                    else:
                        v = self.text_value(v, f"{path}.{key}")
                    ok = ok and v is not None
                fields[key] = v
            for key in ("batch_cancellation", "item_verification"):
                v = item.get(key)
                if v is not None:
                    v = self.bool_value(v, f"{path}.{key}")
                    ok = ok and v is not None
                fields[key] = v
            extra = self.extras("platform", item, core, path, ptype)
            if pid is not None:
                first[pid] = i
                out[pid] = Platform(pid, ptype or "", extra=extra, **fields) if ok else Platform(
                    pid, ptype or "")
        return out

    def deployments(self, items: Sequence[Any], algorithms: Mapping[str, Algorithm],
                    platforms: Mapping[str, Platform]) -> tuple[Deployment, ...]:
        bulk = self.deployments_bulk(items, algorithms, platforms) if self.fast else None
        if bulk is not None:
            return bulk
        return self.deployment_rows(items, algorithms, platforms)

    def deployments_bulk(self, items: Sequence[Any], algorithms: Mapping[str, Algorithm],
                         platforms: Mapping[str, Platform]) -> tuple[Deployment, ...] | None:
        """All deployments at once, when every row is plainly well formed; else None.

        A large facts file is mostly deployments, and nearly always correct. This path
        checks each property for all rows in one pass of C calls (``map`` over dicts)
        and builds the deployments column by column; it accepts exactly the rows
        :meth:`deployment_rows` accepts without a diagnostic. At the first doubt (a
        missing or unknown id, a status or date to check, an extra key, a stop date to
        explain, a duplicate) it gives up and the row path finds and words every
        problem. The deployments-by-algorithm index it builds is kept for the engine.
        """
        n = len(items)
        try:
            # ids as the algorithm and platform entries spell them: one string object each
            algs: list[str] = list(map(_ID, map(algorithms.__getitem__,
                                                map(_GET_ALGORITHM, items))))
            plats: list[str] = list(map(_ID, map(platforms.__getitem__,
                                                 map(_GET_PLATFORM, items))))
            statuses = list(map(_STATUS_OF.__getitem__,
                                map(dict.get, items, repeat("status"), repeat("active"))))
            launched = list(map(dict.get, items, repeat("launched_on")))
            stopped = list(map(dict.get, items, repeat("stopped_on")))
            keys = set().union(*items)
            days = self.bulk_dates({*launched, *stopped})
        except (KeyError, TypeError):
            return None
        if days is None or not keys <= _DEPLOYMENT_KEYS:
            return None
        launched = list(map(days.__getitem__, launched))
        stopped = list(map(days.__getitem__, stopped))
        # a stop date exactly on the stopped rows, never before the launch
        # (dates are truthy, so `compress` keeps the rows that have one)
        with_stop = list(compress(zip(statuses, launched, stopped, strict=True), stopped))
        if len(with_stop) != statuses.count("stopped") or any(
            s != "stopped" or (lo is not None and so < lo) for s, lo, so in with_stop
        ):
            return None
        rows = build_deployments(algs, plats, statuses, launched, stopped)
        # algorithm -> platform -> deployment, filled at C speed; a key seen twice
        # leaves fewer entries than rows
        by_algorithm: dict[str, dict[str, Deployment]] = {a: {} for a in algorithms}
        deque(map(setitem, map(by_algorithm.__getitem__, algs), plats, rows), maxlen=0)
        if sum(map(len, by_algorithm.values())) != n:
            return None  # a duplicate: the row path says which
        self.by_algorithm = {a: on for a, on in by_algorithm.items() if on}
        return tuple(rows)

    def bulk_dates(self, values: set[Any]) -> dict[Any, dt.date | None] | None:
        """Each value (None, a date, or text of one) -> its date; None if one is not."""
        out: dict[Any, dt.date | None] = {None: None}
        for v in values:
            if v is None:
                continue
            if v.__class__ is dt.date:
                out[v] = v
            elif v.__class__ is str and len(v) == 10 and _DATE_TEXT.fullmatch(v):
                day = self.dates.get(v)
                if day is None:
                    try:
                        day = self.dates[v] = dt.date.fromisoformat(v)
                    except ValueError:
                        return None
                out[v] = day
            else:
                return None
        return out

    def deployment_rows(self, items: Sequence[Any], algorithms: Mapping[str, Algorithm],
                        platforms: Mapping[str, Platform]) -> tuple[Deployment, ...]:
        """The deployments row by row, with a diagnostic for every problem."""
        out: list[Deployment] = []
        seen: dict[tuple[str, str], int] = {}
        core = frozenset(_CORE_KEYS["deployment"])
        alg_ids = {a: a for a in algorithms}
        plat_ids = {p: p for p in platforms}
        statuses = _STATUS_OF
        dates = self.dates
        date_cls = dt.date
        append = out.append
        seen_get = seen.setdefault
        running = ("active", "paused")
        alg: Any
        plat: Any
        status: Any
        for i, item in enumerate(items):
            # fast path: a well-formed row with cached dates and no extra keys
            try:
                alg = alg_ids[item["algorithm"]]
                plat = plat_ids[item["platform"]]
                s = item.get("status")
                status = "active" if s is None else statuses[s]
                lo = item.get("launched_on")
                if lo is not None and lo.__class__ is not date_cls:
                    lo = dates[lo]
                so = item.get("stopped_on")
                if so is not None and so.__class__ is not date_cls:
                    so = dates[so]
                fast = self.fast and len(item) == (2 + (s is not None) + (lo is not None)
                                                   + (so is not None))
            except (KeyError, TypeError, AttributeError):
                fast = False
            if fast and seen_get((alg, plat), i) == i and (
                (so is None and status in running)
                or (so is not None and status == "stopped" and (lo is None or lo <= so))
            ):
                append(Deployment(alg, plat, status, lo, so, _EMPTY))
                continue
            if fast and seen.get((alg, plat)) == i:
                del seen[(alg, plat)]  # the slow path below decides and records it
            if item.__class__ is not dict and not isinstance(item, Mapping):
                self.mapping(item, f"deployments[{i}]", "a deployment")
                continue
            bad = False
            a = item.get("algorithm")
            alg = alg_ids.get(a) if a.__class__ is str else None
            if alg is None:
                self.reference(f"deployments[{i}]", "algorithm", a, alg_ids)
                bad = True
            p = item.get("platform")
            plat = plat_ids.get(p) if p.__class__ is str else None
            if plat is None:
                self.reference(f"deployments[{i}]", "platform", p, plat_ids)
                bad = True
            s = item.get("status", "active")
            status = statuses.get(s) if s.__class__ is str else None
            if status is None:
                status = self.enum_value(s, f"deployments[{i}].status", DEPLOYMENT_STATUSES,
                                         "deployment status") if s is not None else "active"
                bad = bad or status is None
            lo = item.get("launched_on")
            if lo is not None and lo.__class__ is not date_cls:
                lo = dates.get(lo) if lo.__class__ is str else None
                if lo is None:
                    lo = self.date_value(item.get("launched_on"), f"deployments[{i}].launched_on")
                    bad = bad or lo is None
            so = item.get("stopped_on")
            if so is not None and so.__class__ is not date_cls:
                so = dates.get(so) if so.__class__ is str else None
                if so is None:
                    so = self.date_value(item.get("stopped_on"), f"deployments[{i}].stopped_on")
                    bad = bad or so is None
            if len(item) > 2 and not item.keys() <= core:
                extra = self.extras("deployment", item, core, f"deployments[{i}]")
            else:
                extra = _EMPTY
            if bad:
                continue
            assert alg is not None
            assert plat is not None
            assert status is not None
            key = (alg, plat)
            if key in seen:
                self.error(f"deployments[{i}]", "duplicate",
                           f"`{alg}` on `{plat}` is listed twice (also deployments[{seen[key]}])",
                           "one deployment per algorithm and platform")
                continue
            seen[key] = i
            if so is not None:
                if status != "stopped":
                    self.error(f"deployments[{i}].stopped_on", "stopped-on",
                               f"`stopped_on` is set but the status is `{status}`",
                               "set `status: stopped`, or remove `stopped_on`")
                    continue
                if lo is not None and so < lo:
                    self.error(f"deployments[{i}].stopped_on", "date-order",
                               f"stopped on {so.isoformat()}, before it launched on "
                               f"{lo.isoformat()}")
                    continue
            elif status == "stopped":
                self.error(f"deployments[{i}].stopped_on", "stopped-without-date",
                           f"`{alg}` on `{plat}` is stopped but has no `stopped_on`",
                           "deadlines counted from the stop date cannot be computed; "
                           "add `stopped_on`", level="warning")
            append(Deployment(alg, plat, status, lo, so, extra))
        return tuple(out)

    def reference(self, path: str, key: str, value: Any, known: Mapping[str, str]) -> None:
        p = f"{path}.{key}"
        what = "algorithm" if key == "algorithm" else "platform"
        if value is None:
            self.missing(path, key, f"a {path.split('[')[0][:-1]}")
        elif value.__class__ is not str:
            self.wrong(p, f"the id of {'an' if what == 'algorithm' else 'a'} {what}", value)
        else:
            self.error(p, "unknown-reference", f"unknown {what} `{value}`",
                       did_you_mean(value, known)
                       or f"it must be the `id` of an entry under `{what}s:`")

    def filings(self, items: Sequence[Any], algorithms: Mapping[str, Algorithm],
                platforms: Mapping[str, Platform]) -> dict[str, Filing]:
        out: dict[str, Filing] = {}
        first: dict[str, int] = {}
        core = frozenset((*_CORE_KEYS["filing"], "platform"))
        alg_ids = {a: a for a in algorithms}
        plat_ids = {p: p for p in platforms}
        statuses = {s: s for s in FILING_STATUSES}
        dates = self.dates
        date_cls = dt.date
        number: Any
        named: tuple[str, ...] | None
        status: Any
        alg: Any
        for i, raw in enumerate(items):
            # fast path: a usual number seen once, known references, plain values
            try:
                if not self.fast:
                    raise KeyError
                number = raw["number"]
                several = raw["platforms"]
                status = raw.get("status")
                filed_on = raw.get("filed_on")
                displayed = raw.get("displayed")
                if (
                    number.__class__ is str and number not in first
                    and several.__class__ is list and several
                    and (displayed is None or displayed.__class__ is bool)
                    and raw.keys() <= core and "platform" not in raw
                    and FILING_NUMBER.fullmatch(number)
                ):
                    named = tuple(map(plat_ids.__getitem__, several))
                    alg = alg_ids[raw["algorithm"]]
                    status = "active" if status is None else statuses[status]
                    if filed_on is not None and filed_on.__class__ is not date_cls:
                        filed_on = dates[filed_on]
                    if len(set(named)) == len(named):  # nothing raises from here on
                        first[number] = i
                        out[number] = Filing(number, alg, named, status, filed_on,
                                             bool(displayed), _EMPTY)
                        continue
            except (KeyError, TypeError, AttributeError):
                pass
            path = f"filings[{i}]"
            item = self.mapping(raw, path, "a filing")
            if item is None:
                continue
            ok = True
            number = self.unique_key(item, path, "number", "a filing", first)
            if number is not None and not FILING_NUMBER.fullmatch(number):
                self.error(f"{path}.number", "filing-number",
                           f"filing number `{number}` does not have the usual shape "
                           "`网信算备` + 21 digits + `号`",
                           "check it against the filing system's record", level="warning")
            a = item.get("algorithm")
            alg = alg_ids.get(a) if a.__class__ is str else None
            if alg is None:
                self.reference(path, "algorithm", a, alg_ids)
            single, several = item.get("platform"), item.get("platforms")
            named = None
            if single is not None and several is not None:
                self.error(f"{path}.platforms", "platform-and-platforms",
                           "a filing names its platforms with `platform` or `platforms`, not both")
            elif single is not None:
                plat = plat_ids.get(single) if single.__class__ is str else None
                if plat is None:
                    self.reference(path, "platform", single, plat_ids)
                else:
                    named = (plat,)
            elif several is not None:
                named = self.platform_list(several, f"{path}.platforms", plat_ids)
            else:
                self.error(f"{path}.platforms", "missing",
                           "a filing needs `platform` (one) or `platforms` (a list)")
            status = item.get("status")
            status = "active" if status is None else self.enum_value(
                status, f"{path}.status", FILING_STATUSES, "filing status")
            filed_on = item.get("filed_on")
            if filed_on is not None:
                filed_on = self.date_value(filed_on, f"{path}.filed_on")
                ok = ok and filed_on is not None
            displayed = item.get("displayed")
            displayed = False if displayed is None else self.bool_value(displayed,
                                                                        f"{path}.displayed")
            extra = self.extras("filing", item, core, path)
            if number is not None:
                first[number] = i
                if ok and alg is not None and named is not None and status is not None \
                        and displayed is not None:
                    out[number] = Filing(number, alg, named, status, filed_on, displayed, extra)
                else:
                    out[number] = Filing(number, alg or "", ())
        return out

    def platform_list(self, value: Any, path: str,
                      known: Mapping[str, str]) -> tuple[str, ...] | None:
        if not isinstance(value, list | tuple):
            self.wrong(path, "a list of platform ids", value)
            return None
        if not value:
            self.error(path, "empty", "a filing names at least one platform")
            return None
        try:  # the common case at C speed: known ids, each once
            named = tuple(map(known.__getitem__, value))
            if len(set(named)) == len(named):
                return named
        except (KeyError, TypeError):
            pass
        out: list[str] = []
        seen: set[str] = set()
        ok = True
        for j, p in enumerate(value):
            plat = known.get(p) if p.__class__ is str else None
            if plat is None:
                if p.__class__ is str:
                    self.error(f"{path}[{j}]", "unknown-reference", f"unknown platform `{p}`",
                               did_you_mean(p, known)
                               or "it must be the `id` of an entry under `platforms:`")
                else:
                    self.wrong(f"{path}[{j}]", "the id of a platform", p)
                ok = False
            elif plat in seen:
                self.error(f"{path}[{j}]", "duplicate", f"platform `{plat}` is named twice")
                ok = False
            else:
                out.append(plat)
                seen.add(plat)
        return tuple(out) if ok else None

    def records(self, items: Sequence[Any], algorithms: Mapping[str, Algorithm],
                platforms: Mapping[str, Platform],
                filings: Mapping[str, Filing]) -> tuple[Record, ...]:
        out: list[Record] = []
        core = frozenset(_CORE_KEYS["record"])
        kinds = sorted(self.all_kinds - {"filing"})
        refs: dict[str, Mapping[str, Any]] = {"algorithm": algorithms, "platform": platforms,
                                              "filing": filings}
        plain_kinds = {k: k for k in self.all_kinds - {"filing"}}
        dates = self.dates
        date_cls = dt.date
        kind: Any
        for i, raw in enumerate(items):
            # fast path: known kind and references, a cached date, no extra keys
            try:
                if not self.fast:
                    raise KeyError
                kind = plain_kinds[raw["kind"]]
                a, p, f, on = raw.get("algorithm"), raw.get("platform"), raw.get("filing"), \
                    raw.get("on")
                if (
                    (a is None or (a.__class__ is str and a in algorithms))
                    and (p is None or (p.__class__ is str and p in platforms))
                    and (f is None or (f.__class__ is str and f in filings))
                    and raw.keys() <= core
                ):
                    if on is not None and on.__class__ is not date_cls:
                        on = dates[on]
                    out.append(Record(kind, a, p, f, on, _EMPTY))
                    continue
            except (KeyError, TypeError, AttributeError):
                pass
            path = f"records[{i}]"
            item = self.mapping(raw, path, "a record")
            if item is None:
                continue
            ok = True
            kind = item.get("kind")
            if kind is None:
                self.missing(path, "kind", "a record")
                ok = False
            elif kind.__class__ is not str:
                self.wrong(f"{path}.kind", "an obligation kind", kind)
                ok = False
            elif kind == "filing":
                self.error(f"{path}.kind", "record-kind-filing",
                           "filings are listed under `filings:`, not as records")
                ok = False
            elif kind not in self.all_kinds:
                self.error(f"{path}.kind", "unknown-kind", f"unknown obligation kind `{kind}`",
                           did_you_mean(kind, kinds)
                           or "declare it under `schema: {kinds: [...]}`")
                ok = False
            parts: dict[str, str | None] = {}
            for key, known in refs.items():
                v = item.get(key)
                if v is None:
                    parts[key] = None
                elif v.__class__ is str and v in known:
                    parts[key] = v
                else:
                    ok = False
                    if v.__class__ is not str:
                        self.wrong(f"{path}.{key}", f"the id of a {key}"
                                   if key != "filing" else "a filing number", v)
                    else:
                        self.error(f"{path}.{key}", "unknown-reference", f"unknown {key} `{v}`",
                                   did_you_mean(v, known)
                                   or ("it must be the `number` of an entry under `filings:`"
                                       if key == "filing"
                                       else f"it must be the `id` of an entry under `{key}s:`"))
            on = item.get("on")
            if on is not None:
                on = self.date_value(on, f"{path}.on")
                ok = ok and on is not None
            extra = self.extras("record", item, core, path,
                                kind=kind if isinstance(kind, str) else None)
            if ok:
                assert isinstance(kind, str)
                out.append(Record(kind, parts["algorithm"], parts["platform"], parts["filing"],
                                  on, extra))
        return tuple(out)


def _list(items: Iterable[str]) -> str:
    return ", ".join(f"`{x}`" for x in items)


# --- the public entry point ----------------------------------------------------------


def load_facts(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    platform_types: Mapping[str, PlatformTypeSpec] | None = None,
) -> Facts:
    """Load deployment facts from a YAML/JSON file or an in-memory mapping.

    ``platform_types`` maps canonical platform type names to their specs (aliases in the
    specs are accepted and normalized); ``None`` uses the default plugin registry.
    Raises :class:`~policy_sdk.errors.FactsError` with every problem of the document.
    Warnings are in :attr:`Facts.warnings`.
    """
    specs = default_platform_types() if platform_types is None else platform_types
    # Loading allocates one container per row and frees none of them; the cyclic
    # garbage collector would walk all of them again and again (half the time of a
    # 1M-row file). Nothing here makes cycles, so it is paused while loading.
    with gc_paused():
        return _load(source, specs)


def _is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; a name the system refuses (too long, …) is not one,
    and then reads as a file name: its problem is reported with the path, never as an
    ``OSError``."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _load(source: str | os.PathLike[str] | Mapping[str, Any],
          specs: Mapping[str, PlatformTypeSpec]) -> Facts:
    if isinstance(source, Mapping):
        return _Loader(specs, None, None, None).load(source)
    if not isinstance(source, str | os.PathLike):
        raise FactsError([_diag("type", "facts come from a file path or a mapping, got "
                                f"{_describe(source)}", None)])
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        if _is_dir(path):
            raise _fail("format", f"`{path}` is a folder; --facts takes one facts file "
                        "(.yaml, .yml or .json)", str(path))
        raise _fail("format", f"unknown facts file type `{path.suffix}`" if path.suffix
                    else f"facts file `{path}` has no file type", str(path),
                    help="facts files end in `.yaml`, `.yml` or `.json`")
    file, text = _read(path)
    if suffix == ".json":
        return _Loader(specs, file, None, None).load(_parse_json(text, file))
    doc, marks, soft = _parse_yaml(text, file)
    loader = _Loader(specs, file, marks, text)
    if soft:
        loader.errors.extend(soft)
    if doc is None:
        raise _fail("empty", "the facts file is empty", file,
                    help="a facts file starts with `organization:`")
    return loader.load(doc)

