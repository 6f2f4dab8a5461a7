"""What a report's setup keeps between reports gives what making it anew gives.

Each cache here has a slow twin (the same thing made every time) and a property test
that the two agree; a report's whole text is pinned by the text tests, and here a
report made on a warm engine is compared with one made with every cache emptied.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_sdk import ast
from policy_sdk.api import Engine
from policy_sdk.engine.context import condition_key, provisional_due
from policy_sdk.engine.daycount import kept
from policy_sdk.engine.deadlines import count_working_days_left
from policy_sdk.engine.engine import rule_infos, rule_infos_uncached
from policy_sdk.engine.finding import FINDING_FIELDS
from policy_sdk.engine.jsontext import _Made
from policy_sdk.errors import Span
from policy_sdk.i18n import use_language
from policy_sdk.syntax import parse_policy
from policy_sdk.workdays import WorkdayCalendar, YearSchedule, default_calendar

from .test_report_text_generated import _day, companies

_SHARED = [name for f in FINDING_FIELDS if f.shared for name in f.reads]
_OWN = [name for f in FINDING_FIELDS if not f.shared for name in f.reads]
_scalar = (st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([1.0, 0.0, -2.5])
           | st.text(max_size=6) | st.sampled_from(["算法备案", 'a "quote"', "x\ny"]))
_span = st.builds(Span, st.sampled_from(["a.policy", "b.policy"]), st.integers(1, 3),
                  st.integers(1, 3), st.integers(1, 3), st.integers(1, 3))
_value = _scalar | _span | st.tuples(_scalar, _scalar) | st.just(()) | st.lists(_scalar,
                                                                                 max_size=2)


#: what each attribute may be in a template's values (a span: one or none)
_VALUES = {n: (st.none() | _span) if n == "span" else _value for n in _SHARED + _OWN}


@given(values=st.lists(st.fixed_dictionaries({n: _VALUES[n] for n in _SHARED}),
                       min_size=1, max_size=4),
       constant=st.sets(st.sampled_from(_OWN)), indent=st.sampled_from([None, 0, 2]),
       own=st.data())
def test_kept_templates_are_the_templates_made_anew(
    values: list[dict[str, Any]], constant: set[str], indent: int | None, own: Any
) -> None:
    """``_Made.template_with`` keeps a template by the values, their types and the
    constant set: whatever came before, it gives what ``template_with_uncached`` makes
    (``1``, ``1.0`` and ``True`` are equal keys of a dict, but written differently)."""
    made = _Made(indent)
    fixed = frozenset(constant)
    for shared in values:
        given_values = {**shared, **{n: own.draw(_VALUES[n]) for n in sorted(fixed)}}
        try:
            expected = made.template_with_uncached(given_values, fixed)
        except (TypeError, ValueError, AttributeError):
            continue  # a value the wire cannot write (a date that is none): no template
        assert made.template_with(given_values, fixed) == expected
        assert made.template_with(given_values, fixed) == expected  # now kept


def test_equal_values_of_other_types_get_their_own_template() -> None:
    made = _Made(2)
    base: dict[str, Any] = {n: "x" for n in _SHARED}
    base["span"] = None
    texts = set()
    for v in (1, 1.0, True):
        texts.add(made.template_with({**base, "rule": v}, frozenset()))
    assert len(texts) == 3


# --- day counts kept per calendar (engine.daycount) ------------------------------------

_days = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2031, 12, 31))


@given(anchor=_days, amount=st.integers(0, 40), as_of=_days)
def test_kept_day_counts_are_the_counts(anchor: dt.date, amount: int, as_of: dt.date) -> None:
    """What a calendar counted for an earlier evaluation is what it counts now: the due
    day (and whether it was counted provisionally), the working days left."""
    for calendar in (default_calendar(), WorkdayCalendar(
            [YearSchedule(2030, holidays=(dt.date(2030, 2, 4),))])):
        due = partial(provisional_due, calendar, anchor, amount)
        left = partial(count_working_days_left, calendar, as_of, anchor)
        for _ in range(2):  # the second time, read back
            assert kept(calendar, ("due", anchor, amount), due) == due()
            assert kept(calendar, ("left", as_of, anchor), left) == left()


def test_a_calendar_of_another_class_is_counted_every_time() -> None:
    class Counting(WorkdayCalendar):
        __slots__ = ()

    calendar = Counting()
    made: list[int] = []
    for _ in range(2):
        kept(calendar, ("x",), lambda: made.append(1))
    assert len(made) == 2
    other = WorkdayCalendar()
    for _ in range(2):
        kept(other, ("x",), lambda: made.append(1))
    assert len(made) == 3


# --- what a report says about its rules (engine.rule_infos) ----------------------------


def test_rule_infos_are_made_once_per_language_and_agree() -> None:
    engine = Engine()
    rules = engine.rules
    for language in ("en", "zh", "en"):
        with use_language(language):
            assert rule_infos(rules) == rule_infos_uncached(rules, language)
    with use_language("zh"):
        assert rule_infos(rules) is rule_infos(rules)
        assert rule_infos(list(rules)) == rule_infos(rules)  # a list: made anew
    with use_language("en"):
        english = rule_infos(rules)
    with use_language("zh"):
        assert rule_infos(rules) != english  # the pack's rules have texts in both


# --- conditions shared between rules (context.condition_key) ---------------------------


def _condition(text: str) -> ast.Expr:
    module = parse_policy(f'policy t {{\n rule r "t" {{\n require opt_out per platform '
                          f'where {text}\n }}\n}}\n')
    where = module.items[0].rules[0].statement.where  # type: ignore[union-attr]
    assert where is not None
    return where


_CONDITIONS = ["a and b", "a or b", "not a", "a and b", "x == 1", "x == 1.0", "x == true",
               '"k" in ks', "x == 1 and y == 1.0"]


@given(st.lists(st.sampled_from(_CONDITIONS), min_size=1, max_size=8))
def test_equal_conditions_and_only_they_share_a_key(texts: list[str]) -> None:
    """Rules share what a condition decided where their conditions are the same (the
    same tree, literals of the same types), however many times each is asked — while
    the tables are kept: they are let go past a bound (thousands of trees: many
    examples of this test), and then only the sharing is lost, never a number reused
    (below)."""
    _empty_caches()
    trees = [_condition(t) for t in texts]
    keys = [condition_key(t) for t in trees]
    assert keys == [condition_key(t) for t in trees]
    for t1, s1, k1 in zip(trees, texts, keys, strict=True):
        for t2, s2, k2 in zip(trees, texts, keys, strict=True):
            assert (k1 == k2) == (s1 == s2)
            assert k1 != k2 or t1 == t2
    _empty_caches()  # as when the bound is passed: new numbers, none of the old ones
    again = [condition_key(t) for t in trees]
    assert not set(again) & set(keys)
    assert [[a == b for b in again] for a in again] == [[a == b for b in keys] for a in keys]


# --- a whole report: warm caches against emptied ones ------------------------------------


def _empty_caches() -> None:
    """Let go of everything kept between reports (the slow twin: every report's setup
    made anew)."""
    from policy_sdk.engine import (
        context,
        daycount,
        engine,
        explain,
        jsontext,
        kept_texts,
        wording,
    )
    from policy_sdk.facts import values

    explain._TEMPLATES.clear()
    wording._WORDS.clear()
    kept_texts._KEPT.clear()
    values._SPEC_TABLES.clear()
    engine._INFOS.clear()
    daycount._KEPT.clear()
    jsontext._SHAPES.clear()
    for made in jsontext._WRITERS.values():
        made._kept_with.clear()
    with context._CONDITION_LOCK:
        context._CONDITION_NUMBERS.clear()
        context._CONDITION_BY_ID.clear()


@pytest.fixture(scope="module")
def warm() -> Engine:
    return Engine()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=companies(), as_of=_day, language=st.sampled_from(["en", "zh"]),
       indent=st.sampled_from([None, 2]), first=st.sampled_from(["en", "zh"]))
def test_a_warm_engine_writes_what_a_cold_one_writes(
    warm: Engine, doc: dict[str, Any], as_of: dt.date, language: str, indent: int | None,
    first: str,
) -> None:
    """A report of an engine that has made reports before (in either language, on other
    facts) is the text of the same report with every cache emptied."""
    with use_language(first):  # warm it up: in a language, on these facts
        warm.evaluate(doc, as_of=as_of).to_json(True, indent=indent)
    with use_language(language):
        warmed = [warm.evaluate(doc, as_of=as_of).to_json(all_, indent=indent)
                  for all_ in (False, True)]
        _empty_caches()
        cold = [warm.evaluate(doc, as_of=as_of).to_json(all_, indent=indent)
                for all_ in (False, True)]
    assert warmed == cold


def test_threads_share_the_caches_and_write_the_same_texts(warm: Engine) -> None:
    """Threads writing reports at once, in both languages, from emptied caches: each
    text is the one written alone."""
    from concurrent.futures import ThreadPoolExecutor

    doc = {
        "organization": {"name": "公司", "role": "provider", "public_opinion": True},
        "algorithms": [{"id": a, "types": ["personalized_push"], "uses_recommendation": True}
                       for a in ("a", "b")],
        "platforms": [{"id": p, "type": "app"} for p in ("p", "q", "r")],
        "deployments": [{"algorithm": a, "platform": p, "status": "active",
                         "launched_on": f"2025-0{i + 1}-0{j + 1}"}
                        for i, a in enumerate(("a", "b")) for j, p in enumerate("pqr")],
        "filings": [{"number": "网信算备110108000000001号", "algorithm": "a",
                     "platforms": ["q"], "status": "active", "filed_on": "2025-03-10",
                     "displayed": True}],
    }

    def write(language: str) -> str:
        with use_language(language):
            return warm.evaluate(doc, as_of=dt.date(2026, 11, 20)).to_json(True)

    alone = {language: write(language) for language in ("en", "zh")}
    _empty_caches()
    languages = ["en", "zh"] * 16
    with ThreadPoolExecutor(max_workers=8) as pool:
        texts = list(pool.map(write, languages))
    assert texts == [alone[language] for language in languages]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(other=companies(), doc=companies(), as_of=_day, language=st.sampled_from(["en", "zh"]))
def test_texts_kept_from_another_company_are_the_texts_made_anew(
    warm: Engine, other: dict[str, Any], doc: dict[str, Any], as_of: dt.date, language: str,
) -> None:
    """The texts kept between reports (engine.kept_texts: notes on reusable materials,
    deadline lines, the text around a platform) are keyed by all they are made from: a
    report after one on another company is the report made with nothing kept."""
    with use_language(language):
        warm.evaluate(other, as_of=as_of).to_json(True)
        warmed = warm.evaluate(doc, as_of=as_of).to_json(True)
        _empty_caches()
        cold = warm.evaluate(doc, as_of=as_of).to_json(True)
    assert warmed == cold


def test_a_kept_table_stops_growing_at_its_bound_and_is_let_go_when_full() -> None:
    from policy_sdk.engine import kept_texts
    from policy_sdk.engine.fact_lines import _around_algorithm

    _empty_caches()
    found = _around_algorithm("a `{algorithm}` on `{platform}` b")
    assert found is not None
    text, _around = found
    for i in range(kept_texts.BOUND + 10):
        assert text(f"alg{i}", "p") == f"a `alg{i}` on `p` b"  # the slow twin's text
    (table,) = kept_texts._KEPT.values()
    assert len(table) == kept_texts.BOUND
    assert kept_texts.kept_table(next(iter(kept_texts._KEPT))) == {}  # full: let go


@given(names=st.sets(st.sampled_from(["app", "mini_program", "official_account", "website",
                                      "quick_app"])))
def test_kept_spec_tables_are_the_tables_made_anew(names: set[str]) -> None:
    """The tables the facts checks read off a registry's platform types are made once
    per (read-only) specs and equal those made anew; a plain dict is read every time."""
    from policy_sdk.facts import values
    from policy_sdk.plugins.registry import PlatformTypes

    if not _REGISTRY:
        _REGISTRY.append(Engine().registry.platform_types)
    every = _REGISTRY[0]
    assert isinstance(every, PlatformTypes)
    chosen = {n: every[n] for n in sorted(names) if n in every}
    specs = PlatformTypes(chosen, every.obligation_kinds)
    kept = values.spec_tables(specs)
    assert kept is values.spec_tables(specs)
    assert kept == values.spec_tables_uncached(specs)
    plain = dict(chosen)
    assert values.spec_tables(plain) == values.spec_tables_uncached(plain)
    assert values.spec_tables(plain) is not values.spec_tables(plain)


_REGISTRY: list[Any] = []


@given(languages=st.lists(st.sampled_from(["en", "zh"]), min_size=1, max_size=4))
def test_kept_rule_words_are_the_words_made_anew(warm: Engine, languages: list[str]) -> None:
    """What a rule's explanations say whatever the facts is made once per rule and
    language, and is what making it anew gives, in any order of languages."""
    from policy_sdk.engine.wording import rule_words, rule_words_uncached

    _empty_caches()
    for language in languages:
        for rule in warm.rules:
            kept = rule_words(rule, warm.schema, language)
            assert kept is rule_words(rule, warm.schema, language)
            assert kept == rule_words_uncached(rule, warm.schema, language)
    assert rule_words(warm.rules[0], warm.schema, "en") != rule_words(
        warm.rules[0], warm.schema, "zh")


@given(launched=st.dates(min_value=dt.date(2026, 12, 1), max_value=dt.date(2026, 12, 31)),
       as_of=st.dates(min_value=dt.date(2026, 12, 1), max_value=dt.date(2027, 2, 28)))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_kept_due_days_keep_their_provisional_mark(
    warm: Engine, launched: dt.date, as_of: dt.date
) -> None:
    """A due day counted through a year the calendar does not know, looked up where an
    earlier evaluation counted it (Context.due, deadlines.working_days_left), is marked
    provisional as when counted anew: the same report as with nothing kept."""
    doc = {
        "organization": {"name": "x", "public_opinion": True},
        "algorithms": [{"id": "a", "uses_recommendation": True}],
        "platforms": [{"id": p, "type": "app"} for p in ("p", "q")],
        "deployments": [{"algorithm": "a", "platform": p, "status": "active",
                         "launched_on": launched.isoformat()} for p in ("p", "q")],
    }
    warm.evaluate(doc, as_of=as_of).to_json(True)
    warmed = warm.evaluate(doc, as_of=as_of)
    text, marks = warmed.to_json(True), [f.provisional for f in warmed.findings]
    _empty_caches()
    cold = warm.evaluate(doc, as_of=as_of)
    assert (text, marks) == (cold.to_json(True), [f.provisional for f in cold.findings])
