"""Load a JSON facts file of N deployments (default 1,000,000) and print time and memory.

    python benchmarks/load_facts.py [N]

The file is generated into a temporary folder (about 110 MB for 1M deployments):
1,000 algorithms x N/1,000 platforms, mixed statuses, one filing per algorithm.
Prints the generation time, the load time, and peak memory of the process
(``resource.getrusage`` maximum resident set size, which includes the file's text).
"""

from __future__ import annotations

import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path


def generate(path: Path, n: int) -> None:
    algorithms = 1000
    platforms = max(1, -(-n // algorithms))
    doc = {
        "organization": {"name": "基准测试有限公司", "role": "provider", "public_opinion": True},
        "algorithms": [{"id": f"alg-{a}", "types": ["personalized_push"],
                        "uses_recommendation": a % 7 != 0} for a in range(algorithms)],
        "platforms": [{"id": f"plat-{p}", "type": ("app", "website", "mini_program",
                                                   "official_account")[p % 4]}
                      for p in range(platforms)],
        "filings": [{"number": f"网信算备{110108000000000000000 + a:021d}号",
                     "algorithm": f"alg-{a}", "platforms": [f"plat-{a % platforms}"],
                     "status": "active", "filed_on": "2025-03-10", "displayed": True}
                    for a in range(algorithms)],
    }
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(doc, ensure_ascii=False)[:-1])
        out.write(', "deployments": [')
        for i in range(n):
            a, p = i % algorithms, i // algorithms
            stopped = i % 10 == 0
            row = (f'{{"algorithm": "alg-{a}", "platform": "plat-{p}", '
                   f'"status": "{"stopped" if stopped else "active"}", '
                   f'"launched_on": "2025-{1 + i % 12:02d}-{1 + i % 28:02d}"')
            if stopped:
                row += ', "stopped_on": "2026-10-09"'
            out.write(("," if i else "") + row + "}")
        out.write("]}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    from policy_sdk.facts import load_facts
    from policy_sdk.facts.load import platform_type_specs

    specs = platform_type_specs(("app", "website", "mini_program", "official_account"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "facts.json"
        t0 = time.perf_counter()
        generate(path, n)
        t1 = time.perf_counter()
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        facts = load_facts(path, platform_types=specs)
        t2 = time.perf_counter()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = path.stat().st_size
    assert len(facts.deployments) == n
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"python {platform.python_version()}")
    print(f"generated {n:,} deployments ({size / 1e6:.0f} MB JSON) in {t1 - t0:.1f} s")
    print(f"load_facts: {t2 - t1:.2f} s ({n / (t2 - t1):,.0f} deployments/s)")
    print(f"peak RSS: {rss / 1024:.0f} MB (before loading: {rss0 / 1024:.0f} MB)")


if __name__ == "__main__":
    # figures for the command line's setting: it may pause the cyclic collector
    # (an embedding Engine does not unless asked; see benchmarks/gc_pause.py)
    from policy_sdk import gc_pause_allowed

    with gc_pause_allowed():
        main()
