"""Provenance of a report: what an auditor needs to say which rules said what, on
which facts, when (the JSON report's ``meta``; SARIF's ``run.properties``).

``meta`` holds the organization, the as-of date, the facts file and its SHA-256 (when
the facts came from a file: of its bytes as they are when the report is made; when they
came from text, ``load_facts_text``: the name given and the SHA-256 of that text, and no
file is ever opened for them), the tool and its version, the policies (the shipped pack
and its version, or the files given), a digest of the rules that ran, and the loaded
plugins with their versions. The engine's part is worked out once per engine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import threading
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from policy_sdk.facts.model import Facts

if TYPE_CHECKING:
    from policy_sdk.api import Engine

__all__ = ["engine_meta", "facts_digest", "facts_meta", "facts_source", "plugins_meta",
           "policy_digest", "remember_file", "remember_text", "report_meta"]

_ENGINES: weakref.WeakKeyDictionary[Engine, dict[str, Any]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
#: (path, size, mtime) -> SHA-256 of a facts file already hashed
_DIGESTS: dict[tuple[str, int, int], str] = {}


#: where the loader leaves, on the facts it made (``Facts.keep_derived_index``), the
#: SHA-256 of the text they were read from / the path of the file they were read from
_TEXT_SHA256 = "provenance:text_sha256"
_FILE = "provenance:file"


def remember_text(facts: Facts, text: str | bytes | bytearray | memoryview) -> None:
    """``facts`` were read from ``text`` (``load_facts_text``): their provenance is the
    SHA-256 of ``text`` (its bytes as given; text as UTF-8), never a file's."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    facts.keep_derived_index(_TEXT_SHA256, hashlib.sha256(data).hexdigest())


def remember_file(facts: Facts) -> None:
    """``facts`` were read from the file ``facts.source`` names (``load_facts``)."""
    facts.keep_derived_index(_FILE, facts.source)


def facts_source(facts: Facts) -> dict[str, Any] | None:
    """``meta.facts``: the name of the facts (``Facts.source``) and a SHA-256 — of the
    text they were loaded from, or of the file they were loaded from as it is now; null
    for facts of unknown origin (changed after loading, or given a ``source`` by hand),
    whose path is never read. None when the facts have no name (given in memory)."""
    source = facts.source
    if source is None:
        return None
    digest = facts.derived_index(_TEXT_SHA256)
    if digest is None and facts.derived_index(_FILE) == source:
        digest = facts_digest(source)
    return {"file": source, "sha256": digest}


def report_meta(engine: Engine, facts: Facts, as_of: dt.date) -> dict[str, Any]:
    """The ``meta`` object of a report of ``engine`` on ``facts`` as of ``as_of``."""
    part = engine_meta(engine)
    return {
        "organization": facts.organization.name,
        "as_of": as_of.isoformat(),
        "facts": facts_source(facts),
        "tool": part["tool"],
        "policies": part["policies"],
        "plugins": part["plugins"],
    }


def facts_digest(path: str) -> str | None:
    """SHA-256 of the file at ``path`` (hex); None if it cannot be read any more.
    A file unchanged since it was last hashed (size, modification time) is not
    read again."""
    try:
        stat = os.stat(path)
        key = (os.path.abspath(path), stat.st_size, stat.st_mtime_ns)
        known = _DIGESTS.get(key)
        if known is not None:
            return known
        sha = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                sha.update(block)
    except (OSError, ValueError):
        return None
    digest = sha.hexdigest()
    with _LOCK:
        if len(_DIGESTS) > 256:
            _DIGESTS.clear()
        _DIGESTS[key] = digest
    return digest


