"""The HTML report in a real headless Chromium (Debian's ``chromium``, driven by
Playwright): the matrix has a row per algorithm and a column per platform, the filters
hide what they should, cells link to their findings, no console errors, and nothing is
fetched from anywhere (the file opens from a USB stick).

Outside CI a machine without ``chromium`` skips these tests with the reason; in CI
(``CI=true``) a missing browser fails them: ``.ci/run`` installs it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .reports_support import AS_OF, COMPANY, run_cli

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def _chromium() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed; .ci/run installs Debian's `chromium` "
                        "package before the tests")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS, timeout=60_000)
        try:
            yield b
        finally:
            b.close()


class Page:
    """A page of the report with every request, console error and page error recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []

        def route(r: Any) -> None:  # anything but the report itself is refused
            self.requests.append(r.request.url)
            if r.request.url == self.url:
                r.continue_()
            else:
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.page.on("request", lambda req: self.requests.append(req.url))
        def console(m: Any) -> None:
            if m.type in ("error", "warning"):
                self.errors.append(f"{m.type}: {m.text}")

        self.page.on("console", console)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser: Any, company_html: Path) -> Iterator[Page]:
    p = Page(browser, company_html)
    try:
        yield p
    finally:
        p.close()


def _facts() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPANY.read_text(encoding="utf-8"))
    return data


def _json_findings() -> list[dict[str, Any]]:
    code, out, _ = run_cli(["check", "--facts", str(COMPANY), "--as-of", AS_OF,
                            "--format", "json"])
    assert code == 1
    findings: list[dict[str, Any]] = json.loads(out)["findings"]
    return findings


def test_matrix_has_a_row_per_algorithm_and_a_column_per_platform(page: Page) -> None:
    facts = _facts()
    algorithms = sorted(a["id"] for a in facts["algorithms"])
    platforms = sorted(p["id"] for p in facts["platforms"])
    m = page.page
    assert m.locator("table.matrix thead th.platform").count() == len(platforms)
    assert m.eval_on_selector_all(
        "table.matrix thead th.platform", "els => els.map(e => e.dataset.platform)"
    ) == platforms
    assert m.eval_on_selector_all(
        "table.matrix tbody tr", "els => els.map(e => e.dataset.algorithm)"
    ) == algorithms
    for row in m.locator("table.matrix tbody tr").all():
        assert row.locator("td").count() == len(platforms)
    # a state is written in the cell, not shown by colour alone
    cell = m.locator('tr[data-algorithm="feed-rec"] td[data-platform="wx-mini"]')
    assert cell.get_attribute("data-state") == "violated"
    assert "违规" in cell.inner_text()
    assert "violated" in cell.inner_text()
    # the ad-delivery filing names main-app and website: shown as one filing of both
    shared = m.locator('tr[data-algorithm="ad-delivery"] td[data-platform="main-app"] .shared')
    assert "website" in shared.inner_text()
    assert not page.errors, page.errors


def test_cells_link_to_their_findings(page: Page) -> None:
    m = page.page
    links = m.eval_on_selector_all("table.matrix td a", "els => els.map(e => e.hash)")
    assert links, "no cell links to a finding"
    for target in links:
        assert m.locator(f"li.finding{target}").count() == 1, target
    m.locator('tr[data-algorithm="feed-rec"] td[data-platform="wx-oa"] a').click()
    assert m.evaluate("location.hash") in links
    assert m.locator("li.finding:target").is_visible()


def _visible(page: Page) -> list[dict[str, str]]:
    out: list[dict[str, str]] = page.page.eval_on_selector_all(
        "ol.findings > li.finding",
        "els => els.filter(e => e.offsetParent !== null).map(e => ({...e.dataset}))",
    )
    return out


def test_filters_hide_what_they_should(page: Page) -> None:
    findings = _json_findings()
    assert len(_visible(page)) == len(findings) == 13

    page.page.select_option("select[data-filter=status]", "pending")
    shown = _visible(page)
    assert len(shown) == sum(f["status"] == "pending" for f in findings) == 2
    assert {s["status"] for s in shown} == {"pending"}

    page.page.select_option("select[data-filter=status]", "")
    page.page.select_option("select[data-filter=platform]", "website")
    shown = _visible(page)
    assert shown
    assert all("website" in json.loads(s["platforms"]) for s in shown)
    # per-filing findings count for each platform of their filing
    hidden = page.page.eval_on_selector_all(
        "ol.findings > li.finding[hidden]", "els => els.map(e => e.dataset.platforms)")
    assert hidden
    assert all("website" not in json.loads(h) for h in hidden)

    page.page.select_option("select[data-filter=severity]", "advisory")
    shown = _visible(page)
    assert [(s["rule"], json.loads(s["platforms"])) for s in shown] == [
        ("cn.algorithm_filing/user_opt_out", ["website"])]
    assert "1 / 13" in page.page.inner_text("#shown")

    page.page.click("button[type=reset]")
    from playwright.sync_api import expect

    expect(page.page.locator("ol.findings > li.finding[hidden]")).to_have_count(0)
    assert len(_visible(page)) == 13
    assert not page.errors, page.errors


