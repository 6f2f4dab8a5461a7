"""The engine: policies parsed, validated and compiled once; evaluated many times.

::

    engine = Engine()                                   # default pack + plugin rules
    report = engine.evaluate("facts.yaml", as_of="2026-11-20")

An :class:`Engine` holds no state that an evaluation changes, so one engine may serve
many threads at once; it pickles by what it was built from (policies as parsed
modules, plugin references, options) and recompiles when unpickled.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policy_sdk import ast
from policy_sdk._gc import gc_paused
from policy_sdk.engine.context import Context
from policy_sdk.engine.explain import EngineFindings
from policy_sdk.engine.provenance import report_meta
from policy_sdk.engine.report import Report, RuleInfo
from policy_sdk.engine.rules import CompiledRule, compile_rule
from policy_sdk.errors import (
    Diagnostic,
    EvaluationError,
    PluginError,
    PolicySyntaxError,
    ValidationError,
)
from policy_sdk.facts.model import Facts
from policy_sdk.facts.schema import Schema
from policy_sdk.workdays import WorkdayCalendar, default_calendar

if TYPE_CHECKING:
    from policy_sdk.plugins.manager import Registry

PolicySource = str | os.PathLike[str] | ast.Module

__all__ = ["Engine", "parse_as_of"]


def parse_as_of(value: dt.date | str | None, *, what: str = "as-of date") -> dt.date:
    """A date from a date, an ISO ``YYYY-MM-DD`` text, or None (today)."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise EvaluationError(
            [Diagnostic("bad-date", f"`{value}` is not a date", help="write `YYYY-MM-DD`, "
                        f"e.g. `2026-11-20`, for the {what}")]
        ) from None


