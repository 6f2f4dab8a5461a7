"""One strict reader for the YAML and JSON documents the tool reads besides facts.

Policy test files (``*.tests.yaml``) and calendar files are read with the facts
loader's strict reader (:func:`policy_sdk.facts.read.read_document`), so they get the
same guarantees (``docs/facts.md``): YAML 1.2 (``010`` is 10, ``1:30`` is text, only
``true``/``false`` are booleans), duplicate keys are errors, alias, size, nesting and
number-length limits, no NUL or lone surrogate. On top of that the size limit is the
file kind's own, messages name the kind of file, and the document may not stand for
more than :data:`MAX_EXPANDED_VALUES` values once its aliases are expanded (the
reader shares aliases; the test runner hands embedded facts on as mappings).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from policy_sdk.errors import Diagnostic, FactsError, PolicySdkError

__all__ = ["MAX_EXPANDED_VALUES", "read_document"]

MAX_EXPANDED_VALUES: Final = 1_000_000
"""Most values a document may stand for once its aliases are expanded."""


def _strict_reader() -> Callable[..., tuple[Any, Any]]:
    """The facts loader's strict reader (:func:`policy_sdk.facts.read.read_document`)."""
    from policy_sdk.facts.read import read_document as strict

    return strict


def read_document(
    path: str | os.PathLike[str],
    *,
    what: str,
    error: Callable[[list[Diagnostic]], PolicySdkError],
    max_bytes: int,
) -> Any:
    """The document in the YAML or JSON file at ``path`` (JSON when it ends in ``.json``).

    ``what`` names the kind of file in messages (``"test file"``); every problem is
    raised as ``error(diagnostics)``.
    """
    file = os.fspath(path)
    shown = file.replace("\x00", "\\0")  # never print a NUL
    try:
        size = Path(file).stat().st_size
        if size > max_bytes:
            raise error([Diagnostic("too-large", f"the {what} is {size} bytes; the limit is "
                                    f"{max_bytes} bytes", file=shown)])
        data = Path(file).read_bytes()
    except OSError as exc:
        raise error([Diagnostic("io", f"cannot read {what} `{shown}`: "
                                f"{exc.strerror or exc}", file=shown)]) from None
    except ValueError:  # a NUL in the path
        raise error([Diagnostic("io", f"cannot read {what} `{shown}`: the path contains a NUL "
                                "character", file=shown)]) from None
    if len(data) > max_bytes:  # grew while we looked
        raise error([Diagnostic("too-large", f"the {what} is larger than {max_bytes} bytes",
                                file=shown)])
    try:
        document, _ = _strict_reader()(data, file, "json" if file.endswith(".json") else "yaml")
    except FactsError as exc:
        raise error([_reworded(d, what) for d in exc.diagnostics]) from None
    _check_values(document, file, what, error)
    return document


def _reworded(d: Diagnostic, what: str) -> Diagnostic:
    message = d.message
    message = (message.replace("the facts file", f"the {what}")
               .replace("a facts file", f"a {what}").replace("facts files", f"{what}s"))
    help = d.help.replace("facts files", f"{what}s") if d.help else d.help
    if help == "split the facts or load them as a mapping":
        help = None
    file = d.file.replace("\x00", "\\0") if d.file else d.file  # never print a NUL
    return Diagnostic(d.code, message, level=d.level, span=d.span, path=d.path, file=file,
                      help=help, source_line=d.source_line)


def _check_values(
    document: Any, file: str, what: str, error: Callable[[list[Diagnostic]], PolicySdkError]
) -> None:
    """Refuse a document that stands for more than :data:`MAX_EXPANDED_VALUES` values once
    its aliases are expanded; each shared value is visited once (iterative post-order)."""
    sizes: dict[int, int] = {}  # id(container) -> values it stands for, expanded
    stack: list[tuple[Any, bool]] = [(document, False)]
    while stack:
        value, done = stack.pop()
        if not isinstance(value, dict | list):
            continue
        key = id(value)
        children = value.values() if isinstance(value, dict) else value
        if done:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            sizes[key] = total
            if total > MAX_EXPANDED_VALUES:
                raise error([Diagnostic(
                    "too-large", f"the {what}'s aliases expand to more than "
                    f"{MAX_EXPANDED_VALUES} values", file=file)])
            continue
        if key in sizes:
            continue  # shared: walked already (anchors come before their aliases)
        sizes[key] = 1
        stack.append((value, True))
        stack.extend((c, False) for c in children)
