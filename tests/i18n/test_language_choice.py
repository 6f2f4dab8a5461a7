"""The language read from the environment (i18n's fast reader of os.environ) is the
language resolve_language reads from the same variables, however they change."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_sdk.i18n import resolve_language

VARIABLES = ("POLICY_SDK_LANG", "LC_ALL", "LC_MESSAGES", "LANG")
VALUES = st.none() | st.sampled_from(["", "zh_CN.UTF-8", "en_US.UTF-8", "zh", "C", "zh-Hans",
                                      "fr_FR", "ZH_tw"])


@settings(max_examples=60)
@given(changes=st.lists(st.tuples(st.sampled_from(VARIABLES), VALUES), min_size=1,
                        max_size=12))
def test_the_environment_is_read_again_whenever_it_changes(
    changes: list[tuple[str, str | None]]
) -> None:
    saved = {name: os.environ.get(name) for name in VARIABLES}
    try:
        for name, value in changes:
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
            assert resolve_language() == resolve_language(environ=dict(os.environ))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_a_chosen_language_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert resolve_language() == "en"
    monkeypatch.setenv("POLICY_SDK_LANG", "zh")
    assert resolve_language() == "zh"
    assert resolve_language("en") == "en"
    monkeypatch.setenv("POLICY_SDK_LANG", "en")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert resolve_language() == "en"
    monkeypatch.delenv("POLICY_SDK_LANG")
    assert resolve_language() == "zh"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # LC_ALL before LANG
    assert resolve_language() == "en"
