"""What ``policy-sdk serve`` is started with: one frozen value, passed to each worker
process as JSON in an environment variable (each worker builds its own engine from it).

A configuration file (when policy-sdk has one) fills the same fields:
:meth:`ServerConfig.from_mapping` is the hook, and command-line options win.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from policy_sdk.errors import Diagnostic, PolicySdkError

__all__ = ["CONFIG_ENV", "ServerConfig", "ServerError"]

CONFIG_ENV: Final = "POLICY_SDK_SERVE_CONFIG"
"""The environment variable that hands a :class:`ServerConfig` to worker processes."""


_TYPES: Final[tuple[tuple[str, type], ...]] = (
    ("tuple", tuple), ("bool", bool), ("int", int), ("float", float), ("str", str))


class ServerError(PolicySdkError):
    """A problem with how the server is started (token file, limits, log file)."""

    default_code = "server"


@attrs.frozen(kw_only=True)
class ServerConfig:
    """Everything a worker needs to build its engine and serve."""

    #: policy files or folders (absolute), run beside the default pack (empty: the pack
    #: alone), as ``policy-sdk check --policy`` runs them
    policies: tuple[str, ...] = ()
    #: whether the default pack runs too; False (``--no-default-pack``) runs only
    #: ``policies``, which then must not be empty
    default_pack: bool = True
    plugins: tuple[str, ...] = ()
    disabled_plugins: tuple[str, ...] = ()
    load_entrypoints: bool = True
    plugin_rules: bool = True
    calendar_file: str | None = None
    host: str = "127.0.0.1"
    port: int = 8181
    workers: int = 1
    #: largest request body, bytes (413 beyond)
    max_body_bytes: int = 32 * 1024 * 1024
    #: most deployments in one request's facts (413 beyond)
    max_deployments: int = 100_000
    #: longest evaluation, seconds (503 beyond)
    timeout_seconds: float = 30.0
    #: the bearer token's file, or the environment variable holding it (at most one)
    token_file: str | None = None
    token_env: str | None = None
    #: decision log: a file, "-" for standard output, None for none
    decision_log: str | None = None
    log_max_bytes: int = 64 * 1024 * 1024
    log_backups: int = 5
    #: also log every finding of a decision / the request body (the facts)
    log_findings: bool = False
    log_facts: bool = False
    #: keep each request body once, as FOLDER/<sha256>.<json|yaml> (None: do not)
    facts_dir: str | None = None
    #: look at the policy and calendar files every so many seconds and reload when they
    #: changed (None: only on ``POST /v1/reload``)
    watch_seconds: float | None = None
    #: a file whose change tells the other workers to reload (set by ``serve``)
    generation_file: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = []
        for name in ("max_body_bytes", "max_deployments", "log_max_bytes", "workers"):
            if getattr(self, name) < 1:
                problems.append(Diagnostic("bad-limit", f"`{name}` must be at least 1, "
                                           f"got {getattr(self, name)}"))
        if not self.timeout_seconds > 0:
            problems.append(Diagnostic("bad-limit", "the evaluation time limit must be more "
                                       f"than 0 seconds, got {self.timeout_seconds}"))
        if self.watch_seconds is not None and not self.watch_seconds > 0:
            problems.append(Diagnostic("bad-limit", "the watch interval must be more than 0 "
                                       f"seconds, got {self.watch_seconds}"))
        if not self.default_pack and not self.policies:
            problems.append(Diagnostic("no-policies", "`default_pack` is off but no "
                                       "`policies` are given to run instead of the default "
                                       "pack", help="give `policies`, or leave the default "
                                       "pack on"))
        if self.token_file is not None and self.token_env is not None:
            problems.append(Diagnostic("token", "give the token in a file or in an environment "
                                       "variable, not both"))
        if problems:
            raise ServerError(problems)

    # -- transport to the workers ----------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(attrs.asdict(self), sort_keys=True)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ServerConfig:
        """A config from a mapping (the JSON handed to workers, or a config file's
        ``serve`` section); unknown keys are an error naming them."""
        known = {f.name: f for f in attrs.fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            from policy_sdk.errors import did_you_mean

            raise ServerError([Diagnostic("unknown-key", f"unknown server setting `{k}`",
                                          help=did_you_mean(k, known)) for k in unknown])
        values: dict[str, Any] = {}
        wrong: list[Diagnostic] = []
        for key, value in data.items():
            declared = str(known[key].type)  # e.g. "float | None" (annotations are text)
            value = tuple(value) if isinstance(value, list) else value
            expected = next(t for name, t in _TYPES if declared.startswith(name))
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            optional = declared.endswith("| None")
            if not (value is None and optional) and (
                    not isinstance(value, expected)
                    or isinstance(value, bool) is not (expected is bool)):
                wrong.append(Diagnostic("type", f"server setting `{key}` has the wrong type"))
            values[key] = value
        if wrong:
            raise ServerError(wrong)
        return cls(**values)

    @classmethod
    def from_env(cls) -> ServerConfig:
        text = os.environ.get(CONFIG_ENV)
        if not text:
            raise ServerError([Diagnostic("server", f"`{CONFIG_ENV}` is not set; start the "
                                          "server with `policy-sdk serve`")])
        return cls.from_mapping(json.loads(text))

    # -- the token -------------------------------------------------------------------------

    def read_token(self) -> bytes | None:
        """The bearer token (UTF-8 bytes, surrounding whitespace dropped), or None."""
        if self.token_file is not None:
            try:
                text = Path(self.token_file).read_text(encoding="utf-8")
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or "not readable UTF-8 text"
                raise ServerError([Diagnostic("token", f"cannot read the token file "
                                              f"`{self.token_file}`: {reason}",
                                              file=self.token_file)]) from None
            where = f"the token file `{self.token_file}`"
        elif self.token_env is not None:
            text = os.environ.get(self.token_env, "")
            where = f"the environment variable `{self.token_env}`"
        else:
            return None
        token = text.strip()
        if len(token) < 16:
            raise ServerError([Diagnostic(
                "token", f"{where} holds no token of at least 16 characters",
                help="generate one, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`")])
        return token.encode("utf-8")
