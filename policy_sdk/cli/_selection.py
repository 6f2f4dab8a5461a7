"""What ``policy-sdk check`` reports: waivers applied, then the filters.

The filters (``--rule``, ``--algorithm``, ``--platform``) narrow the report itself
(:meth:`~policy_sdk.engine.report.Report.narrowed`): its findings, its summary and
its exit status are those of what they select. A value that cannot match (a rule id
the policies do not have, an algorithm or platform the facts do not name) is an
error with a did-you-mean, never an empty answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policy_sdk.cli.params import fail_option

__all__ = ["NO_DEFAULT_PACK_HELP", "POLICY_HELP", "check_pack_options", "narrow"]

#: the help of ``--policy`` and ``--no-default-pack`` where they run beside the default
#: pack (``check``, ``serve``): one text, so the two commands cannot come to say
#: different things (and one translation serves both)
POLICY_HELP = ("a policy file, or a folder of *.policy files (repeatable), run together "
               "with the default policy pack (before 0.2 it replaced the pack: add "
               "--no-default-pack for that)")
NO_DEFAULT_PACK_HELP = ("run only the --policy paths, not the default policy pack (plugin "
                        "rules still run)")


def check_pack_options(policies: Sequence[str], no_default_pack: bool, summary_only: bool,
                       fmt: str) -> None:
    """Usage errors found before anything is loaded."""
    from policy_sdk.i18n import _

    if no_default_pack and not policies:
        fail_option("--no-default-pack", _("`--no-default-pack` needs a `--policy` to run "
                                           "instead of the default pack"))
    if summary_only and fmt != "text":
        fail_option("--summary", _("`--summary` prints the text summary line; the `{format}` "
                                   "format has its own counts (the JSON report's `summary`)"
                                   ).format(format=fmt))


def narrow(report: Any, facts: Any, waivers_file: str | None, rules: Sequence[str],
           algorithms: Sequence[str], platforms: Sequence[str]) -> Any:
    """The report with the waivers file applied, then only what the filters select."""
    if waivers_file is not None:
        from policy_sdk.waivers import load_waivers

        report = report.with_waivers(load_waivers(waivers_file))
    if rules or algorithms or platforms:
        report = report.narrowed(
            rules=tuple(dict.fromkeys(rules)), algorithms=tuple(dict.fromkeys(algorithms)),
            platforms=tuple(dict.fromkeys(platforms)),
            known_algorithms=sorted(a.id for a in facts.algorithms),
            known_platforms=sorted(p.id for p in facts.platforms))
    return report
