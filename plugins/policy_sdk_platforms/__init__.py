"""First-party platform plugins of policy-sdk (registered through the `policy_sdk` entry-point group)."""
