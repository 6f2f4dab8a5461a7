"""The cancellation planner: which filings to cancel (batched or singly), change or keep.

Semantics (``docs/cancellation.md``):

1. The request stops deployments: ``ALGORITHM@PLATFORM``, or ``ALGORITHM`` for every
   platform it runs on, as of ``on``. Without a request, the plan covers every
   algorithm with a deployment already ``stopped`` in the facts, at its ``stopped_on``.
2. Every live filing (``submitted``/``active``) of a touched algorithm is classified
   against the deployments with the request applied: *cancel* when the algorithm runs
   on none of its platforms and stopped on some (deadline: 20 working days after the
   last stop, Art. 24 ¶3); *change* when it stopped on some and runs on others (10
   working days after the first stop, Art. 24 ¶2); *keep* otherwise.
3. The filings to cancel become :class:`~policy_sdk.plugins.specs.CancellationCandidate`
   s; a strategy divides them into batches and singles. ``auto`` asks every strategy
   and takes the proposal with the fewest applications among those that batch nothing
   a platform refuses (ties: strategy name).
4. The plan is checked against its invariants before it is returned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import attrs

from policy_sdk.cancellation._common import (
    check_filing_platforms,
    code,
    deadline,
    later_warning,
    platform_requirements,
    provisional_warning,
    refusal,
)
from policy_sdk.cancellation.model import (
    BASE_MATERIALS,
    CancellationPlan,
    KeptFiling,
    OrphanPlanned,
    PlannedBatch,
    PlannedChange,
    PlannedFiling,
    PlannedSingle,
    PlatformRequirements,
    Stop,
    StrategyResult,
    WorkdayCounter,
)
from policy_sdk.errors import Diagnostic, FactsError, PluginError, did_you_mean
from policy_sdk.facts.derived import deployment_index
from policy_sdk.facts.lifecycle import (
    CANCEL_WORKDAYS,
    CHANGE_WORKDAYS,
    NOT_YET_FILED,
    NOT_YET_LAUNCHED,
    filing_lifecycle,
    lifecycle,
)
from policy_sdk.facts.model import Deployment, Facts, Filing
from policy_sdk.plugins.specs import (
    Batch,
    CancellationCandidate,
    CancellationCapabilities,
    CancellationStrategy,
    Proposal,
    Single,
)

AUTO = "auto"


class PlanInvariantError(AssertionError):
    """A plan broke one of its invariants: a bug in the planner, never bad input."""


# --- the request ------------------------------------------------------------------


def check_stop_dates(
    facts: Facts, requested: Mapping[tuple[str, str], str], on: dt.date
) -> None:
    """A requested stop before the deployment's launch is an error, as in the facts."""
    problems = []
    for i, d in enumerate(facts.deployments):
        text = requested.get(d.key)
        if text is not None and d.launched_on is not None and on < d.launched_on:
            problems.append(
                Diagnostic(
                    code="date-order",
                    message=(
                        f"`{d.algorithm}` on `{d.platform}` (requested as `{text}`) cannot stop "
                        f"on {on.isoformat()}: it launches on {d.launched_on.isoformat()}"
                    ),
                    path=f"deployments[{i}].launched_on",
                    help="give `--on` a date on or after the launch",
                )
            )
    if problems:
        raise FactsError(problems)


