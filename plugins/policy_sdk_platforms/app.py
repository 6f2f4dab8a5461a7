"""The ``app`` platform type: a mobile application (应用程序, App).

What is sourced and what is assumed (tags as in ``docs/regulations.md``):

* [S] Apps are named in Art. 26 of 《互联网信息服务算法推荐管理规定》 ("在其对外提供服务的
  网站、应用程序等显著位置标明其备案编号"): the display rule itself is in the core pack.
* [S] App stores check deep-synthesis apps: 《互联网信息服务深度合成管理规定》 Art. 13 has
  application distribution platforms "核验深度合成类应用程序的安全评估、备案等情况" and
  refuse, suspend or take down those that fail. Rule ``deep_synthesis_assessment``
  (advisory: the duty is the store's, the risk — not being listed, being taken down —
  is the provider's).
* [P] Cancellation: apps' filings may be cancelled together with others in one
  application (batch), no item-by-item verification. Practitioners' experience, not
  text; override per platform in the facts file with ``batch_cancellation`` /
  ``item_verification``.
"""

from __future__ import annotations

from policy_sdk.plugins import hookimpl
from policy_sdk.plugins.registrar import Registrar
from policy_sdk.plugins.specs import CancellationCapabilities, PlatformTypeSpec
from policy_sdk_platforms._shared import packaged_rules

PLATFORM_TYPE = PlatformTypeSpec(
    name="app",
    description="mobile application (应用程序 / App), distributed through app stores",
    aliases=("application", "mobile_app", "应用程序", "移动应用"),
    capabilities=CancellationCapabilities(
        batch=True,
        item_verification=False,
        note="[P] practice: app filings are accepted in a batch cancellation; "
        "override with `batch_cancellation` / `item_verification` on a platform",
    ),
    basis="S/P",
)

RULES_FILE = "rules/app.policy"
"""The rules, in the policy language, shipped inside the package."""


@hookimpl
def policy_sdk_register(register: Registrar) -> None:
    register.add_platform_type(PLATFORM_TYPE)
    register.add_rules(packaged_rules(RULES_FILE))
