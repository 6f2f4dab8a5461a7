"""policy_sdk.plugins"""
