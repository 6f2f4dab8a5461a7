"""Calling plugin code so that nothing it does escapes the error family.

Every call into a plugin -- importing it, its hooks, a reporter's ``render``, a
strategy's ``propose``, a function's implementation -- goes through :func:`guarded`:

* any exception, including ``SystemExit`` (``sys.exit(0)`` in a plugin) and
  ``KeyboardInterrupt``-like ones, becomes a :class:`~policy_sdk.errors.PluginError`
  naming the plugin and what it was doing, chained to the original (``__cause__``),
  whose traceback :func:`traceback_text` renders (``--traceback``, ``-v``);
* what the plugin prints to standard output goes to standard error instead, so a
  machine format (``--format json``) on stdout is never corrupted;
* a call taking longer than the time limit (every call but a function's in a policy
  condition, which runs once per item and is not limited one by one: see
  :func:`guarded_fast`) (:data:`TIME_LIMIT`, 60 s by default;
  ``plugin_timeout`` in the config file, ``POLICY_SDK_PLUGIN_TIMEOUT``; 0 = none) is
  stopped with a ``plugin-timeout`` error. The limit uses ``SIGALRM`` and so applies in
  the main thread of POSIX systems, when no other interval timer is running (an
  embedding program's own alarm is left alone); elsewhere calls are not limited.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any, Final, TypeVar

from policy_sdk.errors import Diagnostic, PluginError

T = TypeVar("T")

DEFAULT_TIME_LIMIT: Final = 60.0
TIME_LIMIT: contextvars.ContextVar[float] = contextvars.ContextVar(
    "policy_sdk_plugin_time_limit", default=DEFAULT_TIME_LIMIT)
"""Seconds one plugin call may take (0 or less: no limit)."""

SHOW_TRACEBACKS: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "policy_sdk_plugin_tracebacks", default=False)
"""Whether plugin faults carry the plugin's traceback in their diagnostics (``--traceback``)."""

__all__ = ["DEFAULT_TIME_LIMIT", "SHOW_TRACEBACKS", "TIME_LIMIT", "describe_exc", "fault",
           "guarded", "guarded_fast", "traceback_text"]


class _Timeout(BaseException):
    """Raised inside a plugin call that ran out of time (never escapes :func:`guarded`)."""


def describe_exc(exc: BaseException) -> str:
    """A one-line account of an exception, without Python's traceback."""
    if isinstance(exc, SystemExit):
        return f"it tried to end the process (`sys.exit({exc.code!r})`)"
    if isinstance(exc, KeyboardInterrupt):
        return "it raised an interruption (`KeyboardInterrupt`)"
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        return f"no module named `{exc.name}`"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    kind = type(exc).__name__
    return f"{kind}: {text}" if text else kind


def traceback_text(exc: BaseException) -> str:
    """The plugin's traceback, as Python prints it."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()


def fault(code: str, message: str, plugin: str, where: str | None,
          exc: BaseException | None = None, help: str | None = None) -> Diagnostic:
    """A diagnostic about plugin ``plugin``; with ``--traceback`` its help carries ``exc``'s
    traceback."""
    if exc is not None and SHOW_TRACEBACKS.get():
        tb = "traceback:\n" + traceback_text(exc)
        help = f"{help}\n  {tb}" if help else tb
    return Diagnostic(code=code, message=message, file=f"plugin:{plugin}", path=where, help=help)


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    usable = (seconds > 0 and math.isfinite(seconds) and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise _Timeout

    if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield  # a timer someone else set (an outer limit) already bounds the call
        return
    try:
        previous = signal.signal(signal.SIGALRM, expired)
    except ValueError:  # pragma: no cover - not the main interpreter
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def guarded_fast(plugin: str, doing: str, func: Callable[..., T], *args: Any) -> T:
    """:func:`guarded` without the time limit, for calls made once per item (a plugin's
    function in a policy condition): what it prints still goes to standard error and
    nothing it raises escapes as anything but a ``PluginError``."""
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        return func(*args)
    except PluginError:
        raise
    except BaseException as exc:  # plugin code must not end the process
        if isinstance(exc, GeneratorExit):
            raise
        raise PluginError([fault("plugin-failed", f"plugin `{plugin}` failed in {doing}: "
                                 f"{describe_exc(exc)}", plugin, doing, exc)]) from exc
    finally:
        sys.stdout = saved


def guarded(plugin: str, doing: str, func: Callable[..., T], *args: Any,
            code: str = "plugin-failed", where: str | None = None, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` on behalf of ``plugin``; see the module docstring.

    ``doing`` completes "plugin `NAME` failed in ...", e.g. "hook `policy_sdk_register`";
    ``where`` is the diagnostic's path (default: ``doing``).
    A :class:`PluginError` the call raises passes through unchanged.
    """
    limit = TIME_LIMIT.get()
    try:
        with contextlib.redirect_stdout(sys.stderr), _time_limit(limit):
            return func(*args, **kwargs)
    except PluginError:
        raise
    except _Timeout as exc:
        raise PluginError([fault(
            "plugin-timeout", f"plugin `{plugin}` took longer than {limit:g} s in {doing}",
            plugin, where or doing, None,
            help="raise the limit with `plugin_timeout` in the config file or "
            "`POLICY_SDK_PLUGIN_TIMEOUT` (seconds; 0 for none)")]) from exc
    except BaseException as exc:
        if isinstance(exc, GeneratorExit):
            raise
        raise PluginError([fault(code, f"plugin `{plugin}` failed in {doing}: "
                                 f"{describe_exc(exc)}", plugin, where or doing, exc)]) from exc
