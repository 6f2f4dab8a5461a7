"""Click parameter types shared by the commands."""

from __future__ import annotations

from typing import Any

import click


class SafePath(click.Path):
    """``click.Path`` that turns an impossible file name (a NUL byte in it) into a usage
    error (exit 2) instead of letting ``os.stat``'s ValueError escape."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and "\x00" in value:
            shown = value.replace("\x00", "\\0")
            self.fail(f"`{shown}` is not a valid file name (it contains a NUL byte)", param, ctx)
        return super().convert(value, param, ctx)
