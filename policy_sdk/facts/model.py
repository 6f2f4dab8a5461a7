"""The deployment facts, as the domain speaks of them.

Read top to bottom, this module is the glossary:

* an :class:`Organization` (算法推荐服务提供者 or 技术支持者) runs
* :class:`Algorithm` s (算法), each offered on
* :class:`Platform` s (service entries: an App, a mini-program, an official account, a
  website …) through
* :class:`Deployment` s (one algorithm on one platform: 上线 ``launched_on``, 下线
  ``stopped_on``), which must be covered by
* :class:`Filing` s (算法备案, numbered ``网信算备…号``), each naming one or more
  platforms, and by
* :class:`Record` s: evidence of other obligations, by ``kind`` (a security
  assessment, an opt-out switch, …).

Every entity is a frozen, slotted attrs class; collections are tuples, or (from the
loader's bulk path) sequences that stand for them and build an entity when it is read
(:class:`policy_sdk.facts.rows.Rows`). Attributes a file carries beyond the core
ones are kept in ``extra`` so policies can use them.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any, Final

import attrs

from policy_sdk.errors import Diagnostic

ROLES: Final = ("provider", "technical_supporter")
ALGORITHM_TYPES: Final = (
    "generation_synthesis",  # 生成合成类
    "personalized_push",  # 个性化推送类
    "ranking_selection",  # 排序精选类
    "retrieval_filtering",  # 检索过滤类
    "scheduling_decision",  # 调度决策类
)
DEPLOYMENT_STATUSES: Final = ("active", "paused", "stopped")
RUNNING_STATUSES: Final = ("active", "paused")
FILING_STATUSES: Final = ("submitted", "active", "cancellation_pending", "cancelled", "rejected")
LIVE_FILING_STATUSES: Final = ("submitted", "active")
"""A filing in one of these statuses covers its platforms (Art. 24: the duty is to
*submit* the filing within 10 working days; a rejected or cancelled one covers nothing)."""



class _NoExtra(Mapping[str, Any]):
    """The ``extra`` of an entity with nothing beyond the core attributes: one shared,
    immutable, picklable empty mapping (equal to ``{}``)."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"

    def __reduce__(self) -> str:
        return "NO_EXTRA"  # pickled by reference: unpickling gives the same object


NO_EXTRA: Final[Mapping[str, Any]] = _NoExtra()


def _extra() -> Any:
    return attrs.field(factory=dict, repr=False)


@attrs.frozen
class Organization:
    """The company whose services are judged."""

    name: str
    role: str = "provider"
    #: 具有舆论属性或者社会动员能力 (Art. 24; SA Art. 2)
    public_opinion: bool = False
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class Algorithm:
    """An algorithm the organization offers (same code, same model, wherever it runs)."""

    id: str
    name: str | None = None
    types: tuple[str, ...] = ()
    uses_recommendation: bool = False
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class Platform:
    """A service entry where users receive algorithm services.

    ``type`` is a platform type contributed by a plugin (``app``, ``mini_program``,
    ``official_account``, ``website``, or a third party's). ``batch_cancellation`` and
    ``item_verification`` override the type's cancellation capabilities for this one
    platform; ``None`` means "as the type says".
    """

    id: str
    type: str
    name: str | None = None
    host: str | None = None
    batch_cancellation: bool | None = None
    item_verification: bool | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class Deployment:
    """One algorithm offered on one platform. ``(algorithm, platform)`` is unique."""

    algorithm: str
    platform: str
    status: str = "active"
    launched_on: dt.date | None = None
    stopped_on: dt.date | None = None
    extra: Mapping[str, Any] = _extra()

    @property
    def key(self) -> tuple[str, str]:
        return (self.algorithm, self.platform)

    @property
    def running(self) -> bool:
        return self.status in RUNNING_STATUSES


@attrs.frozen
class Filing:
    """An algorithm filing (算法备案) naming one or more platforms (its products)."""

    number: str
    algorithm: str
    platforms: tuple[str, ...]
    status: str = "active"
    filed_on: dt.date | None = None
    #: filing number shown prominently on the service with a link to the public record (Art. 26)
    displayed: bool = False
    extra: Mapping[str, Any] = _extra()

    @property
    def live(self) -> bool:
        return self.status in LIVE_FILING_STATUSES


