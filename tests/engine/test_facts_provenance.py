"""A report's provenance of its facts (``meta.facts``): facts loaded from a file carry the
file's SHA-256 (read when the report is made, as before); facts loaded from text
(``load_facts_text``, the server's request bodies) carry the SHA-256 of that text, and
the path their ``name`` gives is never opened. Before, ``name="/etc/passwd"`` had that
file read and hashed into the report."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from policy_sdk.api import Engine
from policy_sdk.facts import load_facts, load_facts_text
from policy_sdk.provenance import facts_meta

ROOT = Path(__file__).resolve().parents[2]
COMPANY_JSON = ROOT / "examples" / "company.json"
COMPANY_YAML = ROOT / "examples" / "company.yaml"
AS_OF = "2026-11-20"

_WATCHED: list[str] = []
_OPENED: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _WATCHED and event in ("open", "os.stat") and args and str(args[0]) in _WATCHED:
        _OPENED.append(f"{event} {args[0]}")


sys.addaudithook(_audit)  # inert unless a test watches a path


@contextlib.contextmanager
def never_touched(path: Path) -> Iterator[None]:
    """Fails if ``path`` is opened (or its status read) by anything in the block."""
    _WATCHED.append(str(path))
    _OPENED.clear()
    try:
        yield
    finally:
        _WATCHED.remove(str(path))
    assert not _OPENED, _OPENED


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("as_bytes", [True, False], ids=["bytes", "str"])
@pytest.mark.parametrize("source", [COMPANY_JSON, COMPANY_YAML], ids=["json", "yaml"])
def test_text_facts_carry_the_digest_of_their_text_and_open_no_file(
        engine: Engine, tmp_path: Path, source: Path, as_bytes: bool) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    data = source.read_bytes()
    text: str | bytes = data if as_bytes else data.decode("utf-8")
    fmt = "json" if source.suffix == ".json" else "yaml"
    with never_touched(secret):
        facts = load_facts_text(text, fmt, name=str(secret),
                                platform_types=engine.registry.platform_types)
        report = engine.evaluate(facts, as_of=AS_OF)
        meta = facts_meta(facts, report.as_of)  # an inventory's or a plan's audit header
        engine.inventory(facts, as_of=AS_OF)
    expected = {"file": str(secret), "sha256": sha256(data)}  # the text's, not the file's
    assert report.meta is not None
    assert report.meta["facts"] == expected
    assert meta["facts"] == expected
    with never_touched(secret):
        copied = pickle.loads(pickle.dumps(facts))
        assert facts_meta(copied, report.as_of)["facts"] == expected
    # the same document as a file has the same digest: a replay can be matched
    assert load_facts(source).source == str(source)
    by_file = engine.evaluate(load_facts(source), as_of=AS_OF).meta
    assert by_file is not None
    assert by_file["facts"] == {"file": str(source), "sha256": sha256(data)}


def test_the_default_name_and_a_missing_path_get_the_text_digest_too(engine: Engine,
                                                                     tmp_path: Path) -> None:
    body = COMPANY_JSON.read_bytes()
    for name in ("<request>", str(tmp_path / "no" / "such.json")):
        facts = load_facts_text(body, "json", name=name)
        meta = engine.evaluate(facts, as_of=AS_OF).meta
        assert meta is not None
        assert meta["facts"] == {"file": name, "sha256": sha256(body)}


def test_file_facts_keep_the_digest_of_the_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "company.yaml"
    path.write_bytes(COMPANY_YAML.read_bytes())
    facts = load_facts(path)
    meta = engine.evaluate(facts, as_of=AS_OF).meta
    assert meta is not None
    assert meta["facts"] == {"file": str(path), "sha256": sha256(path.read_bytes())}
    assert facts_meta(facts, dt.date(2026, 11, 20))["facts"] == meta["facts"]
    # a copy sent to another process keeps where it came from
    assert facts_meta(pickle.loads(pickle.dumps(facts)), dt.date(2026, 11, 20))["facts"] == \
        meta["facts"]
    # as before: the file as it is when the report is made (changed: the new digest)
    path.write_bytes(path.read_bytes() + b"\n# changed after loading\n")
    again = engine.evaluate(facts, as_of=AS_OF).meta
    assert again is not None
    assert again["facts"]["sha256"] == sha256(path.read_bytes())


def test_facts_of_unknown_origin_name_no_file_to_read(engine: Engine, tmp_path: Path) -> None:
    """Facts changed after loading from text (or built with a ``source`` by hand) are not
    what any file holds: the path is named, never read, and the digest is null."""
    secret = tmp_path / "secret.json"
    secret.write_bytes(COMPANY_JSON.read_bytes())
    body = COMPANY_JSON.read_bytes()
    with never_touched(secret):
        facts = load_facts_text(body, "json", name=str(secret))
        changed = attrs.evolve(facts, deployments=tuple(facts.deployments[1:]))
        meta = engine.evaluate(changed, as_of=AS_OF).meta
        built = attrs.evolve(load_facts(COMPANY_JSON), source=str(secret))
        by_hand = engine.evaluate(built, as_of=AS_OF).meta
    assert meta is not None
    assert by_hand is not None
    assert meta["facts"] == {"file": str(secret), "sha256": None}
    assert by_hand["facts"] == {"file": str(secret), "sha256": None}


def test_facts_from_a_mapping_have_no_file(engine: Engine) -> None:
    import json

    document = json.loads(COMPANY_JSON.read_text(encoding="utf-8"))
    meta = engine.evaluate(document, as_of=AS_OF).meta
    assert meta is not None
    assert meta["facts"] is None


def test_changing_a_reports_meta_changes_no_report(engine: Engine) -> None:
    """What the engine says of its policies and plugins is shared by its reports; a
    caller changing the ``meta`` it was handed changes neither that report's JSON nor
    the next report's."""
    first = engine.evaluate(COMPANY_YAML, as_of=AS_OF)
    before = json.loads(first.to_json())["meta"]
    meta = first.meta
    assert meta is not None
    assert meta == before
    meta["policies"]["files"].append("policies/forged.policy")
    meta["plugins"].clear()
    meta["tool"]["version"] = "0"
    assert first.meta == before
    assert json.loads(first.to_json())["meta"] == before
    second = engine.evaluate(COMPANY_YAML, as_of=AS_OF)
    assert json.loads(second.to_json())["meta"] == before
    assert pickle.loads(pickle.dumps(second)).meta == before
