"""The real app in Debian's Chromium: what AppTest cannot see (the browser, the URL, downloads, a fresh server).

Each test leaves screenshots in docs/screenshots/ so the README shows the app as it is.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from app_page import area_shown, choose, exceptions, idle, level_box, metric, nav, open_app, total
from browser_support import SCREENSHOTS, Server, start_server, stop_server

from planner.core.i18n import t
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.scoring import item_options
from ui import registry

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture
def page(browser: Any, server: Server) -> Any:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    tab = context.new_page()
    open_app(tab, server.url)
    yield tab
    context.close()


def shot(page: Any, name: str, *, height: int = 1000) -> None:
    """A screenshot (for docs/ with PAR_PLANNER_SCREENSHOTS set): the viewport made tall enough for the page
    (Streamlit scrolls inside <main>)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if height != VIEWPORT["height"]:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        page.wait_for_timeout(600)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    if height != VIEWPORT["height"]:
        page.set_viewport_size(VIEWPORT)


def label(code: str, level: str) -> str:
    """The Vietnamese label of an item's level, as the level picker shows it."""
    item = load_bundled_methodology("qd2636-2018").item(code)
    return next(o.label_vi for o in item_options(item) if o.id == level)


def set_level(page: Any, code: str, level: str) -> None:
    """Pick a level and wait for the header's total to change; a pick lost to a rerun on a loaded machine (the
    list re-drawn under the click) is made again, up to three times."""
    before = total(page)
    for attempt in range(3):
        try:
            choose(page, level_box(page, code), label(code, level))
            page.wait_for_function(
                "before => document.querySelector('.st-key-app_header [data-testid=stMetricValue]')"
                ".innerText !== before",
                arg=before,
                timeout=15_000,
            )
            break
        except Exception:  # Playwright's TimeoutError: the click or the run was lost
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            idle(page)
    idle(page)


def open_area(page: Any, code: str) -> None:
    """Show area `code` on the Scenario page; a click lost to a rerun on a loaded machine is made again."""
    for _ in range(3):
        page.locator(".st-key-area_pick button").filter(has_text=f"{code} ·").click()
        idle(page)
        if area_shown(page, code, timeout=10_000):
            return
    raise AssertionError(f"area {code} did not open")


def test_changing_a_sub_criterion_updates_the_total_and_the_rank(page: Any) -> None:
    assert total(page) == "78,47 / 100"
    rank_label = t("app.header.rank_in_field", "vi", year="2018")
    rank_before = metric(page, rank_label)
    assert rank_before.startswith("21/63")
    shot(page, "overview", height=1500)
    nav(page, "scenario")
    open_area(page, "6")
    set_level(page, "6.2.3", "yes")
    assert total(page) == "78,97 / 100"
    rank_after = metric(page, rank_label)
    assert int(rank_after.split("/")[0]) < 21, rank_after
    assert exceptions(page) == 0
    shot(page, "scenario", height=1400)


def test_every_page_opens_without_an_exception(page: Any) -> None:
    for spec in registry.PAGES:
        nav(page, spec.url_path)
        assert exceptions(page) == 0, spec.url_path
        assert page.locator("h1").first.inner_text().strip() == t(_title_key(spec.url_path), "vi")
        if spec.url_path in ("ranking", "methodology", "data"):
            shot(page, spec.url_path, height=1600)


def _title_key(url_path: str) -> str:
    return {
        "overview": "app.overview.title",
        "scenario": "app.scenario.title",
        "ranking": "app.ranking.title",
        "optimiser": "app.optimiser.title",
        "path": "app.path.title",
        "plan": "app.plan.title",
        "tracking": "app.tracking.title",
        "methodology": "app.methodology.title",
        "data": "app.data.title",
        "workshop": "app.workshop.title",
    }[url_path]


