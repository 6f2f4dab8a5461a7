"""Policy test files: what they say, and how they are read.

A test file (``NAME.tests.yaml``, kept beside the policies it tests) holds cases;
each case gives facts inline, a date (``as_of``) and expectations about findings.
The format is documented in ``docs/testing-policies.md``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from policy_sdk.dates import read_date
from policy_sdk.engine.report import STATUSES, Finding
from policy_sdk.errors import Diagnostic, PolicySdkError, did_you_mean

TEST_FILE_SUFFIXES: Final = (".tests.yaml", ".tests.yml")
MAX_TEST_FILE_BYTES: Final = 8 * 1024 * 1024
MAX_EXPANDED_NODES: Final = 1_000_000  # as policy_sdk._documents.MAX_EXPANDED_VALUES
"""YAML aliases may share facts between cases; a document whose aliases expand to
more nodes than this is refused (a "billion laughs" document would otherwise eat
all memory when the facts are walked)."""

DEFAULT_ORGANIZATION: Final[Mapping[str, Any]] = {"name": "test organization"}

_FILE_KEYS: Final = ("policies", "plugin_rules", "as_of", "cases")
_CASE_KEYS: Final = ("name", "as_of", "facts", "expect", "no_other_violations")
_EXPECT_KEYS: Final = ("rule", "for", "status", "deadline")


class PolicyTestError(PolicySdkError):
    """A policy test file that cannot be read (bad YAML, unknown key, bad value)."""

    default_code = "policy-test"


@attrs.frozen
class Target:
    """Which findings of a rule an expectation is about (all of them when empty).

    ``for: ALGORITHM@PLATFORM`` gives both parts; ``for: NAME`` is a filing number
    or, for findings without a filing, an algorithm id.
    """

    algorithm: str | None = None
    platform: str | None = None
    name: str | None = None

    def selects(self, finding: Finding) -> bool:
        if self.name is not None:
            if finding.filing is not None:
                return finding.filing == self.name
            return finding.algorithm == self.name and finding.platform is None
        if self.algorithm is not None or self.platform is not None:
            return finding.algorithm == self.algorithm and finding.platform == self.platform
        return True

    def __str__(self) -> str:
        if self.name is not None:
            return self.name
        if self.algorithm is not None or self.platform is not None:
            return f"{self.algorithm}@{self.platform}"
        return "every key"


@attrs.frozen
class Expectation:
    rule: str
    status: str
    target: Target = Target()
    #: the due date the findings must carry, if given (``null``: no due date)
    deadline: dt.date | None = None
    check_deadline: bool = False
    path: str = ""

    def describe(self) -> str:
        due = ""
        if self.check_deadline:
            due = f" (due {self.deadline})" if self.deadline else " (no due date)"
        return f"{self.rule} for {self.target}: {self.status}{due}"


@attrs.frozen
class TestCase:
    __test__ = False  # not a pytest test class
    name: str
    as_of: dt.date
    facts: Mapping[str, Any] = attrs.field(eq=False)
    expectations: tuple[Expectation, ...]
    no_other_violations: bool = False
    #: 1-based index in the file, and the line where the case starts
    index: int = 0
    line: int | None = None


@attrs.frozen
class TestFile:
    __test__ = False  # not a pytest test class
    path: Path
    policies: tuple[Path, ...]
    plugin_rules: bool
    cases: tuple[TestCase, ...]


def is_test_file(path: Path) -> bool:
    return path.name.endswith(TEST_FILE_SUFFIXES)


def discover(paths: list[str | os.PathLike[str]]) -> list[Path]:
    """The test files named, or found (recursively, sorted) under the folders named."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(
                q for q in p.rglob("*") if q.is_file() and is_test_file(q)
                and not _in_environment(q, p)))
        elif p.is_file():
            found.append(p)
        else:
            problems.append(Diagnostic("policy-test-missing", f"no file or folder `{raw}`"))
    if problems:
        raise PolicyTestError(problems)
    return sorted(set(found), key=lambda q: str(q))


# --- reading ------------------------------------------------------------------------


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Diagnostic] = []

    def error(self, path: str, code: str, message: str, help: str | None = None) -> None:
        self.problems.append(
            Diagnostic(code=code, message=message, path=path or None, file=self.file, help=help)
        )

    def unknown_keys(self, data: Mapping[Any, Any], allowed: tuple[str, ...], path: str,
                     hints: Mapping[str, str] | None = None) -> None:
        for key in data:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                hint = (hints or {}).get(str(key)) or did_you_mean(str(key), allowed)
                self.error(where, "policy-test-unknown-key", f"unknown key `{key}`", hint)

    def date(self, value: object, path: str) -> dt.date | None:
        day = read_date(value)
        if day is not None:
            return day
        self.error(path, "policy-test-date", f"`{value}` is not a date (write YYYY-MM-DD)")
        return None


