"""The policy pipeline, stage by stage: the one place that turns paths into rules.

::

    paths ──expand──▶ files ──parse──▶ modules ─┐
    registry ──plugin rules──▶ modules ─────────┴─▶ PolicySet ──check(schema)──▶
        ──compile(schema)──▶ rules (policy_sdk.engine.rules.CompiledRule)

:class:`policy_sdk.Engine`, ``policy-sdk validate``, ``policy-sdk test`` and the plugin
conformance kit all go through these functions, so they agree on every odd case:

* a folder is expanded to its ``*.policy`` files, recursively and sorted; a directory
  *named* ``x.policy`` is a folder, not a file; a ``*.policy`` link that points nowhere,
  and a named pipe or device named ``*.policy``, are errors (never skipped, never read);
* a folder with no policy file is a ``no-policies`` error and a policy file with no rule
  (empty, or only comments) a ``no-rules`` error: neither may read as "no violations";
* rule ids are unique across the whole policy set (user policies and plugin rules): a
  second use is a ``duplicate-rule`` error naming both places.

Each stage either raises (the default) or, given a ``problems`` list, appends its
diagnostics there and goes on with what it could load, so ``validate`` can print every
problem at once.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Literal

import attrs

from policy_sdk import ast
from policy_sdk._resources import default_policies_dir
from policy_sdk.engine.rules import CompiledRule, compile_rule
from policy_sdk.errors import (
    Diagnostic,
    PluginError,
    PolicySyntaxError,
    ValidationError,
)
from policy_sdk.facts.model import Facts
from policy_sdk.facts.schema import Schema
from policy_sdk.i18n import _, os_reason
from policy_sdk.plugins.manager import Registry
from policy_sdk.plugins.specs import FunctionSpec

__all__ = [
    "DEFAULT_PACK_PREFIX",
    "Checked",
    "LoadedModule",
    "PolicyInput",
    "PolicySet",
    "check_policy_set",
    "compile_policy_set",
    "expand_policy_paths",
    "load_policy_set",
    "load_registry",
    "no_policies",
    "no_rules",
    "plugin_rule_error",
    "policy_files",
    "schema_for",
]

PolicyInput = str | os.PathLike[str] | ast.Module
"""A policy as given: a file, a folder of ``*.policy`` files, or a parsed module."""

DEFAULT_PACK_PREFIX = "policies/"
"""The shipped pack's files are named ``policies/…`` wherever the package is installed,
so findings, JSON and SARIF do not depend on the machine."""


@attrs.frozen
class LoadedModule:
    """One parsed policy source and where its rules come from."""

    module: ast.Module
    #: the file name (as given), or ``plugin:NAME`` for a plugin's rules
    origin: str

    @property
    def from_plugin(self) -> bool:
        return self.origin.startswith("plugin:")


@attrs.frozen
class PolicySet:
    """The policies one run uses: the user's (or the default pack) and plugin rules."""

    modules: tuple[LoadedModule, ...] = ()
    plugin_modules: tuple[LoadedModule, ...] = ()
    #: the policy files read, in the order read (empty for parsed modules given directly)
    files: tuple[Path, ...] = ()

    @property
    def all_modules(self) -> tuple[LoadedModule, ...]:
        return (*self.modules, *self.plugin_modules)

    def rule_ids(self, *, plugins: bool = True) -> list[str]:
        """Every rule id, user policies first, in source order."""
        group = self.all_modules if plugins else self.modules
        return [rule_id for m in group for rule_id, _ in ast.rule_ids(m.module)]


# --- stage 1: paths -> files ---------------------------------------------------------


def _io(path: object, message: str, help: str | None = None) -> Diagnostic:
    shown = str(path).replace("\x00", "\\0")
    return Diagnostic("io", message, file=shown, help=help)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def no_policies(folder: Path) -> Diagnostic:
    """A policy folder with no policy in it: an error, never an empty (passing) pack."""
    return Diagnostic("no-policies", f"the folder `{folder}` holds no `.policy` files",
                      file=str(folder),
                      help="give a `.policy` file or a folder that holds some; without "
                      "policies, the default pack applies")