def test_findings_are_ordered_by_urgency(page: Page) -> None:
    items = page.page.eval_on_selector_all(
        "ol.findings > li.finding",
        "els => els.map(e => [e.dataset.status, (e.querySelector('time') || {}).textContent])")
    statuses = [s for s, _ in items]
    assert statuses.index("pending") > max(i for i, s in enumerate(statuses) if s == "violated")
    dated = [d for s, d in items if s == "violated" and d]
    assert dated == sorted(dated)
    assert dated[0] < AS_OF
    text = page.page.inner_text("ol.findings")
    assert "overdue by" in text
    assert "逾期" in text
    assert "working days left" in text


def test_no_external_request_and_no_console_error(page: Page) -> None:
    page.page.wait_for_load_state("networkidle")
    assert set(page.requests) == {page.url}, page.requests
    assert not page.errors, page.errors
    html = Path(page.url[len("file://"):]).read_text(encoding="utf-8")
    assert "http://" not in html.replace("http-equiv", "")
    assert "https://" not in html
    assert 'src="' not in html  # no script, image or frame from elsewhere


@pytest.mark.parametrize("command", ["inventory", "plan-cancel"])
def test_inventory_and_plan_pages(browser: Any, tmp_path: Path, command: str) -> None:
    path = tmp_path / f"{command}.html"
    code, _out, err = run_cli([command, "--facts", str(COMPANY), "--as-of", AS_OF,
                              "--format", "html", "-o", str(path)])
    assert code == 0, err
    p = Page(browser, path)
    try:
        facts = _facts()
        assert p.page.locator("table.matrix tbody tr").count() == len(facts["algorithms"])
        assert p.page.locator("table.matrix thead th.platform").count() == len(facts["platforms"])
        if command == "plan-cancel":
            assert p.page.locator("#batches [id^=batch-]").count() == 1
            # video-rec still runs on wx-oa: its three stopped filings go alone (seed 002)
            assert p.page.locator("#singles [id^=single-]").count() == 4
            cell = p.page.locator('tr[data-algorithm="video-rec"] td[data-platform="wx-oa"]')
            assert cell.get_attribute("data-state") == "kept"
        else:
            cell = p.page.locator('tr[data-algorithm="news-rec"] td[data-platform="main-app"]')
            assert cell.get_attribute("data-state") == "due"
            assert "overdue by" in cell.inner_text()
        assert set(p.requests) == {p.url}
        assert not p.errors, p.errors
    finally:
        p.close()


def test_ids_that_look_like_markup_or_html_stay_text(browser: Any, tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    text = (Path(__file__).resolve().parent / "hostile.yaml").read_text(encoding="utf-8")
    facts.write_text(text.replace('":cn:"', '"<script>alert(1)</script> x\'y"'),
                     encoding="utf-8")
    path = tmp_path / "report.html"
    code, _, err = run_cli(["check", "--facts", str(facts), "--as-of", AS_OF,
                            "--format", "html", "-o", str(path)])
    assert code == 1, err
    p = Page(browser, path)
    try:
        dialogs: list[str] = []
        def dialog(d: Any) -> None:
            dialogs.append(d.message)
            d.dismiss()

        p.page.on("dialog", dialog)
        columns = p.page.eval_on_selector_all(
            "table.matrix thead th.platform", "els => els.map(e => e.dataset.platform)")
        assert columns == ["<script>alert(1)</script> x'y", "[/]", "[red]"]
        p.page.select_option("select[data-filter=platform]", "<script>alert(1)</script> x'y")
        shown = _visible(p)
        assert shown
        assert all(json.loads(s["platforms"]) == ["<script>alert(1)</script> x'y"]
                   for s in shown)
        p.page.select_option("select[data-filter=platform]", "[/]")
        assert _visible(p)
        assert not dialogs
        assert not p.errors, p.errors
        assert "<script>alert" not in path.read_text(encoding="utf-8")
    finally:
        p.close()


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception),
                                             (None, pytest.skip.Exception)])
def test_a_missing_browser_fails_in_ci_and_skips_elsewhere(
        monkeypatch: pytest.MonkeyPatch, ci: str | None, outcome: type[BaseException]) -> None:
    monkeypatch.setattr(os.path, "exists", lambda path: False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="chromium is not installed"):
        _chromium()
