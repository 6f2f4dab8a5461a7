"""docs/internals.md cannot drift: every file it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "internals.md"
TEXT = DOC.read_text(encoding="utf-8")
NAMED = sorted(set(re.findall(
    r"`((?:policy_sdk|tests|docs|plugins|policies|grammars|benchmarks)/[\w./-]*"
    r"|pyproject\.toml|\.ci/run)`", TEXT)))


def test_it_names_files() -> None:
    assert len(NAMED) > 30
    assert "policy_sdk/pipeline.py" in NAMED


def test_every_named_path_exists() -> None:
    missing = [p for p in NAMED if not (ROOT / p).exists()]
    assert missing == []
