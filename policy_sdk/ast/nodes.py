"""The typed syntax tree of the policy language.

Every node is a frozen, slotted attrs class with tuple fields, and carries the
:class:`~policy_sdk.errors.Span` it came from. Spans are excluded from equality,
so ``parse(format(tree)) == tree`` compares meaning, not layout.

Nothing downstream of :mod:`policy_sdk.syntax` ever sees a Lark tree: this
module is the contract between the parser, the formatter, the validator, the
engine and the reference interpreter.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal as TLiteral
from typing import TypeAlias

import attrs

from policy_sdk.errors import Span

SCOPES: tuple[str, ...] = ("platform", "deployment", "algorithm", "organization", "filing")
"""What a statement iterates over. ``platform`` and ``deployment`` both iterate the
deployments (algorithm × platform); ``filing`` iterates the filings."""

SEVERITIES: tuple[str, ...] = ("mandatory", "advisory")

COMPARISON_OPS: tuple[str, ...] = ("==", "!=", "<", "<=", ">", ">=")

LiteralValue: TypeAlias = str | int | float | bool | dt.date | None


def _span() -> Span | None:
    return attrs.field(default=None, eq=False, repr=False)  # type: ignore[no-any-return]


@attrs.frozen
class Ident:
    """A name written in the source (an obligation kind, a scope, a function)."""

    name: str
    span: Span | None = _span()


# --- expressions -----------------------------------------------------------


@attrs.frozen
class Literal:
    """A string, number, boolean, date (``2026-03-01``) or ``null`` literal."""

    value: LiteralValue
    span: Span | None = _span()

    def __eq__(self, other: object) -> bool:  # True == 1 must not hold here
        return (
            isinstance(other, Literal)
            and type(self.value) is type(other.value)
            and self.value == other.value
        )

    def __hash__(self) -> int:
        return hash((type(self.value).__name__, self.value))


@attrs.frozen
class Path:
    """A dotted attribute path: ``uses_recommendation``, ``platform.type``."""

    parts: tuple[str, ...]
    span: Span | None = _span()

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@attrs.frozen
class ListExpr:
    """``[a, b, c]``"""

    items: tuple[Expr, ...]
    span: Span | None = _span()


@attrs.frozen
class Call:
    """A call of a function that core or a plugin registers: ``host_is("wechat")``."""

    name: str
    args: tuple[Expr, ...]
    span: Span | None = _span()


@attrs.frozen
class Not:
    operand: Expr
    span: Span | None = _span()


@attrs.frozen
class BoolOp:
    """``a and b and c`` or ``a or b`` (flattened: operands has two or more items)."""

    op: TLiteral["and", "or"]
    operands: tuple[Expr, ...]
    span: Span | None = _span()


@attrs.frozen
class Compare:
    """``left OP right`` with OP one of :data:`COMPARISON_OPS`."""

    op: str
    left: Expr
    right: Expr
    span: Span | None = _span()


@attrs.frozen
class In:
    """``left in right`` / ``left not in right``; ``right`` is a list or a list-valued path."""

    left: Expr
    right: Expr
    negated: bool = False
    span: Span | None = _span()


Expr: TypeAlias = Literal | Path | ListExpr | Call | Not | BoolOp | Compare | In


# --- statements -------------------------------------------------------------


@attrs.frozen
class Deadline:
    """``within 10 working days of launched_on`` (``working=False``: calendar days)."""

    amount: int
    working: bool
    anchor: Path
    span: Span | None = _span()


@attrs.frozen
class Require:
    """``require [distinct] KIND per SCOPE [where C] [with R] [within ...]``

    For each scope key where ``where`` holds, a record of ``kind`` matching the key
    (and satisfying ``with``, evaluated with the record bound to its kind's name)
    must exist. ``distinct``: the record must name this platform and no other.
    """

    kind: Ident
    scope: Ident
    where: Expr | None = None
    with_: Expr | None = None
    deadline: Deadline | None = None
    distinct: bool = False
    span: Span | None = _span()


@attrs.frozen
class Forbid:
    """``forbid [KIND] per SCOPE [where C] [with R]``

    With a kind: for each scope key where ``where`` holds, no matching record may
    exist. Without a kind: every scope key where ``where`` holds is a violation.
    """

    kind: Ident | None
    scope: Ident
    where: Expr | None = None
    with_: Expr | None = None
    span: Span | None = _span()


@attrs.frozen
class Ensure:
    """``ensure COND per SCOPE [where C] [within ...]``: where C holds, COND must hold."""

    condition: Expr
    scope: Ident
    where: Expr | None = None
    deadline: Deadline | None = None
    span: Span | None = _span()


Statement: TypeAlias = Require | Forbid | Ensure


@attrs.frozen
class Rule:
    """A rule: a statement with metadata.

    A bare statement in a file or policy block is a rule with ``name=None``; its id
    is derived by :func:`policy_sdk.ast.rule_ids`.
    """

    name: str | None
    statement: Statement
    title: str | None = None
    severity: str | None = None  # None means the default, ``mandatory``
    citation: str | None = None
    remedy: str | None = None
    interpretation: str | None = None
    span: Span | None = _span()
    #: the English texts of a rule written in two languages (``remedy "中文" en "English"``);
    #: None: the text above serves every language
    title_en: str | None = None
    citation_en: str | None = None
    remedy_en: str | None = None
    interpretation_en: str | None = None
    #: where each metadata line was written, e.g. ``(("severity", span), ...)`` in source
    #: order; layout only (excluded from equality), used to keep comments beside them
    meta_spans: tuple[tuple[str, Span], ...] = attrs.field(default=(), eq=False, repr=False)


@attrs.frozen
class Policy:
    """``policy NAME "title" { rules }``: a namespace for its rules' ids."""

    name: str
    rules: tuple[Rule, ...]
    title: str | None = None
    span: Span | None = _span()
    #: the English title (``policy NAME "中文" en "English" {``)
    title_en: str | None = None


@attrs.frozen
class Comment:
    """A ``#`` comment, kept so the formatter can put it back."""

    text: str  # including the leading '#'
    span: Span | None = _span()


@attrs.frozen
class Module:
    """One policy file: policy blocks and top-level rules in source order."""

    items: tuple[Policy | Rule, ...]
    comments: tuple[Comment, ...] = ()
    file: str = attrs.field(default="<string>", eq=False)
