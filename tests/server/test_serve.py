"""`policy-sdk serve` over real HTTP on 127.0.0.1: answers equal the commands' JSON,
errors are diagnostics with the right status, limits, token, reload, decision log."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from server_support import ROOT, Server, run_cli, serving

from policy_sdk._resources import default_policies_dir

COMPANY_YAML = ROOT / "examples" / "company.yaml"
COMPANY_JSON = ROOT / "examples" / "company.json"
AS_OF = "2026-11-20"
TOKEN = "s3cret-token-for-tests-0123456789"


def _schema(name: str) -> Any:
    return json.loads((ROOT / "docs" / name).read_text(encoding="utf-8"))


def many_deployments(n: int) -> bytes:
    doc: dict[str, Any] = {
        "organization": {"name": "基准公司", "role": "provider", "public_opinion": True},
        "algorithms": [{"id": "a", "types": ["personalized_push"], "uses_recommendation": True}],
        "platforms": [{"id": f"p{i}", "type": "app", "name": f"平台{i}"} for i in range(n)],
        "deployments": [{"algorithm": "a", "platform": f"p{i}", "status": "active",
                         "launched_on": "2025-05-20"} for i in range(n)],
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def server(workdir: Path) -> Iterator[Server]:
    with serving("--decision-log", str(workdir / "decisions.log"), "--log-facts",
                 "--log-findings") as s:
        yield s


# --- answers equal the commands' output ------------------------------------------------


@pytest.mark.parametrize("query", ["", "&all=true", "&severity=mandatory", "&format=sarif",
                                   "&all=1&severity=advisory", "&lang=zh", "&lang=en&all=1"])
@pytest.mark.parametrize("facts", [COMPANY_YAML, COMPANY_JSON], ids=["yaml", "json"])
def test_check_equals_the_command(server: Server, facts: Path, query: str) -> None:
    content_type = "application/yaml" if facts.suffix == ".yaml" else "application/json"
    # named: the report's provenance (`meta`) names the facts file and its digest
    named = f"&facts_file={urllib.parse.quote(str(facts))}"
    answer = server.post(f"/v1/check?as_of={AS_OF}{query}{named}", facts.read_bytes(),
                         content_type)
    assert answer.status == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    flags = {"all": ["--all"], "severity": ["--severity"], "format": ["--format"],
             "lang": ["--lang"]}
    args = ["check", "--facts", str(facts), "--as-of", AS_OF, "--exit-zero"]
    fmt = "json"
    for part in filter(None, query.split("&")):
        key, _, value = part.partition("=")
        if key == "format":
            fmt = value
        elif key == "all":
            args += flags[key]
        else:
            args += [*flags[key], value]
    code, out, err = run_cli([*args, "--format", fmt])
    assert code == 0, err
    assert answer.text == out
    if fmt == "json":
        jsonschema.validate(answer.json(), _schema("report.schema.json"))


def test_check_equals_the_installed_command_run_as_a_program(server: Server) -> None:
    """The same comparison against `policy-sdk` run as its own process (console script)."""
    import subprocess
    import sys

    script = Path(sys.executable).parent / "policy-sdk"
    done = subprocess.run([str(script), "check", "--facts", str(COMPANY_YAML), "--as-of", AS_OF,
                           "--format", "json"], capture_output=True, timeout=120, check=False)
    assert done.returncode == 1  # the example company violates mandatory rules
    named = urllib.parse.quote(str(COMPANY_YAML))  # the provenance names the facts file
    answer = server.post(f"/v1/check?as_of={AS_OF}&facts_file={named}",
                         COMPANY_YAML.read_bytes(), "application/yaml")
    assert answer.body == done.stdout


def test_the_provenance_digest_is_the_body_s_never_a_server_file(server: Server,
                                                                 workdir: Path) -> None:
    """`facts_file` only names the body: the server never reads (or hashes) that path."""
    secret = workdir / "secret.json"
    secret.write_text('{"not": "the body"}', encoding="utf-8")
    body = COMPANY_JSON.read_bytes()
    answer = server.post(f"/v1/check?as_of={AS_OF}&facts_file={urllib.parse.quote(str(secret))}",
                         body)
    assert answer.json()["meta"]["facts"] == {
        "file": str(secret), "sha256": hashlib.sha256(body).hexdigest()}
    plain = server.post(f"/v1/check?as_of={AS_OF}", body).json()
    assert plain["meta"]["facts"] == {"file": "<request>",
                                      "sha256": hashlib.sha256(body).hexdigest()}


def test_inventory_and_plan_equal_the_commands(server: Server) -> None:
    body = COMPANY_YAML.read_bytes()
    for path, args, schema in (
        (f"/v1/inventory?as_of={AS_OF}", ["inventory"], "inventory.schema.json"),
        (f"/v1/plan-cancel?as_of={AS_OF}", ["plan-cancel"], "plan.schema.json"),
        (f"/v1/plan-cancel?as_of={AS_OF}&stop=feed-rec&on=2026-11-02&strategy=single",
         ["plan-cancel", "--stop", "feed-rec", "--on", "2026-11-02", "--strategy", "single"],
         "plan.schema.json"),
    ):
        answer = server.post(path, body, "application/yaml")
        assert answer.status == 200, answer.text
        code, out, err = run_cli([*args, "--facts", str(COMPANY_YAML), "--as-of", AS_OF,
                                  "--format", "json"])
        assert code == 0, err
        assert answer.text == out
        jsonschema.validate(answer.json(), _schema(schema))


def test_without_as_of_the_day_is_china_today(server: Server) -> None:
    from policy_sdk.clock import today

    before = today().isoformat()
    answer = server.post("/v1/check", COMPANY_JSON.read_bytes())
    assert answer.json()["as_of"] in (before, today().isoformat())


# --- errors --------------------------------------------------------------------------------


def test_a_duplicate_key_is_422_naming_it(server: Server) -> None:
    answer = server.post("/v1/check", b'{"organization": {"name": "a", "name": "b"}}')
    assert answer.status == 422
    (error,) = answer.json()["errors"]
    assert error["message"] == "malformed JSON: duplicate key `name`"
    answer = server.post("/v1/check", b"organization:\n  name: a\n  name: b\n",
                         "application/yaml")
    assert answer.status == 422
    error = answer.json()["errors"][0]
    assert (error["message"], error["path"], error["span"]["line"]) == (
        "duplicate key `name`", "organization.name", 3)


@pytest.mark.parametrize(("text", "suffix", "content_type"), [
    ('{"organization": {"name": "a", "name": "b"}}', ".json", "application/json"),
    ("organization:\n  name: a\n  name: b\nplatforms: [{id: p, type: ap}]\n", ".yaml",
     "application/yaml"),
])
def test_errors_carry_the_command_error_document(server: Server, workdir: Path, text: str,
                                                 suffix: str, content_type: str) -> None:
    """The diagnostics of a refused request are the error items `check --format json`
    writes for the same input (the body named as the file with `facts_file`)."""
    facts = workdir / f"refused{suffix}"
    facts.write_text(text, encoding="utf-8")
    answer = server.post(f"/v1/check?as_of={AS_OF}&facts_file={urllib.parse.quote(str(facts))}",
                         text.encode(), content_type)
    assert answer.status == 422
    code, out, _ = run_cli(["check", "--facts", str(facts), "--as-of", AS_OF, "--format",
                            "json"])
    assert code == 2
    command = json.loads(out)["errors"]
    served = [{k: v for k, v in e.items() if k not in ("span", "source_line")}
              for e in answer.json()["errors"]]
    assert served == command


def test_wrong_facts_are_422_with_paths(server: Server) -> None:
    doc = json.loads(COMPANY_JSON.read_text(encoding="utf-8"))
    doc["deployments"][2]["platform"] = "nowhere"
    answer = server.post("/v1/check", json.dumps(doc).encode())
    assert answer.status == 422
    assert "deployments[2].platform" in [e.get("path") for e in answer.json()["errors"]]


@pytest.mark.parametrize(("path", "code"), [
    ("/v1/check?as_of=2026-02-30", "bad-date"),
    ("/v1/check?as_off=2026-02-03", "unknown-parameter"),
    ("/v1/check?severity=mandtory", "bad-parameter"),
    ("/v1/check?format=xml", "bad-parameter"),
    ("/v1/check?all=maybe", "bad-parameter"),
    ("/v1/inventory?stop=x", "unknown-parameter"),
    ("/v1/plan-cancel?lang=fr", "bad-parameter"),
    ("/v1/plan-cancel?strategy=2026-11-20", "bad-parameter"),
    ("/v1/plan-cancel?strategy=batchh", "bad-parameter"),
])
def test_bad_parameters_are_400(server: Server, path: str, code: str) -> None:
    answer = server.post(path, COMPANY_JSON.read_bytes())
    assert answer.status == 400, answer.text
    assert answer.codes() == [code]


def test_did_you_mean_for_a_misspelt_parameter(server: Server) -> None:
    answer = server.post("/v1/check?as_off=2026-02-03", COMPANY_JSON.read_bytes())
    assert answer.json()["errors"][0]["help"] == "did you mean `as_of`?"


def test_other_errors_are_diagnostics_never_tracebacks(server: Server) -> None:
    cases = [
        (server.post("/v1/check", COMPANY_JSON.read_bytes(), "text/csv"), 415),
        (server.post("/v1/check", b""), 400),
        (server.post("/v1/check", b"\xff\xfe"), 422),
        (server.post("/v1/check", b"[1, 2]"), 422),
        (server.post("/v1/plan-cancel?stop=nope", COMPANY_JSON.read_bytes()), 422),
        (server.get("/v1/nothing"), 404),
        (server.get("/v1/check"), 405),
    ]
    for answer, status in cases:
        assert answer.status == status, answer.text
        assert "Traceback" not in answer.text
        body = answer.json()
        assert body["status"] == status
        assert body["errors"]
        assert all(e["message"] for e in body["errors"])
        assert answer.headers["x-request-id"] == body["request_id"]


def test_the_request_id_is_echoed(server: Server) -> None:
    answer = server.post("/v1/check?as_of=2026-11-20", COMPANY_JSON.read_bytes(),
                         headers={"X-Request-Id": "case-42"})
    assert answer.headers["x-request-id"] == "case-42"


# --- the other endpoints -------------------------------------------------------------------


def test_rules_version_health(server: Server) -> None:
    rules = server.get("/v1/rules").json()
    ids = [r["id"] for r in rules["rules"]]
    assert "cn.algorithm_filing/filing_per_platform" in ids
    assert ids == sorted(ids)
    first = rules["rules"][0]
    assert set(first) >= {"id", "message", "citation", "severity"}
    version = server.get("/v1/version").json()
    assert version["version"] == version["engine"]["version"]
    assert version["policy_digest"] == rules["policy_digest"]
    assert version["policy_digest"].startswith("sha256:")
    assert {p["name"] for p in version["plugins"]} >= {"core", "app"}
    answer = server.post(f"/v1/check?as_of={AS_OF}", COMPANY_JSON.read_bytes()).json()
    assert version["rules_sha256"] == answer["meta"]["policies"]["sha256"]
    assert server.get("/v1/health").json() == {"status": "ok"}


def test_openapi_is_generated_from_the_routes(server: Server) -> None:
    doc = server.get("/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    expected = {("/v1/check", "post"), ("/v1/inventory", "post"), ("/v1/plan-cancel", "post"),
                ("/v1/rules", "get"), ("/v1/health", "get"), ("/v1/version", "get"),
                ("/v1/reload", "post"), ("/v1/openapi.json", "get")}
    assert {(p, m) for p, ops in doc["paths"].items() for m in ops} == expected
    for ops in doc["paths"].values():
        for op in ops.values():
            assert op["summary"]
            assert "200" in op["responses"]
    names = {p["name"] for p in doc["paths"]["/v1/check"]["post"]["parameters"]}
    from policy_sdk.server.app import PARAMETERS

    assert names == set(PARAMETERS["check"])
    # the facts schema (with the platform types of the loaded plugins) describes the body
    body = doc["paths"]["/v1/check"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Facts"}
    facts_schema = doc["components"]["schemas"]["Facts"]
    jsonschema.validate(json.loads(COMPANY_JSON.read_text(encoding="utf-8")), facts_schema)
    assert "deployments" in facts_schema["properties"]


# --- limits ----------------------------------------------------------------------------------


SLOW_PLUGIN = """
import time

