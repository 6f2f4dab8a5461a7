"""``policy-sdk serve``: a decision service over HTTP with a decision log (docs/serve.md).

Needs the ``server`` extra (Starlette and uvicorn)::

    pip install "policy-sdk[server]"

:func:`create_app` gives the ASGI application for a :class:`ServerConfig`, for those
who run it under their own ASGI server.
"""

from policy_sdk.server.app import create_app
from policy_sdk.server.config import ServerConfig, ServerError

__all__ = ["ServerConfig", "ServerError", "create_app"]