def parse_stops(facts: Facts, stops: Sequence[str]) -> dict[tuple[str, str], str]:
    """Resolve ``ALGORITHM[@PLATFORM]`` requests to deployment keys -> request text.

    ``ALGORITHM`` alone means every platform where it runs (active or paused); if it
    runs nowhere, every platform where it is deployed. Unknown names and platforms the
    algorithm is not deployed on are errors (all collected), with did-you-mean.
    """
    algorithms = {a.id for a in facts.algorithms} | {d.algorithm for d in facts.deployments}
    platforms = {p.id for p in facts.platforms}
    deployed: dict[str, list[Deployment]] = {}
    for d in facts.deployments:
        deployed.setdefault(d.algorithm, []).append(d)
    out: dict[tuple[str, str], str] = {}
    problems: list[Diagnostic] = []

    def add(key: tuple[str, str], text: str) -> None:
        # several requests may name one deployment: keep the same one whatever their order
        out[key] = min(out.get(key, text), text)

    def fail(i: int, c: str, msg: str, help_: str | None = None) -> None:
        problems.append(Diagnostic(code=c, message=msg, path=f"stops[{i}]", help=help_))

    for i, text in enumerate(stops):
        read = _read_stop(text, algorithms, platforms)
        if isinstance(read, Diagnostic):
            problems.append(attrs.evolve(read, path=f"stops[{i}]"))
            continue
        alg, plat = read
        sep = plat is not None
        plat = plat or ""
        if not alg or (sep and not plat):
            fail(i, "bad-stop", f"`{text}` is not `ALGORITHM` or `ALGORITHM@PLATFORM`")
            continue
        if alg not in algorithms:
            fail(
                i, "unknown-algorithm", f"unknown algorithm `{alg}`", did_you_mean(alg, algorithms)
            )
            continue
        deps = deployed.get(alg, [])
        if not sep:
            running = [d for d in deps if d.running]
            for d in running or deps:
                add(d.key, text)
            if not deps:
                fail(i, "not-deployed", f"algorithm `{alg}` is not deployed on any platform")
            continue
        if plat not in platforms:
            fail(i, "unknown-platform", f"unknown platform `{plat}`", did_you_mean(plat, platforms))
            continue
        if (alg, plat) not in {d.key for d in deps}:
            where = sorted(d.platform for d in deps)
            hint = did_you_mean(plat, where) or (
                f"`{alg}` is deployed on {code(where)}" if where else None
            )
            fail(i, "not-deployed", f"algorithm `{alg}` is not deployed on platform `{plat}`", hint)
            continue
        add((alg, plat), text)
    if problems:
        raise FactsError(problems)
    return out


def _read_stop(
    text: str, algorithms: set[str], platforms: set[str]
) -> tuple[str, str | None] | Diagnostic:
    """``(algorithm, platform or None)`` for a ``--stop`` text, or the problem.

    Ids may contain ``@``. A backslash takes the next character literally (``\\@`` is an
    ``@`` inside an id) and, once written, makes every plain ``@`` a separator. Without
    one, the text is read every way its ``@``s allow (the whole text as an algorithm, or
    ``ALGORITHM@PLATFORM`` at each ``@``): one reading naming a known algorithm (and
    platform) is taken; several are an ``ambiguous-stop`` error listing them.
    """
    if "\\" in text:
        pieces = [""]
        escaped = False
        for ch in text.strip():
            if escaped:
                pieces[-1] += ch
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == "@":
                pieces.append("")
            else:
                pieces[-1] += ch
        if escaped or len(pieces) > 2:
            return Diagnostic("bad-stop", f"`{text}` is not `ALGORITHM` or `ALGORITHM@PLATFORM`",
                              help="write `\\@` for an `@` inside an id, `\\\\` for a "
                              "backslash")
        return pieces[0].strip(), pieces[1].strip() if len(pieces) == 2 else None
    whole = text.strip()
    readings: list[tuple[str, str | None]] = [(whole, None)]
    at = whole.find("@")
    while at >= 0:
        readings.append((whole[:at].strip(), whole[at + 1 :].strip()))
        at = whole.find("@", at + 1)
    known = [(a, p) for a, p in readings
             if a in algorithms and (p is None or p in platforms)]
    if len(known) > 1:
        listed = "; ".join(
            (f"algorithm `{a}` on platform `{p}`" if p is not None
             else f"algorithm `{a}` on every platform") + f" (write `{_spelled(a, p)}`)"
            for a, p in known
        )
        return Diagnostic("ambiguous-stop", f"`{text}` can be read {len(known)} ways: {listed}",
                          help="a backslash takes the next character literally, and once "
                          "written makes every plain `@` a separator")
    if known:
        return known[0]
    return readings[1] if len(readings) > 1 else readings[0]  # worded by the caller


