"""No silent pass on applicability: the facts that decide whether the filing rules apply.

Whether the Provisions' filing duty applies turns on two facts: the organization's
``public_opinion`` (具有舆论属性或者社会动员能力, Art. 24) and each algorithm's
``uses_recommendation``. Left out, either would quietly make rules "not applicable"
and a report clean. So (``docs/semantics.md`` §9):

* ``organization.public_opinion`` missing: a warning; read as ``false`` (whether a
  service has public-opinion attributes is a legal finding the facts must state; a
  default of ``true`` would bury a company without them in false violations).
* ``uses_recommendation`` missing on an algorithm with Art. 2 ``types``: a warning;
  read as ``true`` (the stricter reading: every Art. 2 type — generation/synthesis,
  personalized push, ranking/selection, retrieval/filtering, scheduling/decision — is
  algorithm recommendation technology by definition).
* ``uses_recommendation`` missing and no ``types``: a warning; read as ``false``.
* ``uses_recommendation: false`` with Art. 2 ``types``: a warning (the file contradicts
  itself; it is read as written).

The loader calls these builders while it reads the file, so the warnings land in
:attr:`Facts.warnings` with the file and line; ``check`` prints them in one block and
``validate --facts`` lists them; ``--strict`` (:func:`strict`) makes every facts
warning an error. :func:`later_dates` words the as-of warning of §7.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from policy_sdk.errors import Diagnostic, FactsError
from policy_sdk.facts.model import Facts
from policy_sdk.i18n import N_, _, plural

__all__ = [
    "contradicting_types",
    "later_dates",
    "missing_public_opinion",
    "missing_uses_recommendation",
    "reads_uses_recommendation",
    "strict",
]


def _types(types: Sequence[str]) -> str:
    return _(", ").join(f"`{t}`" for t in types)


def missing_public_opinion() -> tuple[str, str, str]:
    """(code, message, help) for an organization without ``public_opinion``."""
    return (
        "missing-public-opinion",
        _("`public_opinion` is not given: read as `false`, so the filing rules "
          "(Art. 24) and the security assessment do not apply to any algorithm"),
        _("say `public_opinion: true` if the services have public-opinion attributes or "
          "social-mobilization capacity, `false` if not"),
    )


def reads_uses_recommendation(types: Sequence[str]) -> bool:
    """How a missing ``uses_recommendation`` is read: true when Art. 2 types are given."""
    return bool(types)


def missing_uses_recommendation(algorithm: str, types: Sequence[str]) -> tuple[str, str, str]:
    """(code, message, help) for an algorithm without ``uses_recommendation``."""
    if types:
        message = _(
            "algorithm `{algorithm}` does not say `uses_recommendation`: read as `true`, "
            "because its types ({types}) are algorithm recommendation technology (Art. 2)"
        ).format(algorithm=algorithm, types=_types(types))
    else:
        message = _(
            "algorithm `{algorithm}` says neither `uses_recommendation` nor `types`: read as "
            "not using recommendation, so no recommendation rule applies to it"
        ).format(algorithm=algorithm)
    return ("missing-uses-recommendation", message,
            _("set `uses_recommendation: true` or `false` (and its Art. 2 `types`)"))


def contradicting_types(algorithm: str, types: Sequence[str]) -> tuple[str, str, str]:
    """(code, message, help) for Art. 2 types with ``uses_recommendation: false``."""
    return (
        "types-contradict-recommendation",
        _("algorithm `{algorithm}` has Art. 2 types ({types}) but "
          "`uses_recommendation: false`: every Art. 2 type is algorithm recommendation "
          "technology, yet the recommendation rules are switched off for it").format(
            algorithm=algorithm, types=_types(types)),
        _("set `uses_recommendation: true`, or remove the types if the algorithm serves no "
          "users"),
    )


def later_dates(count: int) -> Diagnostic | None:
    """The one warning about dates after the as-of day (None when there are none)."""
    if not count:
        return None
    return Diagnostic(
        "dates-after-as-of",
        plural(count, N_("{count} date in the facts is after the as-of date and treated as "
                         "not yet happened (launches, stops, filings, records)"),
               N_("{count} dates in the facts are after the as-of date and treated as not "
                  "yet happened (launches, stops, filings, records)")),
        level="warning",
        help=_("pass `--as-of` a later day to judge them"),
    )


def strict(facts: Facts) -> None:
    """Raise :class:`FactsError` with every warning of ``facts`` as an error (``--strict``)."""
    if facts.warnings:
        raise FactsError([attrs.evolve(d, level="error") for d in facts.warnings])


def provisional_years(years: Sequence[int]) -> list[Diagnostic]:
    """One warning per year whose deadlines were counted provisionally (docs/calendar.md)."""
    return [
        Diagnostic(
            "calendar-provisional",
            _("deadlines in {year} are provisional: the working-day calendar does not know "
              "{year} yet, so they count Monday to Friday without the holidays whose dates "
              "move").format(year=y),
            level="warning",
            help=_("supply the State Council's holiday notice for {year} as a calendar file "
                   "(`--calendar FILE`; see docs/calendar.md)").format(year=y),
        )
        for y in sorted(set(years))
    ]


def evaluation_warnings(facts: Facts, as_of: dt.date, report: object) -> tuple[Diagnostic, ...]:
    """What ``check`` prints before the findings: the facts' own warnings, the dates
    after ``as_of`` set aside (one warning with the count), and one warning per year
    whose deadlines were counted provisionally."""
    from policy_sdk.facts.lifecycle import facts_as_of

    out = list(facts.warnings)
    # an engine report's evaluation knows what it set aside and which due days it
    # counted provisionally
    ctx: Any = getattr(getattr(report, "_source", None), "_ctx", None)
    if ctx is not None and ctx.given is facts and ctx.as_of == as_of:
        ignored: int = ctx.ignored
    else:
        ignored = facts_as_of(facts, as_of).ignored
    later = later_dates(ignored)
    if later is not None:
        out.append(later)
    if ctx is not None:
        years = [d.year for d in ctx.provisional_dues()]
    else:  # another report: ask its findings
        select = getattr(report, "select", None)
        found = select(("violated", "pending")) if select is not None else ()
        years = [f.deadline.year for f in found if f.provisional]
    out.extend(provisional_years(years))
    return tuple(out)
