"""Text output: the plain writer and its rich twin agree; user text is never markup and
its control characters are shown escaped; tables fit 80 columns without cutting an
identifier short; colour follows --color, NO_COLOR and FORCE_COLOR."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk.engine.engine import Engine
from policy_sdk.engine.report import Finding, Report
from policy_sdk.reports.text import plain_text, rich_text, safe, use_color

from .reports_support import AS_OF, COMPANY, run_cli

HOSTILE = Path(__file__).resolve().parent / "hostile.yaml"


def display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


# --- the fast path and its twin ----------------------------------------------------------


@pytest.mark.parametrize("facts", [COMPANY, HOSTILE])
@pytest.mark.parametrize("options", [{}, {"include_all": True}, {"severity": "advisory"}])
def test_plain_text_is_the_rich_text_without_colour(facts: Path, options: dict[str, Any]
                                                    ) -> None:
    report = Engine().evaluate(facts, as_of=AS_OF)
    assert plain_text(report, **options) == rich_text(report, **options)


_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20) | \
    st.sampled_from(["[red]", "[/]", "[bold]x[/bold]", ":cn:", "\\", "x\\", "\x1b[31m", "a\nb",
                     "\u202e", "[link=http://x]y[/link]", "[@click]"])
_finding = st.builds(
    Finding,
    rule=_text.filter(bool), status=st.sampled_from(["violated", "pending", "satisfied",
                                                     "not_applicable"]),
    severity=st.sampled_from(["mandatory", "advisory"]),
    algorithm=st.none() | _text, platform=st.none() | _text, filing=st.none() | _text,
    message=_text, citation=st.none() | _text, remedy=st.none() | _text,
    deadline=st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
    explanation=st.lists(_text, max_size=3).map(tuple),
    platforms=st.lists(_text, max_size=2).map(tuple),
)


@given(st.lists(_finding, max_size=6), st.booleans())
def test_the_twins_agree_on_any_findings(findings: list[Finding], include_all: bool) -> None:
    report = Report(findings, as_of=dt.date(2026, 11, 20))
    text = plain_text(report, include_all=include_all)
    assert text == rich_text(report, include_all=include_all)
    # nothing of the user's reaches the terminal as a control character
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text)
    # and every user text is there, as escaped
    for f in report.select(("violated", "pending", "satisfied", "not_applicable")
                           if include_all else ("violated", "pending")):
        assert safe(f.message) in text


def test_safe_escapes_controls_only() -> None:
    assert safe("网信算备 [red] ok") == "网信算备 [red] ok"
    assert safe("a\x1b[2Jb\x00c\td\ne\x7f\u202e") == "a\\x1b[2Jb\\x00c\\td\\ne\\x7f\\u202e"


# --- markup and escapes from facts --------------------------------------------------------


def test_check_text_shows_ids_that_look_like_markup_literally() -> None:
    code, out, err = run_cli(["check", "--facts", str(HOSTILE), "--as-of", AS_OF])
    assert code == 1, err
    assert "platform [red]\n" in out
    # a per-filing finding: once, under its filing, which names its platforms
    assert "filing 备[bold]1\\x1b[2J (platforms [/], [red])\n" in out
    assert "platform :cn:\n" in out  # not an emoji
    assert "rec[/] filing 备[bold]1\\x1b[2J" in out
    assert "\x1b" not in out  # no escape sequence reaches the terminal


@pytest.mark.parametrize("command", ["inventory", "plan-cancel"])
def test_tables_show_ids_that_look_like_markup_literally(command: str) -> None:
    code, out, err = run_cli([command, "--facts", str(HOSTILE), "--as-of", AS_OF])
    assert code == 0, err
    assert "[/]" in out
    assert "[red]" in out
    assert "rec[/]" in out
    assert "\x1b" not in out
    assert "\\x1b[2J" in out.replace("│\n│", "")  # escaped, maybe folded


def test_a_report_with_colour_still_escapes_user_text() -> None:
    report = Engine().evaluate(HOSTILE, as_of=AS_OF)
    text = rich_text(report, color=True)
    assert "[red]" in text
    assert "\x1b[2J" not in text
    assert "\\x1b[2J" in text


# --- 80 columns -----------------------------------------------------------------------------


def _first_column(out: str, title: str) -> str:
    """The text of a table's first column, its lines joined (folded cells rejoined)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    body = []
    for line in lines[start + 1:]:
        if line.startswith("└"):
            break
        if line.startswith("│"):
            body.append(line.split("│")[1].strip())
    return "".join(body)


