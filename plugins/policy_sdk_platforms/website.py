"""The ``website`` platform type: a website (网站).

What is sourced and what is assumed (tags as in ``docs/regulations.md``):

* [S] Websites are named in Art. 26 of 《互联网信息服务算法推荐管理规定》 ("在其对外提供
  服务的网站、应用程序等显著位置标明其备案编号并提供公示信息链接"); that display rule
  is the core pack's ``filing_number_displayed``, so this plugin adds no rule of its own.
* [P] Where the number goes: usually the page footer, linking to the public record
  (practice; the text says only "显著位置").
* [P] Cancellation: website filings are accepted in a batch cancellation, no
  item-by-item verification (practitioners' experience, not text); override per
  platform with ``batch_cancellation`` / ``item_verification`` in the facts file.
"""

from __future__ import annotations

from policy_sdk.plugins import hookimpl
from policy_sdk.plugins.registrar import Registrar
from policy_sdk.plugins.specs import CancellationCapabilities, PlatformTypeSpec

PLATFORM_TYPE = PlatformTypeSpec(
    name="website",
    description="website (网站); the filing number usually goes in the page footer",
    aliases=("web", "site", "网站"),
    capabilities=CancellationCapabilities(
        batch=True,
        item_verification=False,
        note="[P] practice: website filings are accepted in a batch cancellation; "
        "override with `batch_cancellation` / `item_verification` on a platform",
    ),
    basis="S/P",
)


@hookimpl
def policy_sdk_register(register: Registrar) -> None:
    register.add_platform_type(PLATFORM_TYPE)
    # no rules of its own: Art. 26 (display) is the core pack's rule; see the docstring