def _spelled(algorithm: str, platform: str | None) -> str:
    """A ``--stop`` text read only as this (backslash form)."""

    def escape(s: str) -> str:
        return s.replace("\\", "\\\\").replace("@", "\\@")

    out = escape(algorithm) + (f"@{escape(platform)}" if platform is not None else "")
    return out if "\\" in out else "\\" + out


# --- strategies -------------------------------------------------------------------


def _check_proposal(
    proposal: Proposal, candidates: Mapping[str, CancellationCandidate], name: str
) -> bool:
    """Raise PluginError if ``proposal`` does not place every candidate exactly once;
    return False if it batches a candidate a platform refuses (True otherwise)."""
    seen: list[str] = [n for b in proposal.batches for n in b.filings]
    seen += [s.filing for s in proposal.singles]
    problems: list[str] = []
    unknown = sorted(set(seen) - set(candidates))
    if unknown:
        problems.append(f"places filings that are not to be cancelled: {code(unknown)}")
    twice = sorted({n for n in seen if seen.count(n) > 1})
    if twice:
        problems.append(f"places filings more than once: {code(twice)}")
    missing = sorted(set(candidates) - set(seen))
    if missing:
        problems.append(f"leaves filings out: {code(missing)}")
    if any(not b.filings for b in proposal.batches):
        problems.append("proposes an empty batch")
    if problems:
        raise PluginError(
            [
                Diagnostic(
                    code="strategy-invalid",
                    message=f"cancellation strategy `{name}` {p}",
                    help="a strategy must place every candidate exactly once",
                )
                for p in problems
            ]
        )
    return all(
        candidates[n].accepts_batch
        for b in proposal.batches
        if len(b.filings) > 1
        for n in b.filings
    )


def _normalise(proposal: Proposal) -> Proposal:
    """A batch of one is a single."""
    singles = list(proposal.singles)
    batches = []
    for b in proposal.batches:
        if len(b.filings) == 1:
            singles.append(Single(b.filings[0], b.reason))
        else:
            batches.append(Batch(tuple(sorted(b.filings)), b.reason))
    return Proposal(
        strategy=proposal.strategy,
        batches=tuple(sorted(batches, key=lambda b: b.filings)),
        singles=tuple(sorted(singles, key=lambda s: s.filing)),
    )


def _refused_batch_error(name: str) -> PluginError:
    return PluginError(
        [
            Diagnostic(
                code="strategy-invalid",
                message=(
                    f"cancellation strategy `{name}` batches a filing whose platform "
                    "refuses batch cancellation"
                ),
                help="a strategy must put such filings into singles",
            )
        ]
    )


def choose(
    candidates: Sequence[CancellationCandidate],
    strategies: Mapping[str, CancellationStrategy],
    strategy: str,
) -> tuple[Proposal, tuple[StrategyResult, ...]]:
    """The proposal the plan follows, and (for ``auto``) how each strategy fared."""
    by_filing = {c.filing: c for c in candidates}
    ordered = sorted(candidates, key=lambda c: c.filing)
    if strategy != AUTO:
        chosen = strategies[strategy]
        proposal = _normalise(chosen.propose(ordered))
        if not _check_proposal(proposal, by_filing, strategy):
            raise _refused_batch_error(strategy)
        return attrs.evolve(proposal, strategy=strategy), ()
    results: list[StrategyResult] = []
    best: Proposal | None = None
    for name in sorted(strategies):
        proposal = attrs.evolve(_normalise(strategies[name].propose(ordered)), strategy=name)
        eligible = _check_proposal(proposal, by_filing, name)
        results.append(StrategyResult(name, proposal.applications, eligible))
        if eligible and (best is None or proposal.applications < best.applications):
            best = proposal  # names are visited in order, so ties keep the first name
    if best is None:
        raise PluginError(
            "no cancellation strategy proposed a plan every platform accepts",
            code="no-strategy",
        )
    return best, tuple(results)


