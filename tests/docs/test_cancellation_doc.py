"""Run the ```python blocks of docs/cancellation.md, and check what it promises."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "cancellation.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def _bridge_load_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Until the facts loader lands, stand in with the cancellation tests' small reader."""
    import importlib.util

    import policy_sdk.facts as facts_pkg

    if hasattr(facts_pkg, "load_facts"):
        return
    spec = importlib.util.spec_from_file_location(
        "_cancellation_support", ROOT / "tests" / "cancellation" / "_support.py"
    )
    assert spec is not None
    assert spec.loader is not None
    support = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(support)
    monkeypatch.setattr(
        facts_pkg,
        "load_facts",
        lambda source, **_: support._facts_from_yaml(Path(str(source))),
        raising=False,
    )


def test_python_blocks_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _bridge_load_facts(monkeypatch)
    blocks = _blocks("python")
    assert len(blocks) == 2
    namespace: dict[str, object] = {}
    for block in blocks:  # later blocks use the names of earlier ones
        exec(compile(block, str(DOC), "exec"), namespace)
    out = capsys.readouterr().out
    assert "网信算备110108123456701250002号" in out
    assert "feed-rec 2026-12-29" in out


def test_linked_schemas_exist_and_are_json() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in re.findall(r"\]\(([\w.]+\.schema\.json)\)", text):
        assert json.loads((DOC.parent / name).read_text(encoding="utf-8"))["$schema"]
    assert "plan.schema.json" in text
    assert "inventory.schema.json" in text


def test_documented_example_company_dates() -> None:
    text = DOC.read_text(encoding="utf-8")
    for date in ("2026-11-05", "2026-12-08", "2026-11-16"):
        assert date in text