def policy_digest(engine: Engine) -> str:
    """The digest of the rules ``engine`` runs (hex SHA-256), the one every report's
    ``meta.policies.sha256`` and the server's ``policy_digest`` (``sha256:`` and this)
    carry: over each policy source in the engine's order — the policy files, then the
    rules plugins contribute — its name (``policies/…``, the path as given,
    ``plugin:NAME``), a NUL, its formatted text (``policy-sdk fmt``'s, comments
    included) in UTF-8, a NUL. The text that ran, not the bytes on disk: the same for a
    file, for its module given parsed or after pickling, and for plugin rules that have
    no file; a change of layout alone is no change of the rules. Each file's own SHA-256
    (of its bytes, as ``sha256sum`` says) is listed beside it (``file_sha256``)."""
    return engine_meta(engine)["policies"]["sha256"]  # type: ignore[no-any-return]


def _digest_of_rules(engine: Engine) -> str:
    from policy_sdk.syntax.formatter import format_module

    sha = hashlib.sha256()
    for module, origin in (*engine.modules, *engine.plugin_modules):
        sha.update(origin.encode("utf-8", "backslashreplace") + b"\x00")
        sha.update(format_module(module).encode("utf-8", "backslashreplace") + b"\x00")
    return sha.hexdigest()


def _file_digests(engine: Engine) -> list[dict[str, Any]]:
    """Each policy file the engine read, by the name its findings give (``origin``),
    with the SHA-256 of its bytes as they are now (null: it cannot be read any more)."""
    from policy_sdk.pipeline import DEFAULT_PACK_PREFIX
    from policy_sdk.resources import default_policies_dir

    pack = default_policies_dir().resolve()
    paths: dict[str, str] = {}
    for f in engine.policy_set.files:
        paths.setdefault(str(f), str(f))
        with contextlib.suppress(ValueError, OSError):
            paths.setdefault(DEFAULT_PACK_PREFIX + f.resolve().relative_to(pack).as_posix(),
                             str(f))
    out = []
    for _, origin in engine.modules:
        path = paths.get(origin)
        if path is not None:
            out.append({"file": origin, "sha256": facts_digest(path)})
    return out


def engine_meta(engine: Engine) -> dict[str, Any]:
    """What ``meta`` says about the engine: tool, policies and plugins (made once)."""
    found = _ENGINES.get(engine)
    if found is not None:
        return found
    from policy_sdk import __version__
    from policy_sdk.pipeline import policy_files
    from policy_sdk.resources import default_policies_dir

    pack_dir = default_policies_dir()
    shipped = {"policies/" + f.relative_to(pack_dir).as_posix() for f in policy_files(pack_dir)}
    files = [origin for _, origin in engine.modules]
    # the pack ran: every file of it (policies given beside it, as `check --policy`
    # runs them, are listed in `files` too)
    is_pack = bool(shipped) and shipped <= set(files)
    found = {
        "tool": {"name": "policy-sdk", "version": __version__},
        "policies": {
            "pack": "default" if is_pack else None,
            "version": __version__ if is_pack else None,
            "files": files,
            "plugin_rules": [origin for _, origin in engine.plugin_modules],
            "sha256": _digest_of_rules(engine),
            "file_sha256": _file_digests(engine),
        },
        "plugins": plugins_meta(engine.registry.plugins),
    }
    with _LOCK:
        _ENGINES[engine] = found
    return found


def plugins_meta(plugins: Iterable[Any]) -> list[dict[str, Any]]:
    """The loaded plugins as ``meta`` lists them: name, version, distribution, where."""
    return [{"name": p.name, "version": p.version, "distribution": p.distribution,
             "where": p.where}
            for p in sorted(plugins, key=lambda p: p.name)]


def facts_meta(facts: Facts, as_of: dt.date, plugins: Iterable[Any] = ()) -> dict[str, Any]:
    """``meta`` of a result made from the facts alone (an inventory, a cancellation
    plan): the same keys as :func:`report_meta`, ``policies`` null (no rule ran)."""
    from policy_sdk import __version__

    return {
        "organization": facts.organization.name,
        "as_of": as_of.isoformat(),
        "facts": facts_source(facts),
        "tool": {"name": "policy-sdk", "version": __version__},
        "policies": None,
        "plugins": plugins_meta(plugins),
    }
