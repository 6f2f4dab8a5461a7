"""Facts from JSON or YAML *text* (a request body, a string in memory), read exactly like
a facts file: duplicate keys are errors naming the key, YAML values carry their line and
column, NUL characters and oversized or over-deep documents are refused.

``json.loads`` on a body silently keeps the last of two equal keys; this entry point
never does::

    facts = load_facts_text(body, format="json", name="<request>")

``name`` stands where a file name would in diagnostics and spans.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, Literal

from policy_sdk._gc import gc_paused
from policy_sdk.errors import FactsError
from policy_sdk.facts.load import (
    MAX_FACTS_BYTES,
    _fail,
    _Loader,
    _parse_json,
    _parse_yaml,
    default_platform_types,
)
from policy_sdk.facts.model import Facts

if TYPE_CHECKING:
    from policy_sdk.plugins.specs import PlatformTypeSpec

__all__ = ["FORMATS", "load_facts_text"]

FORMATS: Final = ("json", "yaml")
"""The formats :func:`load_facts_text` reads."""


def load_facts_text(
    text: str | bytes,
    format: Literal["json", "yaml"] | str = "json",
    *,
    name: str = "<text>",
    platform_types: Mapping[str, PlatformTypeSpec] | None = None,
) -> Facts:
    """Load deployment facts from JSON or YAML ``text`` (``bytes`` must be UTF-8).

    Raises :class:`~policy_sdk.errors.FactsError` with every problem of the document,
    as :func:`~policy_sdk.facts.load_facts` does for a file named ``name``.
    """
    if format not in FORMATS:
        raise _fail("format", f"unknown facts format `{format}`", name,
                    help="facts text is `json` or `yaml`")
    decoded = _decode(text, name)
    specs = default_platform_types() if platform_types is None else platform_types
    with gc_paused():  # as load_facts: many containers, no cycles
        if format == "json":
            return _Loader(specs, name, None, None).load(_parse_json(decoded, name))
        doc, marks, soft = _parse_yaml(decoded, name)
        loader = _Loader(specs, name, marks, decoded)
        if soft:
            loader.errors.extend(soft)
        if doc is None:
            raise _fail("empty", "the facts are empty", name,
                        help="a facts document starts with `organization:`")
        return loader.load(doc)


def _decode(text: str | bytes, name: str) -> str:
    """``text`` as a string, within the size limit, UTF-8 (a BOM dropped), without NUL."""
    if isinstance(text, bytes | bytearray | memoryview):
        data = bytes(text)
        if len(data) > MAX_FACTS_BYTES:
            raise _too_large(len(data), name)
        try:
            text = codecs.decode(data, "utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise _fail("encoding", f"facts must be UTF-8; byte {exc.start} (line {line}) "
                        "is not valid UTF-8", name, line=line) from None
    elif not isinstance(text, str):
        raise _fail("type", "facts text must be text or bytes", name)
    else:
        if len(text) > MAX_FACTS_BYTES:  # at least as many bytes as characters
            raise _too_large(len(text), name)
        text = text.removeprefix("\ufeff")
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise _fail("nul", "the facts contain a NUL character", name, line=line,
                    column=nul - text.rfind("\n", 0, nul), text=text)
    return text


def _too_large(size: int, name: str) -> FactsError:
    return _fail("too-large", f"the facts are {size} bytes; the limit is {MAX_FACTS_BYTES} "
                 "bytes", name, help="split the facts")
