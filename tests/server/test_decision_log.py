"""The decision log: whole lines from several processes, rotation by size, and `serve`'s
start-up errors (exit 2, a diagnostic, never a traceback)."""

from __future__ import annotations

import json
import multiprocessing
import socket
from pathlib import Path

import pytest
from server_support import ROOT, run_cli, serving

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
    config = ServerConfig(policies=("/p",), workers=2, timeout_seconds=1.5,
                          watch_seconds=0.5, decision_log="-", facts_dir="/f")
    assert ServerConfig.from_mapping(json.loads(config.to_json())) == config
    assert ServerConfig.from_mapping(json.loads(ServerConfig().to_json())) == ServerConfig()
    assert ServerConfig.from_mapping({"timeout_seconds": 2}).timeout_seconds == 2.0
    with pytest.raises(ServerError, match="wrong type"):
        ServerConfig.from_mapping({"log_facts": 1})
    with pytest.raises(ServerError, match="wrong type"):
        ServerConfig.from_mapping({"watch_seconds": "1"})
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
    (["--host", "192.0.2.1"], "cannot listen on 192.0.2.1"),  # TEST-NET: not this machine
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


def test_the_log_on_standard_output_is_one_json_line_per_decision() -> None:
    body = (ROOT / "examples" / "company.json").read_bytes()
    with serving("--decision-log", "-", "--access-log") as s:
        for i in range(3):
            s.post("/v1/check?as_of=2026-11-20", body, headers={"X-Request-Id": f"out-{i}"})
        s.post("/v1/check", b"{", headers={"X-Request-Id": "out-bad"})
        lines = s.output().splitlines()
    records = [json.loads(line) for line in lines]  # nothing else on standard output
    assert [r["request_id"] for r in records] == ["out-0", "out-1", "out-2", "out-bad"]
    assert [r["status"] for r in records] == [200, 200, 200, 422]


def test_a_facts_folder_keeps_each_body_once_for_replay(tmp_path: Path) -> None:
    import hashlib

    store = tmp_path / "facts"
    store.mkdir()
    log = tmp_path / "decisions.log"
    body = (ROOT / "examples" / "company.yaml").read_bytes()
    with serving("--facts-dir", str(store), "--decision-log", str(log)) as s:
        answers = [s.post("/v1/check?as_of=2026-11-20&all=true", body, "application/yaml",
                          headers={"X-Request-Id": f"kept-{i}"}) for i in range(2)]
    sha = hashlib.sha256(body).hexdigest()
    assert [p.name for p in store.iterdir()] == [f"{sha}.yaml"]
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert {r["facts_path"] for r in records} == {str(store / f"{sha}.yaml")}
    assert all("facts" not in r for r in records)  # not inline without --log-facts
    argv = [records[0]["facts_path"] if a == "{facts}" else a for a in records[0]["replay"]]
    code, out, err = run_cli(argv[1:])
    assert code == 0, err
    assert answers[0].text == answers[1].text
    replayed, answered = json.loads(out), answers[0].json()
    # the provenance names the kept file in one, the request in the other; same digest
    assert replayed["meta"].pop("facts") == {"file": records[0]["facts_path"], "sha256": sha}
    assert answered["meta"].pop("facts") == {"file": "<request>", "sha256": sha}
    assert replayed == answered


def test_raw_json_is_spliced_into_the_line(tmp_path: Path) -> None:
    path = tmp_path / "d.log"
    log = DecisionLog(str(path), max_bytes=10_000, backups=1)
    report = json.dumps({"as_of": "2026-11-20", "findings": [{"rule": "r", "note": "备案"}]},
                        ensure_ascii=False)
    log.write({"b": 1, "a": "x"}, {"report": report})
    log.write({}, {"report": "[]"})
    log.close()
    first, second = path.read_text(encoding="utf-8").splitlines()
    assert first.startswith('{"a":"x","b":1,"report":')
    assert json.loads(first) == {"a": "x", "b": 1, "report": json.loads(report)}
    assert json.loads(second) == {"report": []}


def test_without_the_server_extra_serve_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if it were not installed
    code, _, err = run_cli(["serve"])
    assert code == 2
    assert 'pip install "policy-sdk[server]"' in err
    assert "Traceback" not in err
