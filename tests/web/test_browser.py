"""The portal in a real browser (Playwright on Debian's Chromium) against a live uvicorn.

Screenshots go to ``test-artifacts/`` (or ``XINYONG_TEST_ARTIFACTS``). Without Chromium the
tests skip, unless ``XINYONG_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import make_web, served

CHROMIUM = os.environ.get("XINYONG_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("XINYONG_TEST_ARTIFACTS", "test-artifacts"))

if not Path(CHROMIUM).exists():
    if os.environ.get("XINYONG_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"XINYONG_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")
    pytest.skip(f"browser tests need Chromium at {CHROMIUM}", allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("chromium-home")
    env = {**os.environ, "XDG_CONFIG_HOME": str(home), "XDG_CACHE_HOME": str(home)}
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "env": env}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A browser set to Chinese, as most of the portal's visitors' are."""
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture(scope="module")
def live_url(world_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    web = make_web(world_template, tmp_path_factory.mktemp("live"))
    with served(web.client.app) as url:
        yield url


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_subject_list_and_back(page: Page, live_url: str) -> None:
    page.goto(live_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_label("名称或代码").fill("厦门鹭江")
    page.get_by_role("button", name="查询").first.click()
    expect(page.locator("p.count")).to_contain_text("1")
    shot(page, "1-search")
    page.locator("a.subject-link", has_text="厦门鹭江海鲜贸易有限公司").click()
    expect(page.locator("h1")).to_have_text("厦门鹭江海鲜贸易有限公司")
    expect(page.locator(".badge").first).to_have_text("异议中")
    shot(page, "2-subject")
    page.locator("a.list-link", has_text="失信被执行人名单").click()
    expect(page.locator("h1")).to_have_text("失信被执行人名单")
    expect(page.locator("table.entries")).to_contain_text("厦门鹭江海鲜贸易有限公司")
    shot(page, "3-list")
    page.go_back()
    expect(page.locator("h1")).to_have_text("厦门鹭江海鲜贸易有限公司")


def test_language_switch_keeps_the_page(page: Page, live_url: str) -> None:
    page.goto(live_url + "/lists")
    expect(page.locator("h1")).to_have_text("红黑名单")
    page.locator("#lang-switch").click()
    expect(page).to_have_url(re.compile(r"/lists$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Red and black lists")
    shot(page, "4-english")
    page.locator("#lang-switch").click()
    expect(page.locator("h1")).to_have_text("红黑名单")


def test_statistics_charts_render(page: Page, live_url: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_url + "/statistics")
    expect(page.locator("body")).to_have_attribute("data-charts-drawn", re.compile(r"^[3-9]"))
    painted = page.evaluate(
        """() => {
          const c = document.getElementById('chart-records');
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) n++; }
          return n;
        }"""
    )
    assert painted > 1000 and errors == []
    shot(page, "5-statistics")


#: a minimal PDF a subject uploads as evidence
EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_in(page: Page, live_url: str, username: str) -> None:
    from tests.web.conftest import PASSWORD

    page.goto(live_url + "/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form.login button").click()
    expect(page.locator(".who")).to_contain_text(f"account:{username}")


def test_a_printable_prior_notice_is_served_from_the_staff_page(page: Page, live_url: str) -> None:
    sign_in(page, live_url, "samr")
    page.goto(live_url + "/notices")
    owed = page.locator("tr.prior-notice")
    expect(owed).to_have_count(1)
    owed.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("列入名单事先告知书")
    expect(page.locator("article.notice")).to_contain_text("市场监督管理严重违法失信名单管理办法")
    shot(page, "11-prior-notice")
    page.go_back()
    page.locator("tr.prior-notice input[name=number]").fill("穗市监告〔2026〕7号")
    page.get_by_role("button", name="今日已送达").click()
    expect(page.locator("tr.prior-notice")).to_have_count(0)


def test_an_own_report_in_html_and_pdf(page: Page, live_url: str) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    sign_in(page, live_url, "company")
    page.goto(live_url + "/me")
    page.get_by_role("button", name="出具我的信用报告").click()
    code = page.locator("#verification-code").inner_text()
    assert len(code) == 20
    pdf = page.request.get(live_url + (page.locator("#report-pdf").get_attribute("href") or ""))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.body())).pages)
    assert code in text and "厦门鹭江海鲜贸易有限公司" in text and "2026-06-30" in text
    shot(page, "12-own-report")


