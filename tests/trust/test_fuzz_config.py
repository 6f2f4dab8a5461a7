"""Fuzzing configuration files: any text in `policy-sdk.toml` or `[tool.policy-sdk]`
gives a configuration or a ConfigError (with a location), in bounded time."""

from __future__ import annotations

from pathlib import Path

from fuzz_support import mutated, time_limit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_sdk.config import Config, ConfigError, load_config

SEED = (
    b'disable = ["quick_app"]\nplugins = ["policy_sdk_morehosts"]\npolicies = ["house"]\n'
    b'calendar = "cal.yaml"\nstrict = true\nformat = "json"\nlanguage = "zh"\n'
    b"plugin_timeout = 30\ntraceback = false\n"
)


def _attempt(folder: Path, environ: dict[str, str]) -> Config | ConfigError:
    try:
        with time_limit():
            return load_config(folder, environ=environ)
    except ConfigError as exc:
        return exc


def _load(folder: Path, name: str, data: bytes) -> None:
    (folder / name).write_bytes(data)
    try:
        got = _attempt(folder, {})
    finally:
        (folder / name).unlink()
    if isinstance(got, ConfigError):
        assert got.diagnostics
        for diagnostic in got.diagnostics:
            assert diagnostic.span is not None or diagnostic.file is not None
    else:
        assert set(got.settings) >= {"disable", "format", "strict"}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated(SEED))
def test_mutated_policy_sdk_toml(tmp_path: Path, data: bytes) -> None:
    _load(tmp_path, "policy-sdk.toml", data)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated(b'[project]\nname = "x"\n\n[tool.policy-sdk]\n' + SEED))
def test_mutated_pyproject(tmp_path: Path, data: bytes) -> None:
    _load(tmp_path, "pyproject.toml", data)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["POLICY_SDK_DISABLE", "POLICY_SDK_STRICT",
                                        "POLICY_SDK_PLUGIN_TIMEOUT", "POLICY_SDK_FORMAT",
                                        "POLICY_SDK_LANGUAGE", "POLICY_SDK_POLICIES"]),
                       st.text(max_size=20)))
def test_arbitrary_environment(tmp_path: Path, environ: dict[str, str]) -> None:
    got = _attempt(tmp_path, environ)
    if isinstance(got, ConfigError):
        assert all(d.path and d.path.startswith("POLICY_SDK_") for d in got.diagnostics)