from policy_sdk.plugins import hookimpl
from policy_sdk.plugins.specs import FunctionSpec


def slow(text):
    time.sleep(0.5)
    return True


@hookimpl
def policy_sdk_register_functions():
    return [FunctionSpec("slow", ("string",), "boolean", slow, "takes half a second")]
"""


@pytest.fixture(scope="module")
def limited(workdir: Path) -> Iterator[Server]:
    """Small limits, and a rule whose function takes half a second per deployment."""
    (workdir / "slow_plugin.py").write_text(SLOW_PLUGIN, encoding="utf-8")
    (workdir / "slow.policy").write_text("ensure slow(platform.id) per deployment\n",
                                         encoding="utf-8")
    with serving("--max-body", "20000", "--max-deployments", "20", "--timeout", "0.2",
                 "--plugin", "slow_plugin", "--policy", str(workdir / "slow.policy"),
                 env={"PYTHONPATH": str(workdir)}) as s:
        yield s


def test_an_oversized_body_is_413(limited: Server) -> None:
    big = b" " * 20001
    assert limited.post("/v1/check", big).status == 413
    chunked = limited.request("POST", "/v1/check", iter([b" " * 15000, b" " * 15000]),
                              {"Content-Type": "application/json"})
    assert chunked.status == 413
    assert chunked.codes() == ["too-large"]


def test_too_many_deployments_is_413(limited: Server) -> None:
    answer = limited.post("/v1/check", many_deployments(21))
    assert answer.status == 413
    assert answer.codes() == ["too-many-deployments"]


def test_a_slow_evaluation_is_503(limited: Server) -> None:
    answer = limited.post(f"/v1/check?as_of={AS_OF}", many_deployments(1))
    assert answer.status == 503, answer.text
    assert answer.codes() == ["timeout"]
    assert limited.get("/v1/health").status == 200  # the worker still answers


# --- token -----------------------------------------------------------------------------------


def test_bearer_token(workdir: Path) -> None:
    token_file = workdir / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    with serving("--token-file", str(token_file)) as s:
        body = COMPANY_JSON.read_bytes()
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                        {"Authorization": f"Basic {TOKEN}"}):
            answer = s.post(f"/v1/check?as_of={AS_OF}", body, headers=headers)
            assert answer.status == 401, headers
            assert answer.codes() == ["unauthorized"]
            assert answer.headers["www-authenticate"].startswith("Bearer")
        assert s.get("/v1/rules").status == 401
        assert s.get("/v1/health").status == 200
        good = {"Authorization": f"Bearer {TOKEN}"}
        assert s.post(f"/v1/check?as_of={AS_OF}", body, headers=good).status == 200
        assert s.get("/v1/rules", headers=good).status == 200


# --- reload ----------------------------------------------------------------------------------


def test_reload_keeps_the_old_engine_when_the_new_policy_is_broken(workdir: Path) -> None:
    pack = workdir / "pack"
    shutil.copytree(default_policies_dir(), pack)
    policy = pack / "algorithm_filing.policy"
    with serving("--policy", str(pack), "--no-default-pack") as s:
        before = s.get("/v1/rules").json()
        answer_before = s.post(f"/v1/check?as_of={AS_OF}", COMPANY_JSON.read_bytes())
        policy.write_text(policy.read_text(encoding="utf-8") + "\nrule broken {\n",
                          encoding="utf-8")
        failed = s.post("/v1/reload", b"")
        assert failed.status == 422, failed.text
        assert "reload-failed" in failed.codes()
        assert any(e.get("file", "").endswith("algorithm_filing.policy")
                   or e.get("span", {}).get("file", "").endswith("algorithm_filing.policy")
                   for e in failed.json()["errors"])
        assert s.get("/v1/rules").json() == before
        again = s.post(f"/v1/check?as_of={AS_OF}", COMPANY_JSON.read_bytes())
        assert again.text == answer_before.text
        # a good change is taken: one rule fewer, a new digest
        shutil.rmtree(pack)
        shutil.copytree(default_policies_dir(), pack)
        text = policy.read_text(encoding="utf-8")
        start = text.index("  rule ", text.index("rule ") + 1)
        depth, end = 0, start
        for i, ch in enumerate(text[start:], start):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    end = i + 1
                    break
        policy.write_text(text[:start] + text[end:], encoding="utf-8")
        ok = s.post("/v1/reload", b"")
        assert ok.status == 200, ok.text
        assert ok.json()["previous_digest"] == before["policy_digest"]
        after = s.get("/v1/rules").json()
        assert after["policy_digest"] == ok.json()["policy_digest"] != before["policy_digest"]
        assert len(after["rules"]) == len(before["rules"]) - 1


# --- decision log ----------------------------------------------------------------------------


def _last_line(log: Path, request_id: str) -> dict[str, Any]:
    for line in reversed(log.read_text(encoding="utf-8").splitlines()):
        record: dict[str, Any] = json.loads(line)
        if record["request_id"] == request_id:
            return record
    raise AssertionError(f"no line for {request_id}")


@pytest.mark.parametrize(("endpoint", "query", "facts"), [
    ("check", "&all=true", COMPANY_YAML),
    ("check", "&severity=mandatory&lang=zh", COMPANY_JSON),
    ("inventory", "", COMPANY_JSON),
    ("plan-cancel", "&stop=feed-rec@main-app&on=2026-11-02", COMPANY_YAML),
])
def test_a_decision_log_line_replays_to_the_same_result(
        server: Server, workdir: Path, endpoint: str, query: str, facts: Path) -> None:
    content_type = "application/yaml" if facts.suffix == ".yaml" else "application/json"
    request_id = f"replay-{endpoint}-{facts.suffix[1:]}"
    answer = server.post(f"/v1/{endpoint}?as_of={AS_OF}{query}", facts.read_bytes(),
                         content_type, headers={"X-Request-Id": request_id,
                                                "X-Caller": "compliance-portal"})
    assert answer.status == 200, answer.text
    record = _last_line(workdir / "decisions.log", request_id)
    assert record["status"] == 200
    assert record["as_of"] == AS_OF
    assert record["caller"] == {"address": "127.0.0.1", "authenticated": False,
                                "name": "compliance-portal"}
    assert record["facts_sha256"] == hashlib.sha256(facts.read_bytes()).hexdigest()
    assert record["provenance"]["policy_digest"].startswith("sha256:")
    assert answer.headers["x-policy-digest"] == record["provenance"]["policy_digest"]
    # replay: the logged facts into a file, the logged command line
    replayed = workdir / f"{request_id}.{record['facts_format']}"
    replayed.write_text(record["facts"], encoding="utf-8")
    assert hashlib.sha256(replayed.read_bytes()).hexdigest() == record["facts_sha256"]
    argv = [str(replayed) if a == "{facts}" else a for a in record["replay"]]
    assert argv[0] == "policy-sdk"
    code, out, err = run_cli(argv[1:])
    assert code == 0, err
    if endpoint == "check":  # the provenance names another facts file (same digest)
        replayed_doc, answered = json.loads(out), json.loads(answer.text)
        assert replayed_doc["meta"].pop("facts")["sha256"] == record["facts_sha256"]
        answered["meta"].pop("facts")
        assert replayed_doc == answered
    else:
        assert out == answer.text
    if endpoint == "check":
        report = json.loads(out)
        counts = {k: v for k, v in report["summary"].items() if k not in ("total", "listed")}
        assert record["summary"] == counts
        lang = ["--lang", "zh"] if "lang=zh" in query else []  # messages follow the language
        full = json.loads(run_cli(["check", "--facts", str(replayed), "--as-of", AS_OF,
                                   "--format", "json", "--all", *lang])[1])
        # --log-findings: the whole report, every finding; its provenance names the body
        assert record["report"]["meta"].pop("facts") == {
            "file": "<request>", "sha256": record["facts_sha256"]}
        assert full["meta"].pop("facts")["sha256"] == record["facts_sha256"]
        assert record["report"] == full


def test_refused_requests_are_logged_too(server: Server, workdir: Path) -> None:
    server.post("/v1/check", b'{"organization": {"name": "a", "name": "b"}}',
                headers={"X-Request-Id": "refused-1"})
    record = _last_line(workdir / "decisions.log", "refused-1")
    assert record["status"] == 422
    assert record["errors"][0]["message"] == "malformed JSON: duplicate key `name`"
    assert record["facts_sha256"] == hashlib.sha256(
        b'{"organization": {"name": "a", "name": "b"}}').hexdigest()


# --- workers ---------------------------------------------------------------------------------


def test_two_workers_answer_alike_and_reload_together(workdir: Path) -> None:
    pack = workdir / "pack2"
    shutil.copytree(default_policies_dir(), pack)
    log = workdir / "two-workers.log"
    with serving("--workers", "2", "--policy", str(pack), "--no-default-pack",
                 "--decision-log", str(log)) as s:
        body = COMPANY_YAML.read_bytes()
        answers = {s.post(f"/v1/check?as_of={AS_OF}", body, "application/yaml",
                          headers={"X-Request-Id": f"two-{i}"}).text for i in range(6)}
        assert len(answers) == 1
        logged = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        assert sorted(r["request_id"] for r in logged) == [f"two-{i}" for i in range(6)]
        assert all(r["worker"] != s.proc.pid for r in logged)  # workers, not the supervisor
        before = s.get("/v1/version").json()["policy_digest"]
        policy = pack / "algorithm_filing.policy"
        policy.write_text(policy.read_text(encoding="utf-8") + "\n# reloaded\n",
                          encoding="utf-8")
        new = s.post("/v1/reload", b"").json()["policy_digest"]
        assert new != before
        deadline = time.monotonic() + 60
        seen: set[str] = set()
        while time.monotonic() < deadline:
            # each request makes a worker look at the generation file; reload runs behind
            seen = {s.get("/v1/version").json()["policy_digest"] for _ in range(8)}
            if seen == {new}:
                break
            time.sleep(0.5)
        assert seen == {new}


def test_requests_in_flight_finish_on_the_engine_they_started_on(workdir: Path) -> None:
    """A reload while a (slow) evaluation runs: that request is answered and logged by
    the old engine; the next one by the new."""
    import threading

    folder = workdir / "inflight"
    folder.mkdir()
    (folder / "slow_plugin.py").write_text(SLOW_PLUGIN, encoding="utf-8")
    policy = folder / "policies" / "slow.policy"
    policy.parent.mkdir()
    policy.write_text("ensure slow(platform.id) per deployment\n", encoding="utf-8")
    log = folder / "decisions.log"
    with serving("--plugin", "slow_plugin", "--policy", str(policy.parent), "--timeout", "60",
                 "--decision-log", str(log), env={"PYTHONPATH": str(folder)}) as s:
        old = s.get("/v1/version").json()["policy_digest"]
        answers: list[int] = []
        slow = threading.Thread(target=lambda: answers.append(s.post(
            f"/v1/check?as_of={AS_OF}", many_deployments(10),
            headers={"X-Request-Id": "in-flight"}).status))
        slow.start()
        time.sleep(0.5)
        policy.write_text("# reloaded\nensure slow(platform.id) per deployment\n",
                          encoding="utf-8")
        reloaded = s.post("/v1/reload", b"")
        assert reloaded.status == 200, reloaded.text
        new = reloaded.json()["policy_digest"]
        assert new != old
        assert slow.is_alive()  # the reload did not wait for the evaluation
        slow.join(timeout=60)
        assert answers == [200]
        assert s.post(f"/v1/check?as_of={AS_OF}", many_deployments(1),
                      headers={"X-Request-Id": "after"}).status == 200
        assert _last_line(log, "in-flight")["provenance"]["policy_digest"] == old
        assert _last_line(log, "after")["provenance"]["policy_digest"] == new


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_diagnostics_speak_the_language_asked_for(server: Server, workdir: Path,
                                                  lang: str) -> None:
    """The messages of a refused request are the command line's in that language."""
    doc = json.loads(COMPANY_JSON.read_text(encoding="utf-8"))
    doc["deployments"][0]["status"] = "actve"
    doc["platforms"][0]["type"] = "ap"
    body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    answer = server.post(f"/v1/check?as_of={AS_OF}&lang={lang}", body)
    assert answer.status == 422
    facts = workdir / f"wrong-{lang}.json"
    facts.write_bytes(body)
    code, _, err = run_cli(["check", "--lang", lang, "--facts", str(facts), "--as-of", AS_OF])
    assert code == 2
    for error in answer.json()["errors"]:
        assert error["message"] in err