# --- the plan ---------------------------------------------------------------------


def _materials(
    platforms: Iterable[str], reqs: Mapping[str, PlatformRequirements]
) -> tuple[str, ...]:
    extra = sorted({m for p in set(platforms) for m in reqs[p].required_materials})
    return BASE_MATERIALS + tuple(m for m in extra if m not in BASE_MATERIALS)


def plan_cancellation(
    facts: Facts,
    stops: Sequence[str] = (),
    *,
    capabilities: Mapping[str, CancellationCapabilities],
    strategies: Mapping[str, CancellationStrategy],
    calendar: WorkdayCounter,
    on: dt.date | None,
    as_of: dt.date,
    strategy: str = AUTO,
) -> CancellationPlan:
    """Plan the cancellations (and changes) that stopping ``stops`` on ``on`` entails.

    Raises :class:`FactsError` for a request naming an unknown algorithm or platform
    (or a platform the algorithm is not deployed on), :class:`PluginError` for an
    unknown strategy or one that breaks the strategy contract, and
    :class:`~policy_sdk.errors.EvaluationError` when a deadline falls in a year the
    calendar does not know.
    """
    if strategy != AUTO and strategy not in strategies:
        raise PluginError(
            [
                Diagnostic(
                    code="unknown-strategy",
                    message=f"unknown cancellation strategy `{strategy}`",
                    help=did_you_mean(strategy, [AUTO, *strategies])
                    or f"available: {code(sorted([AUTO, *strategies]))}",
                )
            ]
        )
    if strategy == AUTO and not strategies:
        raise PluginError("no cancellation strategy is registered", code="no-strategy")
    reqs = platform_requirements(facts, capabilities)
    check_filing_platforms(facts, reqs)
    stop_on = on if on is not None else as_of
    life = lifecycle(facts, as_of)  # the one model `check` and `inventory` read too
    current = life.facts  # as of the day: later launches, stops, filings not yet happened
    requested = parse_stops(current, stops)
    check_stop_dates(current, requested, stop_on)

    warnings: list[str] = []
    deployments = deployment_index(current)
    given = deployment_index(facts)
    effective = dict(deployments)
    stop_list: list[Stop] = []
    for key, text in requested.items():
        dep = deployments[key]
        if dep.running or dep.status == NOT_YET_LAUNCHED:
            effective[key] = attrs.evolve(given[key], status="stopped", stopped_on=stop_on)
        else:
            when = dep.stopped_on.isoformat() if dep.stopped_on else "an unknown date"
            warnings.append(
                f"`{key[0]}` on `{key[1]}` (requested as `{text}`) already stopped on {when}; "
                "that date counts"
            )
    if requested:
        touched = {alg for alg, _ in requested}
    else:
        touched = {d.algorithm for d in current.deployments if d.status == "stopped"}
    by_algorithm: dict[str, dict[str, Deployment]] = {}
    for (alg, plat), dep in effective.items():
        by_algorithm.setdefault(alg, {})[plat] = dep
    for key, dep in sorted(effective.items()):
        if dep.algorithm in touched and dep.status == "stopped":
            source = "request" if effective[key] is not deployments[key] else "facts"
            stop_list.append(Stop(dep.algorithm, dep.platform, dep.stopped_on, source))
            if dep.stopped_on is None:
                warnings.append(
                    f"`{dep.algorithm}` on `{dep.platform}` has no stop date: "
                    "deadlines that depend on it cannot be computed"
                )

    types_of = {a.id: tuple(sorted(set(a.types))) for a in current.algorithms}
    to_cancel: dict[str, PlannedFiling] = {}
    candidates: list[CancellationCandidate] = []
    kept: list[KeptFiling] = []
    orphans: list[OrphanPlanned] = []
    changes: list[PlannedChange] = []
    considered_filings: list[Filing] = []
    provisional: set[int] = set()
    for f in sorted(current.filings, key=lambda f: f.number):
        if f.algorithm not in touched:
            continue
        if f.status == NOT_YET_FILED and f.filed_on is not None:
            warnings.append(
                f"filing `{f.number}` is filed on {f.filed_on.isoformat()}, after the as-of "
                "date: it does not exist yet, so it is not planned"
            )
            continue
        if f.status == "cancellation_pending":
            warnings.append(
                f"filing `{f.number}` is already pending cancellation; not planned again"
            )
            continue
        if not f.live:
            continue
        considered_filings.append(f)
        on_platform = by_algorithm.get(f.algorithm, {})
        c = filing_lifecycle(f, on_platform, life.change_records.get(f.number, ()))
        platforms = c.platforms
        ptypes = tuple(sorted({reqs[p].platform_type for p in platforms}))
        if not c.launched_platforms:
            orphans.append(
                OrphanPlanned(
                    f.number, f.algorithm, platforms,
                    reason=(
                        f"`{f.algorithm}` was never launched on {code(platforms)}: the filing "
                        "covers no service, so nothing stops there; launch it, or change or "
                        "cancel the filing on its own (an orphan filing: see the inventory)"
                    ),
                )
            )
            continue
        if c.never_launched and (c.terminated or c.change_due):
            warnings.append(
                f"filing `{f.number}` names {code(c.never_launched)} where `{f.algorithm}` was "
                "never launched (an orphan platform: see the inventory)"
            )
        if c.cancellation_due:
            due, overdue, guess = deadline(calendar, c.terminated_on, CANCEL_WORKDAYS, as_of)
            if guess and due is not None:
                provisional.add(due.year)
            pf = PlannedFiling(
                filing=f.number,
                algorithm=f.algorithm,
                algorithm_types=types_of.get(f.algorithm, ()),
                platforms=platforms,
                platform_types=ptypes,
                stopped_on=c.terminated_on,
                deadline=due,
                overdue=overdue,
                provisional=guess,
            )
            to_cancel[f.number] = pf
            # partial offline (seed 002: 这时候就必须单独处理): the algorithm still runs on
            # a platform this filing does not name, so the filing goes on its own
            elsewhere = tuple(sorted(p for p, d in on_platform.items() if d.running))
            reasons = [
                f"`{f.algorithm}` still runs on {code(elsewhere)}: a partial offline is "
                "cancelled on its own, so the regulator can be told when and why these "
                "platforms went offline"
            ] if elsewhere else []
            platform_refusal = refusal(platforms, reqs)
            if platform_refusal is not None:
                reasons.append(platform_refusal)
            why_not = "; ".join(reasons) or None
            candidates.append(
                CancellationCandidate(
                    filing=f.number,
                    algorithm=f.algorithm,
                    algorithm_types=pf.algorithm_types,
                    platforms=platforms,
                    platform_types=ptypes,
                    accepts_batch=why_not is None,
                    refusal=why_not,
                    stopped_on=c.terminated_on,
                    deadline=due,
                )
            )
        elif c.change_due:
            due, overdue, guess = deadline(calendar, c.change_due_on, CHANGE_WORKDAYS, as_of)
            if guess and due is not None:
                provisional.add(due.year)
            remove = c.change_platforms
            changes.append(
                PlannedChange(
                    filing=f.number,
                    algorithm=f.algorithm,
                    platforms=platforms,
                    remove=remove,
                    keep=tuple(p for p in platforms if p not in c.stopped_platforms),
                    stopped_on=c.change_due_on,
                    deadline=due,
                    overdue=overdue,
                    reason=(
                        f"`{f.algorithm}` stopped on {code(remove)} but still runs on "
                        f"{code(c.running_platforms)}: change the filing on its own to remove "
                        "the stopped platforms, do not cancel it (Art. 24 ¶2)"
                    ),
                    provisional=guess,
                )
            )
        else:
            if c.stopped_platforms:
                recorded = max(e.changed_on for e in c.changes if e.changed_on is not None)
                reason = (
                    f"`{f.algorithm}` still runs on {code(c.running_platforms)}; the change "
                    f"removing {code(c.stopped_platforms)} is recorded on {recorded.isoformat()}"
                )
            else:
                reason = f"`{f.algorithm}` still runs on {code(c.running_platforms)}"
            kept.append(KeptFiling(f.number, f.algorithm, platforms, c.running_platforms, reason))

    proposal, considered = choose(candidates, strategies, strategy)
    batches = []
    for b in proposal.batches:
        members = tuple(to_cancel[n] for n in b.filings)
        dues = [m.deadline for m in members if m.deadline is not None]
        first_due = min(dues) if dues else None
        batches.append(
            PlannedBatch(
                filings=members,
                reason=b.reason,
                materials=_materials((p for m in members for p in m.platforms), reqs),
                deadline=first_due,
                overdue=first_due is not None and first_due < as_of,
            )
        )
    singles = [
        PlannedSingle(
            to_cancel[s.filing], s.reason, _materials(to_cancel[s.filing].platforms, reqs)
        )
        for s in proposal.singles
    ]
    cancel_dues = [pf.deadline for pf in to_cancel.values() if pf.deadline is not None]
    overdue_numbers = sorted(
        [pf.filing for pf in to_cancel.values() if pf.overdue]
        + [ch.filing for ch in changes if ch.overdue]
    )
    plan = CancellationPlan(
        as_of=as_of,
        requested_strategy=strategy,
        strategy=proposal.strategy,
        stops=tuple(stop_list),
        batches=tuple(sorted(batches, key=lambda b: b.numbers)),
        singles=tuple(sorted(singles, key=lambda s: s.filing.filing)),
        kept=tuple(kept),
        changes=tuple(changes),
        orphans=tuple(orphans),
        deadline=min(cancel_dues) if cancel_dues else None,
        overdue=tuple(overdue_numbers),
        warnings=tuple(sorted(set(warnings)) + provisional_warning(provisional)
                       + later_warning(life.view.ignored)),
        considered=considered,
    )
    verify_plan(plan, considered_filings, effective, reqs)
    return plan


