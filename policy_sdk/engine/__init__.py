"""policy_sdk.engine"""
