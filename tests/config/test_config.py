"""The project configuration file and POLICY_SDK_* variables (issue 14 item 5)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from policy_sdk.cli.main import main
from policy_sdk.config import ConfigError, load_config

FACTS = textwrap.dedent("""\
    organization: {name: 示例科技有限公司, public_opinion: true}
    algorithms:
      - {id: feed, types: [personalized_push], uses_recommendation: true}
    platforms:
      - {id: kuai, type: quick_app}
    deployments:
      - {algorithm: feed, platform: kuai, status: active, launched_on: 2026-01-05}
    """)

EXTRA_RULE = textwrap.dedent("""\
    policy house.rules "本公司规则" {
      rule name_every_platform "每个平台须填写名称" {
        severity advisory
        citation "[I] house rule"
        remedy "fill in `name`"
        forbid per platform where platform.name == null
      }
    }
    """)

TESTS = textwrap.dedent("""\
    policies: []
    plugin_rules: true
    as_of: 2026-06-01
    cases:
      - name: a quick app without vendors
        facts:
          algorithms: [{id: feed, types: [personalized_push], uses_recommendation: true}]
          platforms: [{id: kuai, type: quick_app}]
          deployments: [{algorithm: feed, platform: kuai, status: active}]
        expect:
          - {rule: platform.quick_app/vendors_declared, for: feed@kuai, status: violated}
    """)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(__import__("os").environ):
        if name.startswith("POLICY_SDK_") and name != "POLICY_SDK_DEBUG":
            monkeypatch.delenv(name)
    (tmp_path / "facts.yaml").write_text(FACTS, encoding="utf-8")
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "house.policy").write_text(EXTRA_RULE, encoding="utf-8")
    (tmp_path / "quick.tests.yaml").write_text(TESTS, encoding="utf-8")
    sub = tmp_path / "work" / "deeper"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)  # found by walking up
    return tmp_path


def _pyproject(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text(
        "[project]\nname = \"x\"\n\n[tool.policy-sdk]\n" + textwrap.dedent(body),
        encoding="utf-8")


def test_without_a_config_every_command_sees_the_quick_app(project: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    facts = str(project / "facts.yaml")
    assert main(["validate", "--facts", facts]) == 0
    assert main(["inventory", "--facts", facts]) == 0
    assert main(["test", str(project / "quick.tests.yaml")]) == 0
    capsys.readouterr()


def test_a_config_disabling_a_plugin_and_adding_policies_is_honoured_by_every_command(
    project: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    _pyproject(project, """\
        disable = ["quick_app"]
        policies = ["house"]
        """)
    facts = str(project / "facts.yaml")
    refused = "unknown platform type `quick_app`"
    for args in (["check", "--facts", facts], ["validate", "--facts", facts],
                 ["inventory", "--facts", facts], ["plan-cancel", "--facts", facts]):
        assert main(args) == 2, args
        assert refused in capsys.readouterr().err, args
    # `test`: the quick_app plugin's rule is not loaded, so the case cannot run
    assert main(["test", str(project / "quick.tests.yaml")]) == 2
    assert "platform.quick_app/vendors_declared" in capsys.readouterr().out
    assert main(["plugins", "--format", "json"]) == 0
    names = [p["name"] for p in json.loads(capsys.readouterr().out)["plugins"]]
    assert "quick_app" not in names
    assert "mini_program" in names
    # the command line wins: `-p quick_app` re-enables it; the extra folder runs too
    assert main(["check", "--facts", facts, "-p", "quick_app", "--format", "json",
                 "--as-of", "2026-06-01"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    rules = {f["rule"] for f in report["findings"]}
    assert "house.rules/name_every_platform" in rules
    assert any(r.startswith("filing.") or r.startswith("algorithm.") or "/" in r
               for r in rules - {"house.rules/name_every_platform"})  # the default pack too


def test_config_shows_values_and_where_they_came_from(project: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _pyproject(project, """\
        disable = ["quick_app"]
        format = "json"
        """)
    monkeypatch.setenv("POLICY_SDK_FORMAT", "sarif")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert f"configuration file: {project / 'pyproject.toml'}" in out
    assert "disable         quick_app  [file (" in out
    assert "pyproject.toml:5)]" in out
    assert "format          sarif  [environment (POLICY_SDK_FORMAT)]" in out
    assert "strict          false  [default]" in out


def test_precedence_command_line_over_environment_over_file(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pyproject(project, 'format = "sarif"\n')
    facts = str(project / "facts.yaml")
    args = ["check", "--facts", facts, "--as-of", "2026-06-01"]
    main(args)
    assert "runs" in json.loads(capsys.readouterr().out)  # sarif, from the file
    monkeypatch.setenv("POLICY_SDK_FORMAT", "json")
    main(args)
    assert "findings" in json.loads(capsys.readouterr().out)  # json, from the environment
    main([*args, "--format", "text"])
    assert not capsys.readouterr().out.lstrip().startswith("{")  # the command line wins
    # a command whose --format has no `sarif` keeps its own default
    monkeypatch.setenv("POLICY_SDK_FORMAT", "sarif")
    assert main(["inventory", "--facts", facts]) == 0
    assert not capsys.readouterr().out.lstrip().startswith("{")
    monkeypatch.setenv("POLICY_SDK_FORMAT", "json")
    assert main(["inventory", "--facts", facts]) == 0
    json.loads(capsys.readouterr().out)


def test_a_typo_in_the_config_is_an_error_with_file_line_and_did_you_mean(
    project: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    _pyproject(project, """\
        format = "json"
        disabel = ["quick_app"]
        """)
    assert main(["check", "--facts", str(project / "facts.yaml")]) == 2
    err = capsys.readouterr().err
    path = project / "pyproject.toml"
    assert f"{path}:6:1: error[config-unknown-key]: unknown configuration key `disabel`" in err
    assert "help: did you mean `disable`?" in err
    assert main(["config"]) == 2


def test_a_value_of_the_wrong_kind_names_the_line(project: Path) -> None:
    (project / "policy-sdk.toml").write_text('# ours\nstrict = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config()
    [diagnostic] = info.value.diagnostics
    assert diagnostic.span is not None
    assert diagnostic.span.line == 2
    assert diagnostic.message == "`strict` must be true or false"


def test_policy_sdk_toml_wins_over_pyproject_in_the_same_folder(project: Path) -> None:
    _pyproject(project, 'format = "sarif"\n')
    (project / "policy-sdk.toml").write_text('format = "json"\n', encoding="utf-8")
    config = load_config()
    assert config["format"] == "json"
    assert config.settings["format"].where == f"{project / 'policy-sdk.toml'}:1"


def test_environment_lists_and_flags(project: Path) -> None:
    config = load_config(environ={"POLICY_SDK_DISABLE": "quick_app, website",
                                  "POLICY_SDK_STRICT": "1",
                                  "POLICY_SDK_PLUGIN_TIMEOUT": "2.5",
                                  "POLICY_SDK_FORMT": "json"})
    assert config["disable"] == ["quick_app", "website"]
    assert config["strict"] is True
    assert config["plugin_timeout"] == 2.5
    assert config.unknown_env == ("POLICY_SDK_FORMT",)
    with pytest.raises(ConfigError, match="`POLICY_SDK_STRICT` must be true or false"):
        load_config(environ={"POLICY_SDK_STRICT": "maybe"})


def test_strict_reaches_a_command_that_has_the_option(project: Path) -> None:
    import click
    from click.testing import CliRunner

    from policy_sdk.cli.plugins import plugin_options

    seen: dict[str, object] = {}

    @click.command("demo")
    @click.option("--strict", is_flag=True)
    @click.option("--calendar", "calendar_file", default=None)
    @plugin_options
    def demo(strict: bool, calendar_file: str | None, plugin: tuple[str, ...],
             disable: tuple[str, ...], no_entrypoints: bool) -> None:
        seen.update(strict=strict, calendar=calendar_file, disable=disable)

    (project / "policy-sdk.toml").write_text('strict = true\ncalendar = "cal.yaml"\n'
                                             'disable = ["website"]\n', encoding="utf-8")
    result = CliRunner().invoke(demo, ["-p", "no:app"])
    assert result.exit_code == 0, result.output
    assert seen == {"strict": True, "calendar": str(project / "cal.yaml"),
                    "disable": ("website", "app")}


def test_language_comes_from_the_file_unless_the_environment_says(project: Path) -> None:
    from policy_sdk.config import file_language

    (project / "policy-sdk.toml").write_text('language = "zh_CN"\n', encoding="utf-8")
    assert load_config(environ={})["language"] == "zh"
    assert file_language(environ={}) == "zh"
    assert file_language(environ={"POLICY_SDK_LANG": "en"}) is None  # the environment wins
    config = load_config(environ={"POLICY_SDK_LANG": "en"})
    assert config.settings["language"].where == "POLICY_SDK_LANG"
    (project / "policy-sdk.toml").write_text('language = "fr"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="`language` must be `en` or `zh`"):
        load_config(environ={})
    assert file_language(environ={}) is None  # the command reports the broken file


def test_config_as_json_and_a_misspelt_variable(project: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _pyproject(project, 'strict = true\n')
    monkeypatch.setenv("POLICY_SDK_STRCT", "1")
    assert main(["config", "--format", "json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["settings"]["strict"] == {"value": True, "source": "file",
                                          "where": f"{project / 'pyproject.toml'}:5"}
    assert data["unknown_environment"] == ["POLICY_SDK_STRCT"]
    assert ("warning: `POLICY_SDK_STRCT` is not a configuration variable; did you mean "
            "`POLICY_SDK_STRICT`?") in captured.err


def test_strict_in_the_config_reaches_check(project: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    facts = project / "unsure.yaml"
    facts.write_text(FACTS.replace("{name: 示例科技有限公司, public_opinion: true}",
                                   "{name: 示例科技有限公司}"), encoding="utf-8")
    args = ["check", "--facts", str(facts), "--as-of", "2026-06-01"]
    assert main(args) in (0, 1)  # a facts warning, not an error
    capsys.readouterr()
    (project / "policy-sdk.toml").write_text("strict = true\n", encoding="utf-8")
    assert main(args) == 2
    assert "public_opinion" in capsys.readouterr().err
