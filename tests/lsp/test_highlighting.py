"""Syntax highlighting: the TextMate grammar (editors/) and the Pygments lexer agree
with the language's grammar, and highlight every policy the project ships."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Error, Keyword, Name, Operator

from policy_sdk.highlight import KEYWORDS, PolicyLexer
from policy_sdk.lsp.analysis import grammar_keywords

ROOT = Path(__file__).resolve().parents[2]
TM = ROOT / "editors" / "policy.tmLanguage.json"
SHIPPED = sorted(
    p for p in ROOT.rglob("*.policy")
    if ".git" not in p.parts and "build" not in p.parts and "tests" not in p.parts
)
# keywords that are never plain names (the grammar's header lists the soft ones)
SOFT = {"distinct", "working", "day", "days", "of", "severity", "title", "citation",
        "remedy", "interpretation", "en"}
HARD = set(grammar_keywords()) - SOFT


def _grammar() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(TM.read_text(encoding="utf-8"))
    return loaded


def _flatten(grammar: dict[str, Any]) -> list[dict[str, Any]]:
    """The top-level patterns in order, with includes resolved."""
    out: list[dict[str, Any]] = []

    def add(pattern: dict[str, Any]) -> None:
        if "include" in pattern:
            add(grammar["repository"][pattern["include"].lstrip("#")])
        elif "patterns" in pattern and "begin" not in pattern:
            for p in pattern["patterns"]:
                add(p)
        else:
            out.append(pattern)

    for p in grammar["patterns"]:
        add(p)
    return out


def tokenize(line: str, patterns: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """A small TextMate-style scanner for one line: at each position the pattern whose
    match starts earliest wins (the first listed on a tie); begin/end regions are
    consumed to their end. Returns (text, scope) pairs; unmatched text has scope ''."""
    compiled = [(p, re.compile(p.get("match") or p["begin"])) for p in patterns]
    pos = 0
    out: list[tuple[str, str]] = []
    while pos < len(line):
        best: tuple[int, int, dict[str, Any], re.Match[str]] | None = None
        for order, (p, rx) in enumerate(compiled):
            m = rx.search(line, pos)
            if m and m.end() > m.start() and (best is None or (m.start(), order) < best[:2]):
                best = (m.start(), order, p, m)
        if best is None:
            out.append((line[pos:], ""))
            break
        start, _, p, m = best
        if start > pos:
            out.append((line[pos:start], ""))
        if "begin" in p:
            end = re.compile(p["end"]).search(line, m.end())
            stop = end.end() if end else len(line)
            out.append((line[start:stop], p["name"]))
            pos = stop
            continue
        if "captures" in p:
            last = m.start()
            for group, capture in sorted(p["captures"].items(), key=lambda kv: int(kv[0])):
                g = int(group)
                if m.start(g) > last:
                    out.append((line[last:m.start(g)], ""))
                out.append((m.group(g), capture["name"]))
                last = m.end(g)
        else:
            out.append((m.group(), p["name"]))
        pos = m.end()
    return out


def test_the_textmate_grammar_covers_every_keyword_of_the_language() -> None:
    patterns = _flatten(_grammar())
    for keyword in grammar_keywords():
        # as it stands in a policy: before a name, or (metadata) before a string
        scopes = [s for line in (f"x {keyword} y", f'  {keyword} "y"')
                  for t, s in tokenize(line, patterns) if t == keyword]
        assert any(s.startswith(("keyword.", "storage.", "constant.language"))
                   for s in scopes), keyword


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_textmate_grammar_tokenizes_every_shipped_policy(path: Path) -> None:
    patterns = _flatten(_grammar())
    seen_keywords = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        for text, scope in tokenize(line, patterns):
            if not scope:
                assert set(text.strip()) <= set("{}()[],"), (line, text)
                continue
            if scope.startswith(("string.", "comment.")):
                continue
            for word in re.findall(r"[^\W\d]\w*", text):
                if word in HARD and not scope.startswith("entity.name"):
                    assert scope.startswith(("keyword.", "constant.language")), (line, word)
                    seen_keywords.add(word)
    assert seen_keywords  # the file has keywords at all, and they were recognised


def test_the_pygments_lexer_knows_exactly_the_grammars_keywords() -> None:
    assert set(KEYWORDS) == set(grammar_keywords())


def test_pygments_finds_the_lexer_by_name_and_file_name() -> None:
    assert isinstance(get_lexer_by_name("policy"), PolicyLexer)
    assert isinstance(get_lexer_for_filename("house.policy"), PolicyLexer)


def _doc_blocks() -> list[str]:
    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    return re.findall(r"```policy\n(.*?)```", text, re.S)


def test_the_language_docs_examples_highlight_without_error_tokens() -> None:
    blocks = _doc_blocks()
    assert len(blocks) >= 5
    lexer = get_lexer_by_name("policy")
    for block in blocks:
        tokens = list(lexer.get_tokens(block))
        assert not [v for t, v in tokens if t is Error or t.parent is Error], block
    joined = "\n".join(blocks)
    kinds = {t for t, _ in lexer.get_tokens(joined)}
    assert Keyword in kinds
    assert Operator.Word in kinds
    assert Name.Function in kinds


def test_pygments_highlights_rule_names_and_statements() -> None:
    tokens = [(t, v) for t, v in PolicyLexer().get_tokens(
        'rule a "t" {\n  severity advisory\n  require filing per platform where x and y\n}\n'
    ) if v.strip()]
    assert (Keyword.Declaration, "rule") in tokens
    assert (Name.Function, "a") in tokens
    assert (Keyword.Reserved, "severity") in tokens
    assert (Keyword, "require") in tokens
    assert (Operator.Word, "and") in tokens
    assert (Name, "filing") in tokens
