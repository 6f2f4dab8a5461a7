"""`policy-sdk serve` under load: prints figures (not a test).

For companies of 100 and 1,000 deployments (``engine_bench.generate``) and 1 and 2
worker processes, it starts the server on 127.0.0.1 (a free port), warms it up, then
sends ``POST /v1/check`` (JSON facts, the default pack) from concurrent clients over
keep-alive connections and prints requests/s and the p50/p99 latency of each
configuration; one more run with one worker writes a decision log with every finding
(``--decision-log --log-findings``), to show what logging costs. Loopback only;
bounded by a request count and a time limit per configuration.

The clients are threads of this process, on the same machine as the server: they take
CPU time the server could use, so the figures are a floor, not a ceiling.

Run: ``python benchmarks/serve_bench.py [--requests N] [--clients C] [--seconds S]``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_bench import generate


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(workers: int, extra: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "policy_sdk.cli.main", "serve", "--port", str(port),
         "--workers", str(workers), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/v1/health")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
        time.sleep(0.2)
    stop(proc)
    raise SystemExit("the server did not start within 120 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def load(port: int, body: bytes, requests: int, clients: int,
         seconds: float) -> tuple[list[float], float]:
    """Latencies (s) of the requests answered, and the wall time they took."""
    latencies: list[float] = []
    lock = threading.Lock()
    sent = [0]
    stop_at = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Content-Type": "application/json"}
        while True:
            with lock:
                if sent[0] >= requests or time.monotonic() > stop_at:
                    break
                sent[0] += 1
            t0 = time.perf_counter()
            conn.request("POST", "/v1/check?as_of=2026-11-20", body, headers)
            resp = conn.getresponse()
            resp.read()
            elapsed = time.perf_counter() - t0
            if resp.status != 200:
                raise SystemExit(f"answer {resp.status}")
            with lock:
                latencies.append(elapsed)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="per configuration")
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per run")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--no-log", dest="with_log", action="store_false",
                        help="leave out the run with a decision log")
    args = parser.parse_args()
    bodies = {n: json.dumps(generate(n), ensure_ascii=False).encode("utf-8")
              for n in args.sizes}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; {args.clients} clients, "
          f"up to {args.requests} requests or {args.seconds:g} s per row")
    print(f"{'deployments':>11} {'workers':>7} {'log':>9} {'requests':>8} {'req/s':>8} "
          f"{'p50 ms':>8} {'p99 ms':>8}")
    runs: list[tuple[int, str, list[str]]] = [(w, "none", []) for w in args.workers]
    with tempfile.TemporaryDirectory() as tmp:
        if args.with_log:  # the cost of the decision log with every finding in it
            runs.append((1, "findings", ["--decision-log", str(Path(tmp) / "d.log"),
                                         "--log-findings"]))
        for workers, label, extra in runs:
            proc, port = start(workers, extra)
            try:
                for n, body in bodies.items():
                    load(port, body, 4 * workers * args.clients, args.clients, 30)  # warm-up
                    latencies, wall = load(port, body, args.requests, args.clients,
                                           args.seconds)
                    q = statistics.quantiles(latencies, n=100, method="inclusive")
                    print(f"{n:>11} {workers:>7} {label:>9} {len(latencies):>8} "
                          f"{len(latencies) / wall:>8.1f} {q[49] * 1000:>8.1f} "
                          f"{q[98] * 1000:>8.1f}", flush=True)
            finally:
                stop(proc)


if __name__ == "__main__":
    main()
