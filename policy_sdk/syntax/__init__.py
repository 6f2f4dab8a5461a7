"""Policy text → typed AST (:mod:`policy_sdk.ast`), and back (the formatter)."""

from policy_sdk.syntax.parser import MAX_NESTING, MAX_SOURCE_BYTES, parse_file, parse_policy

__all__ = ["MAX_NESTING", "MAX_SOURCE_BYTES", "parse_file", "parse_policy"]