def verify_plan(
    plan: CancellationPlan,
    filings: Sequence[Filing],
    deployments: Mapping[tuple[str, str], Deployment],
    reqs: Mapping[str, PlatformRequirements],
) -> None:
    """Raise :class:`PlanInvariantError` if ``plan`` breaks an invariant.

    * every live filing of a touched algorithm is in exactly one of batches, singles,
      changes, kept — and nothing else is;
    * no cancelled filing names a platform where its algorithm still runs;
    * no batch holds a filing whose platform refuses batch cancellation, and every
      batch holds at least two filings;
    * ``single`` yields no batches.
    """
    placed = list(plan.cancelled_numbers())
    placed += [c.filing for c in plan.changes] + [k.filing for k in plan.kept]
    placed += [o.filing for o in plan.orphans]
    expected = sorted(f.number for f in filings)
    if sorted(placed) != expected:
        raise PlanInvariantError(f"filings placed {sorted(placed)} != live touched {expected}")
    by_number = {f.number: f for f in filings}
    for number in plan.cancelled_numbers():
        f = by_number[number]
        for p in f.platforms:
            dep = deployments.get((f.algorithm, p))
            if dep is not None and dep.running:
                raise PlanInvariantError(f"{number} cancelled although {f.algorithm} runs on {p}")
    for b in plan.batches:
        if len(b.filings) < 2:
            raise PlanInvariantError(f"batch of one: {b.numbers}")
        for m in b.filings:
            if any(d.running for (a, _), d in deployments.items() if a == m.algorithm):
                raise PlanInvariantError(f"{m.filing} batched although {m.algorithm} still runs")
            if any(not reqs[p].accepts_batch for p in m.platforms):
                raise PlanInvariantError(f"{m.filing} batched although a platform refuses it")
    if plan.strategy == "single" and plan.batches:
        raise PlanInvariantError("the single strategy produced batches")
