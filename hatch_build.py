"""Build hook.

* Compiles the gettext catalogs (``policy_sdk/locale/**/*.po``) to ``.mo`` files inside
  the wheel, with Babel. A source checkout (and an editable install) reads the ``.po``
  files directly (policy_sdk.i18n.read_po).
* Compiles the loader's optional C part (``policy_sdk/facts/_speedups.c``) with the C
  compiler Python was built with, where there is one: into the wheel (then a wheel for
  this platform), and next to its source (as an in-place build does; an editable
  install imports it from there). Where it cannot be
  compiled (no compiler or no Python headers; or ``POLICY_SDK_PURE_BUILD=1``), the
  build says so and the wheel is pure Python: ``policy_sdk.facts.bulk`` then runs the
  same passes in Python (slower, same answers).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SPEEDUPS = Path("policy_sdk") / "facts" / "_speedups.c"


class CompileCatalogs(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        self._compile_speedups(root, version, build_data)
        if version == "editable":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

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

    def _compile_speedups(self, root: Path, version: str, build_data: dict[str, Any]) -> None:
        relative = SPEEDUPS.with_name("_speedups" + (sysconfig.get_config_var("EXT_SUFFIX")
                                                    or ".so"))
        if os.environ.get("POLICY_SDK_PURE_BUILD") == "1":
            print("policy-sdk: POLICY_SDK_PURE_BUILD=1: the loader's C part is not built",
                  file=sys.stderr)
            return
        if version == "editable":  # the source folder is what is imported
            target = root / relative
        else:
            target = Path(tempfile.mkdtemp(prefix="policy-sdk-c-")) / relative.name
        try:
            _compile(root / SPEEDUPS, target)
        except (OSError, subprocess.CalledProcessError) as problem:
            print(f"policy-sdk: the loader's C part was not built ({problem}); the "
                  "Python twin of its passes runs instead (same answers, slower on large "
                  "facts). To build it: install a C compiler and Python's headers (Debian: "
                  "gcc python3-dev), then install policy-sdk again", file=sys.stderr)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            build_data["force_include"][str(target)] = relative.as_posix()
            # and next to its source, as an in-place build leaves it: a checkout's own
            # tests (`python -m pytest` imports the checkout, not the install) run it
            # too (ignored by git; a read-only source is left as it is)
            with contextlib.suppress(OSError):
                shutil.copyfile(target, root / relative)


def _compile(source: Path, target: Path) -> None:
    """``source`` compiled and linked to the extension module ``target``, with the
    compiler and flags Python was built with."""
    var = sysconfig.get_config_var
    cc, ldshared = var("CC"), var("LDSHARED")
    include = sysconfig.get_paths()["include"]
    if not cc or not ldshared or not (Path(include) / "Python.h").is_file():
        raise OSError("no C compiler or no Python headers known to this Python")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="policy-sdk-c-") as work:
        obj = Path(work) / "_speedups.o"
        subprocess.run([*shlex.split(cc), *shlex.split(var("CFLAGS") or ""),
                        *shlex.split(var("CCSHARED") or ""), "-I", include,
                        "-c", str(source), "-o", str(obj)], check=True)
        subprocess.run([*shlex.split(ldshared), str(obj), "-o", str(target)], check=True)
