# The loader's C part (_speedups.c); policy_sdk.facts.ids wraps it and has its twins.
from typing import Any

def deployment_ids(
    rows: Any, algorithm_ids: dict[str, str], platform_ids: dict[str, str],
    tables: dict[str, dict[str, int]], /,
) -> tuple[tuple[str, ...], tuple[str, ...], bool] | None: ...
def filing_rows(rows: Any, algorithms: tuple[str, ...], platform_ids: dict[str, str],
                at: dict[str, dict[str, int]], /) -> bytes | None: ...
