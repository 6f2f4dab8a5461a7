"""policy_sdk.cancellation"""
