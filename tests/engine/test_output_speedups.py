"""The fast output path gives exactly the standard text.

* ``jsontext.dumps`` is ``json.dumps(value, ensure_ascii=False, indent=N)`` for any
  JSON-like value (and hands unusual ones — floats, non-text keys — to ``json``).
* A report's findings come out the same whichever statuses are asked for first, and
  its JSON is the standard encoding of its dict.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.engine.engine import Engine
from policy_sdk.engine.jsontext import dumps
from policy_sdk.engine.report import STATUSES

from .engine_support import AS_OF, load

_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", "rule", "算法备案", 'quote " and \\ backslash', "line\nbreak\ttab", "\x00\x1f\x7f"]
)
_scalars = st.none() | st.booleans() | st.integers() | _text
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@given(value=_json, indent=st.sampled_from([None, 0, 1, 2, 4]))
def test_dumps_is_the_standard_text(value: Any, indent: int | None) -> None:
    assert dumps(value, indent=indent) == json.dumps(value, ensure_ascii=False, indent=indent)


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1.5, "b": [float("inf")]},  # floats: handed to json
        {1: "a", None: "b"},  # keys that are not text: json converts them
        {"a": ("x", "y")},  # a tuple is a list
        [["a", 1], {"k": []}, {}, []],  # mixed lists, empty containers
        {"t": True, "f": False, "n": None, "i": -3},
    ],
)
def test_dumps_unusual_values(value: Any) -> None:
    for indent in (None, 0, 2):
        assert dumps(value, indent=indent) == json.dumps(value, ensure_ascii=False,
                                                         indent=indent)


def test_dumps_hands_other_types_to_json() -> None:
    with pytest.raises(TypeError):
        dumps({"a": object()})


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_report_json_is_the_standard_encoding(engine: Engine) -> None:
    report = engine.evaluate(load(), as_of=AS_OF)
    for include_all in (False, True):
        text = report.to_json(include_all)
        assert text == json.dumps(report.to_dict(include_all), ensure_ascii=False, indent=2)
        assert report.to_json(include_all, indent=None) == json.dumps(
            report.to_dict(include_all), ensure_ascii=False)


def test_findings_do_not_depend_on_what_was_asked_first(engine: Engine) -> None:
    facts = load()
    everything = engine.evaluate(facts, as_of=AS_OF).findings
    first = engine.evaluate(facts, as_of=AS_OF)
    violated = first.violations()
    listed = first.select()
    assert [f.to_dict() for f in violated] == [
        f.to_dict() for f in everything if f.status == "violated"]
    assert [f.to_dict() for f in listed] == [
        f.to_dict() for f in everything if f.status in ("violated", "pending")]
    assert [f.to_dict() for f in first.findings] == [f.to_dict() for f in everything]
    assert {f.status for f in everything} == set(STATUSES)
