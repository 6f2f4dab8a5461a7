"""Where the shipped data lives: the grammar, the default policy pack, the examples.

(Public face of :mod:`policy_sdk._resources`, for the command line and embedders.)"""

from policy_sdk._resources import default_policies_dir, examples_dir, grammar_path

__all__ = ["default_policies_dir", "examples_dir", "grammar_path"]