def _load_yaml(path: Path) -> Any:
    """The test file's document, read as facts files are (``policy_sdk._documents``):
    YAML 1.2, duplicate keys are errors, alias, size and nesting limits."""
    from policy_sdk._documents import read_document

    def error(diagnostics: list[Diagnostic]) -> PolicySdkError:
        return PolicyTestError([
            attrs.evolve(d, code="policy-test-" + _CODES.get(d.code, d.code))
            for d in diagnostics
        ])

    return read_document(path, what="test file", error=error, max_bytes=MAX_TEST_FILE_BYTES)


# the reader's codes, as test-file codes (`policy-test-…`)
_CODES: Final = {"malformed": "yaml", "yaml-tag": "yaml", "yaml-alias": "yaml"}


def _line_of_cases(path: Path) -> list[int]:
    """Best-effort: the line where each case starts (for `file:line` in reports)."""
    lines: list[int] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return lines
    in_cases = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("cases:"):
            in_cases = True
            continue
        if in_cases and line[:1] not in (" ", "-", "#", ""):
            in_cases = False
        if in_cases and line.lstrip().startswith("- ") and (len(line) - len(line.lstrip())) <= 2:
            lines.append(number)
    return lines


def load_test_file(path: str | os.PathLike[str]) -> TestFile:
    """Read one test file; :class:`PolicyTestError` lists every problem found."""
    p = Path(path)
    reader = _Reader(str(p))
    data = _load_yaml(p)
    if not isinstance(data, Mapping):
        raise PolicyTestError([Diagnostic(
            "policy-test-shape", "a test file is a mapping with `cases` (a list of cases)",
            file=str(p))])
    reader.unknown_keys(data, _FILE_KEYS, "")

    policies: list[Path] = []
    raw_policies = data.get("policies")
    if raw_policies is None:
        # the policy files beside it (a folder named `x.policy` is not one)
        policies = sorted(q for q in p.parent.glob("*.policy") if not q.is_dir())
    elif isinstance(raw_policies, list) and all(isinstance(x, str) for x in raw_policies):
        for i, name in enumerate(raw_policies):
            target = (p.parent / name).resolve()
            if not target.exists():
                reader.error(f"policies[{i}]", "policy-test-missing",
                             f"no policy file or folder `{name}` beside this test file")
            policies.append(target)
    else:
        reader.error("policies", "policy-test-shape", "`policies` is a list of file names")

    plugin_rules = data.get("plugin_rules", False)
    if not isinstance(plugin_rules, bool):
        reader.error("plugin_rules", "policy-test-shape", "`plugin_rules` is true or false")
        plugin_rules = False

    default_as_of = None
    if "as_of" in data:
        default_as_of = reader.date(data["as_of"], "as_of")

    cases: list[TestCase] = []
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        reader.error("cases", "policy-test-shape", "`cases` is a non-empty list of cases")
        raw_cases = []
    lines = _line_of_cases(p)
    names: set[str] = set()
    for i, raw in enumerate(raw_cases):
        case = _read_case(reader, raw, f"cases[{i}]", default_as_of, i + 1,
                          lines[i] if i < len(lines) else None)
        if case is not None:
            if case.name in names:
                reader.error(f"cases[{i}].name", "policy-test-duplicate",
                             f"two cases are named `{case.name}`")
            names.add(case.name)
            cases.append(case)
    if reader.problems:
        raise PolicyTestError(reader.problems)
    return TestFile(path=p, policies=tuple(policies), plugin_rules=plugin_rules,
                    cases=tuple(cases))


