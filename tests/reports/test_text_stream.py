"""The text report written as it is made (``reports.textstream``) is exactly the text of
its slow twins, which hold every finding: :func:`plain_text` without colour,
:func:`rich_text` with it — on generated companies (both languages, every filter, any
batch size), on reports that hold their findings (waivers, hand-made findings with
hostile text), and it keeps no more than a batch of findings alive while it writes."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_sdk.engine.engine import Engine
from policy_sdk.engine.report import Finding, Report
from policy_sdk.i18n import use_language
from policy_sdk.reports import textstream
from policy_sdk.reports.text import plain_text, render_text, rich_text, safe
from policy_sdk.reports.textstream import iter_text, iter_text_utf8
from policy_sdk.testing.strategies import facts_documents

from .reports_support import AS_OF, COMPANY

HOSTILE = Path(__file__).resolve().parent / "hostile.yaml"
ROOT = Path(__file__).resolve().parents[2]
_day = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def _streamed(report: Report, batch: int, piece: int, made: bool = False, **options: Any
              ) -> tuple[str, bytes]:
    with mock.patch.object(textstream, "BATCH", batch), \
            mock.patch.object(textstream, "PIECE", piece), \
            mock.patch.object(textstream, "_deadlines",
                              mock.Mock(return_value=None) if made else textstream._deadlines):
        text = "".join(iter_text(report, **options))
        data = b"".join(iter_text_utf8(report, **options))
    return text, data


def _agree(report: Report, batch: int, piece: int, **options: Any) -> str:
    """The streamed text (str and UTF-8; findings placed by their keys, or made to be
    placed) is the whole-text writer's; with colour, the rich writer's."""
    expected = plain_text(report, **options)
    text, data = _streamed(report, batch, piece, **options)
    assert text == expected
    assert data == expected.encode("utf-8", "backslashreplace")
    assert _streamed(report, batch, piece, made=True, **options)[0] == expected
    coloured, _ = _streamed(report, batch, piece, color=True, **options)
    assert coloured == rich_text(report, color=True, **options)
    assert render_text(report, **options) == expected
    return expected


_options = st.fixed_dictionaries({}, optional={
    "include_all": st.booleans(), "severity": st.sampled_from(["mandatory", "advisory"])})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=facts_documents(), as_of=_day, language=st.sampled_from(["en", "zh"]),
       options=_options, batch=st.sampled_from([1, 2, 3, 128]),
       piece=st.sampled_from([1, 100, 1 << 20]))
def test_the_streamed_text_is_the_whole_text(
    engine: Engine, doc: dict[str, Any], as_of: dt.date, language: str,
    options: dict[str, Any], batch: int, piece: int,
) -> None:
    with use_language(language):
        report = engine.evaluate(doc, as_of=as_of)
        _agree(report, batch, piece, **options)


@pytest.mark.parametrize("facts", [COMPANY, HOSTILE])
@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("options", [{}, {"include_all": True}, {"severity": "advisory"}])
def test_the_example_and_hostile_companies(facts: Path, language: str,
                                           options: dict[str, Any]) -> None:
    with use_language(language):
        report = Engine().evaluate(facts, as_of=AS_OF)
        text = _agree(report, 2, 50, **options)
    if facts == HOSTILE:  # escaped, a batch at a time
        assert "\\x1b[31m" in text
        assert "\x1b" not in text


_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12) | \
    st.sampled_from(["[red]", "\x1b[31m", "a\nb", "\u202e", "\u3000x", "\xa0", "\x85",
                     " (provisional: the calendar does not know that year 2031)",
                     "(provisional: the calendar does not know that year"])
_finding = st.builds(
    Finding,
    rule=_text.filter(bool), status=st.sampled_from(["violated", "pending", "satisfied",
                                                     "not_applicable"]),
    severity=st.sampled_from(["mandatory", "advisory"]),
    algorithm=st.none() | _text, platform=st.none() | _text, filing=st.none() | _text,
    message=_text, citation=st.none() | _text, remedy=st.none() | _text,
    deadline=st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
    explanation=st.lists(_text, max_size=3).map(tuple),
    platforms=st.lists(_text, max_size=2).map(tuple),
    working_days_left=st.none() | st.integers(-30, 30),
)


@given(st.lists(_finding, max_size=8), st.booleans(), st.sampled_from([1, 2, 128]))
def test_reports_that_hold_their_findings(findings: list[Finding], include_all: bool,
                                          batch: int) -> None:
    report = Report(findings, as_of=dt.date(2026, 11, 20))
    _agree(report, batch, 1, include_all=include_all)


def test_a_waived_report(engine: Engine, tmp_path: Path) -> None:
    from policy_sdk.waivers import parse_waivers

    report = engine.evaluate(COMPANY, as_of=AS_OF)
    first = next(f for f in report.select("violated") if f.platform)
    waived = report.with_waivers(parse_waivers({"waivers": [
        {"rule": first.rule, "reason": "accepted for the test", "owner": "compliance",
         "expires": "2027-01-01"},
        {"rule": first.rule, "platform": first.platform, "reason": "expired",
         "owner": "李四", "expires": "2026-10-31"}]}))
    assert waived.counts["waived"]
    text = _agree(waived, 3, 1)
    assert "accepted for the test" in text
    assert "waivers/expired" in text


def _generated(n: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from engine_bench import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    doc: dict[str, Any] = generate(n)
    return doc


def test_the_text_holds_a_batch_at_a_time(engine: Engine) -> None:
    """Once the findings are placed, writing holds about a batch of them (and its
    text), not the report: the memory it allocates at its peak is a small part of
    the text it writes (the whole-text writer holds the whole text, and more)."""
    import tracemalloc

    report = engine.evaluate(_generated(400), as_of=AS_OF)
    # (the rules' explainers, made once per evaluation, are made here)
    whole = len(plain_text(report, include_all=True).encode("utf-8"))
    batch = 8
    with mock.patch.object(textstream, "PIECE", 1), \
            mock.patch.object(textstream, "BATCH", batch):
        tracemalloc.start()
        try:
            pieces = iter_text_utf8(report, include_all=True)  # placed
            tracemalloc.reset_peak()
            start = tracemalloc.get_traced_memory()[0]
            written = 0
            for piece in pieces:
                written += len(piece)
                del piece
            peak = tracemalloc.get_traced_memory()[1] - start
        finally:
            tracemalloc.stop()
    assert written == whole
    assert peak < whole / 10, (peak, whole)


def test_an_engine_selection_is_placed_by_its_keys(engine: Engine) -> None:
    """The fast placing is the one used for an engine's findings (each maker gives its
    deadlines by index), and it places them as the findings made would be."""
    report = engine.evaluate(COMPANY, as_of=AS_OF)
    listed = report.select(("violated", "pending", "waived", "satisfied", "not_applicable"))
    makers = [maker for maker, _, _ in listed.runs()]  # type: ignore[attr-defined]
    assert makers
    assert all(textstream._deadlines(m) is not None for m in makers)
    for maker, indexes, statuses in listed.runs():  # type: ignore[attr-defined]
        due = textstream._deadlines(maker)
        assert due is not None
        for f, index in zip(maker.many(indexes, statuses), indexes, strict=True):
            assert f.deadline == (due(index) if f.status in ("violated", "pending") else None)
    fast = textstream.Plan(listed)
    with mock.patch.object(textstream, "_deadlines", return_value=None):
        slow = textstream.Plan(listed)
    assert fast.total == slow.total == len(listed)
    assert [(h, [(r, o, p, list(c)) for r, o, p, c in cells]) for h, cells in fast.groups] == [
        (h, [(r, o, p, list(c)) for r, o, p, c in cells]) for h, cells in slow.groups]


@given(st.text() | st.text(st.sampled_from("a 网\x00\x1f\x7f\x80\x85\x9f\xa0\u061c\u200e\u200f"
                                           "\u202a\u202e\u2066\u2069\u3000\n\r\t\x1b")))
def test_the_fast_check_finds_what_safe_escapes(text: str) -> None:
    assert textstream._unsafe(text) == (safe(text) != text)
    if textstream._printable(text):
        assert safe(text) == text
