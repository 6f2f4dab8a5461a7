"""How does `fmt` scale with comments?

Formats files of N own-line comments (one statement every 40 comments) for growing N
and prints the size, the parse time and the format time, best of --repeat. Formatting
should grow linearly with N, as parsing does (issue 19: 16,000 comments took 118 s).

    python benchmarks/fmt_comments.py [--sizes 4000,16000,64000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any


def source(comments: int) -> str:
    lines: list[str] = []
    for i in range(comments):
        lines.append(f"# {'commentary ' * 5}{i}")
        if i % 40 == 0:
            lines.append(f"require filing per platform where a == {i}")
    return "\n".join(lines) + "\n"


def best(repeat: int, run: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    from policy_sdk.syntax import format_source, parse_policy

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="4000,16000,64000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'comments':>9} {'bytes':>10} {'parse s':>9} {'fmt s':>9} {'fmt µs/comment':>15}")
    for n in (int(s) for s in args.sizes.split(",")):
        text = source(n)
        parse = best(args.repeat, lambda t=text: parse_policy(t))
        fmt = best(args.repeat, lambda t=text: format_source(t))
        print(f"{n:>9} {len(text.encode()):>10} {parse:>9.3f} {fmt:>9.3f} {fmt / n * 1e6:>15.1f}")


if __name__ == "__main__":
    main()