def test_the_optimiser_runs_and_the_plan_downloads_as_a_workbook(page: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    nav(page, "optimiser")
    page.get_by_role("button", name=t("app.optimiser.run", "vi")).click()
    idle(page)
    rank = metric(page, t("app.optimiser.rank_after", "vi"))
    assert int(rank.split("/")[0]) <= 20
    shot(page, "optimiser", height=2000)
    page.get_by_role("button", name=t("app.optimiser.run_frontier", "vi")).click()
    idle(page)
    assert exceptions(page) == 0
    nav(page, "plan")
    shot(page, "plan", height=1200)
    with page.expect_download() as info:
        page.get_by_role("button", name=t("app.plan.download_xlsx", "vi")).click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx") and download.suggested_filename.isascii()
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(io.BytesIO(path.read_bytes()))
    cells = {
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value
    }
    # Every lead agency the page lists (one heading each) is in the workbook, with the province.
    agencies = [h.split(":")[0].strip() for h in page.locator("h3").all_inner_texts() if ":" in h]
    assert agencies
    assert all(any(agency in text for text in cells) for agency in agencies), agencies
    assert any("Lào Cai" in text for text in cells)


def test_quang_ngai_plans_its_path_to_2025_and_downloads_a_sheet_per_year(page: Any, tmp_path: Path) -> None:
    """Seed 003 in the browser: the Quảng Ngãi example opens the path page on 2022-2025 and the band 25-30; the
    exact path against the 2021 table and its workbook with a sheet per year."""
    from openpyxl import load_workbook

    from ui import examples

    name = examples.example("quang-ngai-2025").name("vi")  # type: ignore[union-attr]
    box = page.locator("[class*=st-key-side-example]").first
    choose(page, box, name[:30])
    idle(page)
    nav(page, "path")
    page.get_by_text(t("app.optimiser.rivals.fixed", "vi"), exact=True).click()
    idle(page)
    page.get_by_role("button", name=t("app.path.run", "vi")).click()
    idle(page)
    assert exceptions(page) == 0
    rank = metric(page, t("app.path.final_rank", "vi", year="2025"))
    assert rank.endswith("/63") and int(rank.split("/")[0]) <= 30
    shot(page, "path", height=2300)
    with page.expect_download() as info:
        page.get_by_role("button", name=t("app.path.download", "vi")).click()
    download = info.value
    assert download.suggested_filename.isascii()
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(io.BytesIO(path.read_bytes()))
    assert workbook.sheetnames[1:] == ["Lộ trình", "Năm 2022", "Năm 2023", "Năm 2024", "Năm 2025"]
    # against the projected field the band is out of reach: the best path, then what blocks it above it
    page.get_by_text(t("app.optimiser.rivals.mean", "vi"), exact=True).click()
    idle(page)
    page.get_by_role("button", name=t("app.path.run", "vi")).click()
    idle(page)
    assert exceptions(page) == 0
    page.get_by_text(t("app.path.infeasible", "vi")).first.wait_for(timeout=30_000)
    maximum = t("path.blocker.maximum", "vi", year="2025", points="X").split("(")[0].strip()
    page.get_by_text(maximum).first.wait_for(timeout=30_000)
    assert metric(page, t("app.path.final_rank", "vi", year="2025")).endswith("/63")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_province_sets_up_its_own_case_and_every_page_uses_it(page: Any, lang: str) -> None:
    """Issue 14: someone from Hà Giang sets up their case in the app (year, province, band, starting point)."""
    if lang == "en":
        page.locator(".st-key-lang_pick button").filter(has_text="English").click()
        idle(page)
    page.get_by_role("button", name=t("app.case.open", lang)).click()  # type: ignore[arg-type]
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=30_000)
    year = dialog.locator("[class*=st-key-case-year] input")
    year.fill("2021")
    year.press("Enter")
    idle(page)
    choose(page, page.get_by_role("dialog").locator("[class*=st-key-case-province]"), "Hà Giang")
    idle(page)
    choose(
        page, page.get_by_role("dialog").locator("[class*=st-key-case-kind]"), t("app.case.kind.band", lang)
    )  # type: ignore[arg-type]
    idle(page)
    target = page.get_by_role("dialog").locator("[class*=st-key-case-target] input")
    target.fill("25-30")
    target.press("Enter")
    idle(page)
    page.get_by_role("dialog").get_by_text(t("app.case.start.max", lang), exact=True).click()  # type: ignore[arg-type]
    idle(page)
    page.get_by_role("button", name=t("app.case.create", lang)).click()  # type: ignore[arg-type]
    # the dialog's rerun of the whole app follows its own: wait for the header to name the new case
    page.wait_for_function(
        "() => (document.querySelector('.st-key-app_header')?.innerText || '').includes('Hà Giang')",
        timeout=30_000,
    )
    idle(page)
    assert exceptions(page) == 0
    header = page.locator(".st-key-app_header").inner_text()
    assert "Hà Giang" in header and "25–30" in header
    assert total(page).startswith("100")
    nav(page, "optimiser", lang)
    assert "Hà Giang" in page.locator(".st-key-app_header").inner_text()
    if lang == "vi":
        shot(page, "new-case", height=1000)


