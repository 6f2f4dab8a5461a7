"""policy-sdk plugin: more host super-apps for the ``mini_program`` platform type.

The first-party ``mini_program`` plugin closes ``platform.host`` to the hosts it knows
(wechat, alipay, douyin, baidu). This plugin *refines* that type instead of replacing
it: it adds the hosts ``kuaishou`` (快手) and ``qq`` (QQ) through
``register.extend_platform_type``, so it installs beside the first-party plugins with no
``-p no:`` and a facts file may say ``host: kuaishou``. A misspelt host
(``kuaishuo``) is still an error, with a did-you-mean.

Sources and assumptions:

* [S] Mini-programs are named in Art. 2 of 《具有舆论属性或社会动员能力的互联网信息服务
  安全评估规定》 ("小程序等信息服务"); Kuaishou and QQ run mini-program platforms of their
  own (快手小程序, QQ小程序), each with its own review rules -- the reason the
  ``mini_program`` plugin asks for the host.
* [P] Cancellation: like the other hosts, item by item; this plugin does not loosen the
  ``mini_program`` capabilities (a refinement can only tighten them).
"""

from __future__ import annotations

from policy_sdk.plugins import Registrar, hookimpl

__version__ = "0.1.0"

HOSTS = ("kuaishou", "qq")
"""Host super-apps this plugin adds: 快手, QQ."""


@hookimpl
def policy_sdk_register(register: Registrar) -> None:
    register.extend_platform_type("mini_program", values={"host": HOSTS})
