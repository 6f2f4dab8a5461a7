"""``check_plugin``: the conformance test a plugin's own test suite calls.

::

    from policy_sdk.testing import check_plugin
    import policy_sdk_quickapp

    def test_conforms():
        check_plugin(policy_sdk_quickapp)

It loads the plugin next to the built-in ``core`` plugin only (no installed
plugins; a plugin that refines an installed plugin's platform type is loaded beside
the installed plugins), then checks, and reports *every* problem at once as an ``AssertionError``:

* each hook returns a list of the right kind and the plugin loads without a
  ``PluginError`` (unknown hook names, duplicates, hooks that raise …);
* platform types have a lowercase identifier name, a description, sensible aliases
  and attributes; functions, strategies and reporters have lowercase names;
* functions accept as many arguments as they declare parameters;
* rule sources parse, every rule is named and cites its basis, and the rules
  validate against the schema built with the plugin's platform types;
* cancellation strategies place every candidate exactly once, never batch a
  candidate that refuses batch cancellation, and give the same answer for the same
  candidates in any order (on generated candidates);
* the plugin's rules evaluate without error on facts using its platform types, and
  every rule yields findings.
"""

from __future__ import annotations

import collections
import datetime as dt
import importlib
import inspect
import random
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from policy_sdk import ast
from policy_sdk.errors import Diagnostic, PolicySdkError
from policy_sdk.facts.schema import ATTR_TYPES, Attribute, Schema
from policy_sdk.plugins.manager import (
    CORE_PLUGIN,
    Registry,
    load_registry,
    parse_plugin_rules,
)
from policy_sdk.plugins.specs import (
    CancellationCandidate,
    CancellationCapabilities,
    CancellationStrategy,
    PlatformTypeSpec,
    Proposal,
)

if TYPE_CHECKING:
    from policy_sdk.engine.report import Finding

__all__ = ["check_plugin", "run_plugin_rules", "sample_facts_document"]

IDENTIFIER: Final = re.compile(r"^[a-z][a-z0-9_]*$")
REPORTER_NAME: Final = re.compile(r"^[a-z][a-z0-9_-]*$")
BASIS: Final = re.compile(r"^(?:[SPI](?:\s*[/,]\s*[SPI])*)?$")
ALGORITHM_TYPES: Final = (
    "generation_synthesis",
    "personalized_push",
    "ranking_selection",
    "retrieval_filtering",
    "scheduling_decision",
)
AS_OF: Final = dt.date(2026, 6, 1)


def check_plugin(plugin: object | str, *, as_of: dt.date = AS_OF) -> None:
    """Check that ``plugin`` follows the plugin contract; ``AssertionError`` lists every problem.

    ``plugin`` is the plugin object (usually its module) or a ``"module:attribute"``
    string, exactly as given to ``load_registry(plugins=[...])``.
    """
    problems: list[str] = []
    try:
        try:
            registry = load_registry(plugins=[plugin], load_entrypoints=False)
        except PolicySdkError as exc:
            if not exc.diagnostics or any(d.code != "plugin-unknown-platform-type"
                                          for d in exc.diagnostics):
                raise
            # it refines platform types of installed plugins: check it beside them
            registry = load_registry(plugins=[plugin])
    except PolicySdkError as exc:
        _fail(plugin, [_load_problem(d) for d in exc.diagnostics])
        return  # pragma: no cover - _fail raises
    try:
        name = _plugin_name(plugin, registry)
    except AssertionError:
        _fail(plugin, ["the plugin was not loaded (is it named `core`?)"])
        raise
    info = registry.plugin(name)
    if not any((info.platform_types, info.rules, info.strategies, info.functions,
                info.reporters, info.extends, info.obligation_kinds)):
        problems.append("it contributes nothing: no hook returned anything")

    own_types = {t: registry.platform_types[t] for t in info.platform_types}
    for spec in own_types.values():
        problems.extend(_check_platform_type(spec))
    for function_name in info.functions:
        problems.extend(_check_function(registry.functions[function_name]))
    for reporter_name in info.reporters:
        reporter = registry.reporters[reporter_name]
        if not REPORTER_NAME.match(reporter.name):
            problems.append(f"reporter name `{reporter.name}` is not a lowercase name")
        if not callable(reporter.render):
            problems.append(f"reporter `{reporter.name}` has no callable `render`")
    for strategy_name in info.strategies:
        problems.extend(_check_strategy(registry.strategies[strategy_name]))

    modules = _check_rules(registry, name, problems)
    if modules is not None and not problems:
        problems.extend(_check_evaluation(plugin, registry, name, modules, own_types, as_of))
    if problems:
        _fail(plugin, problems)


