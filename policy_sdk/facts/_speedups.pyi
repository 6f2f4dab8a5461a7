# The loader's C part (_speedups.c); policy_sdk.facts.ids wraps it and has its twins.
from typing import Any, NewType

Pairs = NewType("Pairs", object)  # a capsule: the deployments' (algorithm, platform) pairs

def deployment_ids(
    rows: Any, algorithm_ids: dict[str, str], platform_ids: dict[str, str], /,
) -> tuple[tuple[str, ...], tuple[str, ...], bool, Pairs] | None: ...
def filing_rows(rows: Any, algorithms: tuple[str, ...], pairs: Pairs, where: Any, /,
                ) -> bool | None: ...
def distinct(texts: tuple[str, ...], /) -> bool: ...
