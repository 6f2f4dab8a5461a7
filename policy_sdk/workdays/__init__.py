"""policy_sdk.workdays"""
