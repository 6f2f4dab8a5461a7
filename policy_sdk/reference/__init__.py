"""The reference interpreter: ``docs/semantics.md`` as a plain tree walk.

Slow on purpose and obviously right by construction; the differential tests in
``tests/trust`` check that the engine agrees with it.
"""

from policy_sdk.reference.interpreter import Calendar, TraceEvent, evaluate_reference

__all__ = ["Calendar", "TraceEvent", "evaluate_reference"]
