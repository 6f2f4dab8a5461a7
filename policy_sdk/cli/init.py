"""Getting started: ``policy-sdk init`` (a project to start from), ``policy-sdk example``
(the example company), ``policy-sdk pack path`` (where the default pack is)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from policy_sdk.cli.params import Choice

__all__ = ["example", "init", "pack"]

#: what `init` writes, relative to the target folder (the templates' own layout)
INIT_FILES = ("facts.yaml", "policies/house.policy", "policies/house.tests.yaml")


def _templates() -> Path:
    return Path(__file__).resolve().parent.parent / "templates" / "init"


@click.command("init", short_help="Start a project: a facts file, house rules, their tests.")
@click.argument("folder", default=".", metavar="[FOLDER]")
@click.option("--force", is_flag=True, help="overwrite files that exist already")
def init(folder: str, force: bool) -> None:
    """Write a commented facts file, a house policy and its policy tests to FOLDER
    (default: the current folder), ready for:

    \b
      policy-sdk check --facts facts.yaml --policy policies
      policy-sdk test

    Existing files are never overwritten without --force.

    Exit status: 0 written, 2 a file exists already or cannot be written.
    """
    from policy_sdk._io import atomic_write
    from policy_sdk.errors import PolicySdkError

    target = Path(folder)
    if target.exists() and not target.is_dir():
        click.echo(f"error[init]: `{target}` is a file; give a folder", err=True)
        sys.exit(2)
    existing = [name for name in INIT_FILES if (target / name).exists()]
    if existing and not force:
        for name in existing:
            click.echo(f"error[init-exists]: `{target / name}` exists already", err=True)
        click.echo("  help: choose another folder, or add --force to overwrite", err=True)
        sys.exit(2)
    try:
        for name in INIT_FILES:
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, (_templates() / name).read_bytes())
            click.echo(f"wrote {path}")
    except PolicySdkError as exc:
        click.echo(exc.render(), err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"error[write-failed]: cannot write in `{target}`: {exc.strerror}", err=True)
        sys.exit(2)
    steps = ([] if folder == "." else [f"  cd {folder}"]) + [
        "  policy-sdk check --facts facts.yaml --policy policies",
        "  policy-sdk test policies",
    ]
    click.echo("\nnext: describe your company in facts.yaml, then\n" + "\n".join(steps))


@click.command("example", short_help="Print the example company's facts file.")
@click.option("--format", "fmt", type=Choice(["yaml", "json"]), default="yaml",
              show_default=True, help="the facts file as YAML (commented) or as JSON")
def example(fmt: str) -> None:
    """Print the example company's facts file.

    \b
    "示例科技有限公司", six algorithms on five platforms; its header
    lists the findings the default pack gives.

    \b
      policy-sdk example > company.yaml
      policy-sdk check --facts company.yaml --as-of 2026-11-20
    """
    from policy_sdk._io import write_stream
    from policy_sdk.errors import PolicySdkError
    from policy_sdk.resources import examples_dir

    try:
        write_stream(sys.stdout, (examples_dir() / f"company.{fmt}").read_text(encoding="utf-8"))
    except PolicySdkError as exc:
        click.echo(exc.render(), err=True)
        sys.exit(2)


@click.group("pack", short_help="The default policy pack: where it is.")
def pack() -> None:
    """The default policy pack.

    The rules of 《互联网信息服务算法推荐管理规定》 and related provisions.
    """


@pack.command("path")
def pack_path() -> None:
    """Print the folder of the default policy pack (to read it, copy it, or name it
    beside your own policies)."""
    from policy_sdk.resources import default_policies_dir

    click.echo(str(default_policies_dir()))
