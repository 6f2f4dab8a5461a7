"""Editor support: a language server for ``.policy`` files (``policy-sdk lsp``).

:mod:`policy_sdk.lsp.analysis` answers the editor's questions with plain data and
needs nothing beyond the core; :mod:`policy_sdk.lsp.server` speaks LSP over stdio and
needs the ``policy-sdk[lsp]`` extra (pygls).
"""
