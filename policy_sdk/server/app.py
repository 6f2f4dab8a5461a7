"""The HTTP application of ``policy-sdk serve`` (Starlette; run by uvicorn).

Each worker process holds one :class:`EngineState` (an engine and its provenance). A
request takes the state current when it starts and finishes on it; ``POST /v1/reload``
builds a new engine off the event loop and swaps the reference only when the build
succeeded, so a broken policy leaves the old engine serving. With several workers, a
reload also rewrites a shared generation file; the other workers see it at their next
request and rebuild in the background. ``--watch`` reloads when the policy files change.

The routes, their parameters and the OpenAPI document are all in this module: each
endpoint's docstring carries its OpenAPI operation (YAML after ``---``), and
``GET /v1/openapi.json`` is generated from the routes by Starlette's schema generator.
"""

from __future__ import annotations

import datetime as dt
import hmac
import inspect
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final

import anyio
import anyio.to_thread
import attrs
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.schemas import SchemaGenerator

from policy_sdk import __version__
from policy_sdk.api import Engine
from policy_sdk.engine.engine import parse_as_of
from policy_sdk.errors import (
    Diagnostic,
    EvaluationError,
    FactsError,
    PolicySdkError,
    ValidationError,
    did_you_mean,
)
from policy_sdk.i18n import use_language
from policy_sdk.server.config import ServerConfig, ServerError
from policy_sdk.server.decisions import DecisionLog
from policy_sdk.server.provenance import facts_sha256, provenance, sources_digest

__all__ = ["EngineState", "HttpError", "app_from_env", "build_state", "create_app",
           "replay_command"]

FACTS_NAME: Final = "<request>"
"""The name diagnostics give the request body (where a file name would be)."""

YAML_TYPES: Final = frozenset({"application/yaml", "application/x-yaml", "text/yaml",
                               "text/x-yaml"})
JSON_TYPES: Final = frozenset({"application/json", "text/json"})

RAW_REPORT: Final = "\0report"
"""Where a decision's record carries the JSON text of its whole report (--log-findings)."""

#: query parameters each decision endpoint accepts
PARAMETERS: Final[Mapping[str, tuple[str, ...]]] = {
    "check": ("as_of", "all", "severity", "format", "facts_file", "lang"),
    "inventory": ("as_of", "lang"),
    "plan-cancel": ("as_of", "stop", "on", "strategy", "lang"),
}
_TRUE: Final = ("1", "true", "yes")
_FALSE: Final = ("0", "false", "no", "")


