"""``FindingText`` (an engine's findings written from their values, what a rule makes
the same for all its findings written once into the pieces) gives what the row writer
gives, and its UTF-8 twin gives that text's UTF-8 (lone surrogates backslash-escaped,
as ``policy_sdk._io`` writes text): for any subset of constant fields, any values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.engine.finding import FINDING_FIELDS, STATUSES, Finding, row_of
from policy_sdk.engine.jsontext import FindingText, FindingWriter, utf8
from policy_sdk.errors import Span

_text = st.text(max_size=6) | st.sampled_from(
    ["", '"', "\\", "\n", "算法", "a\ud800b", "{platform}", "%s"])
OWN_FIELDS = [f for f in FINDING_FIELDS if not f.shared]

_findings = st.builds(
    Finding,
    rule=_text, status=st.sampled_from(STATUSES),
    severity=st.sampled_from(["mandatory", "advisory"]),
    algorithm=st.none() | _text, platform=st.none() | _text, filing=st.none() | _text,
    message=_text, citation=st.none() | _text, remedy=st.none() | _text,
    deadline=st.none() | st.dates(min_value=dt.date(2020, 1, 1)),
    explanation=st.lists(_text, max_size=3).map(tuple), origin=_text,
    span=st.none() | st.builds(Span, _text, st.integers(1, 99), st.integers(1, 99),
                               st.just(1), st.just(1)),
    facts_path=st.none() | _text, facts_line=st.none() | st.integers(1, 10**6),
    platforms=st.lists(_text, max_size=2).map(tuple),
    working_days_left=st.none() | st.integers(-500, 500),
)


@given(f=_findings, constant_fields=st.sets(st.sampled_from([f.name for f in OWN_FIELDS])),
       indent=st.sampled_from([None, 0, 2, 4]))
def test_finding_text_is_the_row_writers(f: Finding, constant_fields: set[str],
                                         indent: int | None) -> None:
    writer = FindingWriter(indent)
    writer.write(f)
    expected = "".join(writer.out)
    texts = FindingText(indent)
    values: dict[str, Any] = dict(zip(("rule", "status", "severity", "message", "citation",
                                       "origin", "span"),
                                      (f.rule, f.status, f.severity, f.message, f.citation,
                                       f.origin, f.span), strict=True))
    own = [getattr(f, name) for name in texts.own]
    constant = frozenset(name for field in OWN_FIELDS if field.name in constant_fields
                         for name in field.reads)
    values.update((name, getattr(f, name)) for name in constant)
    text = texts.text_for(constant)(texts.template(values, constant), *own)
    assert text == expected
    encoded = texts.utf8_for(constant)(texts.utf8_template(values, constant), *own)
    assert encoded == utf8(expected)
    assert row_of(f)  # the writer read the row the engine's makers give
