"""check_plugin finds what is wrong with a plugin and says so readably."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from policy_sdk.facts.schema import Attribute
from policy_sdk.plugins import hookimpl
from policy_sdk.plugins.specs import (
    Batch,
    CancellationCandidate,
    FunctionSpec,
    PlatformTypeSpec,
    Proposal,
    ReporterSpec,
    RuleSource,
    Single,
)
from policy_sdk.testing import check_plugin

# these tests drive the deprecated list-returning hooks on purpose (they still work
# for one release); the warning each use gives is tested in test_plugin_hardening.py
pytestmark = pytest.mark.filterwarnings(
    "ignore:plugin .* deprecated. implement .policy_sdk_register:DeprecationWarning")


def _problems(plugin: object) -> str:
    with pytest.raises(AssertionError) as info:
        check_plugin(plugin)
    return str(info.value)


class Good:
    policy_sdk_plugin_name = "good"

    @hookimpl
    def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
        return [PlatformTypeSpec("tv_app", "smart-TV app (电视应用)", aliases=("电视应用",),
                                 basis="I")]

    @hookimpl
    def policy_sdk_register_rules(self) -> list[RuleSource]:
        return [RuleSource("tv.policy", 'policy tv { rule named "t" { citation "[I] example" '
                           'forbid per platform where platform.type == "tv_app" '
                           'and platform.name == null } }')]


def test_a_good_plugin_passes() -> None:
    check_plugin(Good())


class BadNames:
    policy_sdk_plugin_name = "bad_names"

    @hookimpl
    def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
        return [
            PlatformTypeSpec("TV App", "", aliases=(" tv", "电视", "电视"), basis="law",
                             attributes=(Attribute("platform", "Channel", "string", ""),)),
        ]

    @hookimpl
    def policy_sdk_register_functions(self) -> list[FunctionSpec]:
        return [FunctionSpec("Twice", ("number",), "number", lambda a, b: a)]

    @hookimpl
    def policy_sdk_register_reporters(self) -> list[ReporterSpec]:
        return [ReporterSpec("My Format", "not callable")]  # type: ignore[arg-type]


def test_names_descriptions_and_arity_are_checked() -> None:
    text = _problems(BadNames())
    assert text.startswith("plugin `bad_names` does not conform (")
    for expected in (
        "platform type `TV App`: the name must be a lowercase identifier like `quick_app`",
        "platform type `TV App` has no description",
        "platform type `TV App`: alias ` tv` is empty or has surrounding spaces",
        "platform type `TV App`: alias `电视` is given twice",
        "platform type `TV App`: basis `law` must be made of S, P and I\n    help: e.g. `S/P`",
        "platform type `TV App`: attribute `Channel`: the name must be a lowercase identifier "
        "like `vendor`\n    help: write `channel`",
        "platform type `TV App`: attribute `Channel` has no description",
        "function `Twice`: the name must be a lowercase identifier like `host_is`\n"
        "    help: write `twice`",
        "function `Twice`: its implementation does not take 1 arguments",
        "reporter name `My Format` is not a lowercase name",
        "reporter `My Format` has no callable `render`",
    ):
        assert f"  - {expected}\n" in text + "\n", expected


class Loses:
    name = "loses"
    description = "drops the last candidate"

    def propose(self, candidates: Sequence[CancellationCandidate]) -> Proposal:
        ordered = sorted(candidates, key=lambda c: c.filing)
        return Proposal("loses", (), tuple(Single(c.filing, "x") for c in ordered[:-1]))


class BatchesEverything:
    name = "greedy"
    description = "ignores refusals"

    def propose(self, candidates: Sequence[CancellationCandidate]) -> Proposal:
        filings = tuple(sorted(c.filing for c in candidates))
        return Proposal("greedy", (Batch(filings, "all"),) if filings else (), ())


class OrderDependent:
    name = "fickle"
    description = "keeps input order"

    def propose(self, candidates: Sequence[CancellationCandidate]) -> Proposal:
        return Proposal("fickle", (), tuple(Single(c.filing, "x") for c in candidates))


class Strategies:
    policy_sdk_plugin_name = "strategies"

    @hookimpl
    def policy_sdk_register_cancellation_strategies(self) -> list[object]:
        return [Loses(), BatchesEverything(), OrderDependent()]


def test_strategies_are_run_on_generated_candidates() -> None:
    text = _problems(Strategies())
    assert "strategy `loses` does not place every candidate exactly once (missing: [" in text
    assert "strategy `greedy` batches `" in text
    assert "which refuses batch" in text
    assert ("strategy `fickle` answers differently when the candidates come in another order"
            in text)


class Uncited:
    policy_sdk_plugin_name = "uncited"

    @hookimpl
    def policy_sdk_register_rules(self) -> list[RuleSource]:
        return [RuleSource("u.policy", "forbid per platform where platform.name == null")]


def test_rules_must_be_named_and_cited() -> None:
    text = _problems(Uncited())
    assert ("plugin:uncited/u.policy: rule `forbid_per_platform` has no name; name plugin "
            "rules") in text
    assert "plugin:uncited/u.policy: rule `forbid_per_platform` has no `citation`" in text


class Broken:
    policy_sdk_plugin_name = "broken"

    @hookimpl
    def policy_sdk_register_platform_types(self) -> list[PlatformTypeSpec]:
        raise KeyError("boom")


def test_load_errors_become_the_problem_list() -> None:
    text = _problems(Broken())
    assert text.startswith("plugin `broken` does not conform (1 problem):")
    assert ("error[plugin-hook-failed]: plugin `broken` failed in hook "
            "`policy_sdk_register_platform_types`: KeyError: 'boom'") in text


class Empty:
    policy_sdk_plugin_name = "empty"

    @hookimpl
    def policy_sdk_register_rules(self) -> list[RuleSource]:
        return []


def test_a_plugin_contributing_nothing_is_reported() -> None:
    assert "it contributes nothing: no hook returned anything" in _problems(Empty())


class NoHooks:
    policy_sdk_plugin_name = "no_hooks"


def test_a_plugin_implementing_no_hook_does_not_load() -> None:
    assert ("error[plugin-no-hooks]: plugin `no_hooks` (object `NoHooks`) implements none "
            "of the policy-sdk hooks") in _problems(NoHooks())


class UnknownName:
    policy_sdk_plugin_name = "unknown_name"

    @hookimpl
    def policy_sdk_register_rules(self) -> list[RuleSource]:
        return [RuleSource("n.policy", 'rule r "t" { citation "c" forbid per platform '
                           'where platform.colour == "red" }')]


def test_rules_are_validated_against_the_schema() -> None:
    assert "colour" in _problems(UnknownName())
