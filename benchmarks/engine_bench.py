"""Engine speed and memory: prints figures (not a test).

For 10k, 100k and 1M deployments it prints

* the single rule ``require filing per platform where uses_recommendation`` in
  deployments/s, next to a plain hand-written Python loop (a set of filed
  (algorithm, platform) keys and one comprehension) computing the same missing-filing
  set on the same data;
* the whole default pack: facts loading (JSON, through ``load_facts``) plus evaluation
  time, building the violation findings (their explanations are worked out when
  read), the default JSON
  report (``Report.to_json()``: violated and pending findings, on a fresh report so
  that it builds its findings too), and peak memory of the process.

Run: ``python benchmarks/engine_bench.py [SIZES...]`` (e.g. ``10000 100000``).
Each size runs in a fresh subprocess so peak memory is per size.
"""

from __future__ import annotations

import gc
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PLATFORMS_PER_ALGORITHM = 20
PLATFORM_TYPES = ("app", "mini_program", "official_account", "website")
SINGLE_RULE = "require filing per platform where uses_recommendation"
WHOLE_PACK_RUNS = 3


def generate(n: int, seed: int = 7) -> dict[str, Any]:
    """A facts document with ``n`` deployments (20 platforms per algorithm)."""
    rnd = random.Random(seed)
    n_alg = max(1, n // PLATFORMS_PER_ALGORITHM)
    n_plat = max(PLATFORMS_PER_ALGORITHM, n_alg // 10)
    platforms = [
        {"id": f"p{i}", "type": PLATFORM_TYPES[i % 4], "name": f"平台{i}"}
        | ({"host": "wechat"} if i % 4 == 1 else {})
        for i in range(n_plat)
    ]
    algorithms, deployments, filings, records = [], [], [], []
    for a in range(n_alg):
        aid = f"alg{a}"
        algorithms.append({"id": aid, "types": ["personalized_push"],
                           "uses_recommendation": rnd.random() < 0.8})
        chosen = rnd.sample(range(n_plat), PLATFORMS_PER_ALGORITHM)
        for p in chosen:
            r = rnd.random()
            status = "active" if r < 0.85 else ("paused" if r < 0.95 else "stopped")
            dep: dict[str, Any] = {"algorithm": aid, "platform": f"p{p}", "status": status,
                                   "launched_on": f"2025-{rnd.randint(1, 12):02d}-"
                                                  f"{rnd.randint(1, 28):02d}"}
            if status == "stopped":
                dep["stopped_on"] = f"2026-{rnd.randint(1, 10):02d}-{rnd.randint(1, 28):02d}"
            deployments.append(dep)
        filed = [f"p{p}" for p in chosen if rnd.random() < 0.7]
        if filed:
            filings.append({
                "number": f"网信算备110108{a:07d}01250001号", "algorithm": aid,
                "platforms": filed, "status": "active" if rnd.random() < 0.95 else "cancelled",
                "filed_on": "2025-06-01", "displayed": rnd.random() < 0.9,
            })
        records.append({"kind": "security_assessment", "algorithm": aid, "on": "2025-01-01"})
        if rnd.random() < 0.9:
            records.append({"kind": "opt_out", "algorithm": aid})
    records += [{"kind": "disclosure"}, {"kind": "complaint_channel"}]
    return {
        "organization": {"name": "基准公司", "role": "provider", "public_opinion": True},
        "algorithms": algorithms,
        "platforms": platforms,
        "deployments": deployments,
        "filings": filings,
        "records": records,
    }


def _facts_from_doc(path: Path) -> Any:
    try:
        from policy_sdk.facts import load_facts  # type: ignore[attr-defined]
    except ImportError:  # the loader not landed yet: build the model directly
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "engine"))
        from engine_support import _stand_in  # type: ignore[import-not-found]

        return _stand_in(path)
    return load_facts(path)


def hand_loop(facts: Any) -> set[tuple[str, str]]:
    filed = {
        (f.algorithm, p)
        for f in facts.filings if f.status in ("submitted", "active")
        for p in f.platforms
    }
    uses = {a.id for a in facts.algorithms if a.uses_recommendation}
    return {
        (d.algorithm, d.platform) for d in facts.deployments
        if d.algorithm in uses and (d.algorithm, d.platform) not in filed
    }


