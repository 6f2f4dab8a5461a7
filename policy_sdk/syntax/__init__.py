"""Policy text → typed AST (:mod:`policy_sdk.ast`), and back (the formatter)."""

from typing import TYPE_CHECKING

from policy_sdk.syntax.parser import (
    MAX_DIAGNOSTICS,
    MAX_NESTING,
    MAX_SOURCE_BYTES,
    parse_file,
    parse_policy,
)

if TYPE_CHECKING:
    from policy_sdk.syntax.formatter import format_module, format_source

__all__ = [
    "MAX_DIAGNOSTICS",
    "MAX_NESTING",
    "MAX_SOURCE_BYTES",
    "format_module",
    "format_source",
    "parse_file",
    "parse_policy",
]


def __getattr__(name: str) -> object:
    # the formatter is imported on first use: parsing does not need it
    if name in ("format_module", "format_source"):
        from policy_sdk.syntax import formatter

        return getattr(formatter, name)
    raise AttributeError(name)
