"""Loading facts: a file, a text or an in-memory document into :class:`Facts`.

The format is documented in ``docs/facts.md``. The work is split by job:

* :mod:`policy_sdk.facts.read` reads bytes or text into a plain document and knows
  where each value stands (YAML 1.2 in :mod:`policy_sdk.facts.yaml12`; strict JSON);
* :mod:`policy_sdk.facts.check` is the specification: it checks a document row by row
  and words every problem, with the value readers of :mod:`policy_sdk.facts.values`;
* :mod:`policy_sdk.facts.bulk` accepts plainly well-formed sections at C speed and
  leaves every other section to the checker;
* this module is the entry point.

Every problem of a document is raised at once as one
:class:`~policy_sdk.errors.FactsError`; nothing is half-loaded. Warnings are kept in
:attr:`Facts.warnings <policy_sdk.facts.model.Facts.warnings>`. The platform types a
document may use are passed in; only when a caller passes none does this module ask
the default plugin registry for them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from policy_sdk._gc import gc_paused
from policy_sdk.errors import Diagnostic, FactsError
from policy_sdk.facts import read
from policy_sdk.facts.bulk import FILING_NUMBER
from policy_sdk.facts.check import check_document
from policy_sdk.facts.model import Facts
from policy_sdk.facts.read import MAX_DEPTH, MAX_FACTS_BYTES, MAX_YAML_NODES, Format, fail
from policy_sdk.facts.values import MAX_ERRORS, describe
from policy_sdk.i18n import _, os_reason

if TYPE_CHECKING:
    from policy_sdk.plugins.specs import PlatformTypeSpec

__all__ = [
    "FILING_NUMBER",
    "FIRST_PARTY_PLATFORM_TYPES",
    "FORMATS",
    "MAX_DEPTH",
    "MAX_ERRORS",
    "MAX_FACTS_BYTES",
    "MAX_YAML_NODES",
    "default_platform_types",
    "load_facts",
    "load_facts_text",
    "platform_type_specs",
]

FIRST_PARTY_PLATFORM_TYPES: Final = ("app", "mini_program", "official_account", "website")

FORMATS: Final = ("json", "yaml")
"""The formats :func:`load_facts_text` reads."""

_SUFFIXES: Final[dict[str, Format]] = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def default_platform_types() -> Mapping[str, PlatformTypeSpec]:
    """The platform types of the default plugin registry."""
    from policy_sdk.plugins.defaults import default_platform_types as default

    return default()


def platform_type_specs(names: Iterable[str]) -> dict[str, PlatformTypeSpec]:
    """Specs for the platform type ``names``: the registered spec where there is one,
    otherwise a bare spec (for tests that invent platform types)."""
    from policy_sdk.plugins.defaults import platform_type_specs as specs

    return specs(names)


def load_facts(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    platform_types: Mapping[str, PlatformTypeSpec] | None = None,
) -> Facts:
    """Load deployment facts from a YAML/JSON file or an in-memory mapping.

    ``platform_types`` maps canonical platform type names to their specs (aliases in the
    specs are accepted and normalized); ``None`` uses the default plugin registry.
    Raises :class:`~policy_sdk.errors.FactsError` with every problem of the document.
    Warnings are in :attr:`Facts.warnings`.
    """
    specs = default_platform_types() if platform_types is None else platform_types
    # Loading allocates one container per row and frees none of them; the cyclic
    # garbage collector would walk all of them again and again (half the time of a
    # 1M-row file). Nothing here makes cycles, so it is paused while loading.
    with gc_paused():
        if isinstance(source, Mapping):
            return check_document(source, specs, read.Locator(None))
        if not isinstance(source, str | os.PathLike):
            raise FactsError([Diagnostic(code="type", message="facts come from a file path or "
                                         f"a mapping, got {describe(source)}")])
        return _load_file(source, specs)


def load_facts_text(
    text: str | bytes,
    format: Format | str = "json",
    *,
    name: str = "<request>",
    platform_types: Mapping[str, PlatformTypeSpec] | None = None,
) -> Facts:
    """Load deployment facts from JSON or YAML ``text`` (a request body; ``bytes`` must
    be UTF-8).

    The same checks and limits as a file (duplicate keys are errors, YAML 1.2, sizes;
    a byte order mark is dropped); diagnostics name ``name`` where a file would stand,
    with lines for YAML. Raises :class:`~policy_sdk.errors.FactsError` with every
    problem of the document.
    """
    if format not in FORMATS:
        raise fail("format", f"unknown facts format {describe(format)}", name,
                   help="facts text is `json` or `yaml`")
    specs = default_platform_types() if platform_types is None else platform_types
    with gc_paused():  # as load_facts: many containers, no cycles
        if isinstance(text, bytes | bytearray | memoryview):
            data = read.decode(bytes(text), name)
        elif isinstance(text, str):
            data = text.removeprefix("\ufeff")
            read.check_text(data, name)
        else:
            raise fail("type", "facts text must be text or bytes", name)
        facts = _load_text(data, name, format, specs)
    from policy_sdk.provenance import remember_text

    remember_text(facts, text)  # its provenance: this text's digest, never a file named so
    return facts


def _load_text(text: str, file: str, format: Format,
               specs: Mapping[str, PlatformTypeSpec]) -> Facts:
    doc, locator, soft = read.read_text(text, file, format)
    if doc is None and format == "yaml":
        raise fail("empty", "the facts file is empty", file,
                   help="a facts file starts with `organization:`")
    return check_document(doc, specs, locator, soft)


def _is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; a name the system refuses (too long, …) is not one,
    and then reads as a file name: its problem is reported with the path, never as an
    ``OSError``."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _load_file(source: str | os.PathLike[str], specs: Mapping[str, PlatformTypeSpec]) -> Facts:
    path = Path(source)
    file = str(path)
    suffix = path.suffix.lower()
    format = _SUFFIXES.get(suffix)
    try:
        if format is None:
            if _is_dir(path):
                raise fail("format", f"`{path}` is a folder; --facts takes one facts file "
                           "(.yaml, .yml or .json)", file)
            raise fail("format", f"unknown facts file type `{path.suffix}`" if path.suffix
                       else f"facts file `{path}` has no file type", file,
                       help="facts files end in `.yaml`, `.yml` or `.json`")
        size = path.stat().st_size
        if size > MAX_FACTS_BYTES:
            raise fail("too-large",
                       f"the facts file is {size} bytes; the limit is {MAX_FACTS_BYTES} bytes",
                       file, help="split the facts or load them as a mapping")
        # decoded at once: the bytes are not kept alive while the text is parsed
        text = read.decode(path.read_bytes(), file)
    except OSError as exc:
        raise fail("io", _("cannot read `{file}`: {reason}").format(
            file=file, reason=os_reason(exc)), file) from None
    except ValueError:  # a NUL in the path
        raise fail("io", f"cannot read `{file!r}`: the path contains a NUL character",
                   file) from None
    facts = _load_text(text, file, format, specs)
    from policy_sdk.provenance import remember_file

    remember_file(facts)  # its provenance: the digest of this file
    return facts
