"""Fuzzing policy test files (``*.tests.yaml``): a mutated test file loads, or raises
PolicyTestError; running it gives a result (errors collected), never another exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_support import HARDENING_SNIPPETS, mutated, time_limit
from hypothesis import given, settings

from policy_sdk.policytest import PolicyTestError, TestFile, load_test_file, run

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "policies" / "algorithm_filing.tests.yaml").read_bytes()
POLICY = (ROOT / "policies" / "algorithm_filing.policy").read_bytes()


def _write(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> Path:
    d = tmp_path_factory.mktemp("testfile")
    (d / "algorithm_filing.policy").write_bytes(POLICY)
    path = d / "x.tests.yaml"
    path.write_bytes(data)
    return path


@given(data=mutated(SEED, max_edits=4))
def test_mutated_test_file_loads_or_is_refused(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = _write(tmp_path_factory, data)
    error: PolicyTestError | None = None
    with time_limit():
        try:
            loaded = load_test_file(path)
        except PolicyTestError as exc:
            error = exc
    if error is not None:
        assert error.diagnostics
        error.render()
    else:
        assert isinstance(loaded, TestFile)


@given(data=mutated(SEED, max_edits=4, snippets=HARDENING_SNIPPETS))
def test_test_file_with_odd_input_loads_or_is_refused(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    """Duplicate keys, YAML 1.1 numbers, 4,400-digit integers, lone surrogates, CRs."""
    test_mutated_test_file_loads_or_is_refused.hypothesis.inner_test(  # type: ignore[attr-defined]
        tmp_path_factory, data)


@settings(max_examples=20)  # each example runs the whole file
@given(data=mutated(SEED, max_edits=3))
def test_mutated_test_file_runs_to_a_result(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = _write(tmp_path_factory, data)
    with time_limit(30):
        result = run([path], with_coverage=False)
    assert result.exit_code in (0, 1, 2)
    assert len(result.results) + len(result.errors) >= 1
