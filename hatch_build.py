"""Build hook: compile the gettext catalogs (``policy_sdk/locale/**/*.po``) to ``.mo``
files inside the wheel, with Babel. A source checkout (and an editable install) reads
the ``.po`` files directly (policy_sdk.i18n.read_po)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        out = Path(tempfile.mkdtemp(prefix="policy-sdk-mo-"))
        for po in sorted((root / "policy_sdk" / "locale").rglob("*.po")):
            relative = po.relative_to(root).with_suffix(".mo")
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source)
            with target.open("wb") as sink:
                write_mo(sink, catalog)
            build_data["force_include"][str(target)] = relative.as_posix()
