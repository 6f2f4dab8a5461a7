"""The attributes each entity has, and their types.

The schema is what the validator resolves policy names against and what
``policy-sdk schema`` publishes as JSON Schema. It is assembled from three
sources: the core attributes below, the attributes plugins' platform types add
(``PlatformTypeSpec.attributes``), and a facts file's own ``schema:`` section.

Besides stored attributes there are *derived* ones (``computed=True``): values
the engine computes from the facts (e.g. whether every platform of a filing has
stopped). Their definitions are in ``docs/semantics.md`` and
:mod:`policy_sdk.facts.derived`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal

import attrs

AttrType = Literal["string", "number", "boolean", "date", "list", "any"]
ATTR_TYPES: Final[tuple[AttrType, ...]] = ("string", "number", "boolean", "date", "list", "any")

ENTITIES: Final = ("organization", "algorithm", "platform", "deployment", "filing", "record")


@attrs.frozen
class Attribute:
    """One attribute of one entity."""

    #: the entity it belongs to: `platform` for a platform type's attributes, `record`
    #: for an obligation kind's keys
    entity: str
    #: a lowercase identifier (`vendors`)
    name: str
    #: `string`, `number`, `boolean`, `date`, `list` or `any`
    type: AttrType
    #: what it means, for people (a plugin's must not be empty)
    description: str = ""
    #: allowed values for a string (or the items of a list), if closed
    enum: tuple[str, ...] | None = None
    #: may be absent/null in facts
    optional: bool = True
    #: computed by the engine from other facts, not read from the file
    computed: bool = False
    #: where it was declared: "core", "plugin:NAME", or "facts"
    origin: str = "core"


RECORD_KINDS: Final = (
    "filing",  # 算法备案 (matched against `filings`, not `records`)
    "filing_change",  # 备案变更 (Art. 24 ¶2)
    "security_assessment",  # 安全评估 (Art. 27)
    "disclosure",  # 公示算法基本原理 (Art. 16)
    "opt_out",  # 不针对个人特征的选项 / 关闭算法推荐 (Art. 17)
    "complaint_channel",  # 投诉举报入口 (Art. 22)
    "content_label",  # 生成合成内容标识 (DS Arts. 16-17; labelling measures)
    "model_filing",  # 大模型备案 / 登记 (GenAI Art. 17)
    "marketing_claim",  # marketing copy citing the filing (CAC 2022 notice)
    "number_displayed",  # 备案编号标注 on one platform (Art. 26; `displayed: true`: everywhere)
)
"""Obligation kinds every policy may name; a facts file declares more under
``schema: {kinds: [...]}``."""


@attrs.frozen
class Schema:
    """An immutable mapping ``entity -> attribute name -> Attribute``, and the
    obligation kinds policies may name."""

    attributes: Mapping[str, Mapping[str, Attribute]]
    kinds: tuple[str, ...] = RECORD_KINDS

    def get(self, entity: str, name: str) -> Attribute | None:
        return self.attributes.get(entity, {}).get(name)

    def names(self, entity: str) -> tuple[str, ...]:
        return tuple(sorted(self.attributes.get(entity, {})))

    def entities_with(self, name: str) -> tuple[str, ...]:
        return tuple(e for e in ENTITIES if name in self.attributes.get(e, {}))

    def extended(self, extra: Iterable[Attribute]) -> Schema:
        """A new schema with ``extra`` attributes added (later ones win on a clash)."""
        merged: dict[str, dict[str, Attribute]] = {
            e: dict(attrs_) for e, attrs_ in self.attributes.items()
        }
        for attribute in extra:
            merged.setdefault(attribute.entity, {})[attribute.name] = attribute
        return Schema(
            {e: dict(sorted(a.items())) for e, a in sorted(merged.items())}, self.kinds
        )

    def with_kinds(self, kinds: Iterable[str]) -> Schema:
        """A new schema that also knows the obligation ``kinds``."""
        return Schema(self.attributes, tuple(sorted(set(self.kinds) | set(kinds))))


def _a(entity: str, name: str, type_: AttrType, description: str, **kw: object) -> Attribute:
    return Attribute(entity, name, type_, description, **kw)  # type: ignore[arg-type]


CORE_ATTRIBUTES: Final[tuple[Attribute, ...]] = (
    # organization
    _a("organization", "name", "string", "the organization's name", optional=False),
    _a("organization", "role", "string", "provider (提供者) or technical supporter (技术支持者)",
       enum=("provider", "technical_supporter")),
    _a("organization", "public_opinion", "boolean",
       "has public-opinion attributes or social-mobilization capacity (舆论属性或社会动员能力)"),
    # algorithm
    _a("algorithm", "id", "string", "the algorithm's id in these facts", optional=False),
    _a("algorithm", "name", "string", "the algorithm's name"),
    _a("algorithm", "types", "list", "algorithm types (Art. 2)",
       enum=("generation_synthesis", "personalized_push", "ranking_selection",
             "retrieval_filtering", "scheduling_decision")),
    _a("algorithm", "uses_recommendation", "boolean",
       "offers algorithmic recommendation to users"),
    _a("algorithm", "running", "boolean", "some deployment of the algorithm is running",
       computed=True, optional=False),
    _a("algorithm", "filed_platforms", "list",
       "platforms named by live filings of the algorithm", computed=True, optional=False),
    # platform
    _a("platform", "id", "string", "the platform's id in these facts", optional=False),
    _a("platform", "type", "string", "platform type, contributed by a plugin", optional=False),
    _a("platform", "name", "string", "the product's name"),
    _a("platform", "host", "string", "host super-app of a mini-program (wechat, alipay, …)"),
    _a("platform", "batch_cancellation", "boolean",
       "override: this platform accepts batch cancellation"),
    _a("platform", "item_verification", "boolean",
       "override: this platform demands item-by-item verification on cancellation"),
    # deployment
    _a("deployment", "algorithm", "string", "the deployed algorithm's id", optional=False),
    _a("deployment", "platform", "string", "the platform's id", optional=False),
    _a("deployment", "status", "string", "deployment status",
       enum=("active", "paused", "stopped")),
    _a("deployment", "launched_on", "date", "date the service started on this platform"),
    _a("deployment", "stopped_on", "date", "date the service stopped on this platform"),
    _a("deployment", "running", "boolean", "status is active or paused", computed=True,
       optional=False),
    # filing
    _a("filing", "number", "string", "filing number (网信算备…号)", optional=False),
    _a("filing", "algorithm", "string", "the filed algorithm's id", optional=False),
    _a("filing", "platforms", "list", "the platforms (products) the filing names",
       optional=False),
    _a("filing", "status", "string", "filing status",
       enum=("submitted", "active", "cancellation_pending", "cancelled", "rejected")),
    _a("filing", "filed_on", "date", "date the filing was submitted"),
    _a("filing", "displayed", "boolean",
       "number shown prominently with a link to the public record (Art. 26)"),
    _a("filing", "live", "boolean", "status is submitted or active", computed=True,
       optional=False),
    _a("filing", "terminated", "boolean",
       "the algorithm stopped on some platform the filing names and runs on none of them "
       "(service terminated; a platform where it never launched does not count)",
       computed=True, optional=False),
    _a("filing", "terminated_on", "date",
       "the last stopped_on of those deployments, when terminated", computed=True),
    _a("filing", "partially_stopped", "boolean",
       "some named platforms stopped while others still run the algorithm", computed=True,
       optional=False),
    _a("filing", "first_stopped_on", "date",
       "the earliest stopped_on among named platforms that stopped", computed=True),
    _a("filing", "stopped_platforms", "list", "named platforms whose deployment stopped",
       computed=True, optional=False),
    _a("filing", "running_platforms", "list", "named platforms where the algorithm runs",
       computed=True, optional=False),
    _a("filing", "never_launched_platforms", "list",
       "named platforms where the algorithm was never launched", computed=True,
       optional=False),
    _a("filing", "change_due", "boolean",
       "a stop on some named platform, while others still run, has no `filing_change` "
       "record on or after it", computed=True, optional=False),
    _a("filing", "undisplayed_platforms", "list",
       "named platforms where the algorithm runs and the filing number is not shown "
       "(`displayed: true` shows it everywhere; a `number_displayed` record on one platform)",
       computed=True, optional=False),
    _a("filing", "change_due_on", "date",
       "the earliest stop with no `filing_change` record on or after it", computed=True),
    # record
    _a("record", "kind", "string", "the obligation this record evidences", optional=False),
    _a("record", "algorithm", "string", "the algorithm it concerns, if any"),
    _a("record", "platform", "string", "the platform it concerns, if any"),
    _a("record", "filing", "string", "the filing number it concerns, if any"),
    _a("record", "on", "date", "the date of the record"),
)

CORE_SCHEMA: Final = Schema({}).extended(CORE_ATTRIBUTES)
