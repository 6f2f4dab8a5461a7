"""The collector pause: a choice of the host (off when embedding), safe across threads."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from policy_sdk import Engine, gc_pause_allowed
from policy_sdk._gc import gc_pause_is_allowed, gc_paused
from policy_sdk.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "company.yaml"


@pytest.fixture
def disables(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the calls of ``gc.disable`` (the collector is switched off process-wide)."""
    calls: list[int] = []
    real = gc.disable

    def spy() -> None:
        calls.append(1)
        real()

    monkeypatch.setattr(gc, "disable", spy)
    yield calls
    assert gc.isenabled()


def test_without_an_opt_in_the_collector_is_left_alone(disables: list[int]) -> None:
    assert not gc_pause_is_allowed()
    with gc_paused():
        assert gc.isenabled()
    assert disables == []


def test_the_pause_nests_and_restores() -> None:
    assert gc.isenabled()
    with gc_pause_allowed():
        with gc_paused():
            assert not gc.isenabled()
            with gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the outer pause still holds
        assert gc.isenabled()
    assert not gc_pause_is_allowed()


def test_the_opt_in_covers_its_own_thread_only() -> None:
    seen: list[bool] = []
    with gc_pause_allowed():
        t = threading.Thread(target=lambda: seen.append(gc_pause_is_allowed()))
        t.start()
        t.join(10)
        assert gc_pause_is_allowed()
    assert seen == [False]


def test_a_collector_the_caller_switched_off_stays_off() -> None:
    gc.disable()
    try:
        with gc_pause_allowed(), gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_embedded_engine_leaves_the_host_collector_alone(disables: list[int]) -> None:
    engine = Engine()
    report = engine.evaluate(EXAMPLE, as_of="2026-11-20")
    assert report.findings
    assert report.to_json()
    assert disables == []


def test_an_engine_that_opts_in_pauses_it(disables: list[int]) -> None:
    engine = Engine(pause_gc=True)
    before = len(disables)
    report = engine.evaluate(EXAMPLE, as_of="2026-11-20")
    assert report.findings
    assert len(disables) > before
    assert not gc_pause_is_allowed()  # the opt-in does not outlive the call


def test_the_command_line_pauses_it(
    disables: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--facts", str(EXAMPLE), "--as-of", "2026-11-20",
                 "--format", "json"]) in (0, 1)
    assert '"findings"' in capsys.readouterr().out
    assert disables


def test_interleaved_threads_leave_the_collector_on() -> None:
    # A enters, B enters while A holds the pause, A leaves, B leaves: a naive
    # isenabled()/disable()/enable() in B would see "off" and never switch it back on
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a() -> None:
        with gc_pause_allowed(), gc_paused():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def b() -> None:
        a_in.wait(5)
        with gc_pause_allowed(), gc_paused():
            b_in.set()
            a_out.wait(5)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert gc.isenabled()
