"""Facts from JSON or YAML *text* (a request body, a string in memory), read exactly like
a facts file: duplicate keys are errors naming the key, YAML values carry their line and
column, NUL characters and oversized or over-deep documents are refused.

``json.loads`` on a body silently keeps the last of two equal keys; this entry point
never does::

    facts = load_facts_text(body, format="json", name="<request>")

``name`` stands where a file name would in diagnostics and spans. The entry point lives
in :mod:`policy_sdk.facts.load`, beside :func:`~policy_sdk.facts.load_facts`; it is
importable from here too.
"""

from __future__ import annotations

from policy_sdk.facts.load import FORMATS, load_facts_text

__all__ = ["FORMATS", "load_facts_text"]
