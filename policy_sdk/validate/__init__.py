"""policy_sdk.validate"""
