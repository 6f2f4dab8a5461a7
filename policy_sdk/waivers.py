"""Waivers (豁免) and severity overrides: findings a compliance team has accepted, each
with a reason, an owner and an expiry — never a silent skip.

A waivers file (``--waivers FILE``; format in ``docs/waivers.md``)::

    waivers:
      - rule: cn.algorithm_filing/user_opt_out   # a rule id
        algorithm: search-rank                    # optional: only this algorithm's findings
        platform: website                         # optional
        filing: 网信算备110108123456701250001号    # optional
        reason: 关闭个性化推荐的开关在 12 月版本上线
        owner: 张三
        expires: 2026-12-31
    severities:
      - rule: cn.algorithm_filing/disclosure
        severity: mandatory
        reason: 集团制度要求
        owner: 合规部
        expires: 2027-06-30

What a waiver does is decided against the report's as-of date: in force (as-of on or
before ``expires``), a violated or pending finding it matches is reported ``waived``
(counted, listed, in JSON with the waiver, in SARIF as suppressed), and no longer
fails the check; expired, it waives nothing and is itself a finding
(``waivers/expired``); in force but matching nothing, it is a warning.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from policy_sdk.dates import read_date
from policy_sdk.errors import Diagnostic, PolicySdkError, did_you_mean
from policy_sdk.i18n import _

__all__ = [
    "EXPIRED_RULE",
    "SeverityOverride",
    "Waiver",
    "WaiverError",
    "Waivers",
    "load_waivers",
    "parse_waivers",
]

#: the rule id of the finding an expired waiver becomes
EXPIRED_RULE: Final = "waivers/expired"
_WAIVER_KEYS: Final = ("rule", "algorithm", "platform", "filing", "reason", "owner", "expires")
_OVERRIDE_KEYS: Final = ("rule", "severity", "reason", "owner", "expires")
_SECTIONS: Final = ("waivers", "severities")
_REQUIRED: Final = ("rule", "reason", "owner")


class WaiverError(PolicySdkError):
    """A waivers file that cannot be used."""

    default_code = "waivers"


@attrs.frozen
class Waiver:
    """One accepted finding (or group of findings) of one rule."""

    rule: str
    reason: str
    owner: str
    expires: dt.date
    algorithm: str | None = None
    platform: str | None = None
    filing: str | None = None
    #: where it is written: ``waivers[3]``
    path: str = ""
    #: the waivers file it is written in
    file: str | None = attrs.field(default=None, eq=False)

    def matches(self, rule: str, algorithm: str | None, platform: str | None,
                filing: str | None, platforms: Sequence[str] = ()) -> bool:
        """Whether this waiver covers a finding with these keys (a key the waiver does
        not give matches anything; a per-filing finding matches a platform waiver only when
        the filing names that platform alone, so waiving one platform never hides a
        finding about the others)."""
        if rule != self.rule:
            return False
        if self.algorithm is not None and algorithm != self.algorithm:
            return False
        if self.filing is not None and filing != self.filing:
            return False
        if self.platform is not None and platform != self.platform:
            # a per-filing finding is about the whole filing: a waiver of one platform
            # covers it only when the filing names that platform alone
            return platform is None and tuple(platforms) == (self.platform,)
        return True

    def in_force(self, as_of: dt.date) -> bool:
        return as_of <= self.expires

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "owner": self.owner,
                "expires": self.expires.isoformat(), "where": self.where}

    @property
    def where(self) -> str:
        """``FILE waivers[N]`` (or ``waivers[N]`` for a waiver not read from a file)."""
        return f"{self.file} {self.path}" if self.file else self.path


@attrs.frozen
class SeverityOverride:
    """A rule's severity changed for this organization."""

    rule: str
    severity: str
    reason: str
    owner: str
    expires: dt.date | None = None
    path: str = ""

    def in_force(self, as_of: dt.date) -> bool:
        return self.expires is None or as_of <= self.expires


@attrs.frozen
class Waivers:
    """The waivers and severity overrides of one file."""

    waivers: tuple[Waiver, ...] = ()
    severities: tuple[SeverityOverride, ...] = ()
    file: str | None = None

    def check_rules(self, rule_ids: Iterable[str]) -> None:
        """Every rule named must exist: a typo would waive nothing, silently."""
        known = set(rule_ids)
        items: list[Waiver | SeverityOverride] = [*self.waivers, *self.severities]
        problems = [
            Diagnostic("waiver-unknown-rule",
                       _("no rule `{rule}` to waive or override").format(rule=item.rule),
                       path=f"{item.path}.rule", file=self.file,
                       help=did_you_mean(item.rule, known) or _(
                           "`policy-sdk check --all --format json` lists the rule ids"))
            for item in items
            if item.rule not in known and item.rule != EXPIRED_RULE
        ]
        if problems:
            raise WaiverError(problems)

    def severity_of(self, rule: str, as_of: dt.date) -> str | None:
        """The overridden severity of ``rule`` on ``as_of``, if any."""
        for item in self.severities:
            if item.rule == rule and item.in_force(as_of):
                return item.severity
        return None

    def find(self, rule: str, algorithm: str | None, platform: str | None,
             filing: str | None, as_of: dt.date,
             platforms: Sequence[str] = ()) -> Waiver | None:
        """The first waiver in force that matches (file order)."""
        for waiver in self.waivers:
            if waiver.in_force(as_of) and waiver.matches(rule, algorithm, platform, filing,
                                                         platforms):
                return waiver
        return None

    def expired(self, as_of: dt.date) -> tuple[Waiver, ...]:
        return tuple(w for w in self.waivers if not w.in_force(as_of))

    def warnings(self, used: Iterable[Waiver], as_of: dt.date) -> list[Diagnostic]:
        """Waivers in force that matched nothing, and expired severity overrides."""
        seen = set(used)
        out = [
            Diagnostic("waiver-unused",
                       _("the waiver of `{rule}` matches no violated or pending finding"
                         ).format(rule=w.rule), level="warning", path=w.path, file=self.file,
                       help=_("remove it if the finding was fixed, or check its algorithm, "
                              "platform and filing"))
            for w in self.waivers if w.in_force(as_of) and w not in seen
        ]
        out += [
            Diagnostic("severity-override-expired",
                       _("the severity override of `{rule}` expired on {date}").format(
                           rule=s.rule, date=s.expires),
                       level="warning", path=s.path, file=self.file,
                       help=_("renew it with a new `expires`, or remove it"))
            for s in self.severities if not s.in_force(as_of)
        ]
        return out


