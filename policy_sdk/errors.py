"""One error family for everything a user can get wrong.

Every error the public API raises is a :class:`PolicySdkError`. Each stage of the
pipeline has its own subclass, and each error carries one or more
:class:`Diagnostic` objects: a stable ``code``, a message, a location (a source
:class:`Span` in a policy file, or a data path such as ``deployments[3].platform``
in a facts document) and an optional ``help`` line (usually a did-you-mean).

House rules for messages: lowercase, user input in backticks, domain words,
never Python type names. No lark, pluggy, yaml or cattrs exception escapes the
public API: stages catch them and raise one of these.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Literal

import attrs

Level = Literal["error", "warning"]

_INDEX = re.compile(r"\[(\d+)\]")


@attrs.frozen(order=True)
class Span:
    """A region of a source file; lines and columns are 1-based, ``end_*`` exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@attrs.frozen
class Diagnostic:
    """One problem found in user input."""

    code: str
    message: str
    level: Level = "error"
    span: Span | None = None
    #: where in a data document, e.g. ``deployments[3].platform``
    path: str | None = None
    #: the file a data ``path`` refers to (spans carry their own file)
    file: str | None = None
    help: str | None = None
    #: the offending source line, for the caret display
    source_line: str | None = None

    @property
    def location(self) -> str:
        if self.span is not None:
            return f"{self.span}: {self.path}" if self.path else str(self.span)
        parts = [p for p in (self.file, self.path) if p]
        return ": ".join(parts)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        if self.span is not None:
            return (self.span.file, self.span.line, self.span.column, "", self.code)
        # list indices sort by number: deployments[2] before deployments[10]
        path = _INDEX.sub(lambda m: f"[{int(m[1]):012d}]", self.path) if self.path else ""
        return (self.file or "", 0, 0, path, self.code)

    def render(self) -> str:
        """The diagnostic as people read it: location, message, source line with caret, help."""
        from policy_sdk.i18n import _

        where = self.location
        level = _("error") if self.level == "error" else _("warning")
        head = _("{level}[{code}]: {message}").format(level=level, code=self.code,
                                                    message=self.message)
        out = [f"{where}: {head}" if where else head]
        if self.span is not None and self.source_line is not None:
            line = self.source_line.rstrip("\n")
            gutter = f"{self.span.line} | "
            out.append(f"  {gutter}{line}")
            start = self.span.column - 1
            end = start + 1
            if self.span.end_line == self.span.line:
                end = max(end, self.span.end_column - 1)
            # columns count characters; a terminal shows CJK characters two cells wide
            pad = " " * (len(gutter) + display_width(line[:start]))
            width = max(1, display_width(line[start:end]))
            out.append(f"  {pad}{'^' * width}")
        if self.help:
            out.append("  " + _("help: {help}").format(help=self.help))
        return "\n".join(out)


class PolicySdkError(Exception):
    """The root of every error policy-sdk raises on bad input or a failing plugin."""

    default_code = "error"

    def __init__(self, diagnostics: Sequence[Diagnostic] | str, *, code: str | None = None) -> None:
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic(code=code or self.default_code, message=diagnostics)]
        self.diagnostics: tuple[Diagnostic, ...] = tuple(
            sorted(diagnostics, key=Diagnostic.sort_key)
        )
        super().__init__(self.render())

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.level == "error")

    @property
    def code(self) -> str:
        return self.diagnostics[0].code if self.diagnostics else self.default_code

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)

    def __reduce__(self) -> tuple[type[PolicySdkError], tuple[tuple[Diagnostic, ...]]]:
        return (type(self), (self.diagnostics,))


class PolicySyntaxError(PolicySdkError):
    """Policy text that does not parse (or exceeds a documented limit)."""

    default_code = "syntax"


class ValidationError(PolicySdkError):
    """A policy that parses but does not fit the schema (unknown name, type mismatch)."""

    default_code = "validation"


class FactsError(PolicySdkError):
    """A facts document that cannot be loaded."""

    default_code = "facts"


class PluginError(PolicySdkError):
    """A plugin that fails, returns the wrong thing, or contributes bad rules."""

    default_code = "plugin"


class OutputError(PolicySdkError):
    """Output that could not be written in full (a full disk, a closed pipe, a changed file)."""

    default_code = "output"


class EvaluationError(PolicySdkError):
    """Evaluation could not finish (e.g. a date in a year the calendar does not know)."""

    default_code = "evaluation"


def display_width(text: str) -> int:
    """Terminal cells ``text`` takes: wide and full-width characters (Chinese) count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def did_you_mean(word: str, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """Return ``did you mean `x`?`` for the closest candidate, or None."""
    from policy_sdk.i18n import _

    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=cutoff)
    return _("did you mean `{word}`?").format(word=matches[0]) if matches else None
