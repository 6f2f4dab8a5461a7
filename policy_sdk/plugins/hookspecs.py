"""The hooks a policy-sdk plugin can implement.

A plugin is a module or object with a function ``policy_sdk_register(register)``,
decorated with :data:`hookimpl`, that calls the registrar's ``add_*`` / ``extend_*``
methods (:class:`~policy_sdk.plugins.registrar.Registrar`)::

    from policy_sdk.plugins import hookimpl
    from policy_sdk.plugins.specs import PlatformTypeSpec

    @hookimpl
    def policy_sdk_register(register):
        register.add_platform_type(PlatformTypeSpec(name="quick_app", description="快应用"))

and is found through the ``policy_sdk`` entry-point group (``pyproject.toml``)::

    [project.entry-points.policy_sdk]
    quick_app = "policy_sdk_quickapp"

The hook is called once per :class:`~policy_sdk.Engine`, on every plugin; each
registrar call is checked on the spot and knows the calling plugin; the loader then
merges every plugin's contributions by order-independent rules. No hook here is
``firstresult``: no single plugin decides alone. Hooks must not have side effects.

Deprecated (kept for one release, each use warns with a ``DeprecationWarning``): the
zero-argument ``policy_sdk_register_*`` hooks below, which return lists. Their items
pass through the same registrar methods, so they are checked the same way.
"""

from __future__ import annotations

import pluggy

from policy_sdk.plugins.registrar import Registrar
from policy_sdk.plugins.specs import (
    CancellationStrategy,
    FunctionSpec,
    PlatformTypeSpec,
    ReporterSpec,
    RuleSource,
)

PROJECT_NAME = "policy_sdk"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def policy_sdk_register(register: Registrar) -> None:
    """Contribute to policy-sdk through ``register`` (a
    :class:`~policy_sdk.plugins.registrar.Registrar`).

    Called once when an engine is built, on every plugin. Call, as often as needed:

    * ``register.add_platform_type(PlatformTypeSpec(...))``
    * ``register.extend_platform_type("mini_program", values={"host": ("qq",)}, ...)``
    * ``register.add_rules(RuleSource(...))``
    * ``register.add_obligation_kind(ObligationKindSpec(...))``
    * ``register.add_function(FunctionSpec(...))``
    * ``register.add_strategy(strategy)``
    * ``register.add_reporter(ReporterSpec(...))``

    Return nothing. A bad argument raises ``PluginError`` naming the plugin at once.
    """


@hookspec
def policy_sdk_register_platform_types() -> list[PlatformTypeSpec]:  # type: ignore[empty-body]
    """Contribute platform types (``app``, ``mini_program``, ``quick_app`` …).

    Called once when an engine is built. Return a list of
    :class:`~policy_sdk.plugins.specs.PlatformTypeSpec`: each type's name, description,
    aliases, the ``platform`` attributes it adds to the schema, and its cancellation
    capabilities. A name (or alias) declared by two plugins is a ``PluginError``.
    """


@hookspec
def policy_sdk_register_rules() -> list[RuleSource]:  # type: ignore[empty-body]
    """Contribute rules, as policy source in the policy language.

    Called once when an engine is built. Return a list of
    :class:`~policy_sdk.plugins.specs.RuleSource`. The text is parsed and validated
    like a user's own policy file; its findings are tagged with the plugin's name.
    A syntax error is a ``PluginError`` naming the plugin and the rule's span. Plugin
    rules apply in addition to the user's policies unless turned off.
    """


@hookspec
def policy_sdk_register_cancellation_strategies() -> list[CancellationStrategy]:  # type: ignore[empty-body]
    """Contribute cancellation strategies (the core registers ``batch`` and ``single``).

    Called once when an engine is built. Return a list of objects following the
    :class:`~policy_sdk.plugins.specs.CancellationStrategy` protocol. ``policy-sdk
    plan-cancel --strategy NAME`` picks one by name; ``auto`` asks each and keeps the
    proposal with the fewest applications (ties broken by strategy name).
    """


@hookspec
def policy_sdk_register_functions() -> list[FunctionSpec]:  # type: ignore[empty-body]
    """Contribute functions usable in policy conditions.

    Called once when an engine is built. Return a list of
    :class:`~policy_sdk.plugins.specs.FunctionSpec` with typed parameters (the
    validator checks calls against them) and a pure implementation. A name declared
    twice is a ``PluginError``.
    """


@hookspec
def policy_sdk_register_reporters() -> list[ReporterSpec]:  # type: ignore[empty-body]
    """Contribute output formats for ``policy-sdk check --format NAME``.

    Called once when an engine is built. Return a list of
    :class:`~policy_sdk.plugins.specs.ReporterSpec`. The core registers ``text``,
    ``json`` and ``sarif``; a name declared twice is a ``PluginError``.
    """