def _classify(path: Path) -> Diagnostic | Literal["file", "folder"]:
    """What ``path`` is to the pipeline: a file to read, a folder, or a problem."""
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return _io(path, f"`{path}` is a link to `{os.readlink(path)}`, which does not "
                       "exist", help="remove the link or point it at a policy file")
        return _io(path, _("no policy file or folder `{path}`").format(path=path))
    except OSError as exc:
        return _io(path, _("cannot read `{file}`: {reason}").format(
            file=path, reason=os_reason(exc)))
    except ValueError:  # a NUL character in the path
        return _io(path, _("no policy file or folder `{path}`").format(path=_io(path, "").file))
    if stat.S_ISDIR(st.st_mode):
        return "folder"
    if not stat.S_ISREG(st.st_mode):
        return _io(path, f"`{path}` is {_kind(st.st_mode)}, not a policy file",
                   help="policy files are regular files; remove it or rename it")
    return "file"


#: folders of version control, never a project's policies
_VCS: frozenset[str] = frozenset({".git", ".hg", ".svn"})


def _candidates(folder: Path) -> list[Path]:
    """``*.policy`` paths under ``folder`` (recursive, sorted), leaving out virtual
    environments (a folder with ``pyvenv.cfg``: it holds the installed default pack, not
    the project's policy) and version-control folders. Any other folder, hidden or not,
    is searched: skipping it would hide rules."""
    skipped: dict[Path, bool] = {}

    def outside(p: Path) -> bool:
        for parent in p.relative_to(folder).parents:
            if parent == Path("."):
                continue
            where = folder / parent
            if where not in skipped:
                skipped[where] = where.name in _VCS or (where / "pyvenv.cfg").is_file()
            if skipped[where]:
                return True
        return False

    return sorted(p for p in folder.rglob("*.policy") if not outside(p))


def policy_files(path: Path) -> list[Path]:
    """``path`` itself, or the readable ``*.policy`` files under a folder (recursive,
    sorted, virtual environments left out), without the checks of :func:`expand_policy_paths`
    (for ``fmt``)."""
    if not path.is_dir():
        return [path]
    return [p for p in _candidates(path) if _classify(p) == "file"]


def expand_policy_paths(
    paths: Sequence[str | os.PathLike[str]],
) -> tuple[list[Path], list[Diagnostic]]:
    """Files as given; folders expanded to their ``*.policy`` files (recursive, sorted).

    Returns the files to read (each once, in order) and the problems: a path that does
    not exist, a folder with no policy file, a dangling link, a pipe or device.
    """
    files: list[Path] = []
    problems: list[Diagnostic] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            files.append(path)

    for raw in paths:
        text = os.fspath(raw)
        path = Path(text)
        if "\x00" in text:
            problems.append(_io(text, f"cannot read `{_io(text, '').file}`: the path "
                                "contains a NUL character"))
            continue
        kind = _classify(path)
        if kind == "file":
            add(path)
            continue
        if isinstance(kind, Diagnostic):
            problems.append(kind)
            continue
        found = 0
        before = len(problems)
        for candidate in _candidates(path):
            inner = _classify(candidate)
            if inner == "file":
                add(candidate)
                found += 1
            elif isinstance(inner, Diagnostic):  # a folder named `x.policy` is skipped
                problems.append(inner)
        if not found and len(problems) == before:
            problems.append(no_policies(path))
    return files, problems


# --- stage 2: files and plugins -> a policy set ---------------------------------------


def load_registry(
    plugins: Sequence[object | str] = (),
    *,
    load_entrypoints: bool = True,
    disabled: Sequence[str] = (),
) -> Registry:
    """The plugin registry: the cached default one when nothing is asked of it."""
    from policy_sdk.plugins import manager

    if not plugins and load_entrypoints and not disabled:
        return manager.default_registry()
    return manager.load_registry(plugins=plugins, load_entrypoints=load_entrypoints,
                                 disabled=disabled)


def no_rules(file: str) -> Diagnostic:
    """A policy file with no rule in it (empty, or only comments)."""
    return Diagnostic("no-rules", f"the policy file `{file}` holds no rules", file=file,
                      help="write a rule in it or remove it; an empty policy file would "
                      "read as “no violations”")


