"""The per-platform filing decision through the public API: prints figures (not a test).

``require filing per platform where uses_recommendation`` on a facts document held in
memory: ``Engine.load_facts(doc)`` → ``evaluate`` → ``violations()``, the path the peer
harness times (``../shared/bench-peers``, where ``bench_policy_sdk.py`` is the
comparison). The document has the peers' shape, made here: N deployments, ~N/10
algorithms each on 10 of N/4 platforms, 70 % using recommendation, 80 % of those
filed (one platform per filing, as the filing system exports them), shuffled filings.

Each size runs in a fresh process, twice: with the host's cyclic garbage collector as
it is (an embedder's default) and with ``Engine(pause_gc=True)``; wall and CPU time of
each step, and peak RSS (the document included).

Run: ``python benchmarks/filing_decision.py [SIZES...]`` (default 10000 100000 1000000).
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from typing import Any

POLICY = "require filing per platform where uses_recommendation"
TYPES = ("app", "mini_program", "official_account", "website")


def document(n: int, seed: int = 42) -> tuple[dict[str, Any], int]:
    """The facts document and the number of violations it must give."""
    rnd = random.Random(seed)
    n_plat = max(10, n // 4)
    algorithms: dict[str, bool] = {}
    deployments: list[dict[str, Any]] = []
    filings: list[dict[str, Any]] = []
    plats: list[int] = []
    expected = 0
    for i in range(n):
        if i % 10 == 0:
            plats = rnd.sample(range(n_plat), 10)
        rec = rnd.random() < 0.7
        alg, plat = f"alg-{i // 10}|{int(rec)}", f"plat-{plats[i % 10]}"
        algorithms[alg] = rec
        deployments.append({"algorithm": alg, "platform": plat})
        if rnd.random() < (0.8 if rec else 0.1):
            filings.append({"number": f"网信算备{len(filings):021d}号", "algorithm": alg,
                            "platform": plat, "status": "active"})
        else:
            expected += rec
    rnd.shuffle(filings)
    doc = {
        "organization": {"name": "bench", "public_opinion": True},
        "algorithms": [{"id": a, "uses_recommendation": r} for a, r in algorithms.items()],
        "platforms": [{"id": f"plat-{p}", "type": TYPES[p % 4],
                       **({"host": "wechat"} if p % 4 == 1 else {})} for p in range(n_plat)],
        "deployments": deployments,
        "filings": filings,
    }
    return doc, expected


def one(n: int, pause_gc: bool) -> dict[str, Any]:
    from policy_sdk import Engine

    doc, expected = document(n)
    engine = Engine.from_source(POLICY, load_entrypoints=True, plugin_rules=False,
                                pause_gc=pause_gc)
    engine.evaluate(document(10, seed=1)[0], as_of="2026-11-20").violations()  # warm-up
    marks = [(time.perf_counter(), time.process_time())]
    facts = engine.load_facts(doc)
    marks.append((time.perf_counter(), time.process_time()))
    report = engine.evaluate(facts, as_of="2026-11-20")
    marks.append((time.perf_counter(), time.process_time()))
    found = [(f.algorithm, f.platform) for f in report.violations()]
    marks.append((time.perf_counter(), time.process_time()))
    assert len(found) == expected, (len(found), expected)
    steps = ("load", "evaluate", "violations")
    return {
        "n": n, "pause_gc": pause_gc, "violations": len(found),
        **{f"{s}_wall": b[0] - a[0] for s, a, b in zip(steps, marks, marks[1:], strict=False)},
        **{f"{s}_cpu": b[1] - a[1] for s, a, b in zip(steps, marks, marks[1:], strict=False)},
        "wall": marks[-1][0] - marks[0][0], "cpu": marks[-1][1] - marks[0][1],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]), sys.argv[3] == "paused")))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    print(f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
          f", load average {os.getloadavg()[0]:.1f}")
    print("| N | collector | load s (cpu) | evaluate s (cpu) | violations() s (cpu) | "
          "total s (cpu) | peak RSS MB |\n|---|---|---|---|---|---|---|")
    for n in sizes:
        for mode in ("on", "paused"):
            out = subprocess.run([sys.executable, __file__, "--one", str(n), mode],
                                 capture_output=True, text=True, check=True).stdout
            r = json.loads(out)
            cells = " | ".join(f"{r[s + '_wall']:.3f} ({r[s + '_cpu']:.3f})"
                               for s in ("load", "evaluate", "violations"))
            print(f"| {n:,} | {mode} | {cells} | {r['wall']:.3f} ({r['cpu']:.3f}) | "
                  f"{r['peak_mb']:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
