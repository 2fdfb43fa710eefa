"""The app in Chromium: latency from changing a sub-criterion to the updated total on screen, and cold start.

    .venv/bin/python bench/bench_app.py [--changes 40] [--cold 3]

Latency: on the Scenario page (area 6), item 6.2.3 is switched between its two levels `--changes` times. Each
time is measured inside the page, from the mousedown on the level in the drop-down to the moment the header's
total shows the new value (a MutationObserver on the page), so Playwright's own round trips are not counted.
Cold start: from launching `streamlit run streamlit_app.py` to the first page showing its header total with the
script idle, in an already open browser (what a user waits for after typing the command). Prints the numbers;
not a pass/fail test. Needs Debian's Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from app_page import idle, level_box, nav, open_app, total  # noqa: E402
from browser_support import CHROMIUM, CHROMIUM_ARGS, chromium_missing, start_server, stop_server  # noqa: E402

WATCH = """() => {
  window.__t0 = null; window.__t1 = null;
  const read = () => document.querySelector('.st-key-app_header [data-testid=stMetricValue]')?.innerText;
  const before = read();
  const down = () => { if (window.__t0 === null) window.__t0 = performance.now(); };
  document.addEventListener('mousedown', down, {capture: true, once: true});
  const obs = new MutationObserver(() => {
    if (window.__t1 === null && read() !== before) { window.__t1 = performance.now(); obs.disconnect(); }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def open_options(page: object, box: object) -> None:
    for _ in range(3):
        box.locator("input").focus()  # type: ignore[attr-defined]
        page.keyboard.press("ArrowDown")  # type: ignore[attr-defined]
        try:
            page.wait_for_selector("[role=option]", timeout=3_000)  # type: ignore[attr-defined]
            return
        except Exception:
            page.keyboard.press("Escape")  # type: ignore[attr-defined]
    raise RuntimeError("the level list did not open")


def latency(browser: object, url: str, changes: int) -> list[float]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    open_app(page, url)
    nav(page, "scenario")
    page.locator(".st-key-area_pick button").filter(has_text="6 ·").click()
    idle(page)
    timings: list[float] = []
    levels = ["Đã ban hành quyết định", "Chưa ban hành"]
    for i in range(changes + 2):
        box = level_box(page, "6.2.3")
        open_options(page, box)
        page.evaluate(WATCH)
        page.locator("[role=option]").filter(has_text=levels[i % 2]).first.click()
        page.wait_for_function("() => window.__t1 !== null", timeout=15_000)
        elapsed = page.evaluate("() => window.__t1 - window.__t0")
        idle(page)
        if i >= 2:  # the first two changes warm the caches
            timings.append(float(elapsed))
    expected = "78,47 / 100" if (changes + 2) % 2 == 0 else "78,97 / 100"
    assert total(page) == expected, total(page)
    page.close()
    return timings


def cold_start(browser: object, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        folder = Path(tempfile.mkdtemp(prefix="par-bench-"))
        started = time.perf_counter()
        server = start_server(folder)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        try:
            open_app(page, server.url)
            times.append(time.perf_counter() - started)
        finally:
            page.close()
            stop_server(server)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--cold", type=int, default=3)
    args = parser.parse_args()
    reason = chromium_missing()
    if reason:
        print(reason)
        return 1
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cold = cold_start(browser, args.cold)
        server = start_server(Path(tempfile.mkdtemp(prefix="par-bench-")))
        try:
            timings = latency(browser, server.url, args.changes)
        finally:
            stop_server(server)
        browser.close()
    print(f"change a sub-criterion -> updated total on screen ({len(timings)} changes, Chromium):")
    print(f"  median {statistics.median(timings):.0f} ms   p95 {percentile(timings, 0.95):.0f} ms   "
          f"min {min(timings):.0f} ms   max {max(timings):.0f} ms")  # fmt: skip
    print(f"cold start, command to first interactive page ({len(cold)} runs):")
    print("  " + "   ".join(f"{c:.2f} s" for c in cold) + f"   median {statistics.median(cold):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
