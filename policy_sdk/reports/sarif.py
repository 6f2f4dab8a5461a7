"""SARIF helpers: artifact locations that exist for the user, and the document written
when the input is bad (so a CI uploader still gets a valid file).

Locations (SARIF 2.1.0 §3.4, §3.14.14):

* a file below the working directory: its relative path, percent-encoded, against
  ``uriBaseId`` ``%SRCROOT%`` (the working directory, in ``originalUriBaseIds``), which
  is how code-scanning services map results onto a repository;
* the shipped policy pack (``policies/…``): its file name against ``POLICY_SDK_PACK``,
  the folder the pack is installed in (``policy_sdk/_data/policies/`` in a wheel);
* any other file: an absolute ``file:`` URI;
* a plugin's rules (``plugin:NAME``) have no file: a logical location naming the plugin.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

SRCROOT: Final = "%SRCROOT%"
PACK: Final = "POLICY_SDK_PACK"


def _folder_uri(path: Path) -> str:
    uri = path.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


class Locations:
    """Makes ``location`` objects and remembers the base ids they use (for the run's
    ``originalUriBaseIds``)."""

    def __init__(self, cwd: str | None = None) -> None:
        self._cwd = Path(cwd or os.getcwd())
        self.bases: dict[str, dict[str, Any]] = {}

    def artifact(self, file: str) -> dict[str, Any] | None:
        """The ``artifactLocation`` of ``file`` (None for a plugin's rules)."""
        if file.startswith("plugin:"):
            return None
        if file.startswith("policies/") and not (self._cwd / file).is_file():
            from policy_sdk._resources import default_policies_dir

            try:
                pack = default_policies_dir()
            except FileNotFoundError:  # pragma: no cover - a broken installation
                pack = None
            if pack is not None:
                self.bases.setdefault(PACK, {
                    "uri": _folder_uri(pack),
                    "description": {"text": "the policy pack shipped with policy-sdk"},
                })
                return {"uri": quote(file[len("policies/"):]), "uriBaseId": PACK}
        path = Path(file)
        absolute = path if path.is_absolute() else self._cwd / path
        try:
            rel = absolute.resolve().relative_to(self._cwd.resolve())
        except (ValueError, OSError):
            return {"uri": absolute.resolve().as_uri()}
        self.bases.setdefault(SRCROOT, {
            "uri": _folder_uri(self._cwd),
            "description": {"text": "the working directory policy-sdk ran in"},
        })
        return {"uri": quote(rel.as_posix()), "uriBaseId": SRCROOT}

    def location(self, file: str, line: int | None, column: int | None,
                 what: str | None) -> dict[str, Any]:
        artifact = self.artifact(file)
        loc: dict[str, Any]
        if artifact is None:
            name = file[len("plugin:"):]
            loc = {"logicalLocations": [{"name": name, "fullyQualifiedName": file,
                                         "kind": "module"}]}
        else:
            physical: dict[str, Any] = {"artifactLocation": artifact}
            if line is not None and line >= 1:
                region: dict[str, Any] = {"startLine": line}
                if column is not None and column >= 1:
                    region["startColumn"] = column
                physical["region"] = region
            loc = {"physicalLocation": physical}
        if what:
            loc["message"] = {"text": what}
        return loc


# --- bad input ---------------------------------------------------------------------------


def _diagnostic_location(d: Any, locations: Locations) -> list[dict[str, Any]]:
    span = getattr(d, "span", None)
    if span is not None:
        return [locations.location(span.file, span.line, span.column, None)]
    if getattr(d, "file", None):
        return [locations.location(d.file, None, None, d.path)]
    return []


def error_sarif(err: Any, *, exit_code: int = 2) -> dict[str, Any]:
    """A SARIF log with no results and the errors as the invocation's
    ``toolExecutionNotifications`` (``executionSuccessful: false``)."""
    from policy_sdk import __version__
    from policy_sdk.engine.reporters import SARIF_SCHEMA

    locations = Locations()
    notes = []
    for d in err.diagnostics:
        note: dict[str, Any] = {
            "level": "error" if d.level == "error" else (
                "warning" if d.level == "warning" else "note"),
            "message": {"text": d.message + (f" ({d.help})" if d.help else "")},
            "descriptor": {"id": d.code},
        }
        where = _diagnostic_location(d, locations)
        if where:
            note["locations"] = where
        notes.append(note)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "policy-sdk", "version": __version__,
                            "informationUri": "https://pypi.org/project/policy-sdk/"}},
        "invocations": [{
            "executionSuccessful": False,
            "exitCode": exit_code,
            "toolExecutionNotifications": notes,
        }],
        "results": [],
    }
    if locations.bases:
        run["originalUriBaseIds"] = locations.bases
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def error_json(err: Any, *, as_of: Any = None, exit_code: int = 2) -> dict[str, Any]:
    """The JSON document of a run that failed on bad input: its errors (what stderr
    says, as data), no findings and no summary."""
    errors = []
    for d in err.diagnostics:
        span = getattr(d, "span", None)
        errors.append({
            "code": d.code,
            "level": d.level,
            "message": d.message,
            "file": span.file if span is not None else d.file,
            "line": span.line if span is not None else None,
            "column": span.column if span is not None else None,
            "path": d.path,
            "help": d.help,
        })
    return {
        "as_of": as_of.isoformat() if as_of is not None else None,
        "exit_code": exit_code,
        "errors": errors,
    }


def error_document(fmt: str, err: Any, *, as_of: Any = None) -> str | None:
    """The text written for ``--format json|sarif`` when the input is bad; None for
    the other formats (they write nothing)."""
    import json

    if fmt == "sarif":
        return json.dumps(error_sarif(err), ensure_ascii=False, indent=2) + "\n"
    if fmt == "json":
        return json.dumps(error_json(err, as_of=as_of), ensure_ascii=False, indent=2) + "\n"
    return None
