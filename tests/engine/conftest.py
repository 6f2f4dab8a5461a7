"""Engine tests: bridge the CLI's facts loader to the test stand-in until H2's lands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_support import _stand_in


@pytest.fixture(autouse=True)
def _facts_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    import policy_sdk.facts as facts_pkg

    if not hasattr(facts_pkg, "load_facts"):

        def load_facts(source: Any, *, platform_types: Any = None) -> Any:
            return _stand_in(Path(source))

        monkeypatch.setattr(facts_pkg, "load_facts", load_facts, raising=False)
