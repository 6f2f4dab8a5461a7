"""The cyclic collector paused or not: the whole default pack, both ways (not a test).

An embedding :class:`policy_sdk.Engine` leaves the host's garbage collector alone; the
command line, ``Engine(..., pause_gc=True)`` and ``with policy_sdk.gc_pause_allowed():``
let policy-sdk pause it (process-wide) while it loads facts, evaluates and builds the
report. This prints, for N deployments (default 100,000), facts loading + evaluation
and the default JSON report, best of 3, each way, each in a fresh process.

    python benchmarks/gc_pause.py [N]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 3


def child(n: int, pause: bool) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from engine_bench import generate

    from policy_sdk import Engine

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "facts.json"
        path.write_text(json.dumps(generate(n)), encoding="utf-8")
        engine = Engine(pause_gc=pause)
        evaluate, report_json = [], []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            report = engine.evaluate(path, as_of="2026-11-20")
            t1 = time.perf_counter()
            report.to_json()
            t2 = time.perf_counter()
            evaluate.append(t1 - t0)
            report_json.append(t2 - t1)
    mode = "Engine(pause_gc=True)" if pause else "Engine() (default)   "
    print(f"  {mode}: load + evaluate {min(evaluate):6.2f} s, JSON report "
          f"{min(report_json):6.2f} s (best of {RUNS})")


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 100_000
    print(f"{n:,} deployments, whole default pack")
    for pause in (False, True):
        subprocess.run([sys.executable, __file__, "--child", str(n), str(int(pause))],
                       check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]), bool(int(sys.argv[3])))
    else:
        main(sys.argv[1:])
