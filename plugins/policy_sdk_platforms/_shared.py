"""Mechanics the first-party platform plugins share.

Each plugin module still declares its platform type and its hook implementations
itself (read one as an example); only reading a shipped rules file lives here.
A third-party plugin reads its own files the same way: see the template in
``plugins/examples/policy-sdk-quickapp``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import PurePosixPath

from policy_sdk.plugins.specs import RuleSource


def packaged_rules(path: str) -> RuleSource:
    """The policy file at ``path`` inside this package, named by its file name in spans
    (``rules/app.policy`` -> ``app.policy``)."""
    text = resources.files("policy_sdk_platforms").joinpath(path).read_text(encoding="utf-8")
    return RuleSource(name=PurePosixPath(path).name, text=text)
