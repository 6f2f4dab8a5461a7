"""Where the grammar and the default policy pack live.

In an installed wheel they are shipped inside the package (``policy_sdk/_data``);
in a source checkout they are the top-level ``grammars/`` and ``policies/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    shipped = _PACKAGE / "_data" / name
    if shipped.is_dir():
        return shipped
    checkout = _PACKAGE.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"policy-sdk data folder `{name}` is missing from this installation")


def grammar_path() -> Path:
    return _data_dir("grammars") / "policy.lark"


def default_policies_dir() -> Path:
    return _data_dir("policies")


def examples_dir() -> Path:
    """The example facts files (``examples/`` in a checkout)."""
    return _data_dir("examples")
