"""Click parameter types shared by the commands.

A bad option value is a usage error (exit 2, no traceback) whose message names the
option the way the rest of policy-sdk names user input::

    Error: option `--as-of`: `2026-13-40` is not a date; expected YYYY-MM-DD
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterable
from typing import Any, NoReturn

import click

from policy_sdk.errors import did_you_mean
from policy_sdk.i18n import N_, _


def option_name(param: click.Parameter) -> str:
    """How people name ``param``: its long option (``--as-of``), else its first spelling."""
    long_names = [o for o in param.opts if o.startswith("--")]
    if long_names:
        return long_names[0]
    return param.opts[0] if param.opts else param.human_readable_name


class OptionError(click.BadParameter):
    """A bad option value: ``option `--as-of`: <message>`` (click's usage error, exit 2);
    for a positional argument, the message alone (it names the value)."""

    def format_message(self) -> str:
        if isinstance(self.param_hint, str):
            name = self.param_hint
        elif isinstance(self.param, click.Argument):
            return self.message  # a positional value is named by itself
        elif self.param is not None:
            name = option_name(self.param)
        else:
            return self.message
        return _("option `{name}`: {message}").format(name=name, message=self.message)


def fail_option(name: str, message: str) -> NoReturn:
    """Raise an :class:`OptionError` for option ``name`` from inside a running command
    (for values that can only be checked once plugins are loaded, e.g. ``--format``)."""
    raise OptionError(message, ctx=click.get_current_context(silent=True), param_hint=name)


def choices_message(value: str, choices: Iterable[str]) -> str:
    """```x` is not one of `a`, `b`; did you mean `a`?`` (choices in the order given)."""
    known = list(dict.fromkeys(choices))
    text = _("`{value}` is not one of {choices}").format(
        value=value, choices=_(", ").join(f"`{c}`" for c in known))
    hint = did_you_mean(value, known)
    return _("{message}; {hint}").format(message=text, hint=hint) if hint else text


class _Fails(click.ParamType):  # type: ignore[type-arg, unused-ignore]  # generic in click 8.5
    def fail(
        self, message: str, param: click.Parameter | None = None, ctx: click.Context | None = None
    ) -> NoReturn:
        raise OptionError(message, ctx=ctx, param=param)


class Date(_Fails):
    """A ``YYYY-MM-DD`` date option (``--as-of``, ``--on``), read like
    :func:`policy_sdk.engine.engine.parse_as_of` reads one."""

    name = "date"  # shown as DATE in --help

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> dt.date:
        from policy_sdk.engine.engine import parse_as_of
        from policy_sdk.errors import EvaluationError

        try:
            return parse_as_of(value)
        except EvaluationError:
            self.fail(_("`{value}` is not a date; expected YYYY-MM-DD").format(value=value),
                      param, ctx)


class Choice(_Fails, click.Choice):  # type: ignore[type-arg, unused-ignore]
    """``click.Choice`` whose error names the option and suggests the closest choice."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(choices_message(str(value), map(str, self.choices)), param, ctx)


class SafePath(_Fails, click.Path):
    """``click.Path`` whose checks word their errors like the other option errors
    (``option `--calendar`: `x` is a folder; expected a file``; a positional path is
    named by its value alone: ``no file or folder `x```), and that turns an impossible
    file name (a NUL byte in it) into a usage error instead of letting ``os.stat``'s
    ValueError escape."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and "\x00" in value:
            shown = value.replace("\x00", "\\0")
            self.fail(_("`{path}` is not a valid file name (it contains a NUL byte)").format(
                path=shown), param, ctx)
        if not isinstance(value, str | os.PathLike) or (
            self.allow_dash and self.file_okay and value == "-"
        ):
            return super().convert(value, param, ctx)
        path = os.fspath(value)
        target = os.path.realpath(path) if self.resolve_path else path
        try:
            mode = os.stat(target).st_mode
        except OSError:
            if self.exists:
                message = (_("no file or folder `{path}`") if self.file_okay and self.dir_okay
                           else _("no file `{path}`") if self.file_okay
                           else _("no folder `{path}`"))
                self.fail(message.format(path=path), param, ctx)
            return self.coerce_path_result(target)
        if not self.dir_okay and stat.S_ISDIR(mode):
            self.fail(_("`{path}` is a folder; expected a file").format(path=path), param, ctx)
        if not self.file_okay and not stat.S_ISDIR(mode):
            self.fail(_("`{path}` is a file; expected a folder").format(path=path), param, ctx)
        for wanted, flag, message in (
                (self.readable, os.R_OK, N_("cannot read `{path}`: permission denied")),
                (self.writable, os.W_OK, N_("cannot write to `{path}`: permission denied")),
                (self.executable, os.X_OK, N_("cannot run `{path}`: permission denied"))):
            if wanted and not os.access(target, flag):
                self.fail(_(message).format(path=path), param, ctx)
        return self.coerce_path_result(target)
