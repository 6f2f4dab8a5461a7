"""Reports people look at: a self-contained HTML report, CSV and XLSX exports, and the
plain-text writer.

``html``, ``csv`` and ``xlsx`` are formats of ``check``, ``inventory`` and
``plan-cancel`` (``--format``, with ``-o/--output FILE``). They need the ``reports``
extra (Jinja2, openpyxl): ``pip install "policy-sdk[reports]"``.
"""

from __future__ import annotations

from typing import Final

#: the formats this package writes (besides the reporters' text, json and sarif)
FILE_FORMATS: Final = ("html", "csv", "xlsx")
#: formats whose output is bytes, not text: they need ``-o FILE``
BINARY_FORMATS: Final = ("xlsx",)
