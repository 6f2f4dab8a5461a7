"""Shared test configuration: hypothesis profiles.

* ``ci`` (selected by ``.ci/run``): bounded examples, no per-example deadline, seed printed.
* ``dev`` (the default): the same bounds, so a local run matches CI.
* ``thorough``: many more examples, for long local runs:
  ``HYPOTHESIS_PROFILE=thorough pytest tests``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", parent=settings.get_profile("ci"))
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
