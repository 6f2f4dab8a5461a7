"""`serve --policy X` runs what `check --policy X` runs: X beside the default pack, or
instead of it with `--no-default-pack`; the answers, `/v1/rules`, the provenance, the
decision log's replay and a reload all follow (before, `serve --policy` replaced the
pack while `check --policy` added to it: the same option gave two rule sets)."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest
from server_support import ROOT, run_cli, serving

from policy_sdk.server.config import ServerConfig, ServerError

COMPANY_JSON = ROOT / "examples" / "company.json"
AS_OF = "2026-11-20"
HOUSE_RULE = "require distinct filing per platform where deployment.running\n"
HOUSE_ID = "require_distinct_filing_per_platform"
PACK_RULE = "cn.algorithm_filing/filing_per_platform"


def _last(log: Path, request_id: str) -> dict[str, object]:
    for line in reversed(log.read_text(encoding="utf-8").splitlines()):
        record: dict[str, object] = json.loads(line)
        if record["request_id"] == request_id:
            return record
    raise AssertionError(f"no decision logged for {request_id}")


@pytest.mark.parametrize("replace", [False, True], ids=["beside-the-pack", "no-default-pack"])
def test_serve_policy_runs_the_rules_check_policy_runs(tmp_path: Path, replace: bool) -> None:
    house = tmp_path / "house.policy"
    house.write_text(HOUSE_RULE, encoding="utf-8")
    extra = ["--no-default-pack"] if replace else []
    log = tmp_path / "decisions.log"
    named = urllib.parse.quote(str(COMPANY_JSON))
    code, out, err = run_cli(["check", "--facts", str(COMPANY_JSON), "--policy", str(house),
                              *extra, "--as-of", AS_OF, "--format", "json", "--all",
                              "--exit-zero"])
    assert code == 0, err
    assert (PACK_RULE in out) is not replace  # what `check` runs, for the comparison
    # the report's provenance says the pack ran when it ran beside the policy too
    assert json.loads(out)["meta"]["policies"]["pack"] == (None if replace else "default")
    with serving("--policy", str(house), *extra, "--decision-log", str(log),
                 "--log-facts") as s:
        answer = s.post(f"/v1/check?as_of={AS_OF}&all=true&facts_file={named}",
                        COMPANY_JSON.read_bytes(), headers={"X-Request-Id": "pack-1"})
        assert answer.status == 200, answer.text
        assert answer.text == out  # byte for byte the command's report
        rules = {r["id"] for r in s.get("/v1/rules").json()["rules"]}
        assert HOUSE_ID in rules
        assert (PACK_RULE in rules) is not replace
        version = s.get("/v1/version").json()
        assert version["pack"] == ({"name": "custom", "files": 1} if replace else
                                   {"name": "default", "version": version["engine"]["version"],
                                    "added": [str(house)]})
        # the decision log: its replay is the same command line, and gives the same report
        record = _last(log, "pack-1")
        replay = record["replay"]
        assert isinstance(replay, list)
        assert ("--no-default-pack" in replay) is replace
        provenance = record["provenance"]
        assert isinstance(provenance, dict)
        assert provenance == {k: version[k] for k in provenance}
        replayed = tmp_path / "replayed.json"
        replayed.write_text(str(record["facts"]), encoding="utf-8")
        code, again, err = run_cli([str(replayed) if a == "{facts}" else a
                                    for a in replay[1:]])
        assert code == 0, err
        mine, theirs = json.loads(again), json.loads(out)
        mine["meta"].pop("facts")
        theirs["meta"].pop("facts")
        assert mine == theirs
        # a reload rebuilds the same rule set, not the pack alone nor X alone
        reloaded = s.post("/v1/reload", b"")
        assert reloaded.status == 200, reloaded.text
        assert {r["id"] for r in s.get("/v1/rules").json()["rules"]} == rules
        assert s.post(f"/v1/check?as_of={AS_OF}&all=true&facts_file={named}",
                      COMPANY_JSON.read_bytes()).text == out


def test_serve_takes_the_options_of_check_with_their_help() -> None:
    from policy_sdk.cli.check import check
    from policy_sdk.cli.serve import serve

    def option(command: object, name: str) -> object:
        return next(p for p in command.params if p.name == name)  # type: ignore[attr-defined]

    for name in ("policies", "no_default_pack"):
        mine, theirs = option(serve, name), option(check, name)
        assert mine.help == theirs.help  # type: ignore[attr-defined]
        assert mine.opts == theirs.opts  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_default_pack_without_a_policy_is_a_usage_error(lang: str) -> None:
    code, out, err = run_cli(["serve", "--lang", lang, "--no-default-pack"])
    assert code == 2
    assert out == ""
    expected = {"en": "`--no-default-pack` needs a `--policy` to run instead of the default "
                      "pack",
                "zh": "`--no-default-pack` 需要一个 `--policy` 来代替默认规则包运行"}[lang]
    assert expected in " ".join(err.split()), err
    code, _, err = run_cli(["check", "--lang", lang, "--facts", str(COMPANY_JSON),
                            "--no-default-pack"])
    assert code == 2
    assert expected in " ".join(err.split())  # the same words as `check`


def test_a_server_config_without_the_pack_needs_policies() -> None:
    with pytest.raises(ServerError) as caught:
        ServerConfig(default_pack=False)
    assert "`default_pack`" in caught.value.render()
    assert ServerConfig(policies=("x.policy",), default_pack=False).default_pack is False
    assert ServerConfig().default_pack is True  # the pack, as `check` runs it
    # a worker gets the setting through the JSON hand-over
    config = ServerConfig(policies=("x.policy",), default_pack=False)
    assert ServerConfig.from_mapping(json.loads(config.to_json())) == config


@pytest.mark.parametrize("default_pack", [True, False])
def test_the_project_configuration_gives_serve_the_rules_it_gives_check(
        tmp_path: Path, default_pack: bool) -> None:
    """`policies` and `default_pack` of policy-sdk.toml reach `serve` as they reach
    `check` (through the shared plugin options): the same rule set."""
    (tmp_path / "house.policy").write_text(HOUSE_RULE, encoding="utf-8")
    (tmp_path / "policy-sdk.toml").write_text(
        f'policies = ["house.policy"]\ndefault_pack = {str(default_pack).lower()}\n',
        encoding="utf-8")
    code, out, err = run_cli(["check", "--facts", str(COMPANY_JSON), "--as-of", AS_OF,
                              "--format", "json", "--all", "--exit-zero"], cwd=tmp_path)
    assert code == 0, err
    ran = {f["rule"] for f in json.loads(out)["findings"]}
    assert HOUSE_ID in ran
    assert (PACK_RULE in ran) is default_pack
    with serving(cwd=tmp_path) as s:
        rules = {r["id"] for r in s.get("/v1/rules").json()["rules"]}
        answer = s.post(f"/v1/check?as_of={AS_OF}&all=true", COMPANY_JSON.read_bytes())
    assert {f["rule"] for f in answer.json()["findings"]} == ran
    assert ran <= rules
    assert (PACK_RULE in rules) is default_pack
