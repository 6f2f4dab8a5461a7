"""``policy-sdk serve``: the decision service (docs/serve.md).

Needs the ``server`` extra (``pip install "policy-sdk[server]"``). The engine is built
once here, so a broken policy stops the start with exit 2; then uvicorn serves it
(with ``--workers N``, N processes each build their own engine from the same options).
"""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from policy_sdk.cli._selection import NO_DEFAULT_PACK_HELP, POLICY_HELP
from policy_sdk.cli.params import SafePath
from policy_sdk.cli.plugins import disabled_names, plugin_options
from policy_sdk.errors import PolicySdkError


@click.command("serve", short_help="Serve decisions over HTTP, with a decision log.")
@click.option("--policy", "policies", multiple=True, metavar="PATH",
              type=SafePath(exists=True),
              help=POLICY_HELP)
@click.option("--no-default-pack", is_flag=True, help=NO_DEFAULT_PACK_HELP)
@click.option("--calendar", "calendar_file", type=SafePath(exists=True, dir_okay=False),
              metavar="FILE", help="a calendar file of holidays and adjusted working days "
              "(default: the built-in calendar)")
@click.option("--no-plugin-rules", is_flag=True,
              help="run only the policies, not the rules plugins contribute")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="the address to listen on; keep the loopback default behind a "
              "TLS-terminating proxy")
@click.option("--port", default=8181, show_default=True, type=click.IntRange(0, 65535),
              metavar="PORT", help="the port to listen on")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              metavar="N",
              help="worker processes, each with its own engine")
@click.option("--max-body", "max_body_bytes", default=32 * 1024 * 1024, show_default=True,
              type=click.IntRange(1), metavar="BYTES",
              help="largest request body (413 beyond)")
@click.option("--max-deployments", default=100_000, show_default=True,
              type=click.IntRange(1), metavar="N",
              help="most deployments in one request (413 beyond)")
@click.option("--timeout", "timeout_seconds", default=30.0, show_default=True,
              type=click.FloatRange(0, min_open=True), metavar="SECONDS",
              help="longest evaluation of one request (503 beyond)")
@click.option("--token-file", type=SafePath(exists=True, dir_okay=False), metavar="FILE",
              help="require `Authorization: Bearer <token>` with the token in FILE "
              "(default: no token needed)")
@click.option("--token-env", metavar="NAME",
              help="require a bearer token, read from the environment variable NAME "
              "(default: no token needed)")
@click.option("--decision-log", metavar="FILE",
              help="append one JSON line per decision to FILE (`-`: standard output; "
              "default: no decision log)")
@click.option("--log-max-bytes", default=64 * 1024 * 1024, show_default=True,
              type=click.IntRange(1), metavar="BYTES",
              help="rotate the decision log beyond this size")
@click.option("--log-backups", default=5, show_default=True, type=click.IntRange(0),
              metavar="N",
              help="rotated decision logs kept (FILE.1 … FILE.N)")
@click.option("--log-findings", is_flag=True,
              help="log the whole report of a check, every finding, not only the counts")
@click.option("--log-facts", is_flag=True,
              help="log the request body (the facts), so a line replays on its own")
@click.option("--facts-dir", type=SafePath(exists=True, file_okay=False), metavar="FOLDER",
              help="keep each request's facts once, as FOLDER/<sha256>.json or .yaml, and "
              "name the file in the decision log (default: not kept)")
@click.option("--watch", "watch_seconds", type=click.FloatRange(0, min_open=True),
              metavar="SECONDS", help="look at the policy and calendar files every SECONDS "
              "and reload when they changed (default: only on POST /v1/reload)")
