"""policy_sdk.reference"""
