"""The two first-party cancellation strategies (registered by the core plugin).

A strategy divides the filings the planner has decided to cancel
(:class:`~policy_sdk.plugins.specs.CancellationCandidate`) into batches (one
application cancels several filings) and singles (one application per filing).
The contract is in :class:`~policy_sdk.plugins.specs.CancellationStrategy`:
place every candidate exactly once, never batch a candidate whose platform refuses
batch cancellation, and do not depend on the order of the candidates.

* :class:`BatchStrategy` (``batch``): among the candidates that accept batch
  cancellation, the type most of them have (ties: by name) makes one batch of every
  candidate with that type, then the next type among those left, while a type is
  shared by two or more; so every member of a batch has the types its reason lists.
  A candidate left alone, one without algorithm types and one that is refused (a
  platform refuses, or a partial offline) are singles, each with its reason.
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
    """Batch candidates that share an algorithm type; the rest are singles."""

    name = "batch"
    description = (
        "one application per group of batchable filings sharing an algorithm type; "
        "refused or isolated filings one by one"
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

        # groups that share a type: the type most candidates have first (ties: its name),
        # then the next among those left; every member of a batch has its type
        batches: list[Batch] = []
        left = list(batchable)
        while left:
            counts: dict[str, int] = {}
            for c in left:
                for t in set(c.algorithm_types):
                    counts[t] = counts.get(t, 0) + 1
            best = min(counts, key=lambda t: (-counts[t], t))
            if counts[best] < 2:
                break
            members = [c for c in left if best in c.algorithm_types]
            left = [c for c in left if best not in c.algorithm_types]
            shared = sorted(set.intersection(*(set(m.algorithm_types) for m in members)))
            algorithms = sorted({m.algorithm for m in members})
            platforms = sorted({p for m in members for p in m.platforms})
            batches.append(
                Batch(
                    filings=tuple(sorted(m.filing for m in members)),
                    reason=(
                        f"every filing's algorithm has the type {_code(shared)} "
                        f"({_code(algorithms)}) and every platform ({_code(platforms)}) "
                        "accepts batch cancellation"
                    ),
                )
            )
        for c in left:
            singles.append(
                Single(
                    c.filing,
                    "no other batchable filing shares an algorithm type with "
                    f"`{c.algorithm}` ({_code(sorted(c.algorithm_types))})",
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
