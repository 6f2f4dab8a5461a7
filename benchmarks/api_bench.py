"""The public API end to end: prints figures (not a test).

Three paths, each size in a fresh process (so peak memory is per path and size):

* ``document``: a facts document in memory (built untimed, as an embedder holds it)
  → ``Engine.evaluate(doc)`` → ``report.violations()``, the whole default pack; the
  figure the peer harness compares (``../shared/bench-peers``);
* ``file``: a JSON facts file (``benchmarks/load_facts.py``'s shape) →
  ``Engine.evaluate(path)`` → the default JSON report written to a stream through
  ``Report.iter_json_utf8`` and ``policy_sdk._io.write_stream`` (what
  ``check --format json`` does), with peak RSS, and the length of the text;
* ``small``: a 100-deployment company, ``evaluate(dict)`` → ``to_json()`` per call
  (best of several batches, in-process, engine built once).

Run: ``python benchmarks/api_bench.py [SIZES...]`` (default 10000 100000 1000000);
``--only document|file|small`` runs one path. On a shared host compare figures of one
run, and read the CPU time beside the wall time.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2026-11-20"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def document(n: int) -> None:
    sys.path.insert(0, str(HERE))
    from engine_bench import generate  # type: ignore[import-not-found]

    from policy_sdk import Engine

    doc = generate(n)
    engine = Engine()
    base = _rss_mb()
    cpu, t0 = time.process_time(), time.perf_counter()
    report = engine.evaluate(doc, as_of=AS_OF)
    t1 = time.perf_counter()
    violations = report.violations()
    t2 = time.perf_counter()
    cpu = time.process_time() - cpu
    print(f"document {n:>9,}: evaluate(doc) {t1 - t0:7.3f} s + violations() {t2 - t1:6.3f} s "
          f"= {t2 - t0:7.3f} s (CPU {cpu:.3f} s), {len(violations):,} violations; "
          f"peak RSS {_rss_mb():,.0f} MB (document built: {base:,.0f} MB)")


def file(n: int) -> None:
    sys.path.insert(0, str(HERE))
    from load_facts import generate  # type: ignore[import-not-found]

    from policy_sdk import Engine
    from policy_sdk._io import write_stream

    engine = Engine()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.json"
        generate(path, n)
        base = _rss_mb()
        cpu, t0 = time.process_time(), time.perf_counter()
        report = engine.evaluate(str(path), as_of=AS_OF)
        t1 = time.perf_counter()
        written = 0

        def counted() -> object:
            nonlocal written
            for piece in report.iter_json_utf8(end="\n"):
                written += len(piece)
                yield piece

        with open(os.devnull, "wb") as sink:
            write_stream(sink, counted(), name=os.devnull)  # type: ignore[arg-type]
        t2 = time.perf_counter()
        cpu = time.process_time() - cpu
    listed = report.counts["violated"] + report.counts["pending"]
    print(f"file     {n:>9,}: evaluate(path) {t1 - t0:7.3f} s + JSON report {t2 - t1:6.3f} s "
          f"= {t2 - t0:7.3f} s (CPU {cpu:.3f} s), {listed:,} findings, "
          f"{written / 1e6:,.0f} MB of UTF-8; peak RSS {_rss_mb():,.0f} MB "
          f"(file written: {base:,.0f} MB)")


def small() -> None:
    sys.path.insert(0, str(HERE))
    from engine_bench import generate

    from policy_sdk import Engine

    doc = generate(100)
    engine = Engine()
    engine.evaluate(doc, as_of=AS_OF).to_json()
    batches, per = 7, 200
    wall, cpu = [], []
    for _ in range(batches):
        c, t = time.process_time(), time.perf_counter()
        for _ in range(per):
            engine.evaluate(doc, as_of=AS_OF).to_json()
        wall.append((time.perf_counter() - t) / per)
        cpu.append((time.process_time() - c) / per)
    n = len(engine.evaluate(doc, as_of=AS_OF).select())
    print(f"small    {100:>9,}: evaluate(dict) → to_json() {min(wall) * 1e3:.3f} ms per call "
          f"(best batch; CPU {min(cpu) * 1e3:.3f} ms; worst batch {max(wall) * 1e3:.3f} ms), "
          f"{n} findings listed")


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        what, n = argv[1], int(argv[2])
        {"document": document, "file": file}[what](n) if what != "small" else small()
        return
    only = None
    if "--only" in argv:
        i = argv.index("--only")
        only = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    sizes = [int(a) for a in argv] or [10_000, 100_000, 1_000_000]
    print(f"python {platform.python_version()} on {platform.machine()} "
          f"({os.cpu_count()} CPUs), load average {os.getloadavg()[0]:.1f}")
    for what in ("small", "document", "file"):
        if only not in (None, what):
            continue
        for n in ([100] if what == "small" else sizes):
            subprocess.run([sys.executable, __file__, "--child", what, str(n)], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
