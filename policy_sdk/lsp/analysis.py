"""What the editor asks about a policy file, answered without any editor protocol.

The language server (:mod:`policy_sdk.lsp.server`) only translates between LSP
messages and these functions, so everything here is plain data in, plain data out,
and is tested directly as well as through a real client.

Positions here are 0-based lines and 0-based *character* columns (code points);
the server converts them to and from the UTF-16 units LSP counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from policy_sdk import ast
from policy_sdk.errors import Diagnostic, PolicySdkError, PolicySyntaxError, Span
from policy_sdk.facts.schema import ENTITIES, Attribute, Schema

__all__ = [
    "Completion",
    "LanguageContext",
    "RuleDef",
    "Symbol",
    "WorkspaceIndex",
    "check_text",
    "completions",
    "did_you_mean_fix",
    "document_symbols",
    "fix_offset",
    "grammar_keywords",
    "hover",
    "load_context",
    "word_at",
]

#: entity words a dotted name may start with (`platform.host`)
_ENTITY_PREFIXES = ENTITIES
#: the unqualified scope names of `per …`
_SCOPES = ("organization", "algorithm", "platform", "deployment", "filing")
_METADATA = ("severity", "title", "citation", "remedy", "interpretation")
_DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")


@attrs.frozen
class LanguageContext:
    """What names mean: the schema (core + installed plugins + a facts file's
    declarations), the functions plugins add, and the platform types."""

    schema: Schema
    functions: Mapping[str, Any]
    platform_types: tuple[str, ...]
    #: problems met while building the context (a broken facts file, a failing plugin)
    problems: tuple[Diagnostic, ...] = ()


def load_context(facts_file: str | None = None, *, load_entrypoints: bool = True,
                 plugins: Sequence[str] = ()) -> LanguageContext:
    """The context for a workspace: installed plugins, and the schema a facts file adds.

    Never raises on bad input: problems are kept in ``problems`` and the core schema
    is used, so the editor keeps working while a facts file or a plugin is broken.
    """
    from policy_sdk import pipeline
    from policy_sdk.facts.schema import CORE_SCHEMA

    problems: list[Diagnostic] = []
    try:  # the registry and schema as `check` and `validate` build them
        registry = pipeline.load_registry(tuple(plugins), load_entrypoints=load_entrypoints)
    except PolicySdkError as exc:
        return LanguageContext(CORE_SCHEMA, {}, (), exc.diagnostics)
    facts = None
    if facts_file:
        from policy_sdk.facts import load_facts

        try:
            facts = load_facts(facts_file)
        except PolicySdkError as exc:
            problems.extend(exc.diagnostics)
    try:
        schema = pipeline.schema_for(registry, facts)
    except PolicySdkError as exc:
        problems.extend(exc.diagnostics)
        schema = pipeline.schema_for(registry)
    return LanguageContext(
        schema, dict(registry.functions), tuple(sorted(registry.platform_types)), tuple(problems)
    )


def check_text(text: str, file: str, context: LanguageContext) -> tuple[ast.Module | None,
                                                                         list[Diagnostic]]:
    """Parse and validate ``text``: the module (None when it does not parse) and every
    diagnostic, errors and warnings, with the same codes and help as the CLI."""
    from policy_sdk.syntax import parse_policy
    from policy_sdk.validate import validate_module

    try:
        module = parse_policy(text, file=file)
    except PolicySyntaxError as exc:
        return None, list(exc.diagnostics)
    except PolicySdkError as exc:  # pragma: no cover - parse raises only syntax errors
        return None, list(exc.diagnostics)
    return module, list(validate_module(module, context.schema, context.functions))


# --- words and positions -------------------------------------------------------------

_WORD = re.compile(r"[^\W\d][\w]*(?:[./][^\W\d][\w]*)*")


def word_at(text: str, line: int, column: int) -> tuple[str, int, int] | None:
    """The dotted or slashed name under (line, column): ``(word, start, end)`` columns."""
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return None
    source = lines[line]
    for m in _WORD.finditer(source):
        if m.start() <= column <= m.end():
            return m.group(), m.start(), m.end()
    return None


def span_to_range(span: Span) -> tuple[int, int, int, int]:
    """A 1-based, end-exclusive span as 0-based ``(line, col, end_line, end_col)``."""
    return span.line - 1, span.column - 1, span.end_line - 1, span.end_column - 1


# --- the workspace's rules -----------------------------------------------------------


@attrs.frozen
class RuleDef:
    """A rule as the editor shows it."""

    id: str
    rule: ast.Rule
    file: str
    span: Span
    #: where the rule's name is written (or the statement, for a bare one)
    name_span: Span


@attrs.frozen
class Reference:
    rule_id: str
    file: str
    line: int  # 0-based
    start: int
    end: int


class WorkspaceIndex:
    """Rule definitions in the workspace's policy files and references to them in
    policy test files (``rule: POLICY/NAME``). Open documents override files on disk."""

    def __init__(self) -> None:
        self._defs: dict[str, dict[str, RuleDef]] = {}  # file -> id -> def
        self._refs: dict[str, list[Reference]] = {}  # file -> references

    def scan(self, root: Path, *, limit: int = 2000) -> None:
        """Index every ``*.policy`` and ``*.tests.yaml`` below ``root`` (at most
        ``limit`` files; unreadable or broken files are skipped)."""
        count = 0
        for path in sorted(root.rglob("*")):
            if count >= limit:
                break
            name = path.name
            if not (name.endswith(".policy") or name.endswith(".tests.yaml")):
                continue
            if any(part.startswith(".") for part in path.relative_to(root).parts[:-1]):
                continue
            try:
                if not path.is_file():
                    continue
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            count += 1
            self.update(str(path), text)

    def update(self, file: str, text: str) -> ast.Module | None:
        """Re-index one file from its text; returns the module of a policy file that parses."""
        if file.endswith(".tests.yaml"):
            self._refs[file] = list(_test_file_references(file, text))
            return None
        from policy_sdk.syntax import parse_policy

        try:
            module = parse_policy(text, file=file)
        except PolicySdkError:
            return None  # keep the last good definitions of a file being edited
        self.set_module(file, module)
        return module

    def set_module(self, file: str, module: ast.Module) -> None:
        self._defs[file] = {d.id: d for d in rule_defs(module, file)}

    def definitions(self, rule_id: str) -> list[RuleDef]:
        return [defs[rule_id] for _, defs in sorted(self._defs.items()) if rule_id in defs]

    def references(self, rule_id: str) -> list[Reference]:
        return [r for _, refs in sorted(self._refs.items()) for r in refs if r.rule_id == rule_id]

    def rule_ids(self) -> list[str]:
        return sorted({i for defs in self._defs.values() for i in defs})


def rule_defs(module: ast.Module, file: str) -> Iterator[RuleDef]:
    lines: list[str] | None = None
    for rule_id, rule in ast.rule_ids(module):
        span = rule.span
        if span is None:
            continue
        name_span = span
        if rule.name is not None:
            if lines is None:
                lines = _module_lines(file)
            name_span = _find_name(lines, span, rule.name) or span
        yield RuleDef(rule_id, rule, file, span, name_span)


def _module_lines(file: str) -> list[str]:
    try:
        return Path(file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _find_name(lines: list[str], span: Span, name: str) -> Span | None:
    """The span of ``name`` after ``rule`` on the rule's first line."""
    if not 0 < span.line <= len(lines):
        return None
    source = lines[span.line - 1]
    m = re.compile(r"\brule\s+(" + re.escape(name) + r")\b").search(source, span.column - 1)
    if m is None:
        return None
    return Span(span.file, span.line, m.start(1) + 1, span.line, m.end(1) + 1)


