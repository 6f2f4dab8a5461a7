"""Static validation of policies against the schema (names, types, kinds, functions).

See :mod:`policy_sdk.validate.checker` for what is checked, and
:mod:`policy_sdk.validate.names` for how names resolve.
"""

from policy_sdk.validate.checker import check_module, validate_module

__all__ = ["check_module", "validate_module"]