def policy_files(path: Path) -> list[Path]:
    """``path`` itself, or the ``*.policy`` files under a folder (recursive, sorted)."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.policy") if p.is_file())
    return [path]


class Engine:
    """Compiled policies plus the plugins' platform types, functions and rules."""

    def __init__(
        self,
        policies: Sequence[PolicySource] | PolicySource | None = None,
        *,
        plugins: Sequence[object | str] = (),
        load_entrypoints: bool = True,
        disabled_plugins: Sequence[str] = (),
        plugin_rules: bool = True,
        calendar: WorkdayCalendar | None = None,
    ) -> None:
        self._options: dict[str, Any] = {
            "plugins": tuple(plugins),
            "load_entrypoints": load_entrypoints,
            "disabled_plugins": tuple(disabled_plugins),
            "plugin_rules": plugin_rules,
            "calendar": calendar,
        }
        self.calendar: WorkdayCalendar = calendar if calendar is not None else default_calendar()
        self.registry: Registry = _load_registry(plugins, load_entrypoints, disabled_plugins)
        self.modules: tuple[tuple[ast.Module, str], ...] = tuple(
            (m, m.file) for m in _load_policies(policies)
        )
        self.plugin_modules: tuple[tuple[ast.Module, str], ...] = ()
        if plugin_rules:
            self.plugin_modules = tuple(
                (m, f"plugin:{name}") for name, m in _parse_plugin_rules(self.registry)
            )
        self.functions = dict(self.registry.functions)
        self.schema: Schema = _build_schema(self.registry, None)
        self.warnings: tuple[Diagnostic, ...] = ()
        self._lock = threading.Lock()
        self._bundles: dict[tuple[Any, ...], tuple[CompiledRule, ...]] = {}
        self._deferred: ValidationError | PluginError | None = None
        try:
            self._bundles[()] = self._compile(self.schema, record_warnings=True)
        except (ValidationError, PluginError) as exc:
            # a policy may read attributes that a facts file declares (`schema:`):
            # try again at evaluation with that file's schema; raise now otherwise
            if not _only_name_problems(exc):
                raise
            self._deferred = exc

    @classmethod
    def from_source(cls, text: str, name: str = "<string>", **kwargs: Any) -> Engine:
        """An engine for policy text (``name`` is the file name spans will carry)."""
        from policy_sdk.syntax import parse_policy

        return cls([parse_policy(text, file=name)], **kwargs)

    # -- public ---------------------------------------------------------------------

    @property
    def rules(self) -> tuple[CompiledRule, ...]:
        """The compiled rules (for the schema without facts declarations)."""
        if () not in self._bundles:
            assert self._deferred is not None
            raise self._deferred
        return self._bundles[()]

    def load_facts(self, source: Facts | Mapping[str, Any] | str | os.PathLike[str]) -> Facts:
        """Facts from a file or a mapping, with this engine's platform types."""
        if isinstance(source, Facts):
            return source
        from policy_sdk.facts.load import load_facts

        facts: Facts = load_facts(source, platform_types=self.registry.platform_types)
        return facts

    def evaluate(
        self,
        facts: Facts | Mapping[str, Any] | str | os.PathLike[str],
        *,
        as_of: dt.date | str | None = None,
    ) -> Report:
        """Every rule on every scope key of ``facts`` as of ``as_of`` (default today)."""
        day = parse_as_of(as_of)
        loaded = self.load_facts(facts)
        rules = self._rules_for(loaded)
        functions = {name: spec.impl for name, spec in self.functions.items()}
        ctx = Context(loaded, day, self.calendar, functions)
        # The rules allocate index lists and key tuples next to the (often millions of)
        # facts objects; a cyclic collection in between would walk all of them again
        # (up to 2 s at 1M deployments) and finds nothing: the rules make no cycles.
        with gc_paused():
            outcomes = tuple(rule.run(ctx) for rule in rules)
        infos = tuple(
            RuleInfo(r.id, r.severity, r.message, r.citation, r.remedy, r.interpretation,
                     r.origin, r.span)
            for r in sorted(rules, key=lambda r: r.id)
        )
        return Report(as_of=day, rules=infos, source=EngineFindings(
            outcomes, ctx, self._schema_for(loaded)), meta=report_meta(self, loaded, day))

    def inventory(
        self, facts: Facts | Mapping[str, Any] | str | os.PathLike[str], *,
        as_of: dt.date | str | None = None,
    ) -> Any:
        """The filing inventory (:func:`policy_sdk.cancellation.inventory.build_inventory`)."""
        from policy_sdk.cancellation.inventory import build_inventory

        return build_inventory(
            self.load_facts(facts),
            capabilities=self._capabilities(),
            calendar=self.calendar,
            as_of=parse_as_of(as_of),
        )

    def plan_cancellation(
        self,
        facts: Facts | Mapping[str, Any] | str | os.PathLike[str],
        stops: Sequence[str] = (),
        *,
        on: dt.date | str | None = None,
        as_of: dt.date | str | None = None,
        strategy: str = "auto",
    ) -> Any:
        """A cancellation plan (:func:`policy_sdk.cancellation.planner.plan_cancellation`).

        ``stops`` holds ``ALGORITHM`` or ``ALGORITHM@PLATFORM`` items; a single string is
        taken as one stop (not as a sequence of letters).
        """
        from policy_sdk.cancellation.planner import plan_cancellation

        if isinstance(stops, str):
            stops = (stops,)
        return plan_cancellation(
            self.load_facts(facts),
            stops,
            capabilities=self._capabilities(),
            strategies=self.registry.strategies,
            calendar=self.calendar,
            on=parse_as_of(on, what="stop date") if on is not None else None,
            as_of=parse_as_of(as_of),
            strategy=strategy,
        )

    # -- pickling ---------------------------------------------------------------------

    def __reduce__(self) -> tuple[Callable[..., Engine], tuple[Any, ...]]:
        return (_restore, ([m for m, _ in self.modules], self._options))

    def __repr__(self) -> str:
        # counted in the parsed modules: an engine whose validation waits for a facts
        # file's `schema:` has not compiled its rules yet, but it has them
        n = sum(len(ast.rule_ids(m)) for m, _ in (*self.modules, *self.plugin_modules))
        p = len(self.registry.plugins)
        return f"Engine({n} rule{'' if n == 1 else 's'}, {p} plugin{'' if p == 1 else 's'})"

    # -- internals -----------------------------------------------------------------------

    def _capabilities(self) -> dict[str, Any]:
        return {name: spec.capabilities for name, spec in self.registry.platform_types.items()}

    def _schema_for(self, facts: Facts) -> Schema:
        if not facts.attributes and not _declared_kinds(facts):
            return self.schema
        return _build_schema(self.registry, facts)

    def _rules_for(self, facts: Facts) -> tuple[CompiledRule, ...]:
        key = (facts.attributes, _declared_kinds(facts))
        if key == ((), ()):
            return self.rules
        bundle = self._bundles.get(key)
        if bundle is None:
            bundle = self._compile(self._schema_for(facts), record_warnings=False)
            with self._lock:
                if len(self._bundles) > 64:  # bound the cache of facts-specific schemas
                    self._bundles = {k: v for k, v in self._bundles.items() if k == ()}
                self._bundles[key] = bundle
        return bundle

    def _compile(self, schema: Schema, *, record_warnings: bool) -> tuple[CompiledRule, ...]:
        warnings: list[Diagnostic] = []
        errors: list[Diagnostic] = []
        plugin_errors: list[Diagnostic] = []
        compiled: list[CompiledRule] = []
        for group, sink in ((self.modules, errors), (self.plugin_modules, plugin_errors)):
            for module, origin in group:
                problems = _validate(module, schema, self.functions, warnings)
                if problems:
                    sink.extend(problems)
                    continue
                local: list[Diagnostic] = []
                for rule_id, rule in ast.rule_ids(module):
                    compiled.append(
                        compile_rule(rule_id, rule, schema, self.functions, origin, local)
                    )
                sink.extend(local)
        if errors:
            raise ValidationError(errors)
        if plugin_errors:
            raise PluginError(
                [
                    Diagnostic(d.code, f"a plugin's rule does not validate: {d.message}",
                               span=d.span, file=d.file, path=d.path, help=d.help)
                    for d in plugin_errors
                ]
            )
        if record_warnings:
            self.warnings = tuple(sorted(warnings, key=Diagnostic.sort_key))
        compiled.sort(key=lambda r: r.id)
        return tuple(compiled)