@pytest.mark.parametrize("command", ["inventory", "plan-cancel", "plugins"])
def test_tables_fit_80_columns(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = [command] if command == "plugins" else [command, "--facts", str(COMPANY),
                                                   "--as-of", AS_OF]
    code, out, err = run_cli(args)
    assert code == 0, err
    for line in out.splitlines():
        assert display_width(line) <= 80, line
    assert "…" not in out  # nothing cut short
    if command == "inventory":
        numbers = re.findall(r"网信算备\d+号", COMPANY.read_text(encoding="utf-8"))
        assert _first_column(out, "filings") == "".join(sorted(set(numbers)))
    if command == "plan-cancel":
        assert _first_column(out, "batch 1") == "".join(
            f"网信算备1101081234567{n}号" for n in ("03240001", "03240002"))
    if command == "plugins":
        for word in ("platform.mini_program/host_declared", "entry point of policy-sdk",
                     "item-by-item verification", "official_account"):
            assert word in out


# --- colour ---------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("flag", "env", "tty", "expected"), [
    (None, {}, False, False),
    (None, {}, True, True),
    (None, {"NO_COLOR": "1"}, True, False),
    (None, {"NO_COLOR": ""}, True, True),  # empty: not set (no-color.org)
    (None, {"FORCE_COLOR": "1"}, False, True),
    (None, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),
    (True, {"NO_COLOR": "1"}, False, True),  # the option wins
    (False, {"FORCE_COLOR": "1"}, True, False),
])
def test_when_to_colour(flag: bool | None, env: dict[str, str], tty: bool, expected: bool
                        ) -> None:
    stream = _Tty() if tty else io.StringIO()
    assert use_color(flag, stream, env) is expected


@pytest.mark.parametrize(("args", "env", "coloured"), [
    (["--color"], {}, True),
    ([], {"FORCE_COLOR": "1"}, True),
    ([], {}, False),
    (["--color"], {"NO_COLOR": "1"}, True),
    ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
])
def test_colour_through_a_pipe(monkeypatch: pytest.MonkeyPatch, args: list[str],
                               env: dict[str, str], coloured: bool) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, _ = run_cli(["check", "--facts", str(COMPANY), "--as-of", AS_OF, *args])
    assert code == 1
    assert ("\x1b[" in out) is coloured
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    _, expected, _ = run_cli(["check", "--facts", str(COMPANY), "--as-of", AS_OF,
                              "--no-color"])
    assert plain == expected


# --- progress -------------------------------------------------------------------------------


def test_progress_only_on_a_terminal(tmp_path: Path) -> None:
    from policy_sdk.reports.progress import progress

    big = tmp_path / "big.yaml"
    big.write_text("x" * 100, encoding="utf-8")
    pipe = io.StringIO()
    with progress(str(big), stream=pipe, threshold=10) as step:
        step("loading")
    assert pipe.getvalue() == ""
    tty = _Tty()
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CI", raising=False)
        with progress(str(big), stream=tty, threshold=10) as step:
            step("读取事实 loading facts")
    assert "loading facts" in tty.getvalue()
    small = _Tty()
    with progress(str(big), stream=small, threshold=1000) as step:
        step("loading")
    assert small.getvalue() == ""
