"""Provenance of a decision: which engine, pack, plugins and policies decided, on which
facts. Reports carry their own provenance (``meta``, :mod:`policy_sdk.provenance`); the
decision log adds the digest of the policy files' bytes and keeps the reports' digest of
the rules as ``rules_sha256``, so a log line and a report can be matched.

The policy digest is SHA-256 over the policy files' bytes — each file's name relative to
the folder it was given in (the default pack: ``policies/…``) and its bytes, sorted by
name — followed by the text of the rules plugins contribute. Two servers with the same
digest run the same rules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from policy_sdk import __version__
from policy_sdk.api import Engine
from policy_sdk.pipeline import policy_files
from policy_sdk.provenance import engine_meta

__all__ = ["facts_sha256", "policy_digest", "provenance", "sources_digest"]


def facts_sha256(body: bytes) -> str:
    """SHA-256 of the facts exactly as received (hex)."""
    return hashlib.sha256(body).hexdigest()


def _policy_entries(policies: Sequence[str]) -> list[tuple[str, bytes]]:
    if not policies:
        from policy_sdk._resources import default_policies_dir

        pack = default_policies_dir()
        return [("policies/" + f.relative_to(pack).as_posix(), f.read_bytes())
                for f in policy_files(pack)]
    out: list[tuple[str, bytes]] = []
    for given in policies:
        root = Path(given)
        for f in policy_files(root):
            name = f.relative_to(root).as_posix() if root.is_dir() else f.name
            out.append((f"{root.as_posix()}::{name}", f.read_bytes()))
    return out


def sources_digest(policies: Sequence[str], calendar_file: str | None) -> str | None:
    """A digest of the policy files and the calendar file as they are on disk now (for
    watching them), or None when one cannot be read (being written, say)."""
    h = hashlib.sha256()
    try:
        for name, data in sorted(_policy_entries(policies)):
            h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
        if calendar_file is not None:
            h.update(b"calendar\0" + Path(calendar_file).read_bytes())
    except OSError:
        return None
    return h.hexdigest()


def policy_digest(policies: Sequence[str], engine: Engine) -> str:
    """``sha256:…`` over the policy files' bytes and the plugins' rule texts."""
    h = hashlib.sha256()
    for name, data in sorted(_policy_entries(policies)):
        h.update(b"file\0" + name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    if engine.plugin_modules:
        for plugin, source in engine.registry.rules:
            h.update(b"plugin\0" + f"{plugin}/{source.name}".encode() + b"\0"
                     + hashlib.sha256(source.text.encode("utf-8")).digest())
    return "sha256:" + h.hexdigest()


def provenance(engine: Engine, policies: Sequence[str]) -> dict[str, Any]:
    """Engine and pack versions, plugin versions and the policy digest of ``engine``
    (built from ``policies``; empty: the default pack)."""
    return {
        "engine": {"name": "policy-sdk", "version": __version__},
        "pack": ({"name": "default", "version": __version__} if not policies
                 else {"name": "custom", "files": len(_policy_entries(policies))}),
        "plugins": [{"name": p.name, "version": p.version, "distribution": p.distribution}
                    for p in sorted(engine.registry.plugins, key=lambda p: p.name)],
        "policy_digest": policy_digest(policies, engine),
        # the reports' own digest of the rules (`meta.policies.sha256`), to join the two
        "rules_sha256": engine_meta(engine)["policies"]["sha256"],
        "rules": _rule_count(engine),
    }


def _rule_count(engine: Engine) -> int | None:
    from policy_sdk.errors import PolicySdkError

    try:
        return len(engine.rules)
    except PolicySdkError:  # rules waiting for a facts file's `schema:`
        return None
