"""The table reader (the YAML fast path for sections that are lists of flat
mappings) reads what its slow twin, the line reader, reads: the same document and the
same positions, one path's or all of them; and both read what libyaml's composer
reads, or decline."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.facts.read import LineMap, Locator
from policy_sdk.facts.yaml12 import Marks, YamlFailure, compose
from policy_sdk.facts.yaml_lines import first_lines, read_sections
from policy_sdk.testing.strategies import facts_documents

_KEYS = st.sampled_from(["id", "name", "a-b", "_x", "名称", "on", "k2"])
_ODD_KEYS = st.sampled_from(["null", "True", "2x", "'id'", "a b", "id "])
_WORDS = st.text(alphabet=st.sampled_from([*"ab 1:#-.'\"\\,[]{}&*!%@~?x\u3000é平"]),
                 min_size=1, max_size=8)
_PLAIN = (st.from_regex(r"[a-z平é][a-z0-9./_ :-]{0,6}[a-z0-9平]", fullmatch=True)
          | st.text(alphabet=st.sampled_from([*"ab1-._:/ x平é"]), min_size=1, max_size=8))
_TOKENS = st.sampled_from(["true", "False", "null", "NULL", "~", "010", "0x1F", "0o7", "1.5",
                           "1e3", ".inf", "-.inf", ".nan", "+5", "-5", "2026-02-30",
                           "2025-01-01", "1:30", "12345678901234567890", "9" * 4301,
                           "[]", "{}", "a  b", "a #b", "x:", "''", '""', "'it''s'",
                           '"\\u0041"', "'a\"b'", "&x 1", "*x", "yes", "on", "a: b",
                           "a\x85b", "a\u2028b", "\x1b", "a\x7fb", "a\ufeffb"])
_ODD_CELLS = st.one_of(_TOKENS, _WORDS, _WORDS.map(lambda w: f"'{w}'"),
                       _WORDS.map(lambda w: f'"{w}"'), _TOKENS.map(lambda w: f"'{w}'"),
                       _TOKENS.map(lambda w: f'"{w}"'))
_CELLS = st.one_of(_PLAIN, _PLAIN.map(lambda w: f"'{w}'"), _PLAIN.map(lambda w: f'"{w}"'),
                   _TOKENS.filter(lambda t: len(t) < 30 and not set(t) & set(" '\"")
                                  and t[0] != "-" and t not in ("[]", "{}", "x:", "*x")))
_NOISE = st.sampled_from(["", "# note", "  # note", "  - x", "  nested:", "    deeper: 1",
                          "- x", "x", "\t- a: 1", "-  a: 1", "   a: 1", "  'id': 1"])


@st.composite
def _section(draw: st.DrawFn, key: str) -> str:
    """``key:`` and a list of rows, each a few ``name: cell`` lines, now and then with a
    line that breaks the table shape."""
    pad = " " * draw(st.sampled_from([0, 0, 2, 4]))
    lines = [f"{key}:"]
    dash = draw(st.sampled_from(["- ", "- ", "-   "]))
    for _ in range(draw(st.integers(1, 4))):
        names = draw(st.lists(_KEYS, min_size=1, max_size=4, unique=True))
        if draw(st.integers(0, 9)) == 9:  # now and then a key twice, or a strange one
            names.insert(draw(st.integers(0, len(names))),
                         draw(st.sampled_from(names) | _ODD_KEYS))
        for i, name in enumerate(names):
            cell = draw(_ODD_CELLS if draw(st.integers(0, 29)) == 29 else _CELLS)
            lines.append(f"{pad}{dash if i == 0 else ' ' * len(dash)}{name}: {cell}")
    if draw(st.integers(0, 5)) == 5:
        at = draw(st.integers(1, len(lines)))
        lines.insert(at, pad + draw(_NOISE))
    for _ in range(draw(st.integers(0, 2))):  # after the rows
        lines.append(draw(st.sampled_from(["", "# after", "  # after"])))
    return "\n".join(lines) + "\n"


@st.composite
def _texts(draw: st.DrawFn) -> str:
    keys = draw(st.lists(st.sampled_from(["deployments", "filings", "records", "x-y", "'q'"])
                         | st.sampled_from(["null", "deployments"]), min_size=1, max_size=3))
    parts = [draw(_section(key)) for key in keys]  # a key twice now and then
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), "organization:\n  name: 甲\n  n: 1\n")
    return "".join(parts)


def _paths(marks: Marks) -> list[str]:
    """Every path, and paths next to them that name no value."""
    out = list(marks)
    for path in marks:
        out += [path + ".zz", path + "[0]", path + "[00]", path + "[99]", path + ".id",
                path + "x", path + ".id: x"]
    return [*out, "", "zz", "zz[0]", "[0]", "deployments[", "deployments[0].",
            "deployments[01].id", "deployments[-1]"]


def _same_places(text: str) -> bool:
    """Whether the table reader took a section of ``text``; asserts that it agrees with
    the line reader and the composer on the document and on every position."""
    fast = read_sections(text)
    slow = read_sections(text, tables=False)
    if slow is None:
        assert fast is None
        return False
    assert fast is not None
    assert fast[0] == slow[0]
    slow_marks = slow[1].marks()
    assert fast[1].marks() == slow_marks
    for path in _paths(slow_marks):
        assert fast[1].mark(path) == slow_marks.get(path), path
    assert fast[1].count() == len(slow_marks)
    assert fast[1].first_lines() == first_lines(slow_marks) == slow[1].first_lines()
    document, marks, soft = compose(text, "f.yaml")
    assert soft == []
    assert fast[0] == document
    assert slow_marks == marks
    lines = text.splitlines()
    for number in range(len(lines) + 2):
        assert fast[1].source(number) == (lines[number - 1] if 0 < number <= len(lines)
                                          else None)
    one_by_one = Locator("f.yaml", text, marks_of=fast[1].marks, mark_of=fast[1].mark,
                         line_of=fast[1].source, places=fast[1])
    assert one_by_one.count() == len(marks)
    assert one_by_one.first_lines() == first_lines(marks)
    composed = Locator("f.yaml", text, marks)
    for path in _paths(marks):
        assert one_by_one.span(path) == composed.span(path), path
        assert one_by_one.span(path, at_key=True) == composed.span(path, at_key=True), path
    return bool(fast[1].tables)


def _composes(text: str) -> bool:
    try:
        compose(text, "f.yaml")
    except (YamlFailure, yaml.YAMLError):
        return False
    return True


@given(_texts())
def test_tables_are_read_as_the_line_reader_and_the_composer_read_them(text: str) -> None:
    if not _composes(text):  # the composer refuses it: so must both readers
        assert read_sections(text) is None
        assert read_sections(text, tables=False) is None
        return
    _same_places(text)


@given(facts_documents(), st.sampled_from([2, 4]))
def test_facts_files_as_programs_write_them_read_their_rows_as_tables(
    document: dict[str, Any], indent: int
) -> None:
    plain = json.loads(json.dumps(document, default=dt.date.isoformat))
    text = yaml.safe_dump(plain, allow_unicode=True, sort_keys=False, width=10_000,
                          indent=indent)
    took = _same_places(text)
    assert took or "deployments:\n- " not in text  # deployments are flat rows


@given(st.lists(st.fixed_dictionaries(
    {"algorithm": _WORDS, "platform": _WORDS},
    optional={"status": _TOKENS | _WORDS, "launched_on": st.dates() | _TOKENS}), min_size=1,
    max_size=5), st.booleans())
def test_dumped_tables_of_any_text_agree(rows: list[dict[str, Any]], indented: bool) -> None:
    text = yaml.safe_dump({"deployments": rows}, allow_unicode=True, sort_keys=False,
                          width=10_000)
    if indented:
        text = text.replace("\n- ", "\n  - ").replace("\n  ", "\n    ").replace(
            "\n    - ", "\n  - ")
    if _composes(text):
        _same_places(text)


def test_a_plain_table_takes_the_table_path_and_others_do_not() -> None:
    table = ("deployments:\n- algorithm: a\n  platform: 'p'\n  launched_on: 2025-01-02\n"
             "  n: 010\n  flag: true\n  q: \"2025-01-02\"\n- algorithm: b\n  platform: p\n"
             "# a comment after the rows\n\n")
    found = read_sections("organization:\n  name: x\n" + table)
    assert found is not None
    assert found[1].tables == ("deployments",)
    assert found[0]["deployments"] == [
        {"algorithm": "a", "platform": "p", "launched_on": dt.date(2025, 1, 2), "n": 10,
         "flag": True, "q": "2025-01-02"},
        {"algorithm": "b", "platform": "p"}]
    assert _same_places("organization:\n  name: x\n" + table)
    for other in ("deployments:\n- a: 1\n\n- a: 2\n",     # a blank line between rows
                  "deployments:\n- a: 1\n  b:\n  - x\n",   # a nested list
                  "deployments:\n- a: x # c\n",            # a comment after a value
                  "deployments:\n- a: 'x\\y'\n",            # a backslash
                  "deployments:\n- a: 1\n  a: 2\n"):       # a key twice
        found = read_sections(other)
        assert found is None or found[1].tables == (), other


def test_the_lines_of_loaded_facts_count_and_point_at_rows_before_all_are_worked_out() -> None:
    from policy_sdk.facts.load import load_facts_text, platform_type_specs

    text = ("organization:\n  name: 甲\nalgorithms:\n- id: rec\n  uses_recommendation: true\n"
            "platforms:\n- id: p\n  type: app\n- id: q\n  type: website\ndeployments:\n"
            "- algorithm: rec\n  platform: p\n- algorithm: rec\n  platform: q\n"
            "  status: stopped\n  stopped_on: 2026-01-05\n")
    facts = load_facts_text(text, "yaml", platform_types=platform_type_specs(["app", "website"]))
    locations = facts.locations
    assert isinstance(locations, LineMap)
    count, firsts = len(locations), locations.first_lines()  # before every line is known
    every = dict(locations)
    assert count == len(every) == 22
    assert firsts == {"organization": 2, "algorithms": 4, "algorithms[0]": 4, "platforms": 7,
                      "platforms[0]": 7, "platforms[1]": 9, "deployments": 12,
                      "deployments[0]": 12, "deployments[1]": 14}
    marks = {path: (line, 1, line, 2) for path, line in every.items()}
    assert firsts == first_lines(marks)