def _load_problem(diagnostic: Diagnostic) -> str:
    """A load-time diagnostic as a line of the list: a bad spec by its problem alone."""
    marker = " with a bad value: "
    if diagnostic.code == "plugin-bad-spec" and marker in diagnostic.message:
        text = diagnostic.message.split(marker, 1)[1]
        return text + (f"\n    help: {diagnostic.help}" if diagnostic.help else "")
    return diagnostic.render()


def _fail(plugin: object, problems: Sequence[str]) -> None:
    from policy_sdk.plugins.manager import explicit_plugin_name

    label = plugin if isinstance(plugin, str) else explicit_plugin_name(plugin)
    lines = "\n".join(f"  - {p}" for p in problems)
    count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
    raise AssertionError(f"plugin `{label}` does not conform ({count}):\n{lines}")


# --- contributions ----------------------------------------------------------------


def _check_platform_type(spec: PlatformTypeSpec) -> list[str]:
    out = []
    where = f"platform type `{spec.name}`"
    if not isinstance(spec.name, str) or not IDENTIFIER.match(spec.name):
        out.append(f"{where}: the name must be a lowercase identifier like `quick_app`")
    if not isinstance(spec.description, str) or not spec.description.strip():
        out.append(f"{where} has no description")
    if not isinstance(spec.aliases, tuple):
        out.append(f"{where}: aliases must be a tuple of names")
    else:
        for alias in spec.aliases:
            if not isinstance(alias, str) or not alias.strip() or alias != alias.strip():
                out.append(f"{where}: alias `{alias}` is empty or has surrounding spaces")
            elif alias == spec.name:
                out.append(f"{where}: alias `{alias}` repeats the name")
        repeated = sorted({a for a in spec.aliases if spec.aliases.count(a) > 1})
        if repeated:
            out.append(f"{where}: alias `{repeated[0]}` is given twice")
    if not isinstance(spec.capabilities, CancellationCapabilities):
        out.append(f"{where}: capabilities must be a `CancellationCapabilities`")
    if not isinstance(spec.basis, str) or not BASIS.match(spec.basis):
        out.append(f"{where}: basis `{spec.basis}` must be made of S, P and I (e.g. `S/P`)")
    for attribute in spec.attributes:
        out.extend(_check_attribute(where, attribute))
    return out


def _check_attribute(where: str, attribute: Attribute) -> list[str]:
    out = []
    if not IDENTIFIER.match(attribute.name):
        out.append(f"{where}: attribute `{attribute.name}` is not a lowercase identifier")
    if attribute.type not in ATTR_TYPES:
        out.append(f"{where}: attribute `{attribute.name}` has unknown type `{attribute.type}`")
    if attribute.computed:
        out.append(f"{where}: attribute `{attribute.name}` is marked computed; plugins add "
                   "stored attributes only")
    if attribute.enum is not None:
        if attribute.type not in ("string", "list"):
            out.append(f"{where}: attribute `{attribute.name}` has allowed values but is "
                       f"{attribute.type}")
        if not attribute.enum or not all(isinstance(v, str) and v for v in attribute.enum):
            out.append(f"{where}: attribute `{attribute.name}` has empty allowed values")
    if not attribute.description:
        out.append(f"{where}: attribute `{attribute.name}` has no description")
    return out


def _check_function(spec: Any) -> list[str]:
    out = []
    where = f"function `{spec.name}`"
    if not IDENTIFIER.match(spec.name):
        out.append(f"{where}: the name must be a lowercase identifier")
    for param in spec.params:
        if param not in ATTR_TYPES:
            out.append(f"{where}: parameter type `{param}` is not one of "
                       + ", ".join(f"`{t}`" for t in ATTR_TYPES))
    if spec.returns not in ATTR_TYPES:
        out.append(f"{where}: return type `{spec.returns}` is unknown")
    if not callable(spec.impl):
        out.append(f"{where} has no callable implementation")
        return out
    try:
        inspect.signature(spec.impl).bind(*([None] * len(spec.params)))
    except TypeError:
        out.append(f"{where}: its implementation does not take {len(spec.params)} arguments")
    except ValueError:  # pragma: no cover - builtins without a signature
        pass
    return out