def test_the_uploader_speaks_vietnamese(page: Any) -> None:
    """Issue 14: Streamlit's own "Upload" and "10MB per file" showed on the Vietnamese pages."""
    nav(page, "data")
    page.wait_for_selector(
        "[data-testid=stFileUploaderDropzoneInstructions] span", state="attached", timeout=30_000
    )
    script = """([selector]) => {
        const el = document.querySelector(selector);
        return el ? getComputedStyle(el, '::after').content : null;
    }"""
    button = page.evaluate(
        script, ["[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p"]
    )
    line = page.evaluate(script, ["[data-testid=stFileUploaderDropzoneInstructions] span"])
    assert button == '"Tải tệp lên"' and "tối đa 10 MB" in (line or "")
    size = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=stFileUploaderDropzoneInstructions] span')).fontSize"
    )
    assert size == "0px"  # the built-in English is not shown
    page.locator(".st-key-lang_pick button").filter(has_text="English").click()
    idle(page)
    assert page.evaluate(script, ["[data-testid=stFileUploaderDropzoneInstructions] span"]) in (
        "none",
        "normal",
    )


def test_the_share_link_reopens_the_same_scenario_in_a_new_browser(page: Any, browser: Any) -> None:
    nav(page, "scenario")
    open_area(page, "8")
    set_level(page, "8.2", "yes")
    expected = total(page)
    assert expected == "79,47 / 100"
    page.locator("[data-testid=stSidebar] [data-testid=stExpander]").filter(
        has_text=t("app.sidebar.share", "vi")
    ).click()
    link = page.locator("[data-testid=stSidebar] [data-testid=stCode]").first.inner_text().strip()
    # short: the session's working copies and its place, not the scenario packed into the URL
    assert "?w=" in link and "&a=" in link and len(link) < 120
    other = browser.new_context(viewport=VIEWPORT)
    try:
        tab = other.new_page()
        open_app(tab, link)
        assert total(tab) == expected
        assert exceptions(tab) == 0
    finally:
        other.close()


def test_a_reload_keeps_the_edits(page: Any) -> None:
    nav(page, "scenario")
    open_area(page, "6")
    set_level(page, "6.3.1", "yes")
    expected = total(page)
    assert "w=" in page.url
    page.reload()
    page.wait_for_selector("[data-testid=stMetricValue]", timeout=60_000)
    idle(page)
    assert total(page) == expected


def test_the_workshop_view_has_large_type_and_no_sidebar(page: Any) -> None:
    nav(page, "workshop")
    # The page's CSS can land a moment after the run reports idle on a loaded machine: wait for its effects
    # (a timeout here is the failure).
    page.locator("[data-testid=stSidebar]").wait_for(state="hidden", timeout=15_000)
    value = ".st-key-workshop [data-testid=stMetricValue]"
    page.wait_for_function(
        """selector => {
            const e = document.querySelector(selector);
            return e !== null && parseFloat(getComputedStyle(e.querySelector('p') || e).fontSize) >= 40;
        }""",
        arg=value,
        timeout=15_000,
    )
    size = page.locator(value).first.evaluate(
        "e => parseFloat(getComputedStyle(e.querySelector('p') || e).fontSize)"
    )
    assert size >= 40
    shot(page, "workshop", height=1300)


def test_switching_to_english_keeps_the_scenario(page: Any) -> None:
    nav(page, "scenario")
    open_area(page, "6")
    set_level(page, "6.2.3", "yes")
    page.locator(".st-key-lang_pick button").filter(has_text="English").click()
    idle(page)
    assert total(page) == "78.97 / 100"
    assert page.locator("h1").first.inner_text().strip() == "Scenario"


def test_a_deep_link_works_on_the_first_request_to_a_fresh_server(browser: Any, tmp_path: Path) -> None:
    """A reload of /ranking after a restart: Streamlit's pages/ folder mode must not bypass the entrypoint."""
    fresh = start_server(tmp_path)
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        open_app(tab, fresh.url + "/ranking")
        assert exceptions(tab) == 0
        assert tab.locator("h1").first.inner_text().strip() == t("app.ranking.title", "vi")
        assert total(tab) == "78,47 / 100"
    finally:
        context.close()
        stop_server(fresh)


