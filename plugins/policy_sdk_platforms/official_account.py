"""The ``official_account`` platform type: an official account (公众号 / 公众账号).

What is sourced and what is assumed (tags as in ``docs/regulations.md``):

* [S] Public accounts (公众账号) are named in Art. 2 of 《具有舆论属性或社会动员能力的
  互联网信息服务安全评估规定》, so a provider offering algorithmic recommendation
  through one files for it (Art. 24 of the Provisions). Nothing more specific to
  official accounts was found in the texts, so this plugin contributes no rules of its
  own: the core pack's rules apply to it like to every platform.
* [P] Cancellation: official accounts' filings are accepted in a batch cancellation,
  no item-by-item verification (practitioners' experience, not text); override per
  platform with ``batch_cancellation`` / ``item_verification`` in the facts file.
"""

from __future__ import annotations

from policy_sdk.plugins import hookimpl
from policy_sdk.plugins.registrar import Registrar
from policy_sdk.plugins.specs import CancellationCapabilities, PlatformTypeSpec

PLATFORM_TYPE = PlatformTypeSpec(
    name="official_account",
    description="official account (公众号 / 公众账号), e.g. a WeChat service account",
    aliases=("officialaccount", "official-account", "公众号", "公众账号", "服务号", "订阅号"),
    capabilities=CancellationCapabilities(
        batch=True,
        item_verification=False,
        note="[P] practice: official-account filings are accepted in a batch cancellation; "
        "override with `batch_cancellation` / `item_verification` on a platform",
    ),
    basis="S/P",
)


@hookimpl
def policy_sdk_register(register: Registrar) -> None:
    register.add_platform_type(PLATFORM_TYPE)
    # no rules: nothing specific to official accounts in the texts; see the docstring