# --- strategies ---------------------------------------------------------------------


def _candidate_sets() -> list[list[CancellationCandidate]]:
    rng = random.Random(20220301)
    platform_types = ("app", "mini_program", "official_account", "website", "quick_app")
    sets: list[list[CancellationCandidate]] = [[]]
    for size in (1, 2, 3, 5, 8, 13):
        for _ in range(6):
            cands = []
            for i in range(size):
                accepts = rng.random() < 0.7
                types_ = tuple(sorted(rng.sample(ALGORITHM_TYPES, rng.randint(0, 2))))
                ptypes = tuple(sorted(rng.sample(platform_types, rng.randint(1, 2))))
                stopped = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
                cands.append(
                    CancellationCandidate(
                        filing=f"网信算备11010812345{rng.randint(10, 99)}{i:02d}250001号",
                        algorithm=f"alg-{rng.randint(0, 4)}",
                        algorithm_types=types_,
                        platforms=tuple(f"{t}-{i}" for t in ptypes),
                        platform_types=ptypes,
                        accepts_batch=accepts,
                        refusal=None if accepts else f"`{ptypes[0]}-{i}` refuses",
                        stopped_on=stopped,
                        deadline=stopped + dt.timedelta(days=28),
                    )
                )
            sets.append(cands)
    return sets


def _check_strategy(strategy: CancellationStrategy) -> list[str]:
    where = f"strategy `{getattr(strategy, 'name', '?')}`"
    out = []
    if not isinstance(strategy.name, str) or not IDENTIFIER.match(strategy.name):
        out.append(f"{where}: the name must be a lowercase identifier")
    if not isinstance(strategy.description, str) or not strategy.description.strip():
        out.append(f"{where} has no description")
    rng = random.Random(7)
    for cands in _candidate_sets():
        try:
            proposal = strategy.propose(list(cands))
            shuffled = list(cands)
            rng.shuffle(shuffled)
            again = strategy.propose(shuffled)
        except Exception as exc:
            out.append(f"{where} failed on {len(cands)} candidates: {type(exc).__name__}: {exc}")
            break
        problem = _proposal_problem(strategy, cands, proposal, again)
        if problem is not None:
            out.append(f"{where} {problem} (on {len(cands)} generated candidates)")
            break
    return out


def _proposal_problem(
    strategy: CancellationStrategy,
    cands: Sequence[CancellationCandidate],
    proposal: object,
    again: object,
) -> str | None:
    if not isinstance(proposal, Proposal):
        return "did not return a `Proposal`"
    if proposal.strategy != strategy.name:
        return f"names its proposal `{proposal.strategy}`, not `{strategy.name}`"
    placed = collections.Counter(f for b in proposal.batches for f in b.filings)
    placed.update(s.filing for s in proposal.singles)
    wanted = collections.Counter(c.filing for c in cands)
    if placed != wanted:
        missing = sorted((wanted - placed).elements())
        extra = sorted((placed - wanted).elements())
        return (f"does not place every candidate exactly once (missing: {missing}, "
                f"extra or repeated: {extra})")
    refusing = {c.filing for c in cands if not c.accepts_batch}
    for batch in proposal.batches:
        if refusing & set(batch.filings):
            return f"batches `{sorted(refusing & set(batch.filings))[0]}`, which refuses batch"
        if list(batch.filings) != sorted(batch.filings):
            return "gives a batch whose filings are not sorted"
    if again != proposal:
        return "answers differently when the candidates come in another order"
    return None


# --- rules ------------------------------------------------------------------------


def _optional(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ModuleNotFoundError, AttributeError):
        return None


def schema_for(registry: Registry) -> Schema:
    """The schema policies validate against with ``registry``'s platform types."""
    from policy_sdk import pipeline

    return pipeline.schema_for(registry)