def test_the_decisions_appendix_in_word_becomes_a_scheme_compared_and_carried(
    page: Any, tmp_path: Path
) -> None:
    """The documents path in the browser: upload the appendix (.docx), see the review row and the comparison,
    carry the open scenario onto the new scheme (the README's screenshots of it come from here)."""
    from document_builder import appendix_document

    appendix = tmp_path / "QD-phu-luc-2026.docx"
    appendix.write_bytes(appendix_document(load_bundled_methodology("qd2636-2018"), "ministry", "docx"))
    nav(page, "methodology")
    page.locator(".st-key-methodology_upload input[type=file]").set_input_files(str(appendix))
    page.get_by_text(t("app.methodology.review.title", "vi", n=1)).wait_for(timeout=30_000)
    idle(page)
    assert exceptions(page) == 0
    page.get_by_text(t("app.methodology.review.title", "vi", n=1)).scroll_into_view_if_needed()
    shot(page, "documents-methodology", height=1400)
    page.get_by_role("button", name=t("app.methodology.carry", "vi")).click()
    idle(page)
    assert exceptions(page) == 0
    assert total(page) == "78,47 / 100"


def test_an_agency_link_opens_only_that_agencys_rows(browser: Any, server: Server) -> None:
    """Issue 12: the Sở Nội vụ issues links; the agency opening its own sees its three rows and none of the
    notes another agency wrote, and its save reaches the shared store."""
    from planner.store import ScenarioStore
    from planner.store.tracked import TrackedPlans
    from planner.tracking.model import Progress
    from tests.tracking_fixtures import methodology, tracked_plan

    url = "sqlite:///" + (server.log.parent / "store.sqlite3").as_posix()
    with ScenarioStore.open(url) as store:
        plans = TrackedPlans(store)
        plan_id = plans.create(tracked_plan(), "test", name="Lào Cai 2019 (trình duyệt)")
        plans.report(
            plan_id, methodology(), [("8.2", Progress(status="in_progress", evidence="ghi chú riêng KH&ĐT"))]
        )
        links = plans.issue_links(plan_id)
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    try:
        open_app(tab, f"{server.url}/tracking?t={links['Sở Tài chính']}")
        tab.get_by_text(t("app.tracking.agency_title", "vi", agency="Sở Tài chính")).wait_for(timeout=30_000)
        # the grid draws its cells after the page's run: wait for the first row on a loaded machine
        tab.locator("[data-testid=stDataFrame] [role=gridcell]", has_text="6.2.3").first.wait_for(
            state="attached", timeout=30_000
        )
        idle(tab)
        assert exceptions(tab) == 0
        cells = tab.locator("[data-testid=stDataFrame] [role=gridcell]").all_inner_texts()
        codes = [c for c in cells if c in {"1.5", "2.3", "6.2.3", "6.3.1", "6.3.2", "8.2", "8.4"}]
        assert codes == ["6.2.3", "6.3.1", "6.3.2"], cells[:20]
        assert "ghi chú riêng KH&ĐT" not in tab.content()
        assert "t=" in tab.url  # the link survives the app's own URL state
        shot(tab, "tracking-agency")
    finally:
        context.close()


def test_quang_ngai_shows_its_par_index_and_papi_side_by_side(page: Any) -> None:
    """Issue 13 in the browser: the seed's plan for both indices opens both, each on its own scale and field."""
    from ui import examples

    name = examples.example("quang-ngai-2025").name("vi")  # type: ignore[union-attr]
    choose(page, page.locator("[class*=st-key-side-example]").first, name[:30])
    idle(page)
    assert exceptions(page) == 0
    par = page.locator(".st-key-index_card_par")
    papi = page.locator(".st-key-index_card_papi")
    par.wait_for(timeout=30_000)
    assert "86,45 / 100" in par.inner_text() and "42,02 / 80" in papi.inner_text()
    # 42,02 ranks 47th of 63 in the 2024 PAPI field: the third quartile, PAPI's "nhóm 3"
    assert "47/63" in papi.inner_text() and "Nhóm 3 (trung bình thấp)" in papi.inner_text()
    papi.scroll_into_view_if_needed()
    shot(page, "indices", height=1400)
