"""Loaded facts travel between processes (pickle), and their empty ``extra`` is shared
and cannot be changed through one entity."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from policy_sdk.engine.engine import Engine
from policy_sdk.facts import load_facts
from policy_sdk.facts.derived import deployments_by_algorithm

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", ["company.yaml", "company.json"])
def test_loaded_facts_pickle_and_evaluate_the_same(name: str) -> None:
    facts = load_facts(EXAMPLES / name)
    deployments_by_algorithm(facts)  # a memoized index travels along, or is rebuilt
    copy = pickle.loads(pickle.dumps(facts))
    assert copy == facts
    engine = Engine()
    assert engine.evaluate(copy, as_of="2026-11-20").to_json() == engine.evaluate(
        facts, as_of="2026-11-20"
    ).to_json()


def test_the_empty_extra_is_shared_immutable_and_equal_to_an_empty_dict() -> None:
    facts = load_facts(EXAMPLES / "company.yaml")
    plain = [d for d in facts.deployments if not d.extra]
    assert len(plain) >= 2
    assert plain[0].extra is plain[1].extra
    assert plain[0].extra == {}
    assert dict.__eq__({}, plain[0].extra) is NotImplemented  # so Python asks the mapping
    with pytest.raises(TypeError):
        plain[0].extra["note"] = "x"  # type: ignore[index]
    assert pickle.loads(pickle.dumps(plain[0].extra)) is plain[0].extra
