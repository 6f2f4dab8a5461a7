"""What plugins contribute: small frozen value classes returned by the hooks.

See :mod:`policy_sdk.plugins.hookspecs` for the hooks themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

from policy_sdk.facts.schema import Attribute, AttrType


@attrs.frozen
class CancellationCapabilities:
    """How a platform type's filings can be cancelled (注销).

    These are practice, not statute (REGULATIONS.md, [P]): defaults a user can
    override per platform in the facts file (``batch_cancellation``,
    ``item_verification`` on a platform).
    """

    #: filings on this platform may be cancelled together with others in one application
    #: (true or false)
    batch: bool = True
    #: the platform (or the regulator's interface for it) verifies each filing item by
    #: item, so its filings are cancelled one by one (true or false)
    item_verification: bool = False
    #: materials this platform asks for on cancellation, in addition to the shared set
    #: (a tuple of texts)
    required_materials: tuple[str, ...] = ()
    #: why the defaults are what they are (source or assumption)
    note: str = ""

    @property
    def accepts_batch(self) -> bool:
        return self.batch and not self.item_verification


@attrs.frozen
class PlatformTypeSpec:
    """A kind of platform (service entry) and what it brings."""

    #: a lowercase identifier, unique across plugins (`quick_app`); facts write it as
    #: the platform's `type`
    name: str
    #: what such a platform is, for people (not empty)
    description: str
    #: other names a facts file may use (`快应用`, `quickapp`), a tuple; normalized to `name`
    aliases: tuple[str, ...] = ()
    #: attributes this type adds to `platform` (`Attribute("platform", ...)`), a tuple;
    #: scoped to this type: another type may declare the same name differently
    attributes: tuple[Attribute, ...] = ()
    #: how its filings are cancelled, a `CancellationCapabilities`
    capabilities: CancellationCapabilities = CancellationCapabilities()
    #: `S` from the text, `P` practice, `I` inference, or combinations (`S/P`)
    basis: str = ""


@attrs.frozen
class ObligationKindSpec:
    """An obligation kind (a ``record`` kind) a plugin brings, e.g. ``partner_agreement``.

    Policies may name it (``require record kind partner_agreement ...``) and facts
    files may hold records of it without declaring it under ``schema: {kinds: [...]}``.

    """

    #: a lowercase identifier, unique across plugins and the core kinds (`partner_agreement`)
    name: str
    #: what such a record evidences (not empty)
    description: str
    #: attributes of `record` (`Attribute("record", ...)`) a record of this kind may carry
    #: beyond the core ones (`kind`, `algorithm`, `platform`, `filing`, `on`), a tuple
    keys: tuple[Attribute, ...] = ()


@attrs.frozen
class RuleSource:
    """Policy text a plugin contributes (parsed, validated and run like a user's own)."""

    #: a file-like name used in spans and findings (`mini_program.policy`)
    name: str
    #: the policy text, in the policy language
    text: str


@attrs.frozen
class FunctionSpec:
    """A function usable in policy conditions: ``host_is("wechat")``.

    ``params`` are the argument types the validator checks; ``impl`` receives the
    evaluated arguments and must be pure (same arguments, same result).
    """

    #: a lowercase identifier policies call it by (`host_is`)
    name: str
    #: the types of its arguments, a tuple of `string`, `number`, `boolean`, `date`,
    #: `list`, `any`
    params: tuple[AttrType, ...]
    #: the type of its result; a result of another type (or a number that is not
    #: finite) is a `PluginError`
    returns: AttrType
    #: the implementation: receives the evaluated arguments (`None` for `null`), pure
    impl: Callable[..., Any]
    #: what it computes, for people
    description: str = ""


@attrs.frozen
class ReporterSpec:
    """An output format for ``policy-sdk check --format NAME``.

    ``render`` receives a :class:`policy_sdk.engine.Report` and returns text.
    """

    #: the format's name for `check --format NAME` (lowercase, `-` allowed)
    name: str
    #: `render(report, **options) -> str`; options as in docs/check.md
    render: Callable[[Any], str]
    #: what the format is for, for people
    description: str = ""


# --- cancellation strategies -------------------------------------------------


@attrs.frozen
class CancellationCandidate:
    """One filing the planner has decided must be cancelled, as strategies see it."""

    #: the filing number
    filing: str
    #: the filed algorithm's id
    algorithm: str
    #: its Art. 2 types
    algorithm_types: tuple[str, ...]
    #: the platforms the filing names
    platforms: tuple[str, ...]
    #: their platform types
    platform_types: tuple[str, ...]
    #: True when every platform of the filing accepts batch cancellation
    #: (type capabilities with per-platform overrides applied)
    accepts_batch: bool
    #: why not, when ``accepts_batch`` is False (e.g. "mini_program `wx-mini` demands
    #: item-by-item verification")
    refusal: str | None
    #: when the service stopped (the last stop), if known
    stopped_on: dt.date | None
    #: the cancellation deadline, if known
    deadline: dt.date | None


@attrs.frozen
class Batch:
    """Filings cancelled together in one application."""

    #: filing numbers, sorted
    filings: tuple[str, ...]
    #: why they go together, for people
    reason: str


@attrs.frozen
class Single:
    """A filing cancelled on its own."""

    #: the filing number
    filing: str
    #: why it goes alone, for people
    reason: str


@attrs.frozen
class Proposal:
    """A strategy's answer: every candidate in exactly one batch or single."""

    #: the strategy's name
    strategy: str
    #: the batches, a tuple of `Batch`
    batches: tuple[Batch, ...]
    #: the singles, a tuple of `Single`
    singles: tuple[Single, ...]

    @property
    def applications(self) -> int:
        return len(self.batches) + len(self.singles)


@runtime_checkable
class CancellationStrategy(Protocol):
    """Divides cancellation candidates into batches and singles.

    A strategy must place every candidate exactly once, must never put a candidate
    with ``accepts_batch=False`` into a batch, and must not depend on the order of
    ``candidates``.
    """

    name: str
    description: str

    def propose(self, candidates: Sequence[CancellationCandidate]) -> Proposal: ...
