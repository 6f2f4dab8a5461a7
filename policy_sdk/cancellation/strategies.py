"""The two first-party cancellation strategies (registered by the core plugin).

A strategy divides the filings the planner has decided to cancel
(:class:`~policy_sdk.plugins.specs.CancellationCandidate`) into batches (one
application cancels several filings) and singles (one application per filing).
The contract is in :class:`~policy_sdk.plugins.specs.CancellationStrategy`:
place every candidate exactly once, never batch a candidate whose platform refuses
batch cancellation, and do not depend on the order of the candidates.

* :class:`BatchStrategy` (``batch``): among the candidates every platform of which
  accepts batch cancellation, groups those whose algorithm types overlap — the
  connected components of "shares an algorithm type" — into one batch each. A
  group of one, a candidate without algorithm types and a candidate a platform
  refuses are singles, each with its reason.
* :class:`SingleStrategy` (``single``): every candidate on its own.

Practice, not statute (seed 002, REGULATIONS.md [P]): batch cancellation pays when
the algorithms' types overlap and the platforms accept it; scattered uses and
platforms that verify item by item are cancelled one by one.
"""

from __future__ import annotations

from collections.abc import Sequence

from policy_sdk.plugins.specs import Batch, CancellationCandidate, Proposal, Single

_REFUSED = "a platform refuses batch cancellation"


def _ordered(candidates: Sequence[CancellationCandidate]) -> list[CancellationCandidate]:
    return sorted(candidates, key=lambda c: c.filing)


def _code(names: Sequence[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


class BatchStrategy:
    """Batch candidates whose algorithm types overlap; the rest are singles."""

    name = "batch"
    description = (
        "one application per group of batchable filings whose algorithm types overlap "
        "(connected components); refused or isolated filings one by one"
    )

    def propose(self, candidates: Sequence[CancellationCandidate]) -> Proposal:
        ordered = _ordered(candidates)
        singles: list[Single] = []
        batchable: list[CancellationCandidate] = []
        for c in ordered:
            if not c.accepts_batch:
                singles.append(Single(c.filing, c.refusal or _REFUSED))
            elif not c.algorithm_types:
                singles.append(
                    Single(c.filing, f"algorithm `{c.algorithm}` has no algorithm type to group by")
                )
            else:
                batchable.append(c)

        # union-find over candidates sharing a type: connected components, deterministic
        parent = list(range(len(batchable)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        first_with_type: dict[str, int] = {}
        for i, c in enumerate(batchable):
            for t in c.algorithm_types:
                j = first_with_type.setdefault(t, i)
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)

        groups: dict[int, list[CancellationCandidate]] = {}
        for i, c in enumerate(batchable):
            groups.setdefault(find(i), []).append(c)

        batches: list[Batch] = []
        for members in groups.values():
            if len(members) == 1:
                c = members[0]
                singles.append(
                    Single(
                        c.filing,
                        "no other batchable filing shares an algorithm type with "
                        f"`{c.algorithm}` ({_code(sorted(c.algorithm_types))})",
                    )
                )
                continue
            types = sorted({t for m in members for t in m.algorithm_types})
            shared = sorted(t for t in types if sum(t in m.algorithm_types for m in members) > 1)
            algorithms = sorted({m.algorithm for m in members})
            platforms = sorted({p for m in members for p in m.platforms})
            batches.append(
                Batch(
                    filings=tuple(sorted(m.filing for m in members)),
                    reason=(
                        f"algorithm types overlap ({_code(shared)} shared by "
                        f"{_code(algorithms)}) and every platform ({_code(platforms)}) "
                        "accepts batch cancellation"
                    ),
                )
            )
        return Proposal(
            strategy=self.name,
            batches=tuple(sorted(batches, key=lambda b: b.filings)),
            singles=tuple(sorted(singles, key=lambda s: s.filing)),
        )


class SingleStrategy:
    """Cancel every filing with its own application."""

    name = "single"
    description = "one application per filing"

    def propose(self, candidates: Sequence[CancellationCandidate]) -> Proposal:
        singles = []
        for c in _ordered(candidates):
            if c.accepts_batch:
                reason = "single strategy: every filing is cancelled on its own"
            else:
                reason = c.refusal or _REFUSED
            singles.append(Single(c.filing, reason))
        return Proposal(strategy=self.name, batches=(), singles=tuple(singles))


__all__ = ["BatchStrategy", "SingleStrategy"]