_TEST_RULE = re.compile(r"""\brule:\s*["']?([^\s,}"']+)""")


def _test_file_references(file: str, text: str) -> Iterator[Reference]:
    for number, line in enumerate(text.splitlines()):
        for m in _TEST_RULE.finditer(line):
            yield Reference(m.group(1), file, number, m.start(1), m.end(1))


def rule_id_at(module: ast.Module | None, file: str, text: str, line: int,
               column: int) -> str | None:
    """The id of the rule whose name (policy file) or ``rule:`` value (test file) is
    under the cursor."""
    if file.endswith(".tests.yaml"):
        for ref in _test_file_references(file, text):
            if ref.line == line and ref.start <= column <= ref.end:
                return ref.rule_id
        return None
    if module is None:
        return None
    lines = text.splitlines()
    for rule_id, rule in ast.rule_ids(module):
        if rule.span is None or rule.name is None:
            continue
        found = _find_name(lines, rule.span, rule.name)
        if found and found.line - 1 == line and found.column - 1 <= column <= found.end_column - 1:
            return rule_id
    return None


# --- hover ----------------------------------------------------------------------------


def describe_rule(d: RuleDef) -> str:
    rule = d.rule
    out = [f"**{d.id}**" + (f" — {rule.title}" if rule.title else "")]
    out.append(f"severity: `{rule.severity or 'mandatory'}`")
    if rule.citation:
        out.append(f"citation: {rule.citation}")
    if rule.interpretation:
        out.append(f"interpretation: {rule.interpretation}")
    if rule.remedy:
        out.append(f"remedy: {rule.remedy}")
    return "\n\n".join(out)


