"""What a report's setup keeps between reports gives what making it anew gives.

Each cache here has a slow twin (the same thing made every time) and a property test
that the two agree; a report's whole text is pinned by the text tests, and here a
report made on a warm engine is compared with one made with every cache emptied.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.engine.finding import FINDING_FIELDS
from policy_sdk.engine.jsontext import _Made
from policy_sdk.errors import Span

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