def _check_rules(
    registry: Registry, name: str, problems: list[str]
) -> list[ast.Module] | None:
    from policy_sdk import pipeline

    try:  # the plugin rules as the engine loads them (parsed, ids unique)
        policy_set = pipeline.load_policy_set([], registry)
    except PolicySdkError as exc:
        problems.extend(d.render() for d in exc.diagnostics)
        return None
    own = tuple(m for m in policy_set.plugin_modules if m.origin == f"plugin:{name}")
    modules = [m.module for m in own]
    for module in modules:
        for rule_id, rule in ast.rule_ids(module):
            if rule.name is None:
                problems.append(f"{module.file}: rule `{rule_id}` has no name; name plugin rules "
                                "(`rule NAME \"title\" {{ … }}`) so findings are stable")
            if not rule.citation:
                problems.append(f"{module.file}: rule `{rule_id}` has no `citation`")
    checked = pipeline.check_policy_set(pipeline.PolicySet(plugin_modules=own),
                                        schema_for(registry), registry.functions)
    problems.extend(d.render() for d in (*checked.errors, *checked.plugin_errors))
    return modules


# --- evaluation ----------------------------------------------------------------------


def _sample_value(attribute: Attribute, variant: int) -> Any:
    if attribute.enum:
        value = attribute.enum[variant % len(attribute.enum)]
        return [value] if attribute.type == "list" else value
    return {
        "string": f"sample-{variant}",
        "number": variant,
        "boolean": variant % 2 == 0,
        "date": dt.date(2025, 1, 1 + variant),
        "list": [f"item-{variant}"],
        "any": f"sample-{variant}",
    }[attribute.type]


def sample_facts_document(platform_types: Mapping[str, PlatformTypeSpec]) -> dict[str, Any]:
    """A small facts document with two platforms of each type (one with every plugin
    attribute filled in, one with none) running algorithms of every shape."""
    algorithms = [
        {"id": "rec", "name": "推荐", "types": ["personalized_push"], "uses_recommendation": True},
        {"id": "gen", "name": "生成", "types": ["generation_synthesis"],
         "uses_recommendation": True},
        {"id": "ops", "name": "调度", "types": ["scheduling_decision"],
         "uses_recommendation": False},
    ]
    platforms: list[dict[str, Any]] = []
    deployments: list[dict[str, Any]] = []
    filings: list[dict[str, Any]] = []
    serial = 0
    for type_name in sorted(platform_types):
        spec = platform_types[type_name]
        for variant, filled in enumerate((True, False)):
            pid = f"{type_name}-{variant}"
            platform: dict[str, Any] = {"id": pid, "type": type_name, "name": pid}
            if filled:
                for attribute in spec.attributes:
                    platform[attribute.name] = _sample_value(attribute, variant)
            platforms.append(platform)
            for alg, status in (("rec", "active"), ("gen", "stopped" if variant else "active"),
                                ("ops", "paused")):
                deployment: dict[str, Any] = {
                    "algorithm": alg, "platform": pid, "status": status,
                    "launched_on": dt.date(2025, 3, 3),
                }
                if status == "stopped":
                    deployment["stopped_on"] = dt.date(2026, 3, 2)
                deployments.append(deployment)
            serial += 1
            filings.append({
                "number": f"网信算备11010812345670125{serial:04d}号", "algorithm": "rec",
                "platforms": [pid], "status": "active", "filed_on": dt.date(2025, 3, 10),
                "displayed": bool(variant),
            })
    return {
        "organization": {"name": "示例科技有限公司", "role": "provider", "public_opinion": True},
        "algorithms": algorithms,
        "platforms": platforms,
        "deployments": deployments,
        "filings": filings,
        "records": [{"kind": "security_assessment", "algorithm": "rec", "on": dt.date(2025, 3, 1)}],
    }


def _facts_from_document(doc: Mapping[str, Any], registry: Registry) -> Any:
    """Build facts: through ``load_facts`` when it exists, else straight into the model."""
    load_facts = _optional("policy_sdk.facts", "load_facts")
    if load_facts is not None:
        return load_facts(_jsonable(doc), platform_types=registry.platform_types)
    from policy_sdk.facts import model

    core_platform = {"id", "type", "name", "host", "batch_cancellation", "item_verification"}
    return model.Facts(
        organization=model.Organization(**doc["organization"]),
        algorithms=tuple(model.Algorithm(**{**a, "types": tuple(a.get("types", ()))})
                         for a in doc.get("algorithms", ())),
        platforms=tuple(
            model.Platform(
                **{k: v for k, v in p.items() if k in core_platform and k != "type"},
                type=registry.canonical_platform_type(p["type"]) or p["type"],
                extra={k: tuple(v) if isinstance(v, list) else v
                       for k, v in p.items() if k not in core_platform},
            )
            for p in doc.get("platforms", ())
        ),
        deployments=tuple(model.Deployment(**_dates(d)) for d in doc.get("deployments", ())),
        filings=tuple(model.Filing(**{**_dates(f), "platforms": tuple(f["platforms"])})
                      for f in doc.get("filings", ())),
        records=tuple(model.Record(**_dates(r)) for r in doc.get("records", ())),
    )


