"""Helpers of the reports tests: the example company through the real command line."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path

from policy_sdk.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ROOT / "examples" / "company.yaml"
AS_OF = "2026-11-20"


def run_cli(args: Sequence[str]) -> tuple[int, str, str]:
    """``policy-sdk ARGS`` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()
