"""Reports tests: the example company's HTML report, made once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from .reports_support import AS_OF, COMPANY, run_cli


@pytest.fixture(scope="session")
def company_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example company's check report as HTML (`--as-of 2026-11-20`)."""
    path = tmp_path_factory.mktemp("html") / "report.html"
    code, out, err = run_cli(["check", "--facts", str(COMPANY), "--as-of", AS_OF,
                              "--format", "html", "-o", str(path)])
    assert code == 1, err  # the example has violations
    assert out == ""
    return path