def _restore(modules: list[ast.Module], options: dict[str, Any]) -> Engine:
    return Engine(modules, **options)


def _only_name_problems(exc: ValidationError | PluginError) -> bool:
    return all(
        d.code in ("unknown-name", "unknown-attribute", "unknown-kind") for d in exc.errors
    )


def _declared_kinds(facts: Facts) -> tuple[str, ...]:
    return tuple(sorted(facts.kinds))


# --- wiring to the other stages (each imported lazily) -------------------------------


def _load_policies(policies: Sequence[PolicySource] | PolicySource | None) -> list[ast.Module]:
    from policy_sdk.syntax import parse_file

    if policies is None:
        from policy_sdk._resources import default_policies_dir

        # the shipped pack is named `policies/…` wherever the package is installed, so
        # findings, JSON and SARIF do not depend on the machine
        pack = default_policies_dir()
        return [parse_file(f, "policies/" + f.relative_to(pack).as_posix())
                for f in policy_files(pack)]
    if isinstance(policies, str | os.PathLike | ast.Module):
        policies = [policies]
    modules: list[ast.Module] = []
    problems: list[Diagnostic] = []
    for source in policies:
        if isinstance(source, ast.Module):
            modules.append(source)
            continue
        path = Path(source)
        try:
            exists = path.exists()
        except ValueError:  # e.g. a NUL character in the path
            exists = False
        if not exists:
            problems.append(Diagnostic("io", f"no policy file or folder `{path}`", file=str(path)))
            continue
        files = policy_files(path)
        if not files:  # an empty folder must not read as "no violations"
            problems.append(_no_policies(path))
        for file in files:
            try:
                modules.append(parse_file(file))
            except PolicySyntaxError as exc:
                problems.extend(exc.diagnostics)
    if problems:
        raise PolicySyntaxError(problems)
    return modules


def _no_policies(folder: Path) -> Diagnostic:
    """A policy folder with no policy in it: an error, never an empty (passing) pack."""
    return Diagnostic("no-policies", f"the folder `{folder}` holds no `.policy` files",
                      file=str(folder),
                      help="give a `.policy` file or a folder that holds some; without "
                      "policies, the default pack applies")


def _load_registry(
    plugins: Sequence[object | str], load_entrypoints: bool, disabled: Sequence[str]
) -> Registry:
    from policy_sdk.plugins.manager import default_registry, load_registry

    if not plugins and load_entrypoints and not disabled:
        return default_registry()
    return load_registry(plugins=plugins, load_entrypoints=load_entrypoints, disabled=disabled)


def _parse_plugin_rules(registry: Registry) -> list[tuple[str, ast.Module]]:
    from policy_sdk.plugins.manager import parse_plugin_rules

    return parse_plugin_rules(registry)


def _build_schema(registry: Registry, facts: Facts | None) -> Schema:
    from policy_sdk.facts.build import build_schema

    return build_schema(registry.platform_types, facts)


def _validate(
    module: ast.Module, schema: Schema, functions: Mapping[str, Any], warnings: list[Diagnostic]
) -> list[Diagnostic]:
    """The validator's errors for ``module`` (its warnings go to ``warnings``)."""
    from policy_sdk.validate import validate_module

    found: list[Diagnostic] = validate_module(module, schema, functions)
    warnings.extend(d for d in found if d.level == "warning")
    return [d for d in found if d.level == "error"]
