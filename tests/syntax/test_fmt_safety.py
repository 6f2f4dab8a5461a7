"""`fmt` never loses data, is linear in comments and idempotent (issue 19)."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from policy_sdk import ast
from policy_sdk.cli.fmt import fmt
from policy_sdk.syntax import format_module, format_source, parse_policy

from .strategies import modules

BOUND = 10.0  # seconds per input, as the fuzzers; the real figure is a fraction of it


def _messy(rules: int) -> str:
    return "".join(
        f"rule r{i}   {{\n  require   filing per platform where a == {i}\n}}\n"
        for i in range(rules)
    )


def test_fmt_interrupted_mid_write_leaves_the_original_intact(tmp_path: Path) -> None:
    # the reproduction: `ulimit -f 4` cut an 8,020-byte file to 4,096 bytes
    original = _messy(150)
    assert len(original.encode()) > 8192
    f = tmp_path / "big.policy"
    f.write_text(original, encoding="utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    done = subprocess.run(
        [sys.executable, "-m", "policy_sdk.cli.main", "fmt", str(f)],
        preexec_fn=limit, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 2, done.stderr
    assert f"cannot write `{f}`" in done.stderr
    assert "the file was left as it was" in done.stderr
    assert "Traceback" not in done.stderr
    assert f.read_text(encoding="utf-8") == original
    assert [p.name for p in tmp_path.iterdir()] == ["big.policy"]  # no temporary file left
    # without the limit the same command rewrites it
    done = subprocess.run(
        [sys.executable, "-m", "policy_sdk.cli.main", "fmt", str(f)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f.read_text(encoding="utf-8") == format_source(original)


def test_fmt_refuses_a_file_changed_while_it_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "a.policy"
    f.write_text("require   x per platform\n", encoding="utf-8")
    edited = "require   x per platform\nrequire y per platform  # added meanwhile\n"
    from policy_sdk.syntax import formatter

    real = formatter.format_source

    def slow_format(text: str | bytes, file: str = "<string>") -> str:
        out = real(text, file)
        f.write_text(edited, encoding="utf-8")  # someone saves the file meanwhile
        return out

    monkeypatch.setattr(formatter, "format_source", slow_format)
    result = CliRunner().invoke(fmt, [str(f)])
    assert result.exit_code == 2
    assert f"`{f}` changed while it was being processed; it was left as it is" in result.output
    assert f.read_text(encoding="utf-8") == edited


def test_fmt_keeps_the_file_mode(tmp_path: Path) -> None:
    f = tmp_path / "a.policy"
    f.write_text("require   x per platform\n", encoding="utf-8")
    f.chmod(0o640)
    assert CliRunner().invoke(fmt, [str(f)]).exit_code == 0
    assert f.read_text(encoding="utf-8") == "require x per platform\n"
    assert f.stat().st_mode & 0o777 == 0o640


def test_fmt_through_a_symbolic_link_rewrites_the_file_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    real = tmp_path / "real.policy"
    real.write_text("require   x per platform\n", encoding="utf-8")
    link = tmp_path / "link.policy"
    link.symlink_to(real)
    result = CliRunner().invoke(fmt, [str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "require x per platform\n"


def test_fmt_is_linear_in_own_line_comments() -> None:
    # the case: 16,000 own-line comments (about 1 MB) took 118 s
    lines: list[str] = []
    for i in range(16_000):
        lines.append(f"# {'commentary ' * 5}{i}")
        if i % 40 == 0:
            lines.append(f"require filing per platform where a == {i}")
    source = "\n".join(lines) + "\n"
    assert len(source) > 1_000_000
    t0 = time.perf_counter()
    out = format_source(source)
    assert time.perf_counter() - t0 < BOUND
    assert out.count("\n# ") + out.startswith("# ") == 16_000
    assert format_source(out) == out


def test_fmt_is_idempotent_on_a_comment_inside_a_joined_statement(tmp_path: Path) -> None:
    src = "require filing per platform\n# a\nrequire filing\n\n# b\nper platform\n"
    once = format_source(src)
    assert once == "require filing per platform\n# a\n# b\nrequire filing per platform\n"
    assert format_source(once) == once
    # `fmt --check` right after `fmt` passes
    # found by the property below: a comment inside a statement too long for one line
    long = "ensure " + " and ".join(f"a{i} == {i}" for i in range(12)) + "\n# c\nper platform\n"
    once = format_source(long + "require x per platform\n")
    assert once.startswith("# c\nensure a0 == 0")
    assert format_source(once) == once
    f = tmp_path / "a.policy"
    f.write_text(src, encoding="utf-8")
    assert CliRunner().invoke(fmt, [str(f)]).exit_code == 0
    assert CliRunner().invoke(fmt, ["--check", str(f)]).exit_code == 0


# --- a property: any layout of a valid program ------------------------------------------


def _split_points(line: str) -> list[int]:
    """Offsets of the spaces of ``line`` outside strings (where a line may be broken)."""
    points = []
    inside = False
    i = 0
    while i < len(line):
        ch = line[i]
        if inside and ch == "\\":
            i += 2
            continue
        if ch == '"':
            inside = not inside
        elif ch == " " and not inside:
            points.append(i)
        i += 1
    return points


_BREAKS = [" ", "\n", "\n\n", "  # c\n", "\n# c\n", "\n\n# c\n\n", "\n  # c\n  ", "\n# c\n\n"]


@given(modules, st.data())
def test_fmt_is_idempotent_and_keeps_the_meaning_of_any_layout(
    module: ast.Module, data: st.DataObject
) -> None:
    out: list[str] = []
    comments = 0
    for n, line in enumerate(format_module(module).split("\n")):
        pieces = []
        start = 0
        for p in _split_points(line):
            pieces.append(line[start:p])
            brk = data.draw(st.sampled_from(_BREAKS), label=f"break in line {n}")
            if "#" in brk:
                comments += 1
                brk = brk.replace("# c", f"# c{comments}")
            pieces.append(brk)
            start = p + 1
        pieces.append(line[start:])
        out.append("".join(pieces))
        sep = data.draw(st.sampled_from(["\n", "\n\n", "\n# between\n", "\n\n# between\n\n"]),
                        label=f"after line {n}")
        if "#" in sep:
            comments += 1
            sep = sep.replace("# between", f"# between{comments}")
        out.append(sep)
    source = "".join(out)
    parsed = parse_policy(source)
    assert parsed.items == module.items
    once = format_source(source)
    reparsed = parse_policy(once)
    assert reparsed.items == module.items  # fmt keeps the meaning
    assert sorted(c.text for c in reparsed.comments) == sorted(c.text for c in parsed.comments)
    assert len(reparsed.comments) == comments
    assert format_source(once) == once  # and is idempotent


def test_fmt_diff_into_a_closed_pipe_is_exit_2(tmp_path: Path) -> None:
    import os

    f = tmp_path / "a.policy"
    f.write_text(_messy(50), encoding="utf-8")
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "policy_sdk.cli.main", "fmt", "--diff", str(f)],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 2, done.stderr
    assert "the reader closed the pipe" in done.stderr
    assert "internal error" not in done.stderr
    assert f.read_text(encoding="utf-8") == _messy(50)
