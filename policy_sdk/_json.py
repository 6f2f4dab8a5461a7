"""One converter from the SDK's frozen attrs values to plain JSON types (cattrs).

An attrs class becomes a dict of its fields in declaration order; dates become
``YYYY-MM-DD``, tuples lists, mappings dicts. A class whose JSON form is not just its
fields (a computed key, a nested group, another key order) registers a *shape* with
:func:`register_shape`: a function from the value and its unstructured fields to the
JSON object. Key order is part of the output, so shapes spell it out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import cattrs
from cattrs.gen import make_dict_unstructure_fn

T = TypeVar("T")

converter = cattrs.Converter(
    unstruct_collection_overrides={Sequence: list, tuple: list, Mapping: dict}
)
converter.register_unstructure_hook(dt.date, dt.date.isoformat)


def register_shape(cls: type[T], shape: Callable[[T, dict[str, Any]], dict[str, Any]]) -> None:
    """Unstructure ``cls`` as ``shape(value, fields)``, ``fields`` being its plain field dict.

    The field function is made on first use, so that it picks up the shapes of the
    classes it contains whatever order they were registered in.
    """
    fields: Callable[[T], dict[str, Any]] | None = None

    def hook(value: T) -> dict[str, Any]:
        nonlocal fields
        if fields is None:
            fields = make_dict_unstructure_fn(cls, converter)
        return shape(value, fields(value))

    converter.register_unstructure_hook(cls, hook)


def to_dict(value: Any) -> dict[str, Any]:
    """``value`` (an attrs instance) as plain JSON types."""
    out: dict[str, Any] = converter.unstructure(value)
    return out


def to_json(value: Any, indent: int | None) -> str:
    """``value`` as JSON text, non-ASCII kept as is, keys in the order of its JSON form."""
    return json.dumps(to_dict(value), ensure_ascii=False, indent=indent)


class JsonValue:
    """Mixin for frozen attrs classes: ``to_dict()`` through the shared converter."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)