def describe_attribute(a: Attribute) -> str:
    head = f"**{a.entity}.{a.name}**: `{a.type}`"
    parts = [head]
    if a.description:
        parts.append(a.description)
    if a.enum:
        parts.append("one of " + ", ".join(f"`{v}`" for v in a.enum))
    flags = []
    if a.computed:
        flags.append("computed by the engine")
    flags.append(f"from {a.origin}")
    parts.append("; ".join(flags))
    return "\n\n".join(parts)


def hover(text: str, file: str, line: int, column: int, context: LanguageContext,
          index: WorkspaceIndex, module: ast.Module | None = None) -> str | None:
    """Markdown for what is under the cursor: a rule, an attribute, a kind, a function."""
    rule_id = rule_id_at(module, file, text, line, column)
    if rule_id is not None:
        defs = index.definitions(rule_id)
        if defs:
            return describe_rule(defs[0])
        if module is not None:
            for d in rule_defs(module, file):
                if d.id == rule_id:
                    return describe_rule(d)
        return None
    found = word_at(text, line, column)
    if found is None:
        return None
    word = found[0]
    schema = context.schema
    if "." in word:
        entity, _, name = word.partition(".")
        attribute = schema.get(entity, name)
        if attribute is not None:
            return describe_attribute(attribute)
    if word in context.functions:
        spec = context.functions[word]
        params = ", ".join(getattr(spec, "params", ()))
        text_ = f"**{word}**({params}) → `{getattr(spec, 'returns', 'any')}`"
        description = getattr(spec, "description", "")
        return text_ + (f"\n\n{description}" if description else "")
    if word in schema.kinds:
        return f"**{word}**: an obligation kind (a record kind in the facts)"
    owners = schema.entities_with(word)
    if owners:
        return "\n\n---\n\n".join(
            describe_attribute(a) for e in owners if (a := schema.get(e, word)) is not None
        )
    return None


# --- completion ----------------------------------------------------------------------


@attrs.frozen
class Completion:
    label: str
    #: keyword, attribute, kind, function, value, rule
    kind: str
    detail: str = ""


_KEYWORD_RE = re.compile(r'^([A-Z_]+)(?:\.-?\d+)?\s*:\s*"([a-z]+)"\s*$', re.M)
_ANONYMOUS_RE = re.compile(r'"([a-z]+)"')


def grammar_keywords() -> tuple[str, ...]:
    """Every keyword of the language, read from the grammar (named keyword terminals
    such as ``POLICY: "policy"`` and anonymous ones such as ``"per"``)."""
    from policy_sdk._resources import grammar_path

    grammar = grammar_path().read_text(encoding="utf-8")
    words = set(_KEYWORD_RE.findall(grammar))
    named = {w for _, w in words}
    body = "\n".join(
        line.split("//", 1)[0] for line in grammar.splitlines() if not _KEYWORD_RE.match(line)
    )
    anonymous = set(_ANONYMOUS_RE.findall(body))
    return tuple(sorted(named | anonymous))


