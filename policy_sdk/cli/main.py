"""The ``policy-sdk`` command: a thin shell over the public API.

Each subcommand lives in its own module and is imported only when it runs, so
``policy-sdk --help`` stays fast and one command's import cost is not paid by another.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import click

from policy_sdk import __version__
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


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policy-sdk")
def cli() -> None:
    """Check a company's algorithm filings (算法备案) against 《算法推荐管理规定》.

    \b
    The rules of 《互联网信息服务算法推荐管理规定》 come built in
    (the default policy pack).

    Describe your algorithms, platforms, deployments and filings in a facts file
    (YAML or JSON); then `check` finds what lacks a filing or misses a deadline,
    `inventory` takes stock of the filings, and `plan-cancel` plans cancellations
    (注销) and changes (变更) when a service stops.

    `validate`, `fmt` and `test` are for writing your own policies.
    `policy-sdk COMMAND --help` explains a command.

    Exit status: 0 all is well; 1 `check` found a violated mandatory rule, `test` a
    failing case, `fmt --check` a file to reformat; 2 bad input (an error message,
    never a traceback).
    """


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    try:
        cli.main(args=argv, prog_name="policy-sdk", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 2
    except SystemExit as exc:  # commands exit with sys.exit(code)
        return exc.code if isinstance(exc.code, int) else 2
    except PolicySdkError as exc:  # a command that let a user error through
        click.echo(exc.render(), err=True)
        return 2
    except Exception as exc:  # a bug of ours: say so plainly, traceback only on request
        if os.environ.get("POLICY_SDK_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"policy-sdk: internal error ({type(exc).__name__}: {exc}). This is a bug in "
            "policy-sdk, not in your input; please report it. Set POLICY_SDK_DEBUG=1 to see "
            "the traceback.",
            err=True,
        )
        return EXIT_INTERNAL
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