class HttpError(Exception):
    """An answer other than 200: an HTTP status and the diagnostics to send."""

    def __init__(self, status: int, diagnostics: Sequence[Diagnostic],
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.diagnostics = tuple(diagnostics)
        self.headers = dict(headers or {})


def _http(status: int, code: str, message: str, help: str | None = None) -> HttpError:
    return HttpError(status, [Diagnostic(code, message, help=help)])


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    """A diagnostic as JSON: the keys of ``policy-sdk check --format json``'s error
    document (code, level, message, file, line, column, path, help; null when unknown),
    then the whole ``span`` and the ``source_line`` when known."""
    from types import SimpleNamespace

    from policy_sdk.reports.sarif import error_json

    (out,) = error_json(SimpleNamespace(diagnostics=(d,)))["errors"]
    if d.span is not None:
        out["span"] = attrs.asdict(d.span)
    if d.source_line is not None:
        out["source_line"] = d.source_line
    return dict(out)


# --- engines -------------------------------------------------------------------------


@attrs.frozen
class EngineState:
    """One engine and what it was built from; never changed, only replaced."""

    engine: Engine
    provenance: Mapping[str, Any]
    loaded_at: str


def build_state(config: ServerConfig) -> EngineState:
    """Build an engine from ``config`` (policies, plugins and calendar re-read)."""
    from policy_sdk.workdays import WorkdayCalendar, default_calendar

    calendar = (WorkdayCalendar.from_file(config.calendar_file, base=default_calendar())
                if config.calendar_file else None)
    engine = Engine(  # as `policy-sdk check` builds it: the policies beside the pack
        list(config.policies) if config.policies else None,
        default_pack=config.default_pack,
        plugins=config.plugins,
        load_entrypoints=config.load_entrypoints,
        disabled_plugins=config.disabled_plugins,
        plugin_rules=config.plugin_rules,
        calendar=calendar,
    )
    try:
        prov = provenance(engine)
    except OSError as exc:  # a policy file went away between the build and the digest
        raise ServerError([Diagnostic("io", f"cannot read the policies: {exc.strerror or exc}",
                                      file=getattr(exc, "filename", None))]) from None
    return EngineState(engine, prov, _now())


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Holder:
    """The current engine of this worker, and reloading it."""

    def __init__(self, config: ServerConfig, state: EngineState | None = None) -> None:
        self.config = config
        self.state = state if state is not None else build_state(config)
        self._reload_lock = threading.Lock()
        self._generation = self._read_generation()
        self.last_reload_error: tuple[Diagnostic, ...] = ()

    def _read_generation(self) -> tuple[int, int] | None:
        if self.config.generation_file is None:
            return None
        try:
            st = os.stat(self.config.generation_file)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def reload(self) -> EngineState:
        """Build a new engine and swap it in; on error keep the old one and raise."""
        with self._reload_lock:
            try:
                state = build_state(self.config)
            except PolicySdkError as exc:
                self.last_reload_error = exc.diagnostics
                raise
            self.state = state  # one reference assignment: requests see old or new
            self.last_reload_error = ()
            return state

    def announce(self) -> None:
        """Tell the other workers to reload (rewrite the generation file)."""
        path = self.config.generation_file
        if path is None:
            return
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(f"{time.time_ns()} {os.getpid()}\n")
        os.replace(tmp, path)
        self._generation = self._read_generation()

    def follow(self) -> None:
        """Reload in the background if another worker announced a reload."""
        if self.config.generation_file is None:
            return
        seen = self._read_generation()
        if seen == self._generation or seen is None:
            return
        self._generation = seen

        def work() -> None:
            try:
                self.reload()
            except PolicySdkError as exc:
                print(f"policy-sdk serve: reload failed, the old engine keeps serving:\n"
                      f"{exc.render()}", file=sys.stderr)

        threading.Thread(target=work, name="policy-sdk-reload", daemon=True).start()

    def watch(self, interval: float) -> None:
        """Reload (in a background thread) whenever the policy or calendar files change;
        a broken change is reported once on standard error and the old engine serves on."""
        config = self.config

        def loop() -> None:
            seen = sources_digest(config.policies, config.calendar_file,
                                  default_pack=config.default_pack)
            while True:
                time.sleep(interval)
                now = sources_digest(config.policies, config.calendar_file,
                                     default_pack=config.default_pack)
                if now is None or now == seen:
                    continue
                seen = now
                try:
                    state = self.reload()
                except PolicySdkError as exc:
                    print(f"policy-sdk serve: the changed policies do not build; the old "
                          f"engine keeps serving:\n{exc.render()}", file=sys.stderr)
                    continue
                print(f"policy-sdk serve: reloaded (policy digest "
                      f"{state.provenance['policy_digest']})", file=sys.stderr)

        threading.Thread(target=loop, name="policy-sdk-watch", daemon=True).start()


# --- the application -------------------------------------------------------------------


def create_app(config: ServerConfig, state: EngineState | None = None) -> Starlette:
    """The ASGI application for ``config`` (``state``: an engine already built)."""
    holder = Holder(config, state)
    token = config.read_token()
    log = (DecisionLog(config.decision_log, max_bytes=config.log_max_bytes,
                       backups=config.log_backups) if config.decision_log else None)
    limiter = anyio.CapacityLimiter(1)  # evaluations are CPU-bound: one at a time per worker
    if config.watch_seconds is not None:
        holder.watch(config.watch_seconds)

    def authorize(request: Request) -> bool:
        if token is None:
            return False
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode("utf-8", "surrogateescape"), token):
            raise HttpError(401, [Diagnostic(
                "unauthorized", "missing or wrong bearer token",
                help="send `Authorization: Bearer <token>`")],
                headers={"WWW-Authenticate": 'Bearer realm="policy-sdk"'})
        return True

    def endpoint(handler: Callable[[Request, str], Awaitable[Response]], *,
                 public: bool = False) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            request_id = _request_id(request)
            try:
                if not public:
                    authorize(request)
                holder.follow()
                response = await handler(request, request_id)
            except HttpError as exc:
                response = _error(exc.status, exc.diagnostics, request_id, exc.headers)
            except ClientDisconnect:  # the client left while sending: nobody to answer
                response = _error(400, [Diagnostic(
                    "disconnected", "the client closed the connection before the whole "
                    "body arrived")], request_id)
            except Exception:  # a bug of ours: logged here, never sent
                traceback.print_exc(file=sys.stderr)
                response = _error(500, [Diagnostic(
                    "internal", "internal error; the server log has the details "
                    f"(request `{request_id}`)")], request_id)
            response.headers["X-Request-Id"] = request_id
            return response

        run.__doc__ = handler.__doc__
        run.__name__ = handler.__name__
        return run

    # -- decisions -----------------------------------------------------------------------

    async def decide(request: Request, request_id: str, kind: str) -> Response:
        started = time.perf_counter()
        state = holder.state  # this request finishes on this engine, whatever reloads
        record: dict[str, Any] = {
            "time": _now(), "request_id": request_id, "endpoint": f"/v1/{kind}",
            "worker": os.getpid(), "engine_loaded_at": state.loaded_at,
            "caller": {"address": request.client.host if request.client else None,
                       "authenticated": token is not None,
                       "name": request.headers.get("x-caller")},
            "provenance": dict(state.provenance),
        }
        body = b""
        try:
            params = _params(request, kind)
            record["params"] = {k: v for k, v in params.items() if k != "as_of"}
            day = parse_as_of(params.get("as_of"))
            record["as_of"] = day.isoformat()
            fmt = _facts_format(request)
            body = await _read_body(request, config.max_body_bytes)
            record["facts_sha256"] = facts_sha256(body)
            record["facts_format"] = fmt
            record["facts_bytes"] = len(body)
            if config.log_facts:
                record["facts"] = body.decode("utf-8", "replace")
            if config.facts_dir is not None:
                record["facts_path"] = await anyio.to_thread.run_sync(
                    _keep_facts, config.facts_dir, record["facts_sha256"], fmt, body)

            record["replay"] = replay_command(config, kind, params, day, fmt)

            def work() -> tuple[str, dict[str, Any]]:
                with use_language(params.get("lang")):  # None: the server's language
                    return _evaluate(state.engine, kind, body, fmt, day, params,
                                     config.max_deployments,
                                     "full" if config.log_findings else "summary" if log
                                     else "")

            try:
                with anyio.fail_after(config.timeout_seconds):
                    text, summary = await anyio.to_thread.run_sync(
                        work, abandon_on_cancel=True, limiter=limiter)
            except TimeoutError:
                raise _http(503, "timeout", f"the evaluation took longer than "
                            f"{config.timeout_seconds:g} s",
                            "send fewer deployments, or raise `--timeout`") from None
            record.update(summary)
            record["status"] = 200
            response: Response = Response(text, media_type="application/json", headers={
                "X-Policy-Digest": str(state.provenance["policy_digest"])})
        except HttpError as exc:
            record["status"] = exc.status
            record["errors"] = [diagnostic_json(d) for d in exc.diagnostics]
            if "facts_sha256" not in record and body:
                record["facts_sha256"] = facts_sha256(body)
            response = _error(exc.status, exc.diagnostics, request_id, exc.headers)
        record["duration_ms"] = round((time.perf_counter() - started) * 1000, 3)
        if log is not None:
            try:
                raw = {"report": record.pop(RAW_REPORT)} if RAW_REPORT in record else None
                await anyio.to_thread.run_sync(log.write, record, raw)
            except OSError as exc:  # an audit log that cannot write refuses to decide
                print(f"policy-sdk serve: cannot write the decision log: {exc}", file=sys.stderr)
                raise _http(503, "decision-log", "the decision could not be written to the "
                            "decision log; nothing was decided") from None
        return response

    async def check(request: Request, request_id: str) -> Response:
        """Check facts against the policies: the JSON of `policy-sdk check --format json`.
        ---
        summary: check facts against the policies
        description: >-
          The body is a facts document (JSON, or YAML with a YAML content type). The answer
          is exactly what `policy-sdk check --format json` prints for the same facts and
          options (docs/report.schema.json); `format=sarif` gives the SARIF document.
        parameters:
          - {name: as_of, in: query, schema: {type: string, format: date},
             description: "the day deadlines are judged on (default: today in China)"}
          - {name: all, in: query, schema: {type: boolean},
             description: also list satisfied and not-applicable findings}
          - {name: severity, in: query, schema: {type: string, enum: [mandatory, advisory]}}
          - {name: format, in: query, schema: {type: string, enum: [json, sarif]}}
          - {name: lang, in: query, schema: {type: string, enum: [zh, en]},
             description: "the language of messages (default: the server's, as for the
               command line: POLICY_SDK_LANG, else the locale)"}
          - {name: facts_file, in: query, schema: {type: string},
             description: "the name the facts go by in diagnostics and SARIF
               (default: `<request>`)"}
        requestBody:
          required: true
          content:
            application/json: {schema: {$ref: "#/components/schemas/Facts"}}
            application/yaml: {schema: {type: string}}
        responses:
          "200": {description: the report}
          "400": {description: a bad query parameter or content type}
          "401": {description: missing or wrong bearer token}
          "413": {description: the body or its deployments exceed the limits}
          "415": {description: a content type other than JSON or YAML}
          "422": {description: the facts are wrong (diagnostics with paths and lines)}
          "503": {description: the evaluation took longer than the limit}
        """
        return await decide(request, request_id, "check")

    async def inventory(request: Request, request_id: str) -> Response:
        """The filing inventory: the JSON of `policy-sdk inventory --format json`.
        ---
        summary: take stock of the filings
        parameters:
          - {name: as_of, in: query, schema: {type: string, format: date}}
          - {name: lang, in: query, schema: {type: string, enum: [zh, en]}}
        requestBody:
          required: true
          content:
            application/json: {schema: {$ref: "#/components/schemas/Facts"}}
            application/yaml: {schema: {type: string}}
        responses:
          "200": {description: the inventory (docs/inventory.schema.json)}
          "400": {description: a bad query parameter}
          "413": {description: too large}
          "422": {description: the facts are wrong}
        """
        return await decide(request, request_id, "inventory")

    async def plan_cancel(request: Request, request_id: str) -> Response:
        """A cancellation plan: the JSON of `policy-sdk plan-cancel --format json`.
        ---
        summary: plan cancellations and changes when a service stops
        parameters:
          - {name: as_of, in: query, schema: {type: string, format: date}}
          - {name: stop, in: query, schema: {type: array, items: {type: string}},
             description: "ALGORITHM or ALGORITHM@PLATFORM (repeatable)"}
          - {name: "on", in: query, schema: {type: string, format: date}}
          - {name: strategy, in: query, schema: {type: string}}
          - {name: lang, in: query, schema: {type: string, enum: [zh, en]}}
        requestBody:
          required: true
          content:
            application/json: {schema: {$ref: "#/components/schemas/Facts"}}
            application/yaml: {schema: {type: string}}
        responses:
          "200": {description: the plan (docs/plan.schema.json)}
          "400": {description: a bad query parameter}
          "413": {description: too large}
          "422": {description: the facts or the stops are wrong}
        """
        return await decide(request, request_id, "plan-cancel")

    # -- the rest --------------------------------------------------------------------------

    async def rules(request: Request, request_id: str) -> Response:
        """The rules the engine runs.
        ---
        summary: list the rules (ids, messages, citations, severities)
        responses:
          "200": {description: "`{rules: [...], policy_digest}`"}
        """
        state = holder.state
        try:
            compiled = state.engine.rules
        except PolicySdkError as exc:
            raise HttpError(422, exc.diagnostics) from None
        listed = [{"id": r.id, "message": r.message, "severity": r.severity,
                   "citation": r.citation, "remedy": r.remedy,
                   "interpretation": r.interpretation, "origin": r.origin}
                  for r in compiled]
        return JSONResponse({"rules": listed,
                             "policy_digest": state.provenance["policy_digest"]})

    async def health(request: Request, request_id: str) -> Response:
        """Liveness (no token needed).
        ---
        summary: is the server up
        responses:
          "200": {description: "`{status: ok}`"}
        """
        return JSONResponse({"status": "ok"})

    async def version(request: Request, request_id: str) -> Response:
        """Versions and the policy digest of the engine now serving.
        ---
        summary: engine, pack and plugin versions, policy digest
        description: >-
          `last_reload_errors` holds the diagnostics of this worker's last reload if it
          failed (a watched change that does not build, say), else nothing.
        responses:
          "200": {description: provenance of the current engine}
        """
        state = holder.state
        return JSONResponse({"version": __version__, "loaded_at": state.loaded_at,
                             "pid": os.getpid(), **state.provenance,
                             "last_reload_errors": [diagnostic_json(d)
                                                    for d in holder.last_reload_error]})

    async def reload(request: Request, request_id: str) -> Response:
        """Rebuild the engine from the policies, plugins and calendar it was started with.
        ---
        summary: reload the policies
        description: >-
          In-flight requests finish on the old engine. If the new policies do not build,
          the old engine keeps serving and the answer is 422 with the diagnostics. With
          several workers, the others reload at their next request.
        responses:
          "200": {description: "`{reloaded: true, policy_digest, previous_digest}`"}
          "422": {description: the new policies are broken; the old ones keep serving}
        """
        before = holder.state
        try:
            state = await anyio.to_thread.run_sync(holder.reload)
        except PolicySdkError as exc:
            raise HttpError(422, [*exc.diagnostics, Diagnostic(
                "reload-failed", "the policies were not reloaded; the previous ones keep "
                f"serving ({before.provenance['policy_digest']})", level="warning")]) from None
        holder.announce()
        return JSONResponse({"reloaded": True,
                             "policy_digest": state.provenance["policy_digest"],
                             "previous_digest": before.provenance["policy_digest"]})

    schemas = SchemaGenerator({"openapi": "3.1.0", "info": {
        "title": "policy-sdk decision service", "version": __version__,
        "description": "China algorithm-filing compliance decisions (docs/serve.md)."}})

    async def openapi(request: Request, request_id: str) -> Response:
        """The OpenAPI document of this service, generated from its routes.
        ---
        summary: this document
        responses:
          "200": {description: OpenAPI 3 document}
        """
        from policy_sdk.facts import facts_json_schema

        document = schemas.get_schema(routes=app.routes)
        facts = facts_json_schema(holder.state.engine.registry.platform_types)
        facts.pop("$id", None)  # its own base URI would change how a client resolves it
        document["components"] = {"schemas": {"Facts": facts}}
        return JSONResponse(document)

    routes = [
        Route("/v1/check", endpoint(check), methods=["POST"]),
        Route("/v1/inventory", endpoint(inventory), methods=["POST"]),
        Route("/v1/plan-cancel", endpoint(plan_cancel), methods=["POST"]),
        Route("/v1/rules", endpoint(rules), methods=["GET"]),
        Route("/v1/health", endpoint(health, public=True), methods=["GET"]),
        Route("/v1/version", endpoint(version), methods=["GET"]),
        Route("/v1/reload", endpoint(reload), methods=["POST"]),
        Route("/v1/openapi.json", endpoint(openapi), methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={
        404: _not_found, 405: _not_allowed})
    app.state.holder = holder
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    return _error(404, [Diagnostic("not-found", f"no endpoint `{request.url.path}`",
                                   help="GET /v1/openapi.json lists the endpoints")],
                  _request_id(request))


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return _error(405, [Diagnostic("method-not-allowed",
                                   f"`{request.method}` is not allowed on `{request.url.path}`")],
                  _request_id(request))


def _request_id(request: Request) -> str:
    given = request.headers.get("x-request-id", "")
    if 0 < len(given) <= 128 and given.isprintable():
        return given
    return uuid.uuid4().hex


def _error(status: int, diagnostics: Sequence[Diagnostic], request_id: str,
           headers: Mapping[str, str] | None = None) -> Response:
    body = {"status": status, "request_id": request_id,
            "errors": [diagnostic_json(d) for d in diagnostics]}
    return JSONResponse(body, status_code=status,
                        headers={**(headers or {}), "X-Request-Id": request_id})


# --- request parts -------------------------------------------------------------------------


def _params(request: Request, kind: str) -> dict[str, Any]:
    known = PARAMETERS[kind]
    out: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for name in request.query_params:
        if name not in known:
            problems.append(Diagnostic(
                "unknown-parameter", f"unknown query parameter `{name}` of `/v1/{kind}`",
                help=did_you_mean(name, known) or "the parameters are "
                + ", ".join(f"`{k}`" for k in known)))
    for name in known:
        values = request.query_params.getlist(name)
        if not values:
            continue
        if name == "stop":
            out[name] = tuple(values)
        elif len(values) > 1:
            problems.append(Diagnostic("repeated-parameter", f"`{name}` is given "
                                       f"{len(values)} times; give it once"))
        else:
            out[name] = values[0]
    if "all" in out:
        flag = out["all"].lower()
        if flag not in (*_TRUE, *_FALSE):
            problems.append(Diagnostic("bad-parameter", f"`all={out['all']}`: expected "
                                       "`true` or `false`"))
        out["all"] = flag in _TRUE
    if "severity" in out and out["severity"] not in ("mandatory", "advisory"):
        problems.append(Diagnostic("bad-parameter", f"`severity={out['severity']}`: expected "
                                   "`mandatory` or `advisory`",
                                   help=did_you_mean(out["severity"], ("mandatory", "advisory"))))
    if "lang" in out and out["lang"] not in ("zh", "en"):
        problems.append(Diagnostic("bad-parameter", f"`lang={out['lang']}`: expected `zh` "
                                   "(简体中文) or `en`"))
    if "format" in out and out["format"] not in ("json", "sarif"):
        problems.append(Diagnostic("bad-parameter", f"`format={out['format']}`: expected "
                                   "`json` or `sarif`"))
    for name in ("as_of", "on"):
        if name in out:
            try:
                parse_as_of(out[name])
            except EvaluationError:
                problems.append(Diagnostic("bad-date", f"`{name}={out[name]}` is not a date",
                                           help="write `YYYY-MM-DD`, e.g. `2026-11-20`"))
    if problems:
        raise HttpError(400, problems)
    return out


def _facts_format(request: Request) -> str:
    header = request.headers.get("content-type", "application/json")
    media, _, rest = header.partition(";")
    media = media.strip().lower() or "application/json"
    charset = ""
    for part in rest.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset not in ("", "utf-8", "utf8"):
        raise _http(415, "unsupported-charset", f"facts must be UTF-8, not `{charset}`")
    if media in JSON_TYPES or media.endswith("+json"):
        return "json"
    if media in YAML_TYPES:
        return "yaml"
    raise _http(415, "unsupported-media-type", f"facts cannot be sent as `{media}`",
                "send `Content-Type: application/json` or `application/yaml`")


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    too_large = _http(413, "too-large", f"the request body is larger than the limit of "
                      f"{limit} bytes", "send fewer deployments, or raise `--max-body`")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    if not size:
        raise _http(400, "empty", "the request body is empty; send the facts document")
    return b"".join(chunks)


# --- evaluation (in a worker thread) ---------------------------------------------------------


def _evaluate(engine: Engine, kind: str, body: bytes, fmt: str, day: dt.date,
              params: Mapping[str, Any], max_deployments: int,
              logged: str) -> tuple[str, dict[str, Any]]:
    """The answer's JSON text and what the decision log records of it (``logged``:
    ``""`` nothing, ``"summary"`` the counts, ``"full"`` the whole report too)."""
    from policy_sdk.facts.text import load_facts_text

    try:
        name = params.get("facts_file") or FACTS_NAME
        facts = load_facts_text(body, fmt, name=name,
                                platform_types=engine.registry.platform_types)
        if len(facts.deployments) > max_deployments:
            raise _http(413, "too-many-deployments",
                        f"the facts hold {len(facts.deployments)} deployments; the limit is "
                        f"{max_deployments}", "split the facts, or raise `--max-deployments`")
        if kind == "check":
            # The report's provenance (`meta.facts`) names the facts `name` and gives the
            # SHA-256 of the body they were loaded from (text-loaded facts carry it): the
            # path `facts_file` names on this machine is never read.
            report = engine.evaluate(facts, as_of=day)
            fmt_name = params.get("format", "json")
            text = _render(engine.registry.reporters[fmt_name], report,
                           include_all=bool(params.get("all", False)),
                           severity=params.get("severity"), color=False, facts_file=name)
            if not logged:
                return text, {}
            # `failed` builds the violated findings: paid only when they are logged
            summary: dict[str, Any] = {"summary": dict(report.counts),
                                       "failed": report.failed}
            if logged == "full":
                # the whole report as text, spliced into the log line as it is (a
                # thousand deployments make thousands of findings: no dict round trip)
                summary[RAW_REPORT] = report.to_json(include_all=True, indent=None)
            return text, summary
        if kind == "inventory":
            inv = engine.inventory(facts, as_of=day)
            return inv.to_json() + "\n", {}
        strategy = params.get("strategy", "auto")
        known = ["auto", *sorted(engine.registry.strategies)]
        if strategy not in known:  # a bad parameter (400), as `--strategy` is a usage error
            raise HttpError(400, [Diagnostic(
                "bad-parameter", f"`strategy={strategy}`: unknown cancellation strategy",
                help=did_you_mean(strategy, known)
                or "the strategies are " + ", ".join(f"`{k}`" for k in known))])
        plan = engine.plan_cancellation(facts, params.get("stop", ()), on=params.get("on"),
                                        as_of=day, strategy=params.get("strategy", "auto"))
        return plan.to_json() + "\n", {}
    except FactsError as exc:
        raise HttpError(422, exc.diagnostics) from None
    except (ValidationError, EvaluationError) as exc:
        raise HttpError(422, exc.diagnostics) from None
    except PolicySdkError as exc:  # a failing plugin: ours to fix, not the caller's
        raise HttpError(500, exc.diagnostics) from None


def _keep_facts(folder: str, sha256: str, fmt: str, body: bytes) -> str:
    """Store ``body`` as ``folder/<sha256>.<fmt>`` unless it is there; its path."""
    from policy_sdk._io import atomic_write
    from policy_sdk.errors import OutputError

    path = os.path.join(folder, f"{sha256}.{fmt}")
    if not os.path.exists(path):
        try:
            atomic_write(path, body)
        except OutputError as exc:
            print(f"policy-sdk serve: cannot keep the facts: {exc.render()}", file=sys.stderr)
            raise _http(503, "facts-store", "the facts could not be stored in the facts "
                        "folder; nothing was decided") from None
    return path


def replay_command(config: ServerConfig, kind: str, params: Mapping[str, Any], day: dt.date,
                   fmt: str) -> list[str]:
    """The command line that gives the same answer for the same facts, with the facts
    file written as ``{facts}`` (a ``.json`` or ``.yaml`` file holding the body)."""
    argv = ["policy-sdk", kind, "--facts", "{facts}", "--as-of", day.isoformat(),
            "--format", params.get("format", "json")]
    if kind == "check":
        if params.get("all"):
            argv.append("--all")
        if params.get("severity"):
            argv += ["--severity", params["severity"]]
        for policy in config.policies:
            argv += ["--policy", policy]
        if not config.default_pack:
            argv.append("--no-default-pack")
        if not config.plugin_rules:
            argv.append("--no-plugin-rules")
        argv.append("--exit-zero")
    if kind == "plan-cancel":
        for stop in params.get("stop", ()):
            argv += ["--stop", stop]
        if params.get("on"):
            argv += ["--on", params["on"]]
        argv += ["--strategy", params.get("strategy", "auto")]
    if params.get("lang"):
        argv += ["--lang", params["lang"]]
    if config.calendar_file:
        argv += ["--calendar", config.calendar_file]
    for plugin in config.plugins:
        argv += ["--plugin", plugin]
    for name in config.disabled_plugins:
        argv += ["--disable", name]
    if not config.load_entrypoints:
        argv.append("--no-entrypoints")
    return argv


def app_from_env() -> Starlette:
    """The application of one worker process, configured by ``POLICY_SDK_SERVE_CONFIG``
    (uvicorn's factory for ``policy-sdk serve --workers N``)."""
    return create_app(ServerConfig.from_env())


def _render(reporter: Any, report: Any, **options: Any) -> str:
    """A reporter's text, given only the options it accepts (as `check` does)."""
    params = inspect.signature(reporter.render).parameters
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        options = {k: v for k, v in options.items() if k in params}
    text: str = reporter.render(report, **options)
    return text
