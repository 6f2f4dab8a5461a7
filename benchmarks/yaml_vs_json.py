"""Load the same facts (N deployments, default 20,000) from YAML and from JSON; print both.

    python benchmarks/yaml_vs_json.py [N] [--repeat R]

The facts are generated in memory (the shape of ``benchmarks/load_facts.py``: 1,000
algorithms x N/1,000 platforms, mixed statuses, one filing per algorithm), written as a
block-style YAML file and as a JSON file into a temporary folder, and each is loaded
with :func:`policy_sdk.facts.load_facts` R times, interleaved (default 9); the best time of each is
printed with the ratio, and the range of the ratios of the rounds (a busy host slows
a round's loads alike, so compare within a round). YAML positions
(``Facts.locations``) are worked out when first read; the third figure includes each
entry's first line (``first_lines()``, what a report points at), the fourth every
value's line. Also says whether libyaml is in use.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml


def document(n: int) -> dict[str, Any]:
    algorithms = 1000 if n >= 1000 else max(1, n // 10)
    platforms = max(1, -(-n // algorithms))
    deployments = []
    for i in range(n):
        a, p = i % algorithms, i // algorithms
        row = {"algorithm": f"alg-{a}", "platform": f"plat-{p}",
               "status": "stopped" if i % 10 == 0 else "active",
               "launched_on": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"}
        if i % 10 == 0:
            row["stopped_on"] = "2026-10-09"
        deployments.append(row)
    return {
        "organization": {"name": "基准测试有限公司", "role": "provider", "public_opinion": True},
        "algorithms": [{"id": f"alg-{a}", "types": ["personalized_push"],
                        "uses_recommendation": a % 7 != 0} for a in range(algorithms)],
        "platforms": [{"id": f"plat-{p}", "type": ("app", "website", "mini_program",
                                                   "official_account")[p % 4]}
                      for p in range(platforms)],
        "deployments": deployments,
        "filings": [{"number": f"网信算备{110108000000000000000 + a:021d}号",
                     "algorithm": f"alg-{a}", "platforms": [f"plat-{a % platforms}"],
                     "status": "active", "filed_on": "2025-03-10", "displayed": True}
                    for a in range(algorithms)],
    }


def once(path: Path, specs: Any, positions: str = "") -> float:
    from policy_sdk.facts import load_facts

    t0 = time.perf_counter()
    facts = load_facts(path, platform_types=specs)
    if positions == "all":  # every value's line (reading one works them all out)
        facts.locations["organization"]
    elif positions == "entries":  # each entry's first line: what a report points at
        # (a loader without first_lines works out every line)
        getattr(facts.locations, "first_lines", lambda: dict(facts.locations))()
    return time.perf_counter() - t0


def rounds(paths: tuple[Path, Path], repeat: int,
           specs: Any) -> list[tuple[float, float, float, float]]:
    """JSON, YAML, YAML-with-entry-lines and YAML-with-every-line times of ``repeat``
    interleaved rounds (a busy host slows all of a round alike)."""
    j, y = paths
    return [(once(j, specs), once(y, specs), once(y, specs, positions="entries"),
             once(y, specs, positions="all")) for _ in range(repeat)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    from policy_sdk.facts.load import platform_type_specs

    specs = platform_type_specs(("app", "website", "mini_program", "official_account"))
    doc = document(args.n)
    # the garbage collector paused while loading, as on the command line
    from policy_sdk import gc_pause_allowed

    with tempfile.TemporaryDirectory() as tmp, gc_pause_allowed():
        j = Path(tmp) / "facts.json"
        y = Path(tmp) / "facts.yaml"
        j.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        y.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        times = rounds((j, y), args.repeat, specs)
        tj, ty, te, tp = (min(r[i] for r in times) for i in range(4))
        ratios = sorted(r[1] / r[0] for r in times)
        sizes = (j.stat().st_size, y.stat().st_size)
    print(f"machine: {platform.machine()} python {platform.python_version()}, "
          f"libyaml: {'yes' if yaml.__with_libyaml__ else 'no'}")
    print(f"{args.n:,} deployments, best of {args.repeat}:")
    print(f"  JSON ({sizes[0] / 1e6:.1f} MB): {tj * 1000:.1f} ms")
    print(f"  YAML ({sizes[1] / 1e6:.1f} MB): {ty * 1000:.1f} ms")
    print(f"  YAML, then each entry's first line: {te * 1000:.1f} ms")
    print(f"  YAML, then every value's line: {tp * 1000:.1f} ms")
    print(f"  YAML / JSON: {ty / tj:.1f}x (with entries' lines: {te / tj:.1f}x, with every "
          f"line: {tp / tj:.1f}x); per round {ratios[0]:.1f}-{ratios[-1]:.1f}x")


if __name__ == "__main__":
    main()
