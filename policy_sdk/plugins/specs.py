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
    batch: bool = True
    #: the platform (or the regulator's interface for it) verifies each filing item by item,
    #: so its filings are cancelled one by one
    item_verification: bool = False
    #: materials this platform asks for on cancellation, in addition to the shared set
    required_materials: tuple[str, ...] = ()
    #: why the defaults are what they are (source or assumption)
    note: str = ""

    @property
    def accepts_batch(self) -> bool:
        return self.batch and not self.item_verification


@attrs.frozen
class PlatformTypeSpec:
    """A kind of platform (service entry) and what it brings."""

    name: str
    description: str
    aliases: tuple[str, ...] = ()
    #: attributes this type adds to ``platform`` (entity must be "platform")
    attributes: tuple[Attribute, ...] = ()
    capabilities: CancellationCapabilities = CancellationCapabilities()
    #: "S" from the text, "P" practice, "I" inference — see REGULATIONS.md
    basis: str = ""


@attrs.frozen
class ObligationKindSpec:
    """An obligation kind (a ``record`` kind) a plugin brings, e.g. ``partner_agreement``.

    Policies may name it (``require record kind partner_agreement ...``) and facts
    files may hold records of it without declaring it under ``schema: {kinds: [...]}``.

    * ``name`` -- a lowercase identifier, unique across plugins and the core kinds.
    * ``description`` -- what such a record evidences (not empty).
    * ``keys`` -- the attributes of ``record`` (``Attribute("record", ...)``) a record of
      this kind may carry beyond the core ones (``kind``, ``algorithm``, ``platform``,
      ``filing``, ``on``); a tuple.
    """

    name: str
    description: str
    keys: tuple[Attribute, ...] = ()


@attrs.frozen
class RuleSource:
    """Policy text a plugin contributes (parsed, validated and run like a user's own)."""

    name: str  # a file-like name used in spans, e.g. "mini_program.policy"
    text: str


@attrs.frozen
class FunctionSpec:
    """A function usable in policy conditions: ``host_is("wechat")``.

    ``params`` are the argument types the validator checks; ``impl`` receives the
    evaluated arguments and must be pure (same arguments, same result).
    """

    name: str
    params: tuple[AttrType, ...]
    returns: AttrType
    impl: Callable[..., Any]
    description: str = ""


@attrs.frozen
class ReporterSpec:
    """An output format for ``policy-sdk check --format NAME``.

    ``render`` receives a :class:`policy_sdk.engine.Report` and returns text.
    """

    name: str
    render: Callable[[Any], str]
    description: str = ""


# --- cancellation strategies -------------------------------------------------


@attrs.frozen
class CancellationCandidate:
    """One filing the planner has decided must be cancelled, as strategies see it."""

    filing: str  # the filing number
    algorithm: str
    algorithm_types: tuple[str, ...]
    platforms: tuple[str, ...]
    platform_types: tuple[str, ...]
    #: True when every platform of the filing accepts batch cancellation
    #: (type capabilities with per-platform overrides applied)
    accepts_batch: bool
    #: why not, when ``accepts_batch`` is False (e.g. "mini_program `wx-mini` demands
    #: item-by-item verification")
    refusal: str | None
    stopped_on: dt.date | None
    deadline: dt.date | None


@attrs.frozen
class Batch:
    filings: tuple[str, ...]  # filing numbers, sorted
    reason: str


@attrs.frozen
class Single:
    filing: str
    reason: str


@attrs.frozen
class Proposal:
    """A strategy's answer: every candidate in exactly one batch or single."""

    strategy: str
    batches: tuple[Batch, ...]
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
