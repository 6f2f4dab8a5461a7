"""Progress on stderr for long runs: a spinner naming the stage (loading facts,
evaluating, writing the report) and the time it has taken, shown only when stderr is a
terminal and the facts file is large; it disappears when the run ends. Nothing is
written to stdout, and nothing at all through a pipe or in CI logs."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

#: facts files at least this large (bytes) show progress: about 20,000 deployments
THRESHOLD = 2_000_000

Step = Callable[[str], None]


def _wanted(path: str | None, stream: IO[str], threshold: int) -> bool:
    if path is None:
        return False
    try:
        if not stream.isatty() or os.environ.get("CI"):
            return False
        return os.path.getsize(path) >= threshold
    except (OSError, ValueError, AttributeError):
        return False


@contextmanager
def progress(path: str | None, *, stream: IO[str] | None = None,
             threshold: int = THRESHOLD) -> Iterator[Step]:
    """``with progress(facts_file) as step: step("loading facts"); …``"""
    target = sys.stderr if stream is None else stream
    if not _wanted(path, target, threshold):
        yield lambda _message: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(file=target, highlight=False, emoji=False)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def step(message: str) -> None:
            bar.update(task, description=message)

        yield step
