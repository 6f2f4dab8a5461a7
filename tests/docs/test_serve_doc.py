"""docs/serve.md: its curl examples run against a real server started the way the doc
starts it, and the JSON it quotes stands in the real answers (the doc shows the start of
each answer: every key it shows has the value shown; a list shows its first items).

The examples are executed with curl itself, as a reader would (``.ci/run`` installs curl
where it is missing)."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "serve.md"
sys.path.insert(0, str(ROOT / "tests" / "server"))

from server_support import Server  # noqa: E402


def _blocks() -> list[tuple[str, str]]:
    return re.findall(r"```(\w+)\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def contains(actual: Any, shown: Any, where: str = "") -> None:
    """``shown`` is a beginning of ``actual``: shown keys with their values, list prefixes."""
    if isinstance(shown, dict):
        assert isinstance(actual, dict), where
        for key, value in shown.items():
            assert key in actual, f"{where}.{key} is not in the answer"
            contains(actual[key], value, f"{where}.{key}")
    elif isinstance(shown, list):
        assert isinstance(actual, list), where
        assert len(actual) >= len(shown), where
        for i, value in enumerate(shown):
            contains(actual[i], value, f"{where}[{i}]")
    else:
        assert actual == shown, f"{where}: the doc shows {shown!r}, the answer is {actual!r}"


def _start_args(blocks: list[tuple[str, str]]) -> list[str]:
    for kind, text in blocks:
        for line in text.splitlines():
            if kind == "sh" and line.startswith("policy-sdk serve"):
                return shlex.split(line)[2:]
    raise AssertionError("docs/serve.md shows no `policy-sdk serve` line")


def test_curl_is_installed() -> None:
    assert shutil.which("curl"), "curl is missing: `.ci/run` installs it (apt-get install curl)"


def test_the_examples_run_and_answer_what_the_doc_shows(tmp_path: Path) -> None:
    if not shutil.which("curl"):
        pytest.fail("curl is missing (see test_curl_is_installed)")
    blocks = _blocks()
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    token = secrets.token_urlsafe(24)
    env = {"POLICY_SDK_TOKEN": token,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    server = Server(*_start_args(blocks), env=env, cwd=tmp_path)
    ran = 0
    try:
        for i, (kind, text) in enumerate(blocks):
            if kind != "sh" or text.startswith(("pip ", "export ")):
                continue
            script = text.replace("127.0.0.1:8181", f"127.0.0.1:{server.port}")
            done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script],
                                  cwd=tmp_path, env={**os.environ, **env}, capture_output=True,
                                  text=True, timeout=120, check=False)
            assert done.returncode == 0, (text, done.stderr)
            ran += 1
            if i + 1 < len(blocks) and blocks[i + 1][0] == "json":
                contains(json.loads(done.stdout), json.loads(blocks[i + 1][1]), "answer")
    finally:
        server.stop()
    assert ran >= 10


def test_the_python_example_builds_an_app() -> None:
    (block,) = [text for kind, text in _blocks() if kind == "python"]
    namespace: dict[str, Any] = {}
    exec(compile(block, str(DOC), "exec"), namespace)
    app = namespace["app"]
    paths = {route.path for route in app.routes}
    assert "/v1/check" in paths
    assert app.state.holder.config.max_deployments == 10_000


def test_the_start_lines_shown_parse_and_build_the_rule_sets_they_say(tmp_path: Path) -> None:
    """The `policy-sdk serve` lines of the text blocks (how `--policy` and
    `--no-default-pack` combine) are command lines `serve` takes, and build the rule
    sets their comments say: the pack plus the folder, or the folder alone."""
    from policy_sdk.cli.serve import serve
    from policy_sdk.server.app import build_state
    from policy_sdk.server.config import ServerConfig

    (tmp_path / "house-rules").mkdir()
    (tmp_path / "house-rules" / "house.policy").write_text(
        "require distinct filing per platform where deployment.running\n", encoding="utf-8")
    lines = [line.partition("#") for kind, text in _blocks() if kind == "text"
             for line in text.splitlines() if line.startswith("policy-sdk serve")]
    assert len(lines) == 2
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        for command, _, comment in lines:
            ctx = serve.make_context("serve", shlex.split(command)[2:])
            params = ctx.params
            config = ServerConfig(policies=tuple(params["policies"]),
                                  default_pack=not params["no_default_pack"],
                                  plugin_rules=False)
            rules = {r.id for r in build_state(config).engine.rules}
            assert "require_distinct_filing_per_platform" in rules
            with_pack = "cn.algorithm_filing/filing_per_platform" in rules
            assert with_pack is ("pack" in comment and "alone" not in comment), comment
    finally:
        os.chdir(old)
