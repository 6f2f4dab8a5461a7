"""The embedding API: :class:`Engine`, a facade over the pipeline and the evaluator.

::

    engine = Engine()                                   # default pack + plugin rules
    report = engine.evaluate("facts.yaml", as_of="2026-11-20")

The stages it calls live elsewhere: :mod:`policy_sdk.pipeline` reads, parses, checks
and compiles the policies; :mod:`policy_sdk.engine` runs compiled rules over facts;
:mod:`policy_sdk.cancellation` builds inventories and cancellation plans.

An :class:`Engine` holds no state that an evaluation changes, so one engine may serve
many threads at once; it pickles by what it was built from (policies as parsed
modules, plugin references, options) and recompiles when unpickled. It leaves the
host's garbage collector alone unless built with ``pause_gc=True`` (see
:mod:`policy_sdk._gc`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from policy_sdk import ast, pipeline
from policy_sdk._gc import gc_pause_allowed
from policy_sdk.engine.engine import evaluate_rules, parse_as_of
from policy_sdk.engine.report import Report
from policy_sdk.engine.rules import CompiledRule
from policy_sdk.errors import Diagnostic, PluginError, ValidationError
from policy_sdk.facts.model import Facts
from policy_sdk.facts.schema import Schema
from policy_sdk.plugins.manager import Registry
from policy_sdk.plugins.specs import CancellationCapabilities, FunctionSpec
from policy_sdk.provenance import report_meta
from policy_sdk.workdays import WorkdayCalendar, default_calendar

if TYPE_CHECKING:
    from policy_sdk.cancellation.model import CancellationPlan, Inventory
    from policy_sdk.waivers import Waivers

PolicySource = pipeline.PolicyInput
FactsSource = Facts | Mapping[str, Any] | str | os.PathLike[str]

__all__ = ["Engine", "FactsSource", "PolicySource", "parse_as_of"]

# validation errors that a facts file's `schema:` may cure: retried at evaluation
_NAME_PROBLEMS = frozenset({"unknown-name", "unknown-attribute", "unknown-kind"})


class Engine:
    """Compiled policies plus the plugins' platform types, functions and rules.

    ``Engine()`` runs the default policy pack. ``Engine(paths)`` runs ``paths``
    *instead of* the pack (plugin rules still run, unless ``plugin_rules=False``); to run
    them *beside* the pack, as ``policy-sdk check --policy`` and ``serve --policy`` do,
    pass ``default_pack=True``: ``Engine(["house.policy"], default_pack=True)``.

    What the compiled rules were built from (:data:`READ_ONLY`) cannot be reassigned or
    deleted once the engine is built: a changed calendar or schema would silently
    disagree with the rules compiled for the old one. Build a new engine instead.
    """

    READ_ONLY: frozenset[str] = frozenset(
        {"calendar", "registry", "modules", "plugin_modules", "functions", "schema",
         "warnings", "policy_set", "pause_gc", "strict"}
    )
    _sealed = False

    def __init__(
        self,
        policies: Sequence[PolicySource] | PolicySource | None = None,
        *,
        plugins: Sequence[object | str] = (),
        load_entrypoints: bool = True,
        disabled_plugins: Sequence[str] = (),
        plugin_rules: bool = True,
        calendar: WorkdayCalendar | None = None,
        pause_gc: bool = False,
        default_pack: bool = False,
        strict: bool = False,
    ) -> None:
        self._options: dict[str, Any] = {
            "plugins": tuple(plugins),
            "load_entrypoints": load_entrypoints,
            "disabled_plugins": tuple(disabled_plugins),
            "plugin_rules": plugin_rules,
            "calendar": calendar,
            "pause_gc": pause_gc,
            "strict": strict,
        }
        #: whether this engine may pause the cyclic garbage collector (process-wide)
        #: while it parses, loads facts and evaluates; off by default
        self.pause_gc = pause_gc
        #: whether the facts' warnings (a missing `public_opinion`, Art. 2 types against
        #: `uses_recommendation: false`, …) are errors, as `policy-sdk check --strict`
        self.strict = strict
        self.calendar: WorkdayCalendar = calendar if calendar is not None else default_calendar()
        with self._gc():
            self.registry: Registry = pipeline.load_registry(
                plugins, load_entrypoints=load_entrypoints, disabled=disabled_plugins
            )
            self.policy_set: pipeline.PolicySet = pipeline.load_policy_set(
                policies, self.registry, plugin_rules=plugin_rules, default_pack=default_pack
            )
        self.modules: tuple[tuple[ast.Module, str], ...] = tuple(
            (m.module, m.origin) for m in self.policy_set.modules
        )
        self.plugin_modules: tuple[tuple[ast.Module, str], ...] = tuple(
            (m.module, m.origin) for m in self.policy_set.plugin_modules
        )
        self.functions: Mapping[str, FunctionSpec] = MappingProxyType(
            dict(self.registry.functions))
        self.schema: Schema = pipeline.schema_for(self.registry)
        self.warnings: tuple[Diagnostic, ...] = ()
        self._lock = threading.Lock()
        self._bundles: dict[tuple[Any, ...], tuple[CompiledRule, ...]] = {}
        self._deferred: ValidationError | PluginError | None = None
        try:
            self._bundles[()], self.warnings = pipeline.compile_policy_set(
                self.policy_set, self.schema, self.functions
            )
        except (ValidationError, PluginError) as exc:
            # a policy may read attributes that a facts file declares (`schema:`):
            # try again at evaluation with that file's schema; raise now otherwise
            if not all(d.code in _NAME_PROBLEMS for d in exc.errors):
                raise
            self._deferred = exc
        self._sealed = True

    def __setattr__(self, name: str, value: Any) -> None:
        if self._sealed and name in Engine.READ_ONLY:
            raise AttributeError(f"`Engine.{name}` is read-only; build a new engine instead")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if self._sealed and name in Engine.READ_ONLY:
            raise AttributeError(f"`Engine.{name}` is read-only; build a new engine instead")
        super().__delattr__(name)

    @classmethod
    def from_source(
        cls,
        text: str,
        name: str = "<string>",
        *,
        plugins: Sequence[object | str] = (),
        load_entrypoints: bool = True,
        disabled_plugins: Sequence[str] = (),
        plugin_rules: bool = True,
        calendar: WorkdayCalendar | None = None,
        pause_gc: bool = False,
        strict: bool = False,
    ) -> Engine:
        """An engine for policy text (``name`` is the file name spans will carry); the
        options are :class:`Engine`'s."""
        from policy_sdk.syntax import parse_policy

        return cls([parse_policy(text, file=name)], plugins=plugins,
                   load_entrypoints=load_entrypoints, disabled_plugins=disabled_plugins,
                   plugin_rules=plugin_rules, calendar=calendar, pause_gc=pause_gc,
                   strict=strict)

    # -- public ---------------------------------------------------------------------

    @property
    def rules(self) -> tuple[CompiledRule, ...]:
        """The compiled rules (for the schema without facts declarations)."""
        if () not in self._bundles:
            assert self._deferred is not None
            raise self._deferred
        return self._bundles[()]

    def load_facts(self, source: FactsSource) -> Facts:
        """Facts from a file or a mapping, with this engine's platform types. With
        ``strict=True`` (the engine's option), a warning of the facts is a
        :class:`~policy_sdk.errors.FactsError` (as ``policy-sdk check --strict``)."""
        if isinstance(source, Facts):
            facts: Facts = source
        else:
            from policy_sdk.facts.load import load_facts

            with self._gc():
                facts = load_facts(source, platform_types=self.registry.platform_types)
        if self.strict:
            from policy_sdk.facts.applicability import strict

            strict(facts)
        return facts

    def evaluate(self, facts: FactsSource, *, as_of: dt.date | str | None = None,
                 waivers: Waivers | str | os.PathLike[str] | None = None) -> Report:
        """Every rule on every scope key of ``facts`` as of ``as_of`` (default today);
        ``waivers`` (a :class:`~policy_sdk.waivers.Waivers` or a waivers file) applied by
        :meth:`Report.with_waivers <policy_sdk.engine.report.Report.with_waivers>`."""
        day = parse_as_of(as_of)
        loaded = self.load_facts(facts)
        rules = self._rules_for(loaded)
        with self._gc():
            report = evaluate_rules(rules, loaded, day, self.calendar, self.functions,
                                    self._schema_for(loaded), pause_gc=self.pause_gc,
                                    meta=report_meta(self, loaded, day))
        if waivers is None:
            return report
        from policy_sdk.waivers import Waivers, load_waivers

        return report.with_waivers(waivers if isinstance(waivers, Waivers)
                                   else load_waivers(waivers))

    def inventory(self, facts: FactsSource, *, as_of: dt.date | str | None = None) -> Inventory:
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
        facts: FactsSource,
        stops: Sequence[str] = (),
        *,
        on: dt.date | str | None = None,
        as_of: dt.date | str | None = None,
        strategy: str = "auto",
    ) -> CancellationPlan:
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
        n = len(self.policy_set.rule_ids())
        p = len(self.registry.plugins)
        return f"Engine({n} rule{'' if n == 1 else 's'}, {p} plugin{'' if p == 1 else 's'})"

    # -- internals -----------------------------------------------------------------------

    def _gc(self) -> contextlib.AbstractContextManager[None]:
        return gc_pause_allowed() if self.pause_gc else contextlib.nullcontext()

    def _capabilities(self) -> dict[str, CancellationCapabilities]:
        return {name: spec.capabilities for name, spec in self.registry.platform_types.items()}

    def _schema_for(self, facts: Facts) -> Schema:
        if not facts.attributes and not _declared_kinds(facts):
            return self.schema
        return pipeline.schema_for(self.registry, facts)

    def _rules_for(self, facts: Facts) -> tuple[CompiledRule, ...]:
        key = (facts.attributes, _declared_kinds(facts))
        if key == ((), ()):
            return self.rules
        bundle = self._bundles.get(key)
        if bundle is None:
            bundle, _ = pipeline.compile_policy_set(
                self.policy_set, self._schema_for(facts), self.functions
            )
            with self._lock:
                if len(self._bundles) > 64:  # bound the cache of facts-specific schemas
                    self._bundles = {k: v for k, v in self._bundles.items() if k == ()}
                self._bundles[key] = bundle
        return bundle


def _restore(modules: list[ast.Module], options: dict[str, Any]) -> Engine:
    return Engine(modules, **options)


def _declared_kinds(facts: Facts) -> tuple[str, ...]:
    return tuple(sorted(facts.kinds))