def _dates(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: dt.date.fromisoformat(v) if (k.endswith("_on") or k == "on") and isinstance(v, str)
        else v
        for k, v in item.items()
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _check_evaluation(
    plugin: object,
    registry: Registry,
    name: str,
    modules: Sequence[ast.Module],
    own_types: Mapping[str, PlatformTypeSpec],
    as_of: dt.date,
) -> list[str]:
    if not modules and not own_types:
        return []
    doc = sample_facts_document(own_types)
    try:
        facts = _facts_from_document(doc, registry)
    except PolicySdkError as exc:
        return ["facts using its platform types do not load:",
                *(d.render() for d in exc.diagnostics)]
    if not modules:
        return []
    wanted = {rule_id for m in modules for rule_id, _ in ast.rule_ids(m)}
    try:
        findings = _evaluate(plugin, registry, modules, facts, as_of)
    except PolicySdkError as exc:
        return ["its rules fail to evaluate:", *(d.render() for d in exc.diagnostics)]
    except Exception as exc:
        return [f"its rules fail to evaluate: {type(exc).__name__}: {exc}"]
    seen = {f.rule for f in findings}
    return [f"rule `{rule_id}` yielded no finding on sample facts"
            for rule_id in sorted(wanted - seen)]


def run_plugin_rules(
    plugin: object | str,
    facts: Mapping[str, Any] | Any,
    *,
    as_of: dt.date | str,
    load_entrypoints: bool = True,
) -> list[Finding]:
    """The findings of ``plugin``'s own rules on ``facts`` (a facts document or ``Facts``).

    The plugin is loaded with the core plugin and the installed ones (the first-party
    ``app``, ``mini_program`` … too), so ``facts`` may use its platform types and the
    installed ones; ``load_entrypoints=False`` loads it beside ``core`` only (e.g. a
    demo plugin that declares a type an installed plugin declares too). Evaluation goes
    through :class:`policy_sdk.Engine` when it is available, else through the
    reference interpreter (the same semantics, slowly). Returns typed findings
    (:class:`policy_sdk.engine.report.Finding`: ``rule``, ``status``, ``platform`` …).
    """
    when = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    registry = load_registry(plugins=[plugin], load_entrypoints=load_entrypoints)
    name = _plugin_name(plugin, registry)
    modules = [m for p, m in parse_plugin_rules(registry) if p == name]
    if isinstance(facts, Mapping):
        facts = _facts_from_document(facts, registry)
    wanted = {rule_id for m in modules for rule_id, _ in ast.rule_ids(m)}
    findings = _evaluate(plugin, registry, modules, facts, when, load_entrypoints)
    return [f for f in findings if f.rule in wanted]


def _plugin_name(plugin: object | str, registry: Registry) -> str:
    from policy_sdk.plugins import builtin
    from policy_sdk.plugins.manager import explicit_plugin_name

    if plugin is builtin:
        return CORE_PLUGIN
    for info in registry.plugins:
        if info.source == plugin or (
            not isinstance(plugin, str) and info.name == explicit_plugin_name(plugin)
        ):
            return info.name
    others = [p.name for p in registry.plugins if p.name != CORE_PLUGIN]
    if len(others) == 1:
        return others[0]
    # an installed plugin passed again: find it by the module it came from
    module = getattr(plugin, "__name__", None)
    for info in registry.plugins:
        if info.source is not None and info.source.split(":")[0] == module:
            return info.name
    raise AssertionError(f"plugin `{plugin}` was not loaded")


def _evaluate(
    plugin: object,
    registry: Registry,
    modules: Sequence[ast.Module],
    facts: Any,
    as_of: dt.date,
    load_entrypoints: bool = False,
) -> list[Any]:
    """Findings of the plugin's rules, by the engine (which loads them as users will)."""
    from policy_sdk.api import Engine

    engine = Engine([], plugins=[plugin], load_entrypoints=load_entrypoints)
    return list(engine.evaluate(facts, as_of=as_of).findings)
