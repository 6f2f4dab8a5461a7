"""`validate`, `test` and the Engine read the same policy paths the same way.

Each case builds a folder of policies (with the odd things people have in folders) and
asks the three doors; they must agree on success, and on the error codes otherwise.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_sdk import Engine, PolicySdkError
from policy_sdk.cli.main import main

RULE = 'rule r "t" {\n  require filing per platform where uses_recommendation\n}\n'
BARE = "require filing per platform where uses_recommendation\n"


def _ok(d: Path) -> None:
    (d / "a.policy").write_text(RULE, encoding="utf-8")


def _dir_named_policy(d: Path) -> None:
    _ok(d)
    (d / "sub.policy").mkdir()  # a folder, not a file: its own files count, it does not


def _nested_in_dir_named_policy(d: Path) -> None:
    (d / "sub.policy").mkdir()
    (d / "sub.policy" / "a.policy").write_text(RULE, encoding="utf-8")


def _empty_folder(d: Path) -> None:
    (d / "notes.txt").write_text("not a policy", encoding="utf-8")


def _empty_file(d: Path) -> None:
    _ok(d)
    (d / "b.policy").write_text("", encoding="utf-8")


def _comment_only_file(d: Path) -> None:
    _ok(d)
    (d / "b.policy").write_text("# to do\n\n  # later\n", encoding="utf-8")


def _dangling_link(d: Path) -> None:
    _ok(d)
    os.symlink(d / "gone.policy", d / "b.policy")


def _fifo(d: Path) -> None:
    _ok(d)
    os.mkfifo(d / "b.policy")


def _same_name_in_two_files(d: Path) -> None:
    _ok(d)
    (d / "b.policy").write_text(RULE, encoding="utf-8")


def _same_bare_statement_in_two_files(d: Path) -> None:
    (d / "a.policy").write_text(BARE, encoding="utf-8")
    (d / "b.policy").write_text(BARE, encoding="utf-8")


def _syntax_error(d: Path) -> None:
    _ok(d)
    (d / "b.policy").write_text("require filing per\n", encoding="utf-8")


CASES: dict[str, tuple[Callable[[Path], None], set[str]]] = {
    "plain": (_ok, set()),
    "a folder named x.policy": (_dir_named_policy, set()),
    "policies inside a folder named x.policy": (_nested_in_dir_named_policy, set()),
    "an empty folder": (_empty_folder, {"no-policies"}),
    "an empty policy file": (_empty_file, {"no-rules"}),
    "a comment-only policy file": (_comment_only_file, {"no-rules"}),
    "a dangling link": (_dangling_link, {"io"}),
    "a named pipe": (_fifo, {"io"}),
    "one rule id in two files": (_same_name_in_two_files, {"duplicate-rule"}),
    "one bare statement in two files": (_same_bare_statement_in_two_files, {"duplicate-rule"}),
    "a syntax error": (_syntax_error, {"syntax"}),
}

_CODE = re.compile(r"error\[([a-z-]+)\]")


def _engine(folder: Path) -> set[str]:
    try:
        Engine([folder], load_entrypoints=False, plugin_rules=False)
    except PolicySdkError as exc:
        return {d.code for d in exc.diagnostics}
    return set()


def _validate(folder: Path, capsys: pytest.CaptureFixture[str]) -> set[str]:
    code = main(["validate", "--no-entrypoints", "--no-plugin-rules", str(folder)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    codes = set(_CODE.findall(err))
    assert (code == 0) == (not codes), err
    return codes


def _test(folder: Path, tmp: Path, capsys: pytest.CaptureFixture[str]) -> set[str]:
    tests = tmp / "tests"
    tests.mkdir()
    (tests / "x.tests.yaml").write_text(
        f"policies: [{str(folder)!r}]\nas_of: 2026-01-05\ncases:\n"
        "  - facts: {}\n    expect: [{rule: r, status: satisfied}]\n",
        encoding="utf-8",
    )
    code = main(["test", "--no-entrypoints", "--no-coverage", str(tests)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    codes = set(_CODE.findall(out.out + out.err))
    assert (code == 2) == bool(codes), out  # 0 or 1: the policies loaded and ran
    return codes


@pytest.mark.skipif(sys.platform == "win32", reason="links and named pipes")
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_three_doors_agree(name: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    make, expected = CASES[name]
    folder = tmp_path / "policies"
    folder.mkdir()
    make(folder)
    assert _engine(folder) == expected
    assert _validate(folder, capsys) == expected
    assert _test(folder, tmp_path, capsys) == expected


def test_a_duplicate_names_both_places(tmp_path: Path) -> None:
    _same_name_in_two_files(tmp_path)
    with pytest.raises(PolicySdkError) as caught:
        Engine([tmp_path], load_entrypoints=False, plugin_rules=False)
    (d,) = caught.value.diagnostics
    assert d.code == "duplicate-rule"
    assert f"`{tmp_path / 'a.policy'}` line 1" in d.message
    assert f"`{tmp_path / 'b.policy'}` line 1" in d.message


def test_a_file_given_twice_is_read_once(tmp_path: Path) -> None:
    _ok(tmp_path)
    engine = Engine([tmp_path, tmp_path / "a.policy"], load_entrypoints=False,
                    plugin_rules=False)
    assert [r.id for r in engine.rules] == ["r"]


def test_a_test_file_beside_its_policies_skips_a_folder_named_x_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _dir_named_policy(tmp_path)  # a.policy and an empty folder sub.policy/
    (tmp_path / "a.tests.yaml").write_text(
        "as_of: 2026-01-05\ncases:\n  - facts: {}\n    expect: [{rule: r, status: satisfied}]\n",
        encoding="utf-8",
    )
    code = main(["test", "--no-entrypoints", "--no-coverage", str(tmp_path / "a.tests.yaml")])
    out = capsys.readouterr()
    assert code in (0, 1), out
    assert not _CODE.findall(out.out + out.err)


# --- any mix of the odd things: the doors still agree -------------------------------------

_KINDS = ["rule", "same-rule", "bare", "empty", "comments", "folder", "dangling", "pipe", "txt"]


def _build(root: Path, entries: list[tuple[str, str, str]]) -> None:
    for i, (folder, name, kind) in enumerate(entries):
        where = root / folder
        where.mkdir(parents=True, exist_ok=True)
        path = where / f"{name}{i}.policy"
        if kind == "rule":
            path.write_text(RULE.replace("rule r ", f"rule r{i} "), encoding="utf-8")
        elif kind == "same-rule":
            path.write_text(RULE, encoding="utf-8")
        elif kind == "bare":
            path.write_text(BARE, encoding="utf-8")
        elif kind == "empty":
            path.write_text("", encoding="utf-8")
        elif kind == "comments":
            path.write_text("# nothing yet\n", encoding="utf-8")
        elif kind == "folder":
            path.mkdir()
        elif kind == "dangling":
            os.symlink(where / "gone", path)
        elif kind == "pipe":
            os.mkfifo(path)
        else:
            (where / f"{name}{i}.txt").write_text(RULE, encoding="utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="links and named pipes")
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(st.tuples(st.sampled_from(["", "sub", "sub/deeper", "x.policy"]),
                          st.sampled_from(["a", "b"]), st.sampled_from(_KINDS)),
                max_size=6))
def test_the_doors_agree_on_any_mix(entries: list[tuple[str, str, str]],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "policies"
        folder.mkdir()
        _ok(folder)  # rule `r`, which the policy test file expects
        _build(folder, entries)
        engine = _engine(folder)
        validate = _validate(folder, capsys)
        tested = _test(folder, root, capsys)
    # the engine and `test` stop at the first stage with a problem; `validate` goes on
    # and reports every stage's problems, so it may say more, never less
    assert tested == engine
    assert engine <= validate
    assert bool(engine) == bool(validate)


def test_a_virtual_environment_is_not_searched_but_other_hidden_folders_are(
    tmp_path: Path,
) -> None:
    from policy_sdk.pipeline import expand_policy_paths

    (tmp_path / "house.policy").write_text("require filing per platform\n", encoding="utf-8")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    drafts = tmp_path / ".drafts"
    drafts.mkdir()
    (drafts / "draft.policy").write_text("require disclosure per platform\n",
                                         encoding="utf-8")
    pack = tmp_path / ".venv" / "lib" / "site-packages" / "policy_sdk" / "_data" / "policies"
    pack.mkdir(parents=True)
    (pack / "algorithm_filing.policy").write_text("require filing per platform\n",
                                                  encoding="utf-8")
    files, problems = expand_policy_paths([tmp_path])
    assert problems == []
    # a hidden folder of the user's own is read: skipping it would hide rules
    assert files == [drafts / "draft.policy", tmp_path / "house.policy"]
    # named directly, a file in a hidden folder is read as given
    files, _ = expand_policy_paths([pack / "algorithm_filing.policy"])
    assert files == [pack / "algorithm_filing.policy"]


def test_a_rule_id_the_default_pack_has_points_at_no_default_pack(tmp_path: Path) -> None:
    from policy_sdk.errors import ValidationError
    from policy_sdk.pipeline import load_policy_set

    copy = tmp_path / "copy.policy"
    copy.write_text('policy cn.algorithm_filing "copy" {\n  rule filing_per_platform {\n'
                    "    require filing per platform where uses_recommendation\n  }\n}\n",
                    encoding="utf-8")
    twin = tmp_path / "twin.policy"
    twin.write_text(copy.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValidationError) as beside:
        load_policy_set([copy], default_pack=True)
    [d] = beside.value.errors
    assert d.code == "duplicate-rule"
    assert d.help is not None
    assert "--no-default-pack" in d.help
    with pytest.raises(ValidationError) as alone:  # two files of the user's own
        load_policy_set([copy, twin])
    [d] = alone.value.errors
    assert d.code == "duplicate-rule"
    assert d.help is not None
    assert "--no-default-pack" not in d.help
