"""Engine tests: their helpers (``engine_support``) are importable as a top-level module."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
