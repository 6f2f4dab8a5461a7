"""The ``policy-sdk`` command: a thin shell over the public API.

Each subcommand lives in its own module and is imported only when it runs, so
``policy-sdk --help`` stays fast and one command's import cost is not paid by another.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from collections.abc import Iterable

import click

from policy_sdk import __version__, gc_pause_allowed
from policy_sdk.errors import PolicySdkError

EXIT_INTERNAL = 3
"""Exit status of a bug in policy-sdk itself (0 ok, 1 findings, 2 bad input)."""

#: command name -> "module:attribute" of a click command
COMMANDS: dict[str, str] = {
    "check": "policy_sdk.cli.check:check",
    "validate": "policy_sdk.cli.validate:validate",
    "fmt": "policy_sdk.cli.fmt:fmt",
    "schema": "policy_sdk.cli.schema:schema",
    "plugins": "policy_sdk.cli.plugins:plugins",
    "inventory": "policy_sdk.cli.inventory:inventory",
    "plan-cancel": "policy_sdk.cli.plan_cancel:plan_cancel",
    "test": "policy_sdk.cli.test:test",
    "config": "policy_sdk.cli.config:config",
    "lsp": "policy_sdk.cli.lsp:lsp",
    "init": "policy_sdk.cli.init:init",
    "example": "policy_sdk.cli.init:example",
    "pack": "policy_sdk.cli.init:pack",
    "serve": "policy_sdk.cli.serve:serve",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None  # not built yet in this version
            raise
        command: click.Command = getattr(module, attr)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from policy_sdk.errors import did_you_mean
            from policy_sdk.i18n import _

            hint = did_you_mean(name, self.list_commands(ctx))
            message = _("no command `{name}`").format(name=name)
            if hint:
                raise click.UsageError(_("{message}; {hint}").format(message=message, hint=hint),
                                       ctx)
            raise click.UsageError(_("{message}; the commands are {commands}").format(
                message=message,
                commands=_(", ").join(f"`{c}`" for c in self.list_commands(ctx))), ctx)
        return super().resolve_command(ctx, args)


class _Formatter(click.HelpFormatter):
    """Help text in the chosen language: each paragraph, option help and command summary
    is looked up in the catalog as written in the code (English), at display time."""

    def write_text(self, text: str) -> None:
        super().write_text(translate_help(text))

    def write_heading(self, heading: str) -> None:
        from policy_sdk.i18n import get_language

        if get_language() == "zh":  # a full-width colon after a Chinese heading
            self.write(f"{'':>{self.current_indent}}{heading}：\n")
        else:
            super().write_heading(heading)

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        super().write_dl([(term, translate_help(text)) for term, text in rows],
                         col_max, col_spacing)


def translate_help(text: str) -> str:
    """``text`` in the current language; a trailing ``  [default: …]`` that click adds
    is kept as it is (click translates its own words)."""
    head, sep, tail = text.partition("  [")
    if sep and tail.endswith("]"):
        return _translate_one(head) + sep + tail
    return _translate_one(text)


def _translate_one(text: str) -> str:
    """One help text: our catalog, else click's own (its help option's text is made once
    per command, in the language of its first use), else a command summary click cut
    from a longer help text (its first sentence, or a prefix ending in ``...``)."""
    from policy_sdk.i18n import catalog, get_language

    language = get_language()
    ours, clicks = catalog("zh"), catalog("zh", "messages")
    english = {v: k for k, v in clicks.items()}.get(text, text)
    if language == "en":
        return english
    if english in ours:
        return ours[english]
    if english in clicks:
        return clicks[english]
    stem = english[:-3] if english.endswith("...") else english
    if stem:
        for msgid, msgstr in ours.items():
            if msgid.startswith(stem):
                first = msgstr.split("\n\n", 1)[0].replace("\n", "")
                return first.split("。", 1)[0] + "。"
    return text


def _lang_option(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        use_language(value)


def use_language(value: str | None) -> None:
    """Speak ``value`` (or the environment's language) for the rest of this process:
    our messages, the help texts and click's own words."""
    from policy_sdk.cli._wrap import install as install_wrapping
    from policy_sdk.i18n import install_click_translations, resolve_language, set_language

    language = resolve_language(value)
    set_language(language)
    install_click_translations(language)
    install_wrapping(language == "zh")


def _split_lang(argv: list[str]) -> tuple[list[str], str | None]:
    """``--lang X`` / ``--lang=X`` may stand anywhere before ``--``: take it out."""
    out: list[str] = []
    value: str | None = None
    items = iter(argv)
    for arg in items:
        if arg == "--":
            out.append(arg)
            out.extend(items)
            break
        if arg == "--lang":
            value = next(items, None)
            if value is None:
                out.append(arg)  # click says the option needs a value
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            out.append(arg)
    return out, value


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", type=click.Choice(["zh", "en"]), expose_value=False, is_eager=True,
              callback=_lang_option,
              help="the language of messages and reports: zh (Simplified Chinese) or en (default: "
              "POLICY_SDK_LANG, else zh when the locale is Chinese, else en)")
@click.version_option(__version__, "-V", "--version", prog_name="policy-sdk",
                      message="%(prog)s %(version)s")
def cli() -> None:
    """Check a company's algorithm filings against 《算法推荐管理规定》.

    \b
    The rules of 《互联网信息服务算法推荐管理规定》 come built in
    (the default policy pack).

    Describe your algorithms, platforms, deployments and filings in a facts file
    (YAML or JSON); then `check` finds what lacks a filing or misses a deadline,
    `inventory` takes stock of the filings, and `plan-cancel` plans cancellations
    and changes when a service stops.

    `validate`, `fmt` and `test` are for writing your own policies.
    `policy-sdk COMMAND --help` explains a command.

    Exit status: 0 all is well; 1 `check` found a violated mandatory rule, `test` a
    failing case, `fmt --check` a file to reformat; 2 bad input (an error message,
    never a traceback).
    """


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args, lang = _split_lang(list(sys.argv[1:] if argv is None else argv))
    click.Context.formatter_class = _Formatter
    if lang is None:  # --lang > POLICY_SDK_LANG > the configuration file > the locale
        from policy_sdk.config import file_language

        lang = file_language()
    use_language(lang)
    try:
        # the command line owns its process: it may pause the cyclic collector around
        # parsing, loading, evaluating and writing (policy_sdk._gc)
        with gc_pause_allowed():
            cli.main(args=args, prog_name="policy-sdk", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        from policy_sdk.i18n import _

        click.echo(_("aborted"), err=True)
        return 2
    except SystemExit as exc:  # commands exit with sys.exit(code)
        return exc.code if isinstance(exc.code, int) else 2
    except PolicySdkError as exc:  # a command that let a user error through
        click.echo(exc.render(), err=True)
        return 2
    except Exception as exc:  # a bug of ours: say so plainly, traceback only on request
        if os.environ.get("POLICY_SDK_DEBUG"):
            traceback.print_exc()
        from policy_sdk.i18n import _

        click.echo(
            _("policy-sdk: internal error ({error}). This is a bug in policy-sdk, not in your "
              "input; please report it. Set POLICY_SDK_DEBUG=1 to see the traceback.").format(
                error=f"{type(exc).__name__}: {exc}"),
            err=True,
        )
        return EXIT_INTERNAL
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
