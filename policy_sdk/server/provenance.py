"""Provenance of a decision: which engine, pack, plugins and policies decided, on which
facts.

The policy digest is the one every report carries (``meta.policies.sha256``), made by
one function, :func:`policy_sdk.provenance.policy_digest` (each policy source's name
and formatted text, policy files then plugin rules), written ``sha256:…``. Two servers
with the same digest run the same rules, and a report's ``meta`` names the same digest
as the decision log's record of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from policy_sdk import __version__
from policy_sdk.api import Engine
from policy_sdk.provenance import plugins_meta
from policy_sdk.provenance import policy_digest as rules_digest

__all__ = ["facts_sha256", "policy_digest", "provenance"]


def facts_sha256(body: bytes) -> str:
    """SHA-256 of the facts exactly as received (hex)."""
    return hashlib.sha256(body).hexdigest()


def policy_digest(engine: Engine) -> str:
    """``sha256:`` and :func:`policy_sdk.provenance.policy_digest` of ``engine``."""
    return "sha256:" + rules_digest(engine)


def provenance(engine: Engine, policies: Sequence[str]) -> dict[str, Any]:
    """Engine and pack versions, plugin versions and the policy digest of ``engine``
    (built from ``policies``; empty: the default pack)."""
    return {
        "engine": {"name": "policy-sdk", "version": __version__},
        "pack": ({"name": "default", "version": __version__} if not policies
                 else {"name": "custom", "files": len(engine.modules)}),
        "plugins": [{k: p[k] for k in ("name", "version", "distribution")}
                    for p in plugins_meta(engine.registry.plugins)],
        "policy_digest": policy_digest(engine),
        "rules": _rule_count(engine),
    }


def _rule_count(engine: Engine) -> int | None:
    from policy_sdk.errors import PolicySdkError

    try:
        return len(engine.rules)
    except PolicySdkError:  # rules waiting for a facts file's `schema:`
        return None