def test_watch_reloads_changed_policies_and_keeps_serving_on_a_broken_one(
        workdir: Path) -> None:
    pack = workdir / "watched"
    shutil.copytree(default_policies_dir(), pack)
    policy = pack / "algorithm_filing.policy"
    good = policy.read_text(encoding="utf-8")

    def digest_becomes(s: Server, wanted: set[str] | None, avoid: str) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            digest: str = s.get("/v1/version").json()["policy_digest"]
            if digest != avoid if wanted is None else digest in wanted:
                return digest
            time.sleep(0.2)
        raise AssertionError("the watch did not reload within 60 s")

    with serving("--policy", str(pack), "--no-default-pack", "--watch", "0.2") as s:
        first = s.get("/v1/rules").json()
        policy.write_text(good + "\n# a comment changes the digest\n", encoding="utf-8")
        second = digest_becomes(s, None, first["policy_digest"])
        policy.write_text(good + "\nrule broken {\n", encoding="utf-8")
        deadline = time.monotonic() + 60
        while "do not build" not in s.log() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "the changed policies do not build" in s.log()
        version = s.get("/v1/version").json()
        assert version["policy_digest"] == second
        assert version["last_reload_errors"]  # what the operator needs to see
        assert s.get("/v1/rules").json()["rules"] == first["rules"]
        policy.write_text(good, encoding="utf-8")  # back as it was: the first digest again
        assert digest_becomes(s, {first["policy_digest"]}, second) == first["policy_digest"]
        assert s.get("/v1/version").json()["last_reload_errors"] == []