def best(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def run_size(n: int) -> None:
    from policy_sdk.engine.engine import Engine

    doc = generate(n)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        del doc
        gc.collect()
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        # whole default pack, loading included (fresh engine, facts from the JSON file);
        # WHOLE_PACK_RUNS times, so that one slow moment of a shared host is told apart
        # from the program's speed: best and worst are printed
        runs: list[tuple[float, float, float, float]] = []
        for _ in range(WHOLE_PACK_RUNS):
            facts = report = None
            gc.collect()
            cpu = time.process_time()
            t0 = time.perf_counter()
            engine = Engine(plugin_rules=False)
            t1 = time.perf_counter()
            facts = _facts_from_doc(path)
            t2 = time.perf_counter()
            report = engine.evaluate(facts, as_of="2026-11-20")
            counts = report.counts
            t3 = time.perf_counter()
            runs.append((t1 - t0, t2 - t1, t3 - t2, time.process_time() - cpu))
        peak_eval = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t3 = time.perf_counter()
        violations = report.violations()
        t4 = time.perf_counter()
        del report, violations
        fresh = engine.evaluate(facts, as_of="2026-11-20")
        assert fresh.counts == counts
        gc.collect()
        t5 = time.perf_counter()
        text = fresh.to_json()
        t6 = time.perf_counter()
        listed = fresh.to_dict()["summary"]["listed"]
        del fresh, text
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    deployments = len(facts.deployments)
    repeat = 20 if deployments <= 10_000 else (7 if deployments <= 100_000 else 3)
    single = Engine.from_source(SINGLE_RULE, load_entrypoints=False, plugin_rules=False)
    hand_time, expected = best(lambda: hand_loop(facts), repeat)
    engine_time, single_report = best(
        lambda: single.evaluate(facts, as_of="2026-11-20").counts, repeat
    )
    check = single.evaluate(facts, as_of="2026-11-20")
    mat_time, missing = best(lambda: check.violations(), 1)
    got = {(f.algorithm, f.platform) for f in missing}
    assert got == expected, "engine and hand loop disagree"
    assert single_report["violated"] == len(expected)

    print(f"\n== {deployments:,} deployments "
          f"({len(facts.algorithms):,} algorithms, {len(facts.filings):,} filings) ==")
    print(f"single rule `{SINGLE_RULE}`")
    print(f"  hand-written loop : {hand_time * 1000:9.1f} ms  "
          f"{deployments / hand_time / 1e6:6.2f} M deployments/s")
    print(f"  engine evaluate   : {engine_time * 1000:9.1f} ms  "
          f"{deployments / engine_time / 1e6:6.2f} M deployments/s  "
          f"({engine_time / hand_time:.2f}x the hand loop)")
    print(f"  + building the {len(missing):,} violation findings (explanations when read): "
          f"{mat_time * 1000:.1f} ms")
    fastest = min(runs, key=lambda r: r[0] + r[1] + r[2])
    slowest = max(runs, key=lambda r: r[0] + r[1] + r[2])
    print(f"whole default pack (11 rules), best of {len(runs)} runs")
    print(f"  compile pack      : {fastest[0] * 1000:9.1f} ms")
    print(f"  load facts (JSON) : {fastest[1] * 1000:9.1f} ms")
    print(f"  evaluate + counts : {fastest[2] * 1000:9.1f} ms   {counts}")
    print(f"  total load+eval   : {sum(fastest[:3]):9.2f} s   (CPU {fastest[3]:.2f} s; "
          f"worst run {sum(slowest[:3]):.2f} s)")
    print(f"  peak RSS load+eval: {peak_eval / 1024:9.0f} MB  (high-water mark so far)")
    print(f"  violations built  : {(t4 - t3) * 1000:9.1f} ms  ({counts['violated']:,} findings)")
    print(f"  default JSON      : {(t6 - t5) * 1000:9.1f} ms  ({listed:,} findings: "
          "Report.to_json() on a fresh report)")
    print(f"  peak RSS, all     : {peak / 1024:9.0f} MB  (JSON report included; file written: "
          f"{base_rss / 1024:.0f} MB)")


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [10_000, 100_000, 1_000_000]
    if len(sizes) == 1 and "--child" in sys.argv:
        run_size(sizes[0])
        return
    print(f"python {sys.version.split()[0]} on {sys.platform}")
    for n in sizes:
        subprocess.run([sys.executable, __file__, "--child", str(n)], check=True)


if __name__ == "__main__":
    # figures for the command line's setting: it may pause the cyclic collector
    # (an embedding Engine does not unless asked; see benchmarks/gc_pause.py)
    from policy_sdk import gc_pause_allowed

    args = [a for a in sys.argv[1:] if a != "--child"]
    with gc_pause_allowed():
        main(args)
