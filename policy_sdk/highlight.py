"""A Pygments lexer for the policy language, registered as ``policy`` (alias
``policy-sdk``) through Pygments' ``pygments.lexers`` entry point, so documentation
tools and anyone using Pygments highlight ```` ```policy ```` blocks.

Pygments is optional (the ``lsp`` extra brings it); this module is imported only by
Pygments itself. The keyword lists are the grammar's (a test checks them against
``grammars/policy.lark``), and names that are keywords only in some places (soft
keywords such as ``title``) are highlighted as keywords only where they stand.
"""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

__all__ = ["KEYWORDS", "PolicyLexer"]

STATEMENTS = ("require", "forbid", "ensure")
CLAUSES = ("per", "where", "with", "within", "working", "day", "days", "of", "distinct")
OPERATORS = ("and", "or", "not", "in")
CONSTANTS = ("true", "false", "null")
#: (``en`` introduces the English text after one of them: ``remedy "中文" en "English"``)
METADATA = ("severity", "title", "citation", "remedy", "interpretation", "en")
DECLARATIONS = ("policy", "rule")
#: every keyword the lexer knows (the grammar's, checked by the tests)
KEYWORDS = tuple(sorted({*STATEMENTS, *CLAUSES, *OPERATORS, *CONSTANTS, *METADATA,
                         *DECLARATIONS}))


class PolicyLexer(RegexLexer):
    """policy-sdk policies (``.policy`` files)."""

    name = "policy-sdk policy"
    aliases: ClassVar[list[str]] = ["policy", "policy-sdk"]
    filenames: ClassVar[list[str]] = ["*.policy"]
    mimetypes: ClassVar[list[str]] = ["text/x-policy-sdk"]

    tokens: ClassVar[dict[str, list[object]]] = {
        "root": [
            (r"[ \t\f\r\n]+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"(?:[^"\\\n]|\\["\\nt])*"', String.Double),
            (r"\d{4}-\d{2}-\d{2}(?![\w.])", Number.Other),
            (r"-?\d+(?:\.\d+)?(?![\w.])", Number),
            (r"(policy|rule)(\s+)([^\W\d][\w]*(?:\.[^\W\d][\w]*)*)",
             bygroups(Keyword.Declaration, Whitespace, Name.Function)),  # type: ignore[no-untyped-call]
            (r"(?:title|citation|remedy|interpretation|en)\b(?=\s+\")", Keyword.Reserved),
            (r"severity\b(?=\s+[^\W\d])", Keyword.Reserved),
            (words(STATEMENTS, suffix=r"\b"), Keyword),
            (words(CLAUSES, suffix=r"\b"), Keyword),
            (words(OPERATORS, suffix=r"\b"), Operator.Word),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (r"==|!=|<=|>=|<|>", Operator),
            (r"[^\W\d]\w*(?=\s*\()", Name.Function),
            (r"[^\W\d]\w*(?:\.[^\W\d]\w*)*", Name),
            (r"[{}()\[\],]", Punctuation),
            (r".", Text),
        ],
    }
