"""The ``mini_program`` platform type: a mini-program (小程序) inside a host super-app.

What is sourced and what is assumed (tags as in ``docs/regulations.md``):

* [S] Mini-programs are named in Art. 2 of 《具有舆论属性或社会动员能力的互联网信息服务
  安全评估规定》 ("开办论坛、博客、微博客、聊天室、通讯群组、公众账号、短视频、网络直播、
  信息分享、小程序等信息服务或者附设相应功能"), so a provider offering algorithmic
  recommendation through one files for it (Art. 24 of the Provisions).
* [S] Each host (WeChat, Alipay, Douyin, Baidu) runs its own category and ICP-filing
  rules for the mini-programs it hosts. This plugin refines the core attribute
  ``platform.host`` with the hosts it knows (``wechat``, ``alipay``, ``douyin``,
  ``baidu``) and asks, in rule ``host_declared`` (advisory), that every mini-program
  names its host — without it nobody can tell which host's rules apply.
* [P] Cancellation: mini-programs' filings are verified item by item, so they are
  cancelled one by one, never in a batch (practitioners' experience, not text).
  ``item_verification`` is on by default; a user whose host accepts a batch sets
  ``item_verification: false`` on that platform in the facts file.
"""

from __future__ import annotations

from policy_sdk.facts.schema import Attribute
from policy_sdk.plugins import hookimpl
from policy_sdk.plugins.registrar import Registrar
from policy_sdk.plugins.specs import CancellationCapabilities, PlatformTypeSpec
from policy_sdk_platforms._shared import packaged_rules

HOSTS = ("alipay", "baidu", "douyin", "wechat")
"""Host super-apps this plugin knows: 支付宝, 百度, 抖音, 微信."""

PLATFORM_TYPE = PlatformTypeSpec(
    name="mini_program",
    description="mini-program (小程序) running inside a host super-app",
    aliases=("miniprogram", "mini-program", "小程序"),
    attributes=(
        Attribute(
            "platform",
            "host",
            "string",
            "host super-app of a mini-program: wechat (微信), alipay (支付宝), "
            "douyin (抖音) or baidu (百度)",
            enum=HOSTS,
            origin="plugin:mini_program",
        ),
    ),
    capabilities=CancellationCapabilities(
        batch=True,
        item_verification=True,
        note="[P] practice: mini-program filings are verified item by item, so they are "
        "cancelled singly; set `item_verification: false` on a platform whose host "
        "accepts a batch",
    ),
    basis="S/P",
)

RULES_FILE = "rules/mini_program.policy"
"""The rules, in the policy language, shipped inside the package."""


@hookimpl
def policy_sdk_register(register: Registrar) -> None:
    register.add_platform_type(PLATFORM_TYPE)
    register.add_rules(packaged_rules(RULES_FILE))
