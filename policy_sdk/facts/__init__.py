"""policy_sdk.facts"""
