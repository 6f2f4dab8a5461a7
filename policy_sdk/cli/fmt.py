"""``policy-sdk fmt``: rewrite policy files in the canonical layout.

Exit status: 0 when nothing had to change (or everything was rewritten), 1 with
``--check`` when some file would change, 2 when a file cannot be read, parsed or written
(every diagnostic of every file is printed; no file with errors is touched).

A file is rewritten through a temporary file in the same folder that is renamed over
it, and only if it still holds the bytes that were formatted: a full disk, a kill
mid-write or an edit made while ``fmt`` ran leaves the file as it was.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from policy_sdk._io import atomic_write, digest
from policy_sdk.cli._output import emit
from policy_sdk.cli.params import SafePath
from policy_sdk.errors import PolicySdkError

__all__ = ["fmt", "policy_files"]


def policy_files(paths: tuple[Path, ...]) -> list[Path]:
    """Files as given, plus every ``*.policy`` under given folders (recursive, sorted)."""
    from policy_sdk.pipeline import policy_files as expand

    out: list[Path] = []
    for p in paths:
        out += expand(p)
    seen: set[Path] = set()
    unique = []
    for f in out:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    return unique


@click.command("fmt", short_help="Rewrite policy files in the canonical layout.")
@click.option("--check", is_flag=True, help="change nothing; exit 1 if some file would change")
@click.option("--diff", "show_diff", is_flag=True,
              help="print what would change instead of rewriting the files")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=SafePath(exists=True, path_type=Path),
)
def fmt(check: bool, show_diff: bool, paths: tuple[Path, ...]) -> None:
    """Rewrite policy files in the canonical layout.

    PATHS: policy files, or folders searched for *.policy files.

    Exit status: 0 done (or nothing to change), 1 with --check a file would change,
    2 a file cannot be read or parsed (no file with errors is touched).
    """
    from policy_sdk.syntax.formatter import format_source

    files = policy_files(paths)
    if not files:
        click.echo("no policy files found", err=True)
        sys.exit(0)
    changed: list[Path] = []
    failed = 0
    for f in files:
        try:
            data = f.read_bytes()
        except OSError as exc:
            click.echo(f"{f}: error[io]: cannot read `{f}`: {exc.strerror}", err=True)
            failed += 1
            continue
        try:
            new = format_source(data, str(f))
        except PolicySdkError as exc:
            click.echo(exc.render(), err=True)
            failed += 1
            continue
        try:
            old = data.decode("utf-8")
        except UnicodeDecodeError:  # pragma: no cover - format_source rejected it already
            old = ""
        if new == old:
            continue
        changed.append(f)
        if show_diff:  # stdout through write_stream: a closed pipe is exit 2, not a crash
            emit(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    fromfile=f"{f} (original)",
                    tofile=f"{f} (formatted)",
                ),
                nl=False,
            )
        if check:
            emit(f"would reformat {f}")
        elif not show_diff:
            try:
                # a temporary file renamed over the original, and only if the file still
                # holds the bytes formatted: a full disk, a kill or a concurrent edit
                # never leaves a cut or overwritten file
                # (through a symbolic link: the file it points to, the link stays)
                atomic_write(f.resolve() if f.is_symlink() else f, new,
                             expect_digest=digest(data))
            except PolicySdkError as exc:
                click.echo(exc.render(), err=True)
                failed += 1
                continue
            emit(f"reformatted {f}")
    total = len(files)
    if check:
        summary = f"{len(changed)} of {total} files would be reformatted"
    elif show_diff:
        summary = f"{len(changed)} of {total} files would change"
    else:
        summary = f"{len(changed)} of {total} files reformatted"
    if failed:
        summary += f", {failed} with errors"
    click.echo(summary, err=True)
    if failed:
        sys.exit(2)
    if check and changed:
        sys.exit(1)
