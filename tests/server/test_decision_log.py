"""The decision log: whole lines from several processes, rotation by size, and `serve`'s
start-up errors (exit 2, a diagnostic, never a traceback)."""

from __future__ import annotations

import json
import multiprocessing
import socket
from pathlib import Path

import pytest
from server_support import run_cli

from policy_sdk.server.config import ServerConfig, ServerError
from policy_sdk.server.decisions import DecisionLog


def _writer(path: str, who: int, count: int) -> None:
    log = DecisionLog(path, max_bytes=3000, backups=1000)
    for i in range(count):
        log.write({"who": who, "i": i, "pad": "备案" * (i % 7)})
    log.close()


def _lines(path: Path) -> list[dict[str, object]]:
    out = []
    for f in sorted(path.parent.glob(path.name + "*")):
        out += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()]
    return out


def test_two_processes_rotating_lose_and_tear_no_line(tmp_path: Path) -> None:
    path = tmp_path / "decisions.log"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(path), who, 300)) for who in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    records = _lines(path)
    assert sorted((r["who"], r["i"]) for r in records) == sorted(
        (who, i) for who in (1, 2) for i in range(300))
    files = list(tmp_path.glob("decisions.log*"))
    assert len(files) > 5  # it did rotate
    assert all(f.stat().st_size <= 3000 for f in files)


def test_the_oldest_backups_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "d.log"
    log = DecisionLog(str(path), max_bytes=200, backups=2)
    for i in range(50):
        log.write({"i": i})
    log.close()
    assert sorted(f.name for f in tmp_path.iterdir()) == ["d.log", "d.log.1", "d.log.2",
                                                          "d.log.lock"]
    kept = [r["i"] for f in ("d.log.2", "d.log.1", "d.log")
            for r in map(json.loads, (tmp_path / f).read_text().splitlines())]
    assert kept == list(range(50 - len(kept), 50))  # the newest, in order


def test_an_unwritable_log_is_a_server_error(tmp_path: Path) -> None:
    with pytest.raises(ServerError) as info:
        DecisionLog(str(tmp_path / "no" / "such" / "dir.log"), max_bytes=10, backups=1)
    assert info.value.errors[0].code == "decision-log"


def test_config_round_trips_and_refuses_nonsense() -> None:
    config = ServerConfig(policies=("/p",), workers=2, timeout_seconds=1.5)
    assert ServerConfig.from_mapping(json.loads(config.to_json())) == config
    with pytest.raises(ServerError, match="unknown server setting `wokers`"):
        ServerConfig.from_mapping({"wokers": 2})
    with pytest.raises(ServerError, match="wrong type"):
        ServerConfig.from_mapping({"workers": "2"})
    with pytest.raises(ServerError, match="at least 1"):
        ServerConfig(max_body_bytes=0)


@pytest.mark.parametrize(("args", "expected"), [
    (["--policy", "{bad}"], "error["),
    (["--token-file", "{short}"], "no token of at least 16 characters"),
    (["--token-env", "POLICY_SDK_NO_SUCH_VARIABLE"], "no token of at least 16 characters"),
    (["--token-file", "{short}", "--token-env", "X"], "not both"),
    (["--workers", "0"], "--workers"),
    (["--port", "{taken}"], "cannot listen on 127.0.0.1"),
    (["--host", "no-such-host.invalid"], "error[server-start]"),
    (["--decision-log", "{nodir}"], "cannot open the decision log"),
])
def test_bad_start_options_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    (tmp_path / "bad.policy").write_text("require filing per", encoding="utf-8")
    (tmp_path / "short").write_text("abc\n", encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        values = {"{bad}": str(tmp_path / "bad.policy"), "{short}": str(tmp_path / "short"),
                  "{taken}": str(taken.getsockname()[1]),
                  "{nodir}": str(tmp_path / "missing" / "d.log")}
        code, out, err = run_cli(["serve", *[values.get(a, a) for a in args]])
    assert code == 2, (out, err)
    assert expected in err
    assert "Traceback" not in err
    assert "internal error" not in err
