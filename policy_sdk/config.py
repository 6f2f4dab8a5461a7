"""The project configuration: ``[tool.policy-sdk]`` in ``pyproject.toml``, or a
``policy-sdk.toml``, plus ``POLICY_SDK_*`` environment variables.

Where it is found: the first folder, walking up from the working directory, that has a
``policy-sdk.toml`` (its top level is the configuration) or a ``pyproject.toml`` with a
``[tool.policy-sdk]`` table; ``POLICY_SDK_CONFIG=FILE`` names a file instead.

Precedence, highest first: the command line, the environment, the file, the defaults.
For the plugin lists, the command line adds to what the configuration says, and
``-p NAME`` re-enables a plugin the configuration disables. ``policies`` are *extra*
policy paths, run in addition to the default pack (or to the ``--policy`` given).
Relative paths in a file are relative to that file's folder.

=================  =======================  ===============================================
key                environment              meaning
=================  =======================  ===============================================
``disable``        ``POLICY_SDK_DISABLE``   plugins not to load (list; env: comma-separated)
``plugins``        ``POLICY_SDK_PLUGINS``   plugins to load as ``-p NAME`` does (list)
``no_entrypoints`` ``POLICY_SDK_NO_ENTRYPOINTS``  load no installed plugins (true/false)
``policies``       ``POLICY_SDK_POLICIES``  extra policy files or folders (list; env:
                                            separated by ``os.pathsep``)
``calendar``       ``POLICY_SDK_CALENDAR``  a calendar file (``--calendar``)
``strict``         ``POLICY_SDK_STRICT``    facts warnings are errors (``--strict``)
``format``         ``POLICY_SDK_FORMAT``    the default ``--format`` (where the command has it)
``language``       ``POLICY_SDK_LANG``      ``en`` or ``zh`` (``--lang``; default: the locale)
``plugin_timeout`` ``POLICY_SDK_PLUGIN_TIMEOUT``  seconds one plugin call may take (0: none)
``traceback``      ``POLICY_SDK_TRACEBACK`` show a failing plugin's traceback
=================  =======================  ===============================================

A key the configuration does not know, or a value of the wrong kind, is a
:class:`ConfigError` naming ``file:line`` with a did-you-mean. ``policy-sdk config``
prints the effective configuration and where each value came from.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from policy_sdk.errors import Diagnostic, PolicySdkError, Span, did_you_mean
from policy_sdk.plugins.faults import DEFAULT_TIME_LIMIT

__all__ = ["KEYS", "Config", "ConfigError", "PluginSettings", "Setting", "apply_plugin_config",
           "file_language", "find_config_file", "load_config"]

ENV_PREFIX: Final = "POLICY_SDK_"
FILE_NAME: Final = "policy-sdk.toml"
TABLE: Final = ("tool", "policy-sdk")
LANGUAGES: Final = ("en", "zh")
#: environment variables of policy-sdk that are not configuration keys
OTHER_ENV: Final = frozenset({"POLICY_SDK_CONFIG", "POLICY_SDK_DEBUG"})


class ConfigError(PolicySdkError):
    """A configuration file or variable policy-sdk cannot use."""

    default_code = "config"


def _text_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return list(value)
    return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value >= 0 and value == value else None


def _language(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    lowered = value.strip().lower().replace("-", "_")
    if lowered.startswith("zh"):
        return "zh"
    return "en" if lowered.startswith("en") else None


@attrs.frozen
class _Key:
    name: str
    default: Any
    parse: Callable[[Any], Any]
    expected: str
    paths: bool = False
    #: its environment variable (default: ``POLICY_SDK_`` and the name in capitals)
    env: str | None = None

    @property
    def variable(self) -> str:
        return self.env or ENV_PREFIX + self.name.upper()


KEYS: Final[Mapping[str, _Key]] = {k.name: k for k in (
    _Key("disable", [], _text_list, "a list of plugin names"),
    _Key("plugins", [], _text_list, "a list of plugin names or modules"),
    _Key("no_entrypoints", False, _bool, "true or false"),
    _Key("policies", [], _text_list, "a list of policy files or folders", paths=True),
    _Key("calendar", None, _text, "a calendar file", paths=True),
    _Key("strict", False, _bool, "true or false"),
    _Key("format", None, _text, "an output format name"),
    _Key("language", "en", _language, "`en` or `zh`", env="POLICY_SDK_LANG"),
    _Key("plugin_timeout", DEFAULT_TIME_LIMIT, _seconds, "a number of seconds, 0 or more"),
    _Key("traceback", False, _bool, "true or false"),
)}


@attrs.frozen
class Setting:
    """One effective value and where it came from."""

    key: str
    value: Any
    #: "default", "file", "environment" or "command line"
    source: str
    #: ``pyproject.toml:12`` or ``POLICY_SDK_FORMAT``, when not a default
    where: str | None = None


@attrs.frozen
class Config:
    """The effective configuration (without the command line)."""

    settings: Mapping[str, Setting]
    file: str | None = None
    #: ``POLICY_SDK_*`` variables that are not configuration keys (likely typos)
    unknown_env: tuple[str, ...] = ()

    def __getitem__(self, key: str) -> Any:
        return self.settings[key].value


def find_config_file(start: str | os.PathLike[str] | None = None) -> tuple[Path, bool] | None:
    """``(file, is_pyproject)`` of the nearest configuration, walking up from ``start``."""
    folder = Path(start or os.getcwd()).resolve()
    for place in (folder, *folder.parents):
        own = place / FILE_NAME
        if own.is_file():
            return own, False
        pyproject = place / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue  # someone else's broken pyproject is not our configuration
            if isinstance(data.get("tool"), dict) and TABLE[1] in data["tool"]:
                return pyproject, True
    return None


_HEADER: Final = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(?:#.*)?$")


def _line_of(text: str, key: str, in_pyproject: bool) -> tuple[int, int]:
    """(line, column) of ``key`` inside our table (tomllib keeps no positions)."""
    wanted = "tool.policy-sdk" if in_pyproject else ""
    table = ""
    pattern = re.compile(r'^(\s*)(?:"|\')?' + re.escape(key) + r'(?:"|\')?\s*[=.]')
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = re.sub(r"\s*\.\s*", ".", header[1].replace('"', "").replace("'", ""))
            if table == f"{wanted}.{key}".lstrip(".") :
                return number, line.index("[") + 1
            continue
        if table == wanted:
            match = pattern.match(line)
            if match:
                return number, len(match[1]) + 1
    return 1, 1


def _read_file(path: Path, in_pyproject: bool) -> tuple[dict[str, Setting], list[Diagnostic]]:
    shown = os.path.relpath(path) if not os.path.isabs(str(path)) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Diagnostic("config", f"cannot read the configuration file: {exc}",
                               file=shown)]
    except tomllib.TOMLDecodeError as exc:
        return {}, [Diagnostic("config-syntax", f"the configuration is not valid TOML: {exc}",
                               file=shown)]
    table: Any = data
    if in_pyproject:
        table = data.get("tool", {}).get(TABLE[1], {})
    if not isinstance(table, dict):
        return {}, [Diagnostic("config", "`[tool.policy-sdk]` must be a table", file=shown)]
    out: dict[str, Setting] = {}
    problems: list[Diagnostic] = []
    for key, raw in table.items():
        line, column = _line_of(text, key, in_pyproject)
        span = Span(shown, line, column, line, column + len(key))
        source_line = text.splitlines()[line - 1] if text.splitlines() else None
        spec = KEYS.get(key)
        if spec is None:
            problems.append(Diagnostic(
                "config-unknown-key", f"unknown configuration key `{key}`", span=span,
                source_line=source_line,
                help=did_you_mean(key.replace("-", "_"), KEYS)
                or "keys: " + ", ".join(f"`{k}`" for k in KEYS)))
            continue
        value = spec.parse(raw)
        if value is None:
            problems.append(Diagnostic(
                "config-value", f"`{key}` must be {spec.expected}", span=span,
                source_line=source_line,
                help=did_you_mean(str(raw), LANGUAGES) if key == "language" else None))
            continue
        if spec.paths:
            base = path.parent
            value = ([str(base / v) for v in value] if isinstance(value, list)
                     else str(base / value))
        out[key] = Setting(key, value, "file", f"{shown}:{line}")
    return out, problems


def _read_env(environ: Mapping[str, str]) -> tuple[dict[str, Setting], list[Diagnostic],
                                                   tuple[str, ...]]:
    out: dict[str, Setting] = {}
    problems: list[Diagnostic] = []
    unknown: list[str] = []
    by_variable = {spec.variable: spec for spec in KEYS.values()}
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX) or name in OTHER_ENV:
            continue
        spec = by_variable.get(name)
        if spec is None:
            unknown.append(name)
            continue
        key = spec.name
        raw: Any = environ[name]
        if spec.parse is _bool:
            lowered = raw.strip().lower()
            raw = (True if lowered in ("1", "true", "yes", "on") else
                   False if lowered in ("0", "false", "no", "off", "") else raw)
        elif spec.parse is _text_list:
            sep = os.pathsep if spec.paths else ","
            raw = [p.strip() for p in raw.split(sep) if p.strip()]
        elif spec.parse is _seconds:
            with contextlib.suppress(ValueError):
                raw = float(raw)
        value = spec.parse(raw)
        if value is None:
            problems.append(Diagnostic("config-value", f"`{name}` must be {spec.expected}",
                                       path=name))
            continue
        out[key] = Setting(key, value, "environment", name)
    return out, problems, tuple(unknown)


def load_config(start: str | os.PathLike[str] | None = None,
                environ: Mapping[str, str] | None = None) -> Config:
    """The effective configuration for a run started in ``start`` (default: the working
    directory) with ``environ`` (default: ``os.environ``). Raises :class:`ConfigError`."""
    env = os.environ if environ is None else environ
    found: tuple[Path, bool] | None
    named = env.get("POLICY_SDK_CONFIG")
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError([Diagnostic("config", f"no configuration file `{named}`",
                                          path="POLICY_SDK_CONFIG")])
        found = (path, path.name == "pyproject.toml")
    else:
        found = find_config_file(start)
    from_file: dict[str, Setting] = {}
    problems: list[Diagnostic] = []
    if found is not None:
        from_file, problems = _read_file(*found)
    from_env, env_problems, unknown = _read_env(env)
    problems.extend(env_problems)
    if problems:
        raise ConfigError(problems)
    settings = {
        key: from_env.get(key) or from_file.get(key) or Setting(key, spec.default, "default")
        for key, spec in KEYS.items()
    }
    if "language" not in from_env and "language" not in from_file:
        from policy_sdk.i18n import resolve_language

        settings["language"] = Setting("language", resolve_language(None, env), "default",
                                       "the locale")
    return Config(settings, str(found[0]) if found else None, unknown)


def file_language(start: str | os.PathLike[str] | None = None,
                  environ: Mapping[str, str] | None = None) -> str | None:
    """The configuration file's ``language`` when ``POLICY_SDK_LANG`` does not override
    it, else None; never raises (a broken file is reported by the command itself)."""
    env = os.environ if environ is None else environ
    if env.get(KEYS["language"].variable):
        return None
    try:
        setting = load_config(start, env).settings["language"]
    except PolicySdkError:
        return None
    return str(setting.value) if setting.source == "file" else None


@attrs.frozen
class PluginSettings:
    """The plugin options of one command, command line over configuration."""

    plugins: tuple[str, ...]
    disabled: tuple[str, ...]
    no_entrypoints: bool
    traceback: bool
    plugin_timeout: float
    config: Config


def apply_plugin_config(*, plugins: Sequence[str], disabled: Sequence[str],
                        no_entrypoints: bool, config: Config | None = None) -> PluginSettings:
    """Merge a command line's plugin options with the configuration."""
    config = config or load_config()
    wanted = [*config["plugins"], *plugins]
    blocked = [d for d in config["disable"] if d not in plugins]  # `-p NAME` re-enables
    blocked += [d for d in disabled if d not in blocked]
    wanted = [p for p in wanted if p not in disabled]
    return PluginSettings(
        plugins=tuple(dict.fromkeys(wanted)),
        disabled=tuple(dict.fromkeys(blocked)),
        no_entrypoints=no_entrypoints or bool(config["no_entrypoints"]),
        traceback=bool(config["traceback"]),
        plugin_timeout=float(config["plugin_timeout"]),
        config=config,
    )
