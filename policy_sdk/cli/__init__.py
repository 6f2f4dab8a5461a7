"""The ``policy-sdk`` command line (see :mod:`policy_sdk.cli.main`)."""
