"""Every policy file the project ships is valid, validated and in canonical layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(
    [*ROOT.joinpath("policies").rglob("*.policy"), *ROOT.joinpath("plugins").rglob("*.policy")]
)


def test_there_are_shipped_policies() -> None:
    names = {p.name for p in SHIPPED}
    assert "algorithm_filing.policy" in names
    assert len(SHIPPED) >= 3


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_policy_is_formatted(path: Path) -> None:
    assert main(["fmt", "--check", str(path)]) == 0


def test_default_pack_validates() -> None:
    assert main(["validate", str(ROOT / "policies")]) == 0
