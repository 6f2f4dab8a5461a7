"""Provenance of a decision: which engine, pack, plugins and policies decided, on which
facts. Reports carry their own provenance (``meta``, :mod:`policy_sdk.provenance`), and
the decision log carries the same digest of the rules, so a log line and a report can be
matched.

The policy digest is the one every report carries (``meta.policies.sha256``), made by
one function, :func:`policy_sdk.provenance.policy_digest` (each policy source's name
and formatted text, policy files then plugin rules), written ``sha256:…``. Two servers
with the same digest run the same rules, and a report's ``meta`` names the same digest
as the decision log's record of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from policy_sdk import __version__
from policy_sdk.api import Engine
from policy_sdk.pipeline import DEFAULT_PACK_PREFIX, policy_files
from policy_sdk.provenance import engine_meta, plugins_meta
from policy_sdk.provenance import policy_digest as rules_digest

__all__ = ["facts_sha256", "policy_digest", "provenance", "sources_digest"]


def facts_sha256(body: bytes) -> str:
    """SHA-256 of the facts exactly as received (hex)."""
    return hashlib.sha256(body).hexdigest()


def _policy_entries(policies: Sequence[str], default_pack: bool) -> list[tuple[str, bytes]]:
    """Each policy file the engine reads (the pack's when it runs, then the given ones)
    with its bytes."""
    out: list[tuple[str, bytes]] = []
    if default_pack or not policies:
        from policy_sdk._resources import default_policies_dir

        pack = default_policies_dir()
        out += [("policies/" + f.relative_to(pack).as_posix(), f.read_bytes())
                for f in policy_files(pack)]
    for given in policies:
        root = Path(given)
        for f in policy_files(root):
            name = f.relative_to(root).as_posix() if root.is_dir() else f.name
            out.append((f"{root.as_posix()}::{name}", f.read_bytes()))
    return out


def sources_digest(policies: Sequence[str], calendar_file: str | None, *,
                   default_pack: bool = True) -> str | None:
    """A digest of the policy files (the default pack's too when it runs beside
    ``policies``) and the calendar file as they are on disk now (for watching them: a
    change of a byte is a change to reload), or None when one cannot be read (being
    written, say). Not a provenance digest: that is :func:`policy_digest`."""
    h = hashlib.sha256()
    try:
        for name, data in sorted(_policy_entries(policies, default_pack)):
            h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
        if calendar_file is not None:
            h.update(b"calendar\0" + Path(calendar_file).read_bytes())
    except OSError:
        return None
    return h.hexdigest()


def policy_digest(engine: Engine) -> str:
    """``sha256:`` and :func:`policy_sdk.provenance.policy_digest` of ``engine``: the
    digest every report of it carries as ``meta.policies.sha256``."""
    return "sha256:" + rules_digest(engine)


def provenance(engine: Engine) -> dict[str, Any]:
    """Engine and pack versions, plugin versions and the policy digest of ``engine``.

    ``pack`` says what a report's ``meta.policies`` says: ``{name: default, version}``
    when the default pack ran (with ``added``: the policy files run beside it, by the
    names findings give them), else ``{name: custom, files}``."""
    policies = engine_meta(engine)["policies"]
    pack: dict[str, Any]
    if policies["pack"] == "default":
        pack = {"name": "default", "version": policies["version"]}
        added = [f for f in policies["files"] if not f.startswith(DEFAULT_PACK_PREFIX)]
        if added:
            pack["added"] = added
    else:
        pack = {"name": "custom", "files": len(engine.modules)}
    return {
        "engine": {"name": "policy-sdk", "version": __version__},
        "pack": pack,
        "plugins": [{k: p[k] for k in ("name", "version", "distribution")}
                    for p in plugins_meta(engine.registry.plugins)],
        "policy_digest": policy_digest(engine),
        # the reports' digest of the rules (`meta.policies.sha256`) as they write it
        "rules_sha256": rules_digest(engine),
        "rules": _rule_count(engine),
    }


def _rule_count(engine: Engine) -> int | None:
    from policy_sdk.errors import PolicySdkError

    try:
        return len(engine.rules)
    except PolicySdkError:  # rules waiting for a facts file's `schema:`
        return None
