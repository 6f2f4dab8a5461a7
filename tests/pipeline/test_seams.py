"""Where the layers meet: the command line uses public names only, and the evaluator
(`policy_sdk.engine`) does not reach up into the parser, plugins, loader or planner."""

from __future__ import annotations

import ast
from pathlib import Path

import policy_sdk

PACKAGE = Path(policy_sdk.__file__).parent


def _imports(path: Path) -> list[tuple[str, str]]:
    """``(module, name)`` for every ``from module import name`` and ``import module``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.extend((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            out.extend((alias.name, "") for alias in node.names)
    return out


def _private(module: str, name: str) -> bool:
    # gettext's `_` and `N_` (policy_sdk.i18n) are public by convention
    parts = [*module.split("."), *([name] if name and name not in ("_", "N_") else [])]
    return any(p.startswith("_") and not p.startswith("__") for p in parts)


def test_the_command_line_imports_no_private_names() -> None:
    found = [
        f"{path.name}: {module} {name}"
        for path in sorted((PACKAGE / "cli").glob("*.py"))
        for module, name in _imports(path)
        # allowed: its own helpers (`policy_sdk.cli._x`) and the package's one door for
        # writing output (the house rules send every write there)
        if _private(module, name) and not module.startswith("policy_sdk.cli.")
        and module != "policy_sdk._io"
    ]
    assert found == []


def test_the_evaluator_does_not_import_the_stages_above_it() -> None:
    # (the formatter prints expressions for explanations: AST to text, not the parser)
    above = ("policy_sdk.syntax.parser", "policy_sdk.syntax.lexer",
             "policy_sdk.plugins.manager", "policy_sdk.facts.load",
             "policy_sdk.cancellation", "policy_sdk.pipeline", "policy_sdk.api")
    found = [
        f"{path.name}: {module}"
        for path in sorted((PACKAGE / "engine").glob("*.py"))
        for module, name in _imports(path)
        # (`Engine` and `policy_files` stay importable from engine.engine, lazily)
        if (module.startswith(above) or module == "policy_sdk.syntax")
        and name not in ("Engine", "policy_files")
    ]
    assert found == []