def load_waivers(path: str | os.PathLike[str]) -> Waivers:
    """Read a waivers file (YAML or JSON) through the strict reader the facts use: YAML
    1.2, a key written twice is an error, size and nesting limits."""
    from policy_sdk.facts.read import read_document

    file = str(path)
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or _("not a readable file")
        raise WaiverError([Diagnostic("io", _("cannot read waivers file `{file}`: {why}").format(
            file=file, why=why), file=file)]) from None
    document, _lines = read_document(data, file, "json" if file.endswith(".json") else "yaml",
                                     error=WaiverError)
    return parse_waivers(document, file)


def parse_waivers(document: Any, file: str | None = None) -> Waivers:
    """Waivers from a loaded document (every problem reported at once)."""
    problems: list[Diagnostic] = []

    def fail(path: str, code: str, message: str, help: str | None = None) -> None:
        problems.append(Diagnostic(code, message, path=path or None, file=file, help=help))

    if document is None:
        document = {}
    if not isinstance(document, Mapping):
        fail("", "waivers-shape", _("a waivers file is a mapping with `waivers:` and "
                                    "`severities:` lists"))
        raise WaiverError(problems)
    for key in document:
        if key not in _SECTIONS:
            fail(str(key), "unknown-key",
                 _("unknown section `{key}` of a waivers file").format(key=key),
                 did_you_mean(str(key), _SECTIONS))
    waivers = [attrs.evolve(w, file=file) for i, item in
               enumerate(_items(document, "waivers", fail))
               if (w := _waiver(item, f"waivers[{i}]", fail)) is not None]
    overrides = [o for i, item in enumerate(_items(document, "severities", fail))
                 if (o := _override(item, f"severities[{i}]", fail)) is not None]
    if problems:
        raise WaiverError(problems)
    return Waivers(tuple(waivers), tuple(overrides), file)


def _items(document: Mapping[str, Any], section: str, fail: Any) -> list[Any]:
    items = document.get(section)
    if items is None:
        return []
    if not isinstance(items, list):
        fail(section, "waivers-shape", _("`{section}` is a list").format(section=section))
        return []
    return items


def _fields(item: Any, path: str, keys: Sequence[str], fail: Any) -> dict[str, Any] | None:
    if not isinstance(item, Mapping):
        fail(path, "waivers-shape", _("each entry is a mapping (`rule: …`, `reason: …`, …)"))
        return None
    ok = True
    for key in item:
        if key not in keys:
            fail(f"{path}.{key}", "unknown-key", _("unknown key `{key}`").format(key=key),
                 did_you_mean(str(key), keys))
            ok = False
    for key in _REQUIRED:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            fail(f"{path}.{key}", "waiver-missing",
                 _("`{key}` is required: a waiver says which rule, why and who answers for it"
                   ).format(key=key))
            ok = False
    for key in ("algorithm", "platform", "filing"):
        if key in item and not isinstance(item[key], str):
            fail(f"{path}.{key}", "waivers-shape",
                 _("`{key}` is text (an id from the facts)").format(key=key))
            ok = False
    return dict(item) if ok else None


def _date(value: Any, path: str, fail: Any, *, required: bool) -> dt.date | bool | None:
    if value is None:
        if required:
            fail(path, "waiver-missing", _("`expires` is required: every waiver ends"))
            return False
        return None
    day = read_date(value)
    if day is not None:
        return day
    fail(path, "waivers-shape",
         _("`{value}` is not a date; expected YYYY-MM-DD").format(value=value))
    return False


def _waiver(item: Any, path: str, fail: Any) -> Waiver | None:
    fields = _fields(item, path, _WAIVER_KEYS, fail)
    expires = _date(item.get("expires") if isinstance(item, Mapping) else None,
                    f"{path}.expires", fail, required=True)
    if fields is None or not isinstance(expires, dt.date):
        return None
    return Waiver(rule=fields["rule"], reason=fields["reason"], owner=fields["owner"],
                  expires=expires, algorithm=fields.get("algorithm"),
                  platform=fields.get("platform"), filing=fields.get("filing"), path=path)


def _override(item: Any, path: str, fail: Any) -> SeverityOverride | None:
    fields = _fields(item, path, _OVERRIDE_KEYS, fail)
    expires = _date(item.get("expires") if isinstance(item, Mapping) else None,
                    f"{path}.expires", fail, required=False)
    severity = item.get("severity") if isinstance(item, Mapping) else None
    if severity not in ("mandatory", "advisory"):
        fail(f"{path}.severity", "waivers-shape",
             _("`{severity}` is not a severity; expected `mandatory` or `advisory`").format(
                 severity=severity),
             did_you_mean(str(severity), ("mandatory", "advisory")))
        return None
    if fields is None or expires is False:
        return None
    return SeverityOverride(rule=fields["rule"], severity=severity, reason=fields["reason"],
                            owner=fields["owner"],
                            expires=expires if isinstance(expires, dt.date) else None,
                            path=path)