def test_a_full_objection_from_filing_to_the_lifted_listing(page: Page, live_url: str) -> None:
    """Runs last: it deletes the company's court listing on the shared live platform."""
    entry = "cn.court.dishonest_debtors:court:ZX-2"
    sign_in(page, live_url, "company")
    page.goto(live_url + "/me")
    expect(page.locator("h1")).to_contain_text("厦门鹭江海鲜贸易有限公司")
    page.locator("#target").fill(entry)
    page.locator("#grounds").fill("判决已于立案前全部履行，不应列入失信名单")
    page.get_by_role("button", name="提出异议").click()
    expect(page.locator("tr.objection")).to_contain_text("人民法院")
    page.locator("tr.objection input[type=file]").set_input_files(
        files=[{"name": "履行证明.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE}]
    )
    page.get_by_role("button", name="上传证据").click()
    expect(page.locator("tr.objection")).to_contain_text("履行证明.pdf")
    shot(page, "6-objection-filed")
    page.goto(live_url + "/subjects/91350200776049653A")
    expect(page.locator("tr.disputed", has_text="失信被执行人")).to_be_visible()
    page.locator("header form.inline button").click()  # sign out
    sign_in(page, live_url, "court")
    page.goto(live_url + "/cases")
    download = page.request.get(
        live_url
        + (page.locator("article.case a", has_text="履行证明.pdf").get_attribute("href") or "")
    )
    assert download.ok and download.body() == EVIDENCE  # the deciding court reads the evidence
    page.locator("article.case select").select_option("deleted")
    page.locator("article.case textarea[name=reasons]").fill(
        "经核查，判决已于列入前全部履行，删除该失信记录"
    )
    page.locator("article.case button").click()
    expect(page.locator("article.case")).to_contain_text("deleted")
    shot(page, "7-objection-decided")
    page.goto(live_url + "/subjects/91350200776049653A")
    shot(page, "8-after-objection")
    expect(page.get_by_text("未列入任何公开名单。")).to_be_visible()


def test_a_full_repair_from_application_to_the_stopped_publicity(page: Page, live_url: str) -> None:
    sign_in(page, live_url, "company")
    page.goto(live_url + "/me")
    penalty = page.locator("tr", has_text="市场监管行政处罚信息").locator("code")
    record = penalty.inner_text()
    page.locator("#repair-record").fill(record)
    page.locator("#corrective").fill("已撤下虚假广告并全额缴纳罚款")
    page.locator("#evidence").fill("罚款缴纳凭证\n整改报告")
    page.locator("#commitment").fill("本公司承诺今后不再发布虚假广告")
    page.get_by_role("button", name="申请信用修复").click()
    expect(page.locator("tr.repair")).to_contain_text("办理中")
    shot(page, "9-repair-filed")
    page.locator("header form.inline button").click()
    sign_in(page, live_url, "samr")
    page.goto(live_url + "/cases")
    page.locator("article.repair-case select").select_option("granted")
    page.locator("article.repair-case textarea").fill(
        "已履行行政处罚义务，最短公示期已满，准予修复"
    )
    page.locator("article.repair-case button").click()
    expect(page.locator("article.repair-case")).to_contain_text("granted")
    page.goto(live_url + "/subjects/91350200776049653A")
    shot(page, "10-after-repair")
    expect(page.locator("main")).not_to_contain_text("市场监管行政处罚信息")
