"""`policy-sdk check` on the 1,000,000-deployment facts file of `load_facts.py`, whole
process, with the report written to /dev/null: `--format json` and `--format text`.

Prints wall and CPU seconds and the peak resident memory of each run (the OS's
accounting of the finished child, os.wait4), and the host's load before and after (on
a shared host the wall time drifts with it; the CPU time less).

    python benchmarks/check_report.py [N] [FORMAT ...]   (default: 1000000 json text)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_facts import generate


def run(args: list[str]) -> tuple[float, float, float, int]:
    with open(os.devnull, "wb") as sink:
        start = time.perf_counter()
        child = subprocess.Popen(args, stdout=sink, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.stderr is not None:
        child.stderr.read()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min: {five:.1f}) on {os.cpu_count()} cores"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    formats = sys.argv[2:] or ["json", "text"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "facts.json"
        generate(path, n)
        print(f"{n:,} deployments, {path.stat().st_size / 1e6:.0f} MB of JSON facts")
        for fmt in formats:
            print(f"  before: {load()}")
            wall, cpu, rss, code = run([sys.executable, "-m", "policy_sdk.cli.main", "check",
                                        "--facts", str(path), "--as-of", "2026-11-20",
                                        "--format", fmt, "--exit-zero"])
            print(f"check --format {fmt:<4}: {wall:6.1f} s wall, {cpu:6.1f} s CPU, "
                  f"{rss:6.0f} MB peak, exit {code}; after: {load()}")


if __name__ == "__main__":
    main()
