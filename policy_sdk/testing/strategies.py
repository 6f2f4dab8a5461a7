"""Hypothesis strategies for deployment facts.

``facts_documents()`` draws *valid* facts documents: plain dicts as a facts file
holds them (dates as :class:`datetime.date`), with algorithms, platforms,
deployments (each algorithm × platform at most once), filings naming one platform
(``platform:``) or several (``platforms:``), and records. They look like real
companies: some deployments have no filing, some are stopped (with a stop date
on or after the launch), some filings name several platforms, statuses are mixed.

``facts_models()`` draws the same documents loaded with
:func:`policy_sdk.facts.load_facts`.

``platform_types`` is a list of type names (looked up among the installed plugins) or a
mapping of specs such as ``registry.platform_types``; every attribute a type declares
(``vendors`` of ``quick_app``, ``host`` of ``mini_program`` …) is filled in on some
platforms with values its declaration allows. Dates are drawn only in years the
calendar knows (``calendar``, default: the built-in one), ending a month before the
last known year does, so every deadline computed from them is known too.

Usage in a property test::

    from hypothesis import given
    from policy_sdk.testing.strategies import facts_documents

    @given(facts_documents())
    def test_something(doc): ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from policy_sdk.facts.model import (
    ALGORITHM_TYPES,
    DEPLOYMENT_STATUSES,
    FILING_STATUSES,
)
from policy_sdk.facts.schema import RECORD_KINDS

if TYPE_CHECKING:
    from policy_sdk.facts.model import Facts
    from policy_sdk.facts.schema import Attribute
    from policy_sdk.plugins.specs import PlatformTypeSpec
    from policy_sdk.workdays import WorkdayCalendar

__all__ = ["FIRST_PARTY_PLATFORM_TYPES", "facts_documents", "facts_models", "filing_numbers",
           "last_known_day"]

FIRST_PARTY_PLATFORM_TYPES: tuple[str, ...] = ("app", "mini_program", "official_account", "website")

_ALGORITHM_NAMES = ("feed-rec", "video-rec", "news-rec", "search-rank", "ad-delivery",
                    "route-dispatch", "live-rec", "music-rec", "price-rank", "gen-chat")
_PLATFORM_NAMES = ("main-app", "website", "wx-mini", "alipay-mini", "wx-oa", "lite-app",
                   "h5-site", "dy-mini", "mp-oa", "pad-app")
_HOSTS = ("wechat", "alipay", "douyin", "baidu")
_RECORD_KINDS = tuple(k for k in RECORD_KINDS if k != "filing")

_MIN_DAY = dt.date(2022, 3, 1)
_MAX_DAY = dt.date(2027, 12, 31)


def _dates(lo: dt.date = _MIN_DAY, hi: dt.date = _MAX_DAY) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=lo, max_value=max(lo, hi))


def last_known_day(calendar: WorkdayCalendar | None = None) -> dt.date:
    """The last day drawn: Nov 30 of the last year ``calendar`` knows in a row from 2022
    (deadlines run up to a few weeks later and stay in a known year)."""
    if calendar is None:
        from policy_sdk.workdays import default_calendar

        calendar = default_calendar()
    year = _MIN_DAY.year
    while calendar.known(year + 1) and year < 9000:
        year += 1
    return dt.date(year, 11, 30)


def _specs(platform_types: Sequence[str] | Mapping[str, PlatformTypeSpec]
           ) -> tuple[tuple[str, ...], dict[str, tuple[Attribute, ...]]]:
    if isinstance(platform_types, Mapping):
        return tuple(sorted(platform_types)), {
            name: tuple(spec.attributes) for name, spec in platform_types.items()}
    names = tuple(platform_types)
    try:
        from policy_sdk.facts.load import platform_type_specs

        specs = platform_type_specs(names)
    except Exception:  # a type no installed plugin declares: no attributes to draw
        return names, {}
    return names, {name: tuple(spec.attributes) for name, spec in specs.items()}


def _attribute_value(attribute: Attribute, dates: st.SearchStrategy[dt.date]
                     ) -> st.SearchStrategy[Any]:
    if attribute.enum:
        one = st.sampled_from(attribute.enum)
        return st.lists(one, min_size=1, max_size=3, unique=True) if attribute.type == "list" \
            else one
    return {
        "string": st.sampled_from(("样例", "sample", "示例-1")),
        "number": st.integers(0, 1000),
        "boolean": st.booleans(),
        "date": dates,
        "list": st.lists(st.sampled_from(("a", "b", "c")), min_size=1, max_size=3, unique=True),
    }.get(attribute.type, st.sampled_from(("sample",)))


def filing_numbers() -> st.SearchStrategy[str]:
    """Well-formed filing numbers: ``网信算备`` + 21 digits + ``号``."""
    return st.from_regex(r"\A[0-9]{21}\Z", fullmatch=True).map(lambda d: f"网信算备{d}号")


def _ids(pool: Sequence[str], n: int) -> list[str]:
    out = []
    for i in range(n):
        base = pool[i % len(pool)]
        out.append(base if i < len(pool) else f"{base}-{i // len(pool) + 1}")
    return out


@st.composite
def facts_documents(
    draw: st.DrawFn,
    platform_types: Sequence[str] | Mapping[str, PlatformTypeSpec] = FIRST_PARTY_PLATFORM_TYPES,
    *,
    calendar: WorkdayCalendar | None = None,
    max_algorithms: int = 4,
    max_platforms: int = 4,
    max_filings: int = 6,
    max_records: int = 5,
) -> dict[str, Any]:
    """A valid facts document (a plain dict) as a YAML or JSON facts file would hold."""
    type_names, type_attributes = _specs(platform_types)
    last = last_known_day(calendar)

    def _dates(lo: dt.date = _MIN_DAY, hi: dt.date = last) -> st.SearchStrategy[dt.date]:
        return st.dates(min_value=min(lo, hi), max_value=hi)

    n_alg = draw(st.integers(1, max(1, max_algorithms)))
    n_plat = draw(st.integers(1, max(1, max_platforms)))
    alg_ids = _ids(draw(st.permutations(_ALGORITHM_NAMES)), n_alg)
    plat_ids = _ids(draw(st.permutations(_PLATFORM_NAMES)), n_plat)

    organization: dict[str, Any] = {"name": draw(st.sampled_from(
        ("示例科技有限公司", "Example Tech Ltd.", "北京某某网络技术有限公司")))}
    if draw(st.booleans()):
        organization["role"] = draw(st.sampled_from(("provider", "technical_supporter")))
    if draw(st.booleans()):
        organization["public_opinion"] = draw(st.booleans())

    algorithms: list[dict[str, Any]] = []
    for aid in alg_ids:
        alg: dict[str, Any] = {"id": aid}
        if draw(st.booleans()):
            alg["name"] = f"{aid} 算法"
        types = draw(st.lists(st.sampled_from(ALGORITHM_TYPES), max_size=3, unique=True))
        if types or bool(draw(st.booleans())):
            alg["types"] = types
        alg["uses_recommendation"] = draw(st.booleans())
        algorithms.append(alg)

    platforms: list[dict[str, Any]] = []
    for pid in plat_ids:
        ptype = draw(st.sampled_from(type_names))
        plat: dict[str, Any] = {"id": pid, "type": ptype}
        if draw(st.booleans()):
            plat["name"] = f"{pid} 产品"
        if ptype not in type_attributes and ptype == "mini_program" and draw(st.booleans()):
            plat["host"] = draw(st.sampled_from(_HOSTS))
        for attribute in type_attributes.get(ptype, ()):
            if draw(st.booleans()):  # the type's own attributes, sometimes left out
                plat[attribute.name] = draw(_attribute_value(attribute, _dates()))
        if draw(st.integers(0, 5)) == 0:
            plat["batch_cancellation"] = draw(st.booleans())
        if draw(st.integers(0, 5)) == 0:
            plat["item_verification"] = draw(st.booleans())
        platforms.append(plat)

    pairs = [(a, p) for a in alg_ids for p in plat_ids]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    deployments: list[dict[str, Any]] = []
    for a, p in chosen:
        status = draw(st.sampled_from(DEPLOYMENT_STATUSES))
        dep: dict[str, Any] = {"algorithm": a, "platform": p, "status": status}
        launched = draw(st.none() | _dates())
        if launched is not None:
            dep["launched_on"] = launched
        if status == "stopped" and draw(st.integers(0, 4)) > 0:
            dep["stopped_on"] = draw(_dates(launched or _MIN_DAY))
        deployments.append(dep)

    numbers = draw(st.lists(filing_numbers(), max_size=max_filings, unique=True))
    filings: list[dict[str, Any]] = []
    for number in numbers:
        alg_id = draw(st.sampled_from(alg_ids))
        named = draw(st.lists(st.sampled_from(plat_ids), min_size=1,
                              max_size=min(3, len(plat_ids)), unique=True))
        fil: dict[str, Any] = {"number": number, "algorithm": alg_id}
        if len(named) == 1 and draw(st.booleans()):
            fil["platform"] = named[0]
        else:
            fil["platforms"] = named
        fil["status"] = draw(st.sampled_from(FILING_STATUSES))
        if draw(st.booleans()):
            fil["filed_on"] = draw(_dates())
        if draw(st.booleans()):
            fil["displayed"] = draw(st.booleans())
        filings.append(fil)

    records: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, max_records))):
        rec: dict[str, Any] = {"kind": draw(st.sampled_from(_RECORD_KINDS))}
        if draw(st.booleans()):
            rec["algorithm"] = draw(st.sampled_from(alg_ids))
        if draw(st.integers(0, 2)) == 0:
            rec["platform"] = draw(st.sampled_from(plat_ids))
        if numbers and draw(st.integers(0, 3)) == 0:
            rec["filing"] = draw(st.sampled_from(numbers))
        if draw(st.booleans()):
            rec["on"] = draw(_dates())
        records.append(rec)

    doc: dict[str, Any] = {
        "organization": organization,
        "algorithms": algorithms,
        "platforms": platforms,
        "deployments": deployments,
    }
    if filings or bool(draw(st.booleans())):
        doc["filings"] = filings
    if records or bool(draw(st.booleans())):
        doc["records"] = records
    return doc


def facts_models(
    platform_types: Sequence[str] | Mapping[str, PlatformTypeSpec] = FIRST_PARTY_PLATFORM_TYPES,
    **sizes: Any,
) -> st.SearchStrategy[Facts]:
    """:func:`facts_documents` loaded with :func:`policy_sdk.facts.load_facts`."""
    from policy_sdk.facts.load import load_facts, platform_type_specs

    specs = (platform_types if isinstance(platform_types, Mapping)
             else platform_type_specs(platform_types))
    return facts_documents(platform_types, **sizes).map(
        lambda doc: load_facts(doc, platform_types=specs)
    )
