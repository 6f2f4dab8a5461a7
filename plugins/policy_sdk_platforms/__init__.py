"""First-party platform plugins of policy-sdk.

Registered through the `policy_sdk` entry-point group, like third-party plugins.
"""
