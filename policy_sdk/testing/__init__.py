"""policy_sdk.testing"""