def _before(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    head = lines[:line]
    current = lines[line][:column] if line < len(lines) else ""
    return "\n".join([*head, current])


_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|[^\W\d][\w]*(?:\.[^\W\d]?[\w]*)*|\d+|\S')


def _last_tokens(prefix: str, n: int = 3) -> list[str]:
    tokens = [t for t in _TOKENS.findall(prefix) if not t.startswith("#")]
    return tokens[-n:]


def completions(text: str, line: int, column: int,
                context: LanguageContext) -> list[Completion]:
    """What may be written at the cursor."""
    prefix = _before(text, line, column)
    current_line = prefix.rsplit("\n", 1)[-1]
    schema = context.schema
    dotted = re.search(r"([^\W\d]\w*)\.(\w*)$", current_line)
    if dotted and dotted.group(1) in _ENTITY_PREFIXES:
        entity = dotted.group(1)
        return [Completion(name, "attribute", describe_attribute(a))
                for name in schema.names(entity) if (a := schema.get(entity, name))]
    if re.search(r'(?:type\s*(?:==|!=)\s*|in\s*\[[^\]]*)"\w*$', current_line):
        return [Completion(t, "value", "platform type") for t in context.platform_types]
    tokens = _last_tokens(prefix)
    partial = re.search(r"[^\W\d]\w*$", current_line)
    if partial:
        tokens = tokens[:-1]
    last = tokens[-1] if tokens else ""
    if last == "require" or tokens[-2:] == ["require", "distinct"] or last == "forbid":
        kinds = [Completion(k, "kind", "obligation kind") for k in schema.kinds]
        return kinds + ([Completion("distinct", "keyword")] if last == "require" else [])
    if last == "per":
        return [Completion(s, "keyword", "scope") for s in _SCOPES]
    if last == "severity":
        return [Completion("mandatory", "value"), Completion("advisory", "value")]
    if re.fullmatch(r"\d+", last):
        return [Completion(w, "keyword") for w in ("working", "days", "day")]
    if last in ("days", "day"):
        return [Completion("of", "keyword")]
    if last in ("{", "}", "") or (last.startswith('"') and _opens_block(tokens)):
        return [Completion(w, "keyword") for w in (
            "policy", "rule", "require", "forbid", "ensure", *(_METADATA if last == "{" else ())
        )]
    out = [Completion(w, "keyword") for w in grammar_keywords()]
    out += [Completion(f, "function", _function_detail(context.functions[f]))
            for f in sorted(context.functions)]
    out += [Completion(e, "attribute", "entity") for e in _ENTITY_PREFIXES]
    return out


def _opens_block(tokens: list[str]) -> bool:
    return len(tokens) >= 2 and tokens[-2] in ("rule", "policy")


def _function_detail(spec: Any) -> str:
    params = ", ".join(getattr(spec, "params", ()))
    return f"({params}) → {getattr(spec, 'returns', 'any')}"


# --- outline and quick fixes -------------------------------------------------------


@attrs.frozen
class Symbol:
    name: str
    #: policy or rule
    kind: str
    span: Span
    detail: str = ""
    children: tuple[Symbol, ...] = ()


def document_symbols(module: ast.Module) -> list[Symbol]:
    """Policies with their rules, and top-level rules, in source order."""
    ids = {id(rule): rule_id for rule_id, rule in ast.rule_ids(module)}
    out: list[Symbol] = []
    for item in module.items:
        if isinstance(item, ast.Policy):
            children = tuple(_rule_symbol(r, ids[id(r)]) for r in item.rules if r.span)
            if item.span is not None:
                out.append(Symbol(item.name, "policy", item.span, item.title or "", children))
        elif item.span is not None:
            out.append(_rule_symbol(item, ids[id(item)]))
    return out


def _rule_symbol(rule: ast.Rule, rule_id: str) -> Symbol:
    assert rule.span is not None
    return Symbol(rule_id.rsplit("/", 1)[-1], "rule", rule.span, rule.title or "")


def did_you_mean_fix(diagnostic: Diagnostic) -> str | None:
    """The replacement a did-you-mean help line proposes, if any."""
    if not diagnostic.help:
        return None
    m = _DID_YOU_MEAN.search(diagnostic.help)
    return m.group(1) if m else None


def fix_offset(covered: str, fix: str) -> int:
    """Where in the diagnostic's text ``covered`` the replacement ``fix`` starts: a
    dotted name whose last part is misspelt (`platform.hots` → `host`) keeps its
    head."""
    if "." in covered and "." not in fix:
        return covered.rindex(".") + 1
    return 0