@click.option("--access-log", is_flag=True, help="log each HTTP request to standard error")
@plugin_options
def serve(
    policies: Sequence[str],
    no_default_pack: bool,
    calendar_file: str | None,
    no_plugin_rules: bool,
    host: str,
    port: int,
    workers: int,
    max_body_bytes: int,
    max_deployments: int,
    timeout_seconds: float,
    token_file: str | None,
    token_env: str | None,
    decision_log: str | None,
    log_max_bytes: int,
    log_backups: int,
    log_findings: bool,
    log_facts: bool,
    facts_dir: str | None,
    watch_seconds: float | None,
    access_log: bool,
    plugin: Sequence[str],
    disable: Sequence[str],
    no_entrypoints: bool,
) -> None:
    """Serve check, inventory and plan-cancel decisions over HTTP (docs/serve.md).

    POST facts (JSON or YAML) to /v1/check, /v1/inventory or /v1/plan-cancel and get the
    same JSON the commands print. GET /v1/rules, /v1/version, /v1/health,
    /v1/openapi.json; POST /v1/reload re-reads the policies.

    The policies are those `check` runs with the same options: the default policy pack,
    the --policy paths beside it (with --no-default-pack: instead of it) and the rules
    installed plugins contribute.

    Exit status: 0 after a clean shutdown, 2 bad options or policies.
    """
    from policy_sdk.cli._selection import check_pack_options

    # the same usage error as `check` (the pack options are one seam: Engine(default_pack=))
    check_pack_options(policies, no_default_pack, summary_only=False, fmt="text")
    try:
        import uvicorn

        from policy_sdk.server.app import build_state, create_app
        from policy_sdk.server.config import CONFIG_ENV, ServerConfig
    except ImportError as exc:
        click.echo(f"error[server-extra]: `policy-sdk serve` needs the server extra "
                   f"(missing `{exc.name}`)\n  help: pip install \"policy-sdk[server]\"",
                   err=True)
        sys.exit(2)
    generation = None
    if workers > 1:
        folder = tempfile.mkdtemp(prefix="policy-sdk-serve-")
        atexit.register(shutil.rmtree, folder, True)  # the supervisor's exit removes it
        generation = os.path.join(folder, "generation")
        Path(generation).write_text("0\n", encoding="utf-8")
    try:
        config = ServerConfig(
            policies=tuple(str(Path(p).resolve()) for p in policies),
            default_pack=not no_default_pack,
            plugins=tuple(plugin),
            disabled_plugins=tuple(disabled_names(disable)),
            load_entrypoints=not no_entrypoints,
            plugin_rules=not no_plugin_rules,
            calendar_file=str(Path(calendar_file).resolve()) if calendar_file else None,
            host=host, port=port, workers=workers,
            max_body_bytes=max_body_bytes, max_deployments=max_deployments,
            timeout_seconds=timeout_seconds,
            token_file=token_file, token_env=token_env,
            decision_log=(decision_log if decision_log in (None, "-")
                          else str(Path(decision_log).resolve())),
            log_max_bytes=log_max_bytes, log_backups=log_backups,
            log_findings=log_findings, log_facts=log_facts,
            facts_dir=str(Path(facts_dir).resolve()) if facts_dir else None,
            watch_seconds=watch_seconds,
            generation_file=generation,
        )
        config.read_token()  # a missing or short token stops the start, not a request
        state = build_state(config)  # a broken policy stops the start (exit 2)
        for warning in state.engine.warnings:
            click.echo(warning.render(), err=True)
        app: Any = create_app(config, state) if workers == 1 else None
    except PolicySdkError as err:
        click.echo(err.render(), err=True)
        sys.exit(2)
    problem = _can_listen(host, port)
    if problem is not None:
        click.echo(f"error[server-start]: {problem}", err=True)
        sys.exit(2)
    click.echo(f"policy-sdk serve: http://{host}:{port} ({workers} worker"
               f"{'' if workers == 1 else 's'}, policy digest "
               f"{state.provenance['policy_digest']})", err=True)
    log_config = _log_config(uvicorn)
    try:
        if app is not None:
            uvicorn.run(app, host=host, port=port, log_config=log_config,
                        access_log=access_log, timeout_graceful_shutdown=10)
            return
        os.environ[CONFIG_ENV] = config.to_json()
        uvicorn.run("policy_sdk.server.app:app_from_env", factory=True, host=host, port=port,
                    workers=workers, log_config=log_config, access_log=access_log,
                    timeout_graceful_shutdown=10)
    except SystemExit as exc:
        if exc.code in (0, None):
            return
        # uvicorn exits 3 when it cannot start (the address is taken, …): bad input here
        click.echo(f"error[server-start]: the server on {host}:{port} could not start "
                   "(the messages above say why)", err=True)
        sys.exit(2)


def _can_listen(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on, or None (checked before starting)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        return f"`{host}` is not an address of this machine ({exc})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            return f"cannot listen on {host}:{port}: {(exc.strerror or str(exc)).lower()}"
    return None


def _log_config(uvicorn: Any) -> dict[str, Any]:
    """uvicorn's logging, all of it on standard error (standard output may carry the
    decision log)."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    return config
