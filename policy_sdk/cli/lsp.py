"""``policy-sdk lsp``: the language server for editors (LSP over stdin/stdout)."""

from __future__ import annotations

import sys

import click


@click.command("lsp", short_help="Run the language server for editors (stdio).")
def lsp() -> None:
    """Run the language server for .policy files over stdin/stdout.

    Editors start it themselves (docs/editors.md); it needs the optional extra:
    pip install "policy-sdk[lsp]".
    """
    try:
        from policy_sdk.lsp.server import serve
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in ("pygls", "lsprotocol"):
            click.echo(
                "error[missing-extra]: the language server needs the `lsp` extra\n"
                '  help: pip install "policy-sdk[lsp]"',
                err=True,
            )
            sys.exit(2)
        raise
    serve()
