"""``policy-sdk inventory`` and ``policy-sdk plan-cancel``."""

from __future__ import annotations

import json

import pytest

from policy_sdk.cli.main import main

from ._support import COMPANY


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_cancel_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "plan-cancel", "--facts", str(COMPANY), "--as-of", "2026-11-20", "--format", "json"
    )
    assert code == 0
    plan = json.loads(out)
    assert plan["strategy"] == "batch"
    assert len(plan["batches"]) == 1
    assert len(plan["batches"][0]["filings"]) == 2
    assert [s["platforms"] for s in plan["singles"]] == [
        ["main-app"], ["website"], ["wx-mini"], ["alipay-mini"]
    ]
    assert [k["platforms"] for k in plan["kept"]] == [["wx-oa"]]
    assert [c["algorithm"] for c in plan["changes"]] == ["ad-delivery"]


def test_plan_cancel_text(capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that no reason wraps
    code, out, _ = run(capsys, "plan-cancel", "--facts", str(COMPANY), "--as-of", "2026-11-20")
    assert code == 0
    assert "batch 1" in out
    assert "`video-rec` still runs on `wx-oa`" in out
    assert "item-by-item verification" in out
    assert "overdue" in out


def test_plan_cancel_single_and_stop(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "plan-cancel",
        "--facts",
        str(COMPANY),
        "--as-of",
        "2026-11-20",
        "--stop",
        "feed-rec@main-app",
        "--stop",
        "search-rank",
        "--on",
        "2026-11-30",
        "--strategy",
        "single",
        "--format",
        "json",
    )
    assert code == 0
    plan = json.loads(out)
    assert plan["batches"] == []
    assert {s["algorithm"] for s in plan["singles"]} == {"feed-rec", "search-rank"}
    assert {s["stopped_on"] for s in plan["stops"] if s["source"] == "request"} == {"2026-11-30"}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--stop", "vidoe-rec"), "did you mean `video-rec`?"),
        (("--stop", "video-rec@wx-mnii"), "did you mean `wx-mini`?"),
        (("--strategy", "bach"), "did you mean `batch`?"),
    ],
)
def test_bad_request_exits_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], needle: str
) -> None:
    code, out, err = run(
        capsys, "plan-cancel", "--facts", str(COMPANY), "--as-of", "2026-11-20", *args
    )
    assert code == 2
    assert needle in err
    assert "Traceback" not in err + out


def test_bad_date_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plan-cancel", "--facts", str(COMPANY), "--as-of", "20-11-2026")
    assert code == 2
    assert "`20-11-2026` is not a date" in err


def test_inventory_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "inventory", "--facts", str(COMPANY), "--as-of", "2026-11-20", "--format", "json"
    )
    assert code == 0
    inv = json.loads(out)
    assert inv["counts"]["filings"] == 11
    assert [o["undeployed"] for o in inv["orphans"]] == [["alipay-mini"]]
    assert len(inv["cancellation_due"]) == 6


def test_inventory_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "inventory", "--facts", str(COMPANY), "--as-of", "2026-11-20")
    assert code == 0
    for title in (
        "filings",
        "counts",
        "cancellation due",
        "deployments with no filing",
        "orphans",
        "special cancellation",
    ):
        assert title in out
    assert "search-rank" in out