@attrs.frozen
class Record:
    """Evidence that some obligation of ``kind`` was met.

    A record matches a scope key when every key part it names (``algorithm``,
    ``platform``, ``filing``) equals the key's; a part it leaves out matches any.
    """

    kind: str
    algorithm: str | None = None
    platform: str | None = None
    filing: str | None = None
    on: dt.date | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class AttributeDecl:
    """A custom attribute declared in a facts file's ``schema:`` section."""

    entity: str  # organization | algorithm | platform | deployment | filing | record
    name: str
    type: str  # string | number | boolean | date | list
    description: str | None = None
    #: allowed values of a string (or of a list's items), if the file closes them
    enum: tuple[str, ...] | None = None


@attrs.frozen
class Facts:
    """Everything known about one organization's algorithm services.

    ``locations`` maps data paths (``deployments[3].platform``) to the 1-based line in
    the source file where the value stands (YAML only); it does not take part in
    equality.
    """

    organization: Organization
    algorithms: Sequence[Algorithm] = ()
    platforms: Sequence[Platform] = ()
    deployments: Sequence[Deployment] = ()
    filings: Sequence[Filing] = ()
    records: tuple[Record, ...] = ()
    attributes: tuple[AttributeDecl, ...] = ()
    #: obligation kinds the file declares under ``schema: {kinds: [...]}`` (sorted)
    kinds: tuple[str, ...] = ()
    source: str | None = attrs.field(default=None, eq=False)
    locations: Mapping[str, int] = attrs.field(factory=dict, eq=False, repr=False)
    #: problems that do not stop loading (e.g. an unusual filing-number shape), sorted
    warnings: tuple[Diagnostic, ...] = attrs.field(default=(), eq=False, repr=False)
    #: indexes computed from the (immutable) collections above, by name, each built at
    #: most once per Facts (see :func:`policy_sdk.facts.derived.deployments_by_algorithm`);
    #: the loader hands over those it built while checking (``derived=`` in the
    #: constructor). Not part of equality; an index is of these very deployments, so a
    #: copy made by ``attrs.evolve`` with other deployments builds its own.
    _derived: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False, kw_only=True,
                                           alias="derived")

    def __attrs_post_init__(self) -> None:
        own = {}
        for name, value in self._derived.items():
            if value.__class__ is not _Index:
                own[name] = _Index(self.deployments, value)  # handed to the constructor
            elif value.of is self.deployments:
                own[name] = value  # from the Facts this one is a copy of, still true
        object.__setattr__(self, "_derived", own)

    def derived_index(self, name: str) -> Any:
        """The index ``name`` built for these facts, or None."""
        found = self._derived.get(name)
        return None if found is None else found.value

    def keep_derived_index(self, name: str, value: Any) -> None:
        """Remember the index ``name`` (built from these facts; not checked)."""
        self._derived[name] = _Index(self.deployments, value)


@attrs.frozen
class _Index:
    """An index and the deployments it was built from."""

    of: Sequence[Deployment] = attrs.field(eq=False, repr=False)
    value: Any = attrs.field(eq=False, repr=False)


def build_deployments(
    algorithms: Sequence[str],
    platforms: Sequence[str],
    statuses: Sequence[str],
    launched_on: Sequence[dt.date | None],
    stopped_on: Sequence[dt.date | None],
) -> list[Deployment]:
    """Many :class:`Deployment` s from columns of already validated values.

    The same objects as ``Deployment(a, p, s, l, t)`` row by row, built about twice as
    fast: each slot is filled for all rows in one pass of C calls on its descriptor.
    Only for values the caller has checked (the facts loader's bulk path): no
    validation happens here.
    """
    n = len(algorithms)
    columns = (algorithms, platforms, statuses, launched_on, stopped_on, repeat(NO_EXTRA, n))
    if not all(len(c) == n for c in columns[:-1]):
        raise ValueError("columns of different lengths")
    rows = list(map(object.__new__, repeat(Deployment, n)))
    for field, values in zip(_DEPLOYMENT_SLOTS, columns, strict=True):
        deque(map(field.__set__, rows, values), maxlen=0)
    return rows


_DEPLOYMENT_SLOTS: Final = tuple(
    Deployment.__dict__[f.name] for f in attrs.fields(Deployment)
)