def _parse_files(
    files: Sequence[Path], names: Mapping[Path, str], problems: list[Diagnostic]
) -> list[LoadedModule]:
    from policy_sdk.syntax import parse_file

    out: list[LoadedModule] = []
    for file in files:
        name = names.get(file, str(file))
        try:
            module = parse_file(file, name)
        except PolicySyntaxError as exc:
            problems.extend(exc.diagnostics)
            continue
        if not ast.rule_ids(module):
            problems.append(no_rules(name))
            continue
        out.append(LoadedModule(module, name))
    return out


def _default_pack(problems: list[Diagnostic]) -> tuple[list[LoadedModule], list[Path]]:
    pack = default_policies_dir()
    files, found = expand_policy_paths([pack])
    problems.extend(found)
    names = {f: DEFAULT_PACK_PREFIX + f.relative_to(pack).as_posix() for f in files}
    return _parse_files(files, names, problems), files


def load_policy_set(
    policies: Sequence[PolicyInput] | PolicyInput | None,
    registry: Registry | None = None,
    *,
    plugin_rules: bool = True,
    problems: list[Diagnostic] | None = None,
    default_pack: bool = False,
) -> PolicySet:
    """Read, parse and gather the policies (``None``: the default pack) and plugin rules.

    ``default_pack``: the default pack is read too, first, beside the given policies
    (what ``policy-sdk check --policy`` does); a given path that is the pack, or a file
    of it, is read once (paths compared resolved).

    Raises :class:`PolicySyntaxError` for the policies (missing paths, empty folders and
    files, syntax errors), then :class:`PluginError` for plugin rules that do not parse,
    then :class:`ValidationError` for a rule id used twice, unless ``problems`` is given:
    then every diagnostic goes there and the policy set holds what could be loaded.
    """
    sink: list[Diagnostic] = [] if problems is None else problems
    own: list[Diagnostic] = []
    files: list[Path] = []
    modules: list[LoadedModule] = []
    if policies is None or default_pack:
        modules, files = _default_pack(own)
    pack_ids = {id(m) for m in modules} if policies is not None else set()
    if policies is not None:
        if isinstance(policies, str | os.PathLike | ast.Module):
            policies = [policies]
        paths: list[str | os.PathLike[str]] = []
        for source in policies:
            if isinstance(source, ast.Module):
                modules.append(LoadedModule(source, source.file))
            else:
                paths.append(source)
        if paths:
            given, found = expand_policy_paths(paths)
            own.extend(found)
            if files:  # the pack is read already: not a second time
                pack = {os.path.realpath(f) for f in files}
                given = [f for f in given if os.path.realpath(f) not in pack]
            files = [*files, *given]
            modules.extend(_parse_files(given, {}, own))
    if own:
        if problems is None:
            raise PolicySyntaxError(own)
        sink.extend(own)
    plugin_modules: list[LoadedModule] = []
    if plugin_rules and registry is not None:
        from policy_sdk.plugins.manager import parse_plugin_rules

        try:
            plugin_modules = [LoadedModule(m, f"plugin:{name}")
                              for name, m in parse_plugin_rules(registry)]
        except PluginError as exc:
            if problems is None:
                raise
            sink.extend(exc.diagnostics)
    policy_set = PolicySet(tuple(modules), tuple(plugin_modules), tuple(files))
    user, plugin = _duplicate_ids(policy_set, pack_ids)
    if problems is not None:
        sink.extend(user + plugin)
    elif user:
        raise ValidationError(user + plugin)
    elif plugin:
        raise PluginError(plugin)
    return policy_set


def _where(loaded: LoadedModule, rule: ast.Rule) -> str:
    name = loaded.module.file or loaded.origin
    return f"`{name}` line {rule.span.line}" if rule.span is not None else f"`{name}`"


