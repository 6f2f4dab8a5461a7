"""JSON facts are decoded without a per-object hook when counting proves no key
repeats; a repeated key is still an error, wherever it hides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.errors import FactsError
from policy_sdk.facts import load_facts
from policy_sdk.facts.read import _no_duplicate_keys

_KEYS = st.sampled_from(["id", "a", "b", "名称", 'q"uote', "c:d", "{"])
_SCALARS = st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(
    ["", "x", "https://example.cn/a:b", '\\":', "{", "}", "平台:小程序", " : "]
)


def _pairs_text(pairs: list[tuple[str, Any]], sep: str) -> str:
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}{sep}{v}" for k, v in pairs) + "}"


@st.composite
def _json_texts(draw: st.DrawFn, depth: int = 0) -> tuple[str, bool]:
    """JSON text written by hand (so keys may repeat) and whether a key repeats."""
    kind = draw(st.sampled_from(["scalar", "list", "object"] if depth < 3 else ["scalar"]))
    if kind == "scalar":
        return json.dumps(draw(_SCALARS), ensure_ascii=False), False
    children = draw(st.lists(_json_texts(depth + 1), max_size=4))
    repeated = any(r for _, r in children)
    if kind == "list":
        return "[" + ", ".join(t for t, _ in children) + "]", repeated
    keys = draw(st.lists(_KEYS, min_size=len(children), max_size=len(children)))
    sep = draw(st.sampled_from([":", ": ", " : ", "\n:\t"]))
    text = _pairs_text(list(zip(keys, (t for t, _ in children), strict=True)), sep)
    return text, repeated or len(set(keys)) != len(keys)


@given(_json_texts())
def test_counting_never_misses_a_repeated_key(case: tuple[str, bool]) -> None:
    text, repeated = case
    if repeated:
        assert not _no_duplicate_keys(json.loads(text), text)


def test_counting_accepts_ordinary_facts_and_colons_in_values() -> None:
    doc = {
        "organization": {"name": "甲公司"},
        "platforms": [{"id": "web", "type": "website", "name": "官网 https://example.cn"}],
        "deployments": [{"algorithm": "rec", "platform": "web"}] * 3,
    }
    text = json.dumps(doc, ensure_ascii=False)
    assert _no_duplicate_keys(json.loads(text), text)  # the fast path is really taken
    pretty = json.dumps(doc, ensure_ascii=False, indent=2, separators=(",", " : "))
    assert _no_duplicate_keys(json.loads(pretty), pretty)


@pytest.mark.parametrize(
    "row",
    [
        '{"algorithm": "rec", "platform": "app", "platform": "web"}',
        '{"algorithm": "rec", "platform" : "app", "platform": "web", "note": "a:b"}',
        '{"algorithm": "rec", "platform": "app", "extra": {"k": 1, "k": 2}}',
    ],
)
def test_a_repeated_key_in_a_row_is_an_error(tmp_path: Path, row: str) -> None:
    text = (
        '{"organization": {"name": "甲公司"}, "algorithms": [{"id": "rec"}], '
        '"platforms": [{"id": "app", "type": "app"}, {"id": "web", "type": "website"}], '
        f'"deployments": [{row}]}}'
    )
    path = tmp_path / "facts.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactsError) as caught:
        load_facts(path)
    message = str(caught.value)
    assert "malformed JSON: duplicate key `" in message
    assert ("`platform`" in message) or ("`k`" in message)
