"""The line reader (the YAML fast path) reads what libyaml's composer reads: the same
document and the same positions, or it declines."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.facts.yaml12 import YamlFailure, compose
from policy_sdk.facts.yaml_lines import read_lines
from policy_sdk.testing.strategies import facts_documents

_KEYS = st.sampled_from(["id", "name", "a-b", "_x", "名称", "on", "yes", "null", "true", "k2"])
_TEXT = st.text(
    alphabet=st.sampled_from([*"ab 1:#-'\"\\,[]{}&*!|>%@`~.?x\u3000é平台", "\t", "\n"]),
    max_size=8,
)
_SCALARS = (st.none() | st.booleans() | st.integers(-10**6, 10**6)
            | st.floats(allow_nan=False, allow_infinity=False) | st.dates() | _TEXT
            | st.sampled_from(["010", "0x1F", "1:30", "2026-02-30", ".inf", "~", "-5", "- x"]))
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


def _agree(text: str) -> bool:
    """Whether the line reader took ``text``; asserts it read what the composer reads."""
    fast = read_lines(text)
    if fast is None:
        return False
    document, marks, soft = compose(text, "f.yaml")
    assert soft == []
    assert fast[0] == document
    assert fast[1]() == marks  # the positions, worked out when asked for
    return True


@given(st.dictionaries(_KEYS, _TREES, min_size=1, max_size=5),
       st.sampled_from([2, 4]), st.booleans())
def test_the_line_reader_reads_what_the_composer_reads(
    document: dict[str, Any], indent: int, comments: bool
) -> None:
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, indent=indent,
                          default_flow_style=False, width=10_000)
    if comments:
        lines = text.split("\n")
        text = "\n".join(f"{line}\n# note\n" if i % 3 == 0 else line
                         for i, line in enumerate(lines))
    try:
        compose(text, "f.yaml")
    except (YamlFailure, yaml.YAMLError):  # the composer refuses it: so must the lines
        assert read_lines(text) is None
        return
    _agree(text)


@given(st.text(alphabet=st.sampled_from(list("ab:- #'\"\n[]{}")), max_size=40))
def test_odd_texts_are_declined_or_read_alike(text: str) -> None:
    try:
        compose(text, "f.yaml")
    except (YamlFailure, yaml.YAMLError):
        assert read_lines(text) is None
        return
    _agree(text)


@given(facts_documents())
def test_facts_files_as_programs_write_them_take_the_fast_path(document: dict[str, Any]) -> None:
    plain = json.loads(json.dumps(document, default=dt.date.isoformat))
    text = yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, width=10_000)
    assert _agree(text)


def test_what_the_line_reader_declines() -> None:
    for text in ("a: 1", "a: &x 1\nb: *x\n", "a: [1, 2]\n", "a: |\n  x\n", "a:\n\tb: 1\n",
                 "a: 1\na: 2\n", "a:\nb: 1\n", "- 1\n", "a: 1 # c\n", "---\na: 1\n",
                 "a: 'it''s'\n", 'a: "\\u0041"\n', "a: x\n  y\n", "a: \x1b\n", "a: b\r\n"):
        assert read_lines(text) is None, text
    assert read_lines("a: 1\nb:\n- x: 2\n  y: [\n") is None


_MUTATIONS = [lambda s: " " + s, lambda s: s[1:], lambda s: "- " + s, lambda s: s + ":",
              lambda s: s + " #x", lambda s: s.replace(": ", ":", 1), lambda s: s + "\n",
              lambda s: "  " + s, lambda s: s.replace("- ", "  ", 1), lambda s: s + " ",
              lambda s: s.replace(": ", ": [", 1), lambda s: "", lambda s: s + "\n" + s]


@given(facts_documents(), st.data())
def test_a_damaged_line_is_declined_or_read_alike(
    document: dict[str, Any], data: st.DataObject
) -> None:
    plain = json.loads(json.dumps(document, default=dt.date.isoformat))
    lines = yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, width=10_000).split("\n")
    for _ in range(data.draw(st.integers(1, 3), label="damages")):
        i = data.draw(st.integers(0, len(lines) - 1), label="line")
        lines[i] = data.draw(st.sampled_from(_MUTATIONS), label="how")(lines[i])
    text = "\n".join(lines)
    try:
        compose(text, "f.yaml")
    except (YamlFailure, yaml.YAMLError):
        assert read_lines(text) is None
        return
    _agree(text)
