"""Fuzzing the command line: random argument lists built from the real vocabulary
(commands, options, good and bad files, dates) and random words. Every run ends with
exit status 0, 1 or 2 — never 3 (an internal error), never a traceback — in bounded
time. Files the commands may rewrite (``fmt``) are temporary copies, and the commands
run in a temporary folder (``init`` writes to the current one)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz_support import time_limit
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from policy_sdk.cli.main import COMMANDS, main
from policy_sdk.resources import default_policies_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _in_a_scratch_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands that write to the current folder (``init``) write to a scratch one."""
    before = Path.cwd()
    os.chdir(tmp_path_factory.mktemp("cli-fuzz-cwd"))
    try:
        yield
    finally:
        os.chdir(before)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cli-fuzz")
    shutil.copy(ROOT / "examples" / "company.yaml", d / "company.yaml")
    shutil.copytree(default_policies_dir(), d / "policies")
    (d / "bad.yaml").write_bytes(b"organization: [\n\xff\x00")
    (d / "bad.policy").write_text("require filing per", encoding="utf-8")
    (d / "laughs.yaml").write_text(
        'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
            for i in range(8)
        ),
        encoding="utf-8",
    )
    (d / "empty.json").write_text("", encoding="utf-8")
    (d / "list.json").write_text("[1, 2, 3]", encoding="utf-8")
    return d


def _words(d: Path) -> st.SearchStrategy[str]:
    files = [str(d / n) for n in ("company.yaml", "policies", "bad.yaml", "bad.policy",
                                  "laughs.yaml", "empty.json", "list.json",
                                  "policies/algorithm_filing.tests.yaml")]
    return st.one_of(
        st.sampled_from(sorted(COMMANDS)),
        st.sampled_from([
            "--facts", "--policy", "--as-of", "--format", "--calendar", "--plugin", "-p",
            "--disable", "--stop", "--on", "--strategy", "--check", "--diff", "--all",
            "--severity", "--exit-zero", "--no-plugin-rules", "--no-entrypoints", "--engine",
            "--no-coverage", "-v", "--help", "--version", "--color", "--no-color",
        ]),
        st.sampled_from([*files, str(d / "missing.yaml"), "-", ""]),
        st.sampled_from(["2026-11-20", "2026-02-30", "2099-01-01", "yesterday", "json", "text",
                         "sarif", "xml", "no:app", "no:core", "os:system", "batch", "single",
                         "auto", "feed-rec", "feed-rec@wx-mini", "mandatory", "reference"]),
        st.text(max_size=12),
    )


def _assert_handled(args: list[str]) -> None:
    """Run the command line in-process (no input, at most 30 s): it ends with exit 0, 1 or 2
    and prints no traceback or internal error."""
    runner = CliRunner()
    with runner.isolation(input="") as (out, err, *_), time_limit(30):
        code = main(args)
    text = out.getvalue().decode("utf-8", "replace") + err.getvalue().decode("utf-8", "replace")
    assert code in (0, 1, 2), f"exit {code} for {args!r}:\n{text}"
    assert "Traceback" not in text, text
    assert "internal error" not in text, text


@given(data=st.data())
def test_random_command_lines(workdir: Path, data: st.DataObject) -> None:
    # `serve` with good options runs until stopped: tests/server fuzzes its options
    command = data.draw(st.sampled_from(sorted(set(COMMANDS) - {"serve"})))
    args = [command, *data.draw(st.lists(_words(workdir), max_size=6))]
    assume(not any("\x00" in a for a in args))  # see test_nul_in_a_path_argument
    _assert_handled(args)


def _valid_lines(d: Path) -> list[list[str]]:
    facts, pack = str(d / "company.yaml"), str(d / "policies")
    return [
        ["check", "--facts", facts, "--as-of", "2026-11-20"],
        ["check", "--facts", facts, "--policy", pack, "--format", "json", "--as-of", "2026-11-20"],
        ["validate", pack],
        ["fmt", "--check", pack],
        ["schema"],
        ["plugins", "--format", "json"],
        ["inventory", "--facts", facts, "--as-of", "2026-11-20"],
        ["plan-cancel", "--facts", facts, "--as-of", "2026-11-20", "--stop", "feed-rec"],
        ["test", str(d / "policies" / "algorithm_filing.tests.yaml"), "--no-coverage"],
    ]


@settings(max_examples=30)  # each run evaluates real facts: fewer, costlier examples
@given(data=st.data())
def test_mutated_valid_command_lines(workdir: Path, data: st.DataObject) -> None:
    args = list(data.draw(st.sampled_from(_valid_lines(workdir))))
    for _ in range(data.draw(st.integers(1, 2))):
        i = data.draw(st.integers(0, len(args)))
        op = data.draw(st.sampled_from(["delete", "replace", "insert"]))
        if op == "delete" and i < len(args) and i > 0:
            del args[i]
        elif op == "replace" and 0 < i < len(args):
            args[i] = data.draw(_words(workdir))
        else:
            args.insert(max(i, 1), data.draw(_words(workdir)))
    assume(not any("\x00" in a for a in args))  # see test_nul_in_a_path_argument
    _assert_handled(args)


# `serve` with a policy that parses starts serving: tests/server checks its bad inputs
@pytest.mark.parametrize("command", sorted(set(COMMANDS) - {"serve"}))
def test_each_command_with_a_broken_facts_or_policy_file(workdir: Path, command: str) -> None:
    for bad in ("bad.yaml", "bad.policy", "laughs.yaml", "empty.json", "list.json"):
        path = str(workdir / bad)
        for args in ([command, path], [command, "--facts", path], [command, "--policy", path]):
            runner = CliRunner()
            with runner.isolation(input="") as (out, err, *_), time_limit(30):
                code = main(args)
            text = out.getvalue().decode() + err.getvalue().decode("utf-8", "replace")
            assert code in (0, 1, 2), f"exit {code} for {args!r}:\n{text}"
            assert "Traceback" not in text


@pytest.mark.parametrize(
    "args",
    [pytest.param(["fmt", "\x00"], id="fmt"),
     pytest.param(["validate", "\x00"], id="validate"),
     pytest.param(["check", "--facts", "x\x00.yaml"], id="check"),
     pytest.param(["inventory", "--facts", "\x00"], id="inventory"),
     pytest.param(["test", "policies", "--calendar", "\x00"], id="test-calendar"),
     pytest.param(["test", "\x00"], id="test")],
)
def test_nul_in_a_path_argument(args: list[str]) -> None:
    runner = CliRunner()
    with runner.isolation(input="") as (out, err, *_):
        code = main(args)
    assert code == 2, (out.getvalue() + err.getvalue()).decode("utf-8", "replace")
