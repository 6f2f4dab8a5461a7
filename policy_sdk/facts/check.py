"""The row checker: the specification of what a facts document may hold.

:class:`Checker` reads a plain document (from :mod:`policy_sdk.facts.read`, or a
mapping an embedder built) entry by entry and words every problem it finds; the
messages are the ones ``docs/facts.md`` shows. Every problem of a document is
collected (up to :data:`~policy_sdk.facts.values.MAX_ERRORS`) and raised at once as one
:class:`~policy_sdk.errors.FactsError`; problems that do not make the facts wrong (a
filing number of an unusual shape, a stopped deployment without a stop date) are
warnings kept in :attr:`Facts.warnings <policy_sdk.facts.model.Facts.warnings>`.

A large document is mostly deployments, filings and records that are plainly well
formed. :mod:`policy_sdk.facts.bulk` accepts such a section at C speed; when it has
any doubt about a section, that section is checked here, row by row. The two are
property-tested to agree (``tests/facts/test_bulk_deployments.py``).

The ``schema:`` section (declared attributes and obligation kinds) is read by
:class:`~policy_sdk.facts.declarations.SchemaChecks`, which :class:`Checker` extends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

from policy_sdk.errors import Diagnostic, FactsError, did_you_mean
from policy_sdk.facts import applicability, bulk
from policy_sdk.facts.declarations import SchemaChecks
from policy_sdk.facts.model import (
    ALGORITHM_TYPES,
    DEPLOYMENT_STATUSES,
    FILING_STATUSES,
    ROLES,
    Algorithm,
    Deployment,
    Facts,
    Filing,
    Organization,
    Platform,
    Record,
)
from policy_sdk.facts.read import Locator
from policy_sdk.facts.rows import ById
from policy_sdk.facts.values import (
    _EMPTY,
    CORE_KEYS,
    describe,
    listed,
    suggest,
    unknown_id_help,
)
from policy_sdk.facts.yaml12 import BAD_TEXT, bad_text_message
from policy_sdk.i18n import _

if TYPE_CHECKING:
    from policy_sdk.plugins.specs import PlatformTypeSpec

__all__ = ["FILING_NUMBER", "Checker", "check_document"]

FILING_NUMBER: Final = bulk.FILING_NUMBER

_TOP_KEYS: Final = ("organization", "algorithms", "platforms", "deployments", "filings",
                    "records", "schema")
_STATUS_OF: Final = {s: s for s in DEPLOYMENT_STATUSES}
T = TypeVar("T")


def check_document(doc: Any, specs: Mapping[str, PlatformTypeSpec], locator: Locator,
                   soft: Sequence[Diagnostic] = (), *, use_bulk: bool = True) -> Facts:
    """The :class:`Facts` of ``doc``, or a FactsError with every problem.

    ``soft`` are problems the reader found but left to be reported with the rest
    (duplicate YAML keys). ``use_bulk=False`` checks every row here (the tests compare
    the two ways).
    """
    checker = Checker(specs, locator, use_bulk=use_bulk)
    checker.errors.extend(soft)
    return checker.check(doc)


def _entities(by_id: Mapping[str, T]) -> Sequence[T]:
    """The entities of a section in order; the bulk path's columns stay columns (they
    stand for the tuple: :class:`~policy_sdk.facts.rows.Rows`)."""
    if isinstance(by_id, ById):
        return by_id.rows
    return tuple(by_id.values())


class Checker(SchemaChecks):
    """Checks a whole document (see the module text)."""

    def __init__(self, specs: Mapping[str, PlatformTypeSpec], locator: Locator, *,
                 use_bulk: bool = True) -> None:
        super().__init__(specs, locator)
        self.use_bulk = use_bulk
        #: algorithm -> platform -> deployment, when the bulk path built it
        self.by_algorithm: dict[str, dict[str, Deployment]] | None = None
        #: the deployments, when the bulk path read them (its filings look them up)
        self.loaded_deployments: Sequence[Deployment] | None = None

    def check(self, doc: Any) -> Facts:
        if not isinstance(doc, Mapping):
            self.error("", "type", "a facts document is a mapping with `organization`, "
                       f"`algorithms`, `platforms`, … ; got {describe(doc)}")
            raise FactsError(self.errors)
        for key in doc:
            if key not in _TOP_KEYS:
                self.error(str(key), "unknown-key", _("unknown section `{key}`").format(key=key),
                           did_you_mean(str(key), _TOP_KEYS)
                           or _("the sections are {sections}").format(
                               sections=listed(_TOP_KEYS)))
        self.schema_section(doc.get("schema"))
        organization = self.organization(doc)
        algorithms = self.algorithms(self.entries(doc, "algorithms"))
        platforms = self.platforms(self.entries(doc, "platforms"))
        deployments = self.deployments(self.entries(doc, "deployments"), algorithms, platforms)
        filings = self.filings(self.entries(doc, "filings"), algorithms, platforms)
        records = self.records(self.entries(doc, "records"), algorithms, platforms, filings)
        self.raise_if_errors()
        assert organization is not None
        attributes = tuple(sorted((d for decls in self.declared.values() for d in decls.values()),
                                  key=lambda d: (d.entity, d.name)))
        return Facts(
            organization=organization,
            algorithms=_entities(algorithms),
            platforms=_entities(platforms),
            deployments=deployments,
            filings=_entities(filings),
            records=records,
            attributes=attributes,
            kinds=self.kinds,
            source=self.file,
            locations=self.locator.lines(),
            warnings=tuple(sorted(self.warnings, key=Diagnostic.sort_key)),
            derived=({"by_algorithm": self.by_algorithm} if self.by_algorithm is not None
                     else {}),
        )

    def raise_if_errors(self) -> None:
        if self.errors:
            diagnostics = list(self.errors)
            if self.dropped:
                diagnostics.append(Diagnostic(code="too-many-errors",
                                              message=f"and {self.dropped} more errors not shown",
                                              file=self.file, path="~"))
            raise FactsError(diagnostics)

    def organization(self, doc: Mapping[str, Any]) -> Organization | None:
        raw = doc.get("organization")
        if raw is None:
            self.error("organization", "missing", _("the facts need an `organization` section"),
                       _("e.g. `{example}`").format(
                           example="organization: {name: 示例科技有限公司, role: provider}"))
            return None
        item = self.mapping(raw, "organization", "the organization")
        if item is None:
            return None
        core = frozenset(CORE_KEYS["organization"])
        name = item.get("name")
        if name is None:
            self.missing("organization", "name", "the organization")
        else:
            name = self.text_value(name, "organization.name")
        role = item.get("role")
        role = "provider" if role is None else self.enum_value(role, "organization.role", ROLES,
                                                               "role")
        po = item.get("public_opinion")
        if po is None:  # no silent pass: policy_sdk.facts.applicability
            self.error("organization", *applicability.missing_public_opinion(), level="warning")
        po = False if po is None else self.bool_value(po, "organization.public_opinion")
        extra = self.extras("organization", item, core, "organization")
        if name is None or role is None or po is None:
            return None
        return Organization(name, role, po, extra)

    def algorithms(self, items: Sequence[Any]) -> Mapping[str, Algorithm]:
        if self.use_bulk:
            found = bulk.algorithms(items)
            if found is not None:
                return found
        return self.algorithm_rows(items)

    def algorithm_rows(self, items: Sequence[Any]) -> dict[str, Algorithm]:
        """The algorithms row by row, with a diagnostic for every problem."""
        out: dict[str, Algorithm] = {}
        first: dict[str, int] = {}
        core = frozenset(CORE_KEYS["algorithm"])
        for i, raw in enumerate(items):
            path = f"algorithms[{i}]"
            item = self.mapping(raw, path, "an algorithm")
            if item is None:
                continue
            aid = self.unique_key(item, path, "id", "an algorithm", first)
            name = item.get("name")
            name = None if name is None else self.text_value(name, f"{path}.name")
            types = item.get("types")
            types = () if types is None else self.names_list(types, f"{path}.types",
                                                             ALGORITHM_TYPES, "algorithm type")
            rec = item.get("uses_recommendation")
            if rec is None and aid is not None and types is not None:  # applicability
                self.error(path, *applicability.missing_uses_recommendation(aid, types),
                           level="warning")
                rec = applicability.reads_uses_recommendation(types)
            elif rec is not None:
                rec = self.bool_value(rec, f"{path}.uses_recommendation")
                if rec is False and types and aid is not None:
                    self.error(f"{path}.uses_recommendation",
                               *applicability.contradicting_types(aid, types), level="warning")
            else:
                rec = False
            extra = self.extras("algorithm", item, core, path)
            if aid is not None:
                first[aid] = i
                if types is not None and rec is not None:
                    out[aid] = Algorithm(aid, name, types, rec, extra)
                else:  # known for references, but the file does not load
                    out[aid] = Algorithm(aid)
        return out

    def platforms(self, items: Sequence[Any]) -> Mapping[str, Platform]:
        if self.use_bulk:
            found = bulk.platforms(items, self.types, self.type_attrs)
            if found is not None:
                return found
        return self.platform_rows(items)

    def platform_rows(self, items: Sequence[Any]) -> dict[str, Platform]:
        """The platforms row by row, with a diagnostic for every problem."""
        out: dict[str, Platform] = {}
        first: dict[str, int] = {}
        core = frozenset(CORE_KEYS["platform"])
        known_types = (*self.canonical_types,
                       *sorted(a for a in self.types if a not in self.canonical_types))
        for i, raw in enumerate(items):
            path = f"platforms[{i}]"
            item = self.mapping(raw, path, "a platform")
            if item is None:
                continue
            pid = self.unique_key(item, path, "id", "a platform", first)
            ptype = item.get("type")
            if ptype is None:
                self.missing(path, "type", "a platform")
            elif ptype.__class__ is str and ptype in self.types:
                ptype = self.types[ptype]
            elif ptype.__class__ is not str:
                self.wrong(f"{path}.type", "a platform type", ptype)
                ptype = None
            else:
                self.error(f"{path}.type", "unknown-platform-type",
                           _("unknown platform type `{type}`; known types: {types}").format(
                               type=ptype, types=listed(self.canonical_types)),
                           suggest(ptype, known_types)
                           or _("a plugin may provide it: see `policy-sdk plugins`"))
                ptype = None
            fields: dict[str, Any] = {}
            ok = True
            for key in ("name", "host"):
                v = item.get(key)
                if v is not None:
                    # a platform type may close a core attribute's values (mini_program: host)
                    refined = self.type_attrs.get(ptype, {}).get(key) if ptype else None
                    if refined is not None and refined.enum:
                        v = self.enum_value(v, f"{path}.{key}", refined.enum, "value")
                    else:
                        v = self.text_value(v, f"{path}.{key}")
                    ok = ok and v is not None
                fields[key] = v
            for key in ("batch_cancellation", "item_verification"):
                v = item.get(key)
                if v is not None:
                    v = self.bool_value(v, f"{path}.{key}")
                    ok = ok and v is not None
                fields[key] = v
            extra = self.extras("platform", item, core, path, ptype)
            if pid is not None:
                first[pid] = i
                out[pid] = Platform(pid, ptype or "", extra=extra, **fields) if ok else Platform(
                    pid, ptype or "")
        return out

    def deployments(self, items: Sequence[Any], algorithms: Mapping[str, Algorithm],
                    platforms: Mapping[str, Platform]) -> Sequence[Deployment]:
        if self.use_bulk:
            found = bulk.deployments(items, algorithms, platforms, self.dates)
            if found is not None:
                self.loaded_deployments = found
                return found  # columns, standing for the tuple (facts.rows)
        return self.deployment_rows(items, algorithms, platforms)

    def deployment_rows(self, items: Sequence[Any], algorithms: Mapping[str, Algorithm],
                        platforms: Mapping[str, Platform]) -> tuple[Deployment, ...]:
        """The deployments row by row, with a diagnostic for every problem."""
        out: list[Deployment] = []
        seen: dict[tuple[str, str], int] = {}
        core = frozenset(CORE_KEYS["deployment"])
        alg_ids = {a: a for a in algorithms}
        plat_ids = {p: p for p in platforms}
        statuses = _STATUS_OF
        dates = self.dates
        date_cls = dt.date
        append = out.append
        alg: Any
        plat: Any
        status: Any
        for i, item in enumerate(items):
            if item.__class__ is not dict and not isinstance(item, Mapping):
                self.mapping(item, f"deployments[{i}]", "a deployment")
                continue
            bad = False
            a = item.get("algorithm")
            alg = alg_ids.get(a) if a.__class__ is str else None
            if alg is None:
                self.reference(f"deployments[{i}]", "algorithm", a, alg_ids)
                bad = True
            p = item.get("platform")
            plat = plat_ids.get(p) if p.__class__ is str else None
            if plat is None:
                self.reference(f"deployments[{i}]", "platform", p, plat_ids)
                bad = True
            s = item.get("status", "active")
            status = statuses.get(s) if s.__class__ is str else None
            if status is None:
                status = self.enum_value(s, f"deployments[{i}].status", DEPLOYMENT_STATUSES,
                                         "deployment status") if s is not None else "active"
                bad = bad or status is None
            lo = item.get("launched_on")
            if lo is not None and lo.__class__ is not date_cls:
                lo = dates.get(lo) if lo.__class__ is str else None
                if lo is None:
                    lo = self.date_value(item.get("launched_on"), f"deployments[{i}].launched_on")
                    bad = bad or lo is None
            so = item.get("stopped_on")
            if so is not None and so.__class__ is not date_cls:
                so = dates.get(so) if so.__class__ is str else None
                if so is None:
                    so = self.date_value(item.get("stopped_on"), f"deployments[{i}].stopped_on")
                    bad = bad or so is None
            if len(item) > 2 and not item.keys() <= core:
                extra = self.extras("deployment", item, core, f"deployments[{i}]")
            else:
                extra = _EMPTY
            if bad:
                continue
            assert alg is not None
            assert plat is not None
            assert status is not None
            key = (alg, plat)
            if key in seen:
                self.error(f"deployments[{i}]", "duplicate",
                           _("`{algorithm}` on `{platform}` is listed twice (also {where})").format(
                               algorithm=alg, platform=plat, where=f"deployments[{seen[key]}]"),
                           _("one deployment per algorithm and platform"))
                continue
            seen[key] = i
            if so is not None:
                if status != "stopped":
                    self.error(f"deployments[{i}].stopped_on", "stopped-on",
                               f"`stopped_on` is set but the status is `{status}`",
                               "set `status: stopped`, or remove `stopped_on`")
                    continue
                if lo is not None and so < lo:
                    self.error(f"deployments[{i}].stopped_on", "date-order",
                               f"stopped on {so.isoformat()}, before it launched on "
                               f"{lo.isoformat()}")
                    continue
            elif status == "stopped":
                self.error(f"deployments[{i}].stopped_on", "stopped-without-date",
                           f"`{alg}` on `{plat}` is stopped but has no `stopped_on`",
                           "deadlines counted from the stop date cannot be computed; "
                           "add `stopped_on`", level="warning")
            append(Deployment(alg, plat, status, lo, so, extra))
        return tuple(out)

    def filings(self, items: Sequence[Any], algorithms: Mapping[str, Algorithm],
                platforms: Mapping[str, Platform]) -> Mapping[str, Filing]:
        if self.use_bulk:
            found = bulk.filings(items, algorithms, platforms, self.dates,
                                 deployments=self.loaded_deployments)
            if found is not None:
                return found
        return self.filing_rows(items, algorithms, platforms)

    def filing_rows(self, items: Sequence[Any], algorithms: Mapping[str, Algorithm],
                    platforms: Mapping[str, Platform]) -> dict[str, Filing]:
        """The filings row by row, with a diagnostic for every problem."""
        out: dict[str, Filing] = {}
        first: dict[str, int] = {}
        core = frozenset((*CORE_KEYS["filing"], "platform"))
        alg_ids = {a: a for a in algorithms}
        plat_ids = {p: p for p in platforms}
        number: Any
        named: tuple[str, ...] | None
        status: Any
        alg: Any
        for i, raw in enumerate(items):
            path = f"filings[{i}]"
            item = self.mapping(raw, path, "a filing")
            if item is None:
                continue
            ok = True
            number = self.unique_key(item, path, "number", "a filing", first)
            if number is not None and not FILING_NUMBER.fullmatch(number):
                self.error(f"{path}.number", "filing-number",
                           f"filing number `{number}` does not have the usual shape "
                           "`网信算备` + 21 digits + `号`",
                           "check it against the filing system's record", level="warning")
            a = item.get("algorithm")
            alg = alg_ids.get(a) if a.__class__ is str else None
            if alg is None:
                self.reference(path, "algorithm", a, alg_ids)
            single, several = item.get("platform"), item.get("platforms")
            named = None
            if single is not None and several is not None:
                self.error(f"{path}.platforms", "platform-and-platforms",
                           "a filing names its platforms with `platform` or `platforms`, not both")
            elif single is not None:
                plat = plat_ids.get(single) if single.__class__ is str else None
                if plat is None:
                    self.reference(path, "platform", single, plat_ids)
                else:
                    named = (plat,)
            elif several is not None:
                named = self.platform_list(several, f"{path}.platforms", plat_ids)
            else:
                self.error(f"{path}.platforms", "missing",
                           _("a filing needs `platform` (one) or `platforms` (a list)"))
            status = item.get("status")
            status = "active" if status is None else self.enum_value(
                status, f"{path}.status", FILING_STATUSES, "filing status")
            filed_on = item.get("filed_on")
            if filed_on is not None:
                filed_on = self.date_value(filed_on, f"{path}.filed_on")
                ok = ok and filed_on is not None
            displayed = item.get("displayed")
            displayed = False if displayed is None else self.bool_value(displayed,
                                                                        f"{path}.displayed")
            extra = self.extras("filing", item, core, path)
            if number is not None:
                first[number] = i
                if ok and alg is not None and named is not None and status is not None \
                        and displayed is not None:
                    out[number] = Filing(number, alg, named, status, filed_on, displayed, extra)
                else:
                    out[number] = Filing(number, alg or "", ())
        return out

    def records(self, items: Sequence[Any], algorithms: Mapping[str, Algorithm],
                platforms: Mapping[str, Platform],
                filings: Mapping[str, Filing]) -> tuple[Record, ...]:
        if self.use_bulk:
            found = bulk.records(items, algorithms, platforms, filings,
                                 self.all_kinds - {"filing"}, self.dates)
            if found is not None:
                return found
        return self.record_rows(items, algorithms, platforms, filings)

    def record_rows(self, items: Sequence[Any], algorithms: Mapping[str, Algorithm],
                    platforms: Mapping[str, Platform],
                    filings: Mapping[str, Filing]) -> tuple[Record, ...]:
        """The records row by row, with a diagnostic for every problem."""
        out: list[Record] = []
        core = frozenset(CORE_KEYS["record"])
        kinds = sorted(self.all_kinds - {"filing"})
        refs: dict[str, Mapping[str, Any]] = {"algorithm": algorithms, "platform": platforms,
                                              "filing": filings}
        kind: Any
        for i, raw in enumerate(items):
            path = f"records[{i}]"
            item = self.mapping(raw, path, "a record")
            if item is None:
                continue
            ok = True
            kind = item.get("kind")
            if kind is None:
                self.missing(path, "kind", "a record")
                ok = False
            elif kind.__class__ is not str:
                self.wrong(f"{path}.kind", "an obligation kind", kind)
                ok = False
            elif kind == "filing":
                self.error(f"{path}.kind", "record-kind-filing",
                           "filings are listed under `filings:`, not as records")
                ok = False
            elif kind not in self.all_kinds:
                self.error(f"{path}.kind", "unknown-kind", f"unknown obligation kind `{kind}`",
                           did_you_mean(kind, kinds)
                           or "declare it under `schema: {kinds: [...]}`")
                ok = False
            parts: dict[str, str | None] = {}
            for key, known in refs.items():
                v = item.get(key)
                if v is None:
                    parts[key] = None
                elif v.__class__ is str and v in known:
                    parts[key] = v
                else:
                    ok = False
                    if v.__class__ is not str:
                        self.wrong(f"{path}.{key}", f"the id of a {key}"
                                   if key != "filing" else "a filing number", v)
                    elif BAD_TEXT.search(v):  # no id holds it: what is wrong is the text
                        self.error(f"{path}.{key}", *bad_text_message(v))
                    else:
                        self.error(f"{path}.{key}", "unknown-reference", f"unknown {key} `{v}`",
                                   (did_you_mean(v, known)
                                    or "it must be the `number` of an entry under `filings:`")
                                   if key == "filing" else unknown_id_help(v, known, key))
            on = item.get("on")
            if on is not None:
                on = self.date_value(on, f"{path}.on")
                ok = ok and on is not None
            extra = self.extras("record", item, core, path,
                                kind=kind if isinstance(kind, str) else None)
            if ok:
                assert isinstance(kind, str)
                out.append(Record(kind, parts["algorithm"], parts["platform"], parts["filing"],
                                  on, extra))
        return tuple(out)
