"""Run docs/facts.md: its YAML example loads, and each ```python block prints the
```output block that follows it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "facts.md"


def _blocks() -> list[tuple[str, str]]:
    return re.findall(r"```(\w+)\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_python_blocks_print_what_the_doc_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _blocks()
    yaml_blocks = [body for kind, body in blocks if kind == "yaml"]
    assert len(yaml_blocks) == 1
    monkeypatch.chdir(tmp_path)
    (tmp_path / "facts.yaml").write_text(yaml_blocks[0], encoding="utf-8")
    namespace: dict[str, object] = {"__name__": "facts_doc"}
    ran = 0
    for (kind, body), following in zip(blocks, [*blocks[1:], ("", "")], strict=True):
        if kind != "python":
            continue
        assert following[0] == "output", "each python block is followed by its output"
        exec(compile(body, str(DOC), "exec"), namespace)
        assert capsys.readouterr().out == following[1]
        ran += 1
    assert ran == 4


def test_the_error_table_names_every_code_the_loader_uses() -> None:
    source = "\n".join(p.read_text(encoding="utf-8")
                        for p in sorted((ROOT / "policy_sdk" / "facts").glob("*.py")))
    used = set(re.findall(r'(?:\bfail|YamlFailure|soft_error|return)\(\s*"([a-z-]+)"', source))
    used |= set(re.findall(r'self\.error\([^,]+,\s*"([a-z-]+)"', source))
    assert {"missing", "enum", "duplicate-key", "nul", "too-deep"} <= used
    doc = DOC.read_text(encoding="utf-8")
    missing = sorted(c for c in used if f"`{c}`" not in doc)
    assert missing == []