def _read_case(
    reader: _Reader, raw: object, path: str, default_as_of: dt.date | None, index: int,
    line: int | None,
) -> TestCase | None:
    if not isinstance(raw, Mapping):
        reader.error(path, "policy-test-shape", "a case is a mapping with `facts` and `expect`")
        return None
    before = len(reader.problems)
    reader.unknown_keys(raw, _CASE_KEYS, path)
    name = raw.get("name", f"case {index}")
    if not isinstance(name, str) or not name.strip():
        reader.error(f"{path}.name", "policy-test-shape", "`name` is a non-empty text")
        name = f"case {index}"
    as_of = default_as_of
    if "as_of" in raw:
        as_of = reader.date(raw["as_of"], f"{path}.as_of")
    elif default_as_of is None:
        reader.error(f"{path}.as_of", "policy-test-as-of",
                     f"case `{name}` has no `as_of` date (give one per case or for the file)",
                     "results depend on the date; a test must fix it")
    facts = raw.get("facts", {})
    if facts is None:
        facts = {}
    if not isinstance(facts, Mapping):
        reader.error(f"{path}.facts", "policy-test-shape",
                     "`facts` is a mapping, like a facts file")
        facts = {}
    facts = dict(facts)
    organization = facts.get("organization")
    if organization is None:
        facts["organization"] = dict(DEFAULT_ORGANIZATION)
    elif isinstance(organization, Mapping) and "name" not in organization:
        facts["organization"] = {**DEFAULT_ORGANIZATION, **organization}
    expectations: list[Expectation] = []
    raw_expect = raw.get("expect")
    if not isinstance(raw_expect, list) or not raw_expect:
        reader.error(f"{path}.expect", "policy-test-shape",
                     "`expect` is a non-empty list of expectations")
        raw_expect = []
    for j, item in enumerate(raw_expect):
        expectation = _read_expectation(reader, item, f"{path}.expect[{j}]")
        if expectation is not None:
            expectations.append(expectation)
    other = raw.get("no_other_violations", False)
    if not isinstance(other, bool):
        reader.error(f"{path}.no_other_violations", "policy-test-shape",
                     "`no_other_violations` is true or false")
        other = False
    if len(reader.problems) > before or as_of is None:
        return None
    return TestCase(name=name, as_of=as_of, facts=facts, expectations=tuple(expectations),
                    no_other_violations=other, index=index, line=line)


_KEY_HINT = ("name the scope key with `for`: `ALGORITHM@PLATFORM`, a filing number or "
             "an algorithm id")
_EXPECT_HINTS = {"algorithm": _KEY_HINT, "platform": _KEY_HINT, "filing": _KEY_HINT}


def _read_expectation(reader: _Reader, raw: object, path: str) -> Expectation | None:
    if not isinstance(raw, Mapping):
        reader.error(path, "policy-test-shape",
                     "an expectation is a mapping: `{rule: ID, for: KEY, status: STATUS}`")
        return None
    before = len(reader.problems)
    reader.unknown_keys(raw, _EXPECT_KEYS, path, _EXPECT_HINTS)
    rule = raw.get("rule")
    if "rule" not in raw:
        reader.error(path, "policy-test-shape",
                     "an expectation needs `rule`: the id of the rule it is about")
    elif not isinstance(rule, str) or not rule:
        reader.error(f"{path}.rule", "policy-test-shape",
                     "`rule` is a rule id, e.g. `cn.algorithm_filing/filing_per_platform`")
    status = raw.get("status")
    if status not in STATUSES:
        reader.error(f"{path}.status", "policy-test-status",
                     f"unknown status `{status}`; expected "
                     + ", ".join(f"`{s}`" for s in STATUSES),
                     did_you_mean(str(status), STATUSES))
    target = Target()
    key = raw.get("for")
    if key is not None:
        if not isinstance(key, str) or not key or key.count("@") > 1:
            reader.error(f"{path}.for", "policy-test-shape",
                         "`for` is `ALGORITHM@PLATFORM`, a filing number or an algorithm id")
        elif "@" in key:
            algorithm, platform = key.split("@")
            target = Target(algorithm=algorithm, platform=platform)
        else:
            target = Target(name=key)
    deadline = None
    check_deadline = "deadline" in raw
    if check_deadline and raw["deadline"] is not None:
        deadline = reader.date(raw["deadline"], f"{path}.deadline")
    if len(reader.problems) > before:
        return None
    assert isinstance(rule, str)
    assert isinstance(status, str)
    return Expectation(rule=rule, status=status, target=target, deadline=deadline,
                       check_deadline=check_deadline, path=path)


def _in_environment(path: Path, root: Path) -> bool:
    """Whether ``path`` is inside a virtual environment (``pyvenv.cfg``) or a
    version-control folder below ``root`` (the installed pack's tests are not the
    project's)."""
    for parent in path.relative_to(root).parents:
        if parent != Path(".") and (parent.name in (".git", ".hg", ".svn")
                                    or (root / parent / "pyvenv.cfg").is_file()):
            return True
    return False