def _duplicate_ids(policy_set: PolicySet, pack: Collection[int] = (),
                   ) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Rule ids used in two modules (a module's own duplicates the validator reports)."""
    first: dict[str, tuple[LoadedModule, ast.Rule]] = {}
    user: list[Diagnostic] = []
    plugin: list[Diagnostic] = []
    for loaded in policy_set.all_modules:
        local: set[str] = set()
        for rule_id, rule in ast.rule_ids(loaded.module):
            seen = first.get(rule_id)
            if seen is None:
                first[rule_id] = (loaded, rule)
                local.add(rule_id)
                continue
            if rule_id in local:
                continue
            other, other_rule = seen
            unnamed = rule.name is None or other_rule.name is None
            d = Diagnostic(
                "duplicate-rule",
                f"rule id `{rule_id}` is used twice: in {_where(other, other_rule)} and in "
                f"{_where(loaded, rule)}",
                span=rule.span,
                file=None if rule.span is not None else loaded.origin,
                help="give one of them another name"
                + (" (a bare statement is named after its words; write "
                   "`rule NAME { … }` around it)" if unnamed else "")
                + "; rule ids are unique across all policy files and plugin rules"
                + ("; the default pack runs beside your policies: to run only yours, "
                   "pass `--no-default-pack` (Python: `Engine(paths)`)"
                   if (id(other) in pack) != (id(loaded) in pack) else ""),
            )
            (plugin if loaded.from_plugin and other.from_plugin else user).append(d)
    return user, plugin


# --- stage 3: schema, checks, compilation ---------------------------------------------


def schema_for(registry: Registry, facts: Facts | None = None) -> Schema:
    """The schema policies are checked against: the core's, the plugins' platform
    attributes, and what ``facts`` declares under ``schema:``."""
    from policy_sdk.facts.build import build_schema

    return build_schema(registry.platform_types, facts)


@attrs.frozen
class Checked:
    """What the validator found in a policy set."""

    errors: tuple[Diagnostic, ...]
    #: errors in plugin rules (a plugin's fault, not the policy author's)
    plugin_errors: tuple[Diagnostic, ...]
    warnings: tuple[Diagnostic, ...]
    #: the modules with no error, in policy-set order
    valid: tuple[LoadedModule, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors and not self.plugin_errors


def check_policy_set(
    policy_set: PolicySet, schema: Schema, functions: Mapping[str, FunctionSpec]
) -> Checked:
    """Run the validator over every module of ``policy_set``."""
    from policy_sdk.validate import validate_module

    errors: list[Diagnostic] = []
    plugin_errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    valid: list[LoadedModule] = []
    for loaded in policy_set.all_modules:
        found = validate_module(loaded.module, schema, functions)
        warnings.extend(d for d in found if d.level != "error")
        bad = [d for d in found if d.level == "error"]
        (plugin_errors if loaded.from_plugin else errors).extend(bad)
        if not bad:
            valid.append(loaded)
    return Checked(tuple(errors), tuple(plugin_errors),
                   tuple(sorted(warnings, key=Diagnostic.sort_key)), tuple(valid))


def plugin_rule_error(diagnostics: Sequence[Diagnostic]) -> PluginError:
    """Validation errors in plugin rules, as the plugin's error."""
    return PluginError(
        [
            Diagnostic(d.code, f"a plugin's rule does not validate: {d.message}",
                       span=d.span, file=d.file, path=d.path, help=d.help)
            for d in diagnostics
        ]
    )


def compile_policy_set(
    policy_set: PolicySet, schema: Schema, functions: Mapping[str, FunctionSpec]
) -> tuple[tuple[CompiledRule, ...], tuple[Diagnostic, ...]]:
    """The compiled rules (sorted by id) and the validator's warnings.

    Raises :class:`ValidationError` when a user policy does not validate, else
    :class:`PluginError` when a plugin's rule does not.
    """
    checked = check_policy_set(policy_set, schema, functions)
    errors = list(checked.errors)
    plugin_errors = list(checked.plugin_errors)
    compiled: list[CompiledRule] = []
    for loaded in checked.valid:
        local: list[Diagnostic] = []
        for rule_id, rule in ast.rule_ids(loaded.module):
            compiled.append(
                compile_rule(rule_id, rule, schema, functions, loaded.origin, local)
            )
        (plugin_errors if loaded.from_plugin else errors).extend(local)
    if errors:
        raise ValidationError(errors)
    if plugin_errors:
        raise plugin_rule_error(plugin_errors)
    compiled.sort(key=lambda r: r.id)
    return tuple(compiled), checked.warnings
