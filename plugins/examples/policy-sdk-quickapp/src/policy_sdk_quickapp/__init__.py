"""policy-sdk plugin: the ``quick_app`` (快应用) platform type.

Quick apps are installation-free apps distributed by Android phone makers' quick-app
platforms (快应用联盟). Sources and assumptions:

* [S] An application offered to users is named in Art. 26 of 《互联网信息服务算法推荐
  管理规定》 ("网站、应用程序等"), so the core pack's rules apply to quick apps like to
  any platform.
* [I] Each maker's platform reviews what it lists, so knowing which platforms list a
  quick app tells you whose review applies: rule ``vendors_declared`` (advisory) asks
  that a quick app with an algorithm deployment names them in ``vendors``.
* [I] Cancellation: assumed to accept batch cancellation, no item-by-item
  verification; override per platform with ``batch_cancellation`` /
  ``item_verification`` in the facts file.
"""

from __future__ import annotations

from importlib import resources

from policy_sdk.facts.schema import Attribute
from policy_sdk.plugins import Registrar, hookimpl
from policy_sdk.plugins.specs import CancellationCapabilities, PlatformTypeSpec, RuleSource

__version__ = "0.1.0"

VENDORS = ("honor", "huawei", "oppo", "vivo", "xiaomi")

PLATFORM_TYPE = PlatformTypeSpec(
    name="quick_app",
    description="quick app (快应用): installation-free app on Android phone makers' platforms",
    aliases=("quickapp", "快应用"),
    attributes=(
        Attribute(
            "platform",
            "vendors",
            "list",
            "phone makers' quick-app platforms listing it (huawei, xiaomi, oppo, vivo, honor)",
            enum=VENDORS,
            origin="plugin:quick_app",
        ),
    ),
    capabilities=CancellationCapabilities(
        batch=True,
        item_verification=False,
        note="[I] assumed: quick-app filings are accepted in a batch cancellation",
    ),
    basis="S/I",
)

RULES_FILE = "quick_app.policy"
"""The rules, in the policy language, shipped inside the package."""


@hookimpl
def policy_sdk_register(register: Registrar) -> None:
    register.add_platform_type(PLATFORM_TYPE)
    text = resources.files("policy_sdk_quickapp").joinpath(RULES_FILE).read_text(encoding="utf-8")
    register.add_rules(RuleSource(name="quick_app.policy", text=text))
