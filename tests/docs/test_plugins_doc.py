"""Run the ```python blocks of docs/plugins.md and check what the prose says they print;
keep its generated reference and fault table equal to the code."""

from __future__ import annotations

import linecache
import re
import tomllib
from pathlib import Path
from types import CodeType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "plugins.md"
EXAMPLE = ROOT / "plugins" / "examples" / "policy-sdk-quickapp"


def _compiled(block: str, doc: Path, index: int) -> CodeType:
    """A doc block compiled under a name of its own, its text in ``linecache`` so that
    ``inspect.getsource`` (which hypothesis calls on a ``@given`` test) reads the block,
    not the Markdown file's first lines."""
    name = f"<{doc.name} block {index}>"
    linecache.cache[name] = (len(block), None, block.splitlines(keepends=True), name)
    return compile(block, name, "exec")


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_python_blocks_run_and_print_what_the_doc_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocks = _blocks("python")
    assert len(blocks) == 8
    namespace: dict[str, object] = {"__name__": "plugins_doc"}
    outputs = []
    for i, block in enumerate(blocks):  # later blocks use the names of earlier ones
        exec(_compiled(block, DOC, i), namespace)
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == "('quick_app',)\nquick_app\n"
    assert outputs[1] == (
        "('alipay', 'baidu', 'douyin', 'kuaishou', 'qq', 'wechat')\n('mini_program',)\n")
    assert outputs[2] == "tv violated\n"
    loaded, mini, only_core = outputs[3].splitlines()
    assert "quick_app" in loaded
    assert "core" in loaded
    assert mini == "False"
    assert only_core == "['core']"
    assert outputs[4] == (
        "plugin `careless` implements hook `policy_sdk_register_rule`, which does not exist\n"
    )
    assert outputs[5] == "plugin:typo/typo.policy:1:21\n"
    assert outputs[6] == "demo.quick_app/vendors_declared kuai violated\n"
    assert outputs[7] == ""  # the property test ran and held


def test_the_quoted_messages_are_the_real_ones() -> None:
    from policy_sdk import PluginError
    from policy_sdk.plugins import Registrar, hookimpl, load_registry
    from policy_sdk.plugins.specs import PlatformTypeSpec

    class Careless:
        policy_sdk_plugin_name = "careless"

        @hookimpl
        def policy_sdk_register(self, register: Registrar) -> None:
            register.add_platform_type(PlatformTypeSpec("Smart-TV", "smart-TV app"))

    with pytest.raises(PluginError) as info:
        load_registry(plugins=[Careless()], load_entrypoints=False)
    assert _blocks("text")[1].strip() == info.value.diagnostics[0].message
    assert info.value.diagnostics[0].help == "write `smart_tv`"


def test_the_packaging_example_is_the_template_pyproject() -> None:
    doc_toml = tomllib.loads(_blocks("toml")[0])
    real = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))
    assert doc_toml["build-system"] == real["build-system"]
    assert doc_toml["project"]["entry-points"] == real["project"]["entry-points"]
    assert doc_toml["project"]["dependencies"] == real["project"]["dependencies"]
    assert doc_toml["tool"]["hatch"] == real["tool"]["hatch"]
    for path in re.findall(r"^  ((?:src|tests)/\S+)", _blocks("text")[2], flags=re.M):
        assert (EXAMPLE / path).is_file(), path


def test_the_configuration_example_is_a_valid_configuration(tmp_path: Path) -> None:
    from policy_sdk.config import KEYS, load_config

    (tmp_path / "pyproject.toml").write_text(_blocks("toml")[1], encoding="utf-8")
    config = load_config(tmp_path, environ={})
    assert {k for k, s in config.settings.items() if s.source == "file"} == set(KEYS)
    assert config["disable"] == ["quick_app"]


def test_the_hook_table_lists_every_hook() -> None:
    from policy_sdk.plugins.manager import hook_names

    text = DOC.read_text(encoding="utf-8")
    for name in hook_names():
        assert f"| `{name}` |" in text


def _between(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, flags=re.S)
    assert match, name
    return match[1]


def test_the_reference_is_generated_from_the_source() -> None:
    from policy_sdk.plugins.reference import (
        SPEC_CLASSES,
        field_rows,
        reference_markdown,
        registrar_markdown,
    )

    for cls in SPEC_CLASSES:
        for name, _default, comment in field_rows(cls):
            assert comment, f"`{cls.__name__}.{name}` has no `#:` comment"
    assert _between("reference") == reference_markdown()
    assert _between("registrar") == registrar_markdown()


def test_every_fault_code_is_listed_in_section_3() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## 3. When a plugin is wrong"):text.index("## 4. Testing")]
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.M))
    codes: set[str] = set()
    for path in (ROOT / "policy_sdk").rglob("*.py"):
        codes |= set(re.findall(r'"((?:plugin|reporter)-[a-z-]+)"', path.read_text("utf-8")))
    assert codes, "no codes found"
    assert codes <= listed, sorted(codes - listed)


PLATFORMS_DOC = ROOT / "docs" / "platforms.md"


def _platform_blocks(kind: str) -> list[str]:
    text = PLATFORMS_DOC.read_text(encoding="utf-8")
    return re.findall(rf"```{kind}\n(.*?)```", text, flags=re.S)


def test_platforms_doc_example_prints_what_it_says(capsys: pytest.CaptureFixture[str]) -> None:
    (block,) = _platform_blocks("python")
    exec(_compiled(block, PLATFORMS_DOC, 0), {"__name__": "platforms_doc"})
    assert capsys.readouterr().out == _platform_blocks("text")[0]


def test_platforms_doc_table_matches_the_plugins() -> None:
    from policy_sdk.plugins import load_registry

    registry = load_registry()
    rows = re.findall(r"^\| `(\w+)` \| (.*?) \| (.*?) \| (.*?) \|$",
                      PLATFORMS_DOC.read_text(encoding="utf-8"), flags=re.M)
    assert [r[0] for r in rows] == ["app", "mini_program", "official_account", "website"]
    for name, aliases, batch, _rules in rows:
        spec = registry.platform_types[name]
        assert re.findall(r"`([^`]+)`", aliases) == list(spec.aliases)
        assert batch.startswith("yes") == spec.capabilities.accepts_batch
