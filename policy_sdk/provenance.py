"""Provenance of a report: what an auditor needs to say which rules said what, on
which facts, when (the JSON report's ``meta``; SARIF's ``run.properties``).

``meta`` holds the organization, the as-of date, the facts file and its SHA-256 (when
the facts came from a file), the tool and its version, the policies (the shipped pack
and its version, or the files given), a digest of the rules that ran, and the loaded
plugins with their versions. The engine's part is worked out once per engine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import weakref
from typing import TYPE_CHECKING, Any

from policy_sdk.facts.model import Facts

if TYPE_CHECKING:
    from policy_sdk.api import Engine

__all__ = ["engine_meta", "facts_digest", "report_meta"]

_ENGINES: weakref.WeakKeyDictionary[Engine, dict[str, Any]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
#: (path, size, mtime) -> SHA-256 of a facts file already hashed
_DIGESTS: dict[tuple[str, int, int], str] = {}


def report_meta(engine: Engine, facts: Facts, as_of: dt.date) -> dict[str, Any]:
    """The ``meta`` object of a report of ``engine`` on ``facts`` as of ``as_of``."""
    part = engine_meta(engine)
    source = facts.source
    return {
        "organization": facts.organization.name,
        "as_of": as_of.isoformat(),
        "facts": None if source is None else {"file": source, "sha256": facts_digest(source)},
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


def engine_meta(engine: Engine) -> dict[str, Any]:
    """What ``meta`` says about the engine: tool, policies and plugins (made once)."""
    found = _ENGINES.get(engine)
    if found is not None:
        return found
    from policy_sdk import __version__
    from policy_sdk.pipeline import policy_files
    from policy_sdk.resources import default_policies_dir
    from policy_sdk.syntax.formatter import format_module

    modules = [*engine.modules, *engine.plugin_modules]
    sha = hashlib.sha256()
    for module, origin in modules:
        # the rules as they read (formatted): a change of layout or comments is no
        # change of the rules
        sha.update(origin.encode("utf-8", "backslashreplace") + b"\x00")
        sha.update(format_module(module).encode("utf-8", "backslashreplace") + b"\x00")
    pack_dir = default_policies_dir()
    shipped = {"policies/" + f.relative_to(pack_dir).as_posix() for f in policy_files(pack_dir)}
    files = [origin for _, origin in engine.modules]
    is_pack = bool(files) and set(files) == shipped
    found = {
        "tool": {"name": "policy-sdk", "version": __version__},
        "policies": {
            "pack": "default" if is_pack else None,
            "version": __version__ if is_pack else None,
            "files": files,
            "plugin_rules": [origin for _, origin in engine.plugin_modules],
            "sha256": sha.hexdigest(),
        },
        "plugins": [{"name": p.name, "version": p.version}
                    for p in sorted(engine.registry.plugins, key=lambda p: p.name)],
    }
    with _LOCK:
        _ENGINES[engine] = found
    return found
