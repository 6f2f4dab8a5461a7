"""The built-in ``core`` plugin: generic functions, the core cancellation strategies
and the built-in reporters.

It is registered first by :func:`policy_sdk.plugins.manager.load_registry`, under the
name ``core`` (``disabled=["core"]`` turns it off, e.g. to test a plugin alone).

Functions usable in policy conditions (all pure; ``null`` in, ``null`` or a neutral
value out, as documented per function):

* ``count(list) -> number`` — the number of items; ``count(null)`` is 0.
* ``days_between(date, date) -> number`` — calendar days from the first date to the
  second (negative when the second is earlier); ``null`` if either is ``null``.
* ``starts_with(string, string) -> boolean`` — whether the first text starts with the
  second, e.g. ``starts_with(filing.number, "网信算备11")``; false if either is ``null``.

Strategies (``batch``, ``single``) come from :mod:`policy_sdk.cancellation.strategies`
and reporters from :data:`policy_sdk.engine.reporters.BUILTIN_REPORTERS`; both are
imported when the hook is called, and contribute nothing while those modules are
absent from a development checkout.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from policy_sdk.plugins.hookspecs import hookimpl
from policy_sdk.plugins.registrar import Registrar
from policy_sdk.plugins.specs import CancellationStrategy, FunctionSpec, ReporterSpec


def count(items: Sequence[Any] | None) -> int:
    """The number of items of a list; 0 for ``null``."""
    return 0 if items is None else len(items)


def days_between(start: dt.date | None, end: dt.date | None) -> int | None:
    """Calendar days from ``start`` to ``end``; ``null`` if either is ``null``."""
    if start is None or end is None:
        return None
    return (end - start).days


def starts_with(text: str | None, prefix: str | None) -> bool:
    """Whether ``text`` starts with ``prefix``; false if either is ``null``."""
    if text is None or prefix is None:
        return False
    return text.startswith(prefix)


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("count", ("list",), "number", count,
                 "the number of items of a list (0 for null)"),
    FunctionSpec("days_between", ("date", "date"), "number", days_between,
                 "calendar days from the first date to the second (null if either is null)"),
    FunctionSpec("starts_with", ("string", "string"), "boolean", starts_with,
                 "whether the first text starts with the second (false if either is null)"),
)


def _optional_module(name: str) -> Any:
    """The module ``name``, or None while it does not exist yet."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


def _strategies() -> list[CancellationStrategy]:
    module = _optional_module("policy_sdk.cancellation.strategies")
    if module is None:
        return []
    return [module.BatchStrategy(), module.SingleStrategy()]


def _reporters() -> list[ReporterSpec]:
    module = _optional_module("policy_sdk.engine.reporters")
    if module is None:
        return []
    reporters = module.BUILTIN_REPORTERS
    if isinstance(reporters, Mapping):
        return list(reporters.values())
    return list(reporters)


@hookimpl
def policy_sdk_register(register: Registrar) -> None:
    # platform types come from the first-party plugins (policy_sdk_platforms); the core
    # rules are the default policy pack (policies/), not plugin rules
    for function in FUNCTIONS:
        register.add_function(function)
    for strategy in _strategies():
        register.add_strategy(strategy)
    for reporter in _reporters():
        register.add_reporter(reporter)
