"""A small page object for the browser tests and the benchmark: how to wait, navigate, read the header and pick
a level in the running app. Not a test module."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def idle(page: Any, timeout: float = 30_000) -> None:
    """Wait until the script run triggered by the last interaction is over."""
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=timeout)


def open_app(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid=stMetricValue]", timeout=60_000)
    idle(page)


def nav(page: Any, url_path: str, lang: str = "vi") -> None:
    """Click the navigation link of a page (by its title: the default page's link is the site root)."""
    from planner.core.i18n import t
    from ui import registry

    spec = registry.page(url_path)
    title = t(spec.title_key, lang)  # type: ignore[arg-type]
    # The link text starts with the icon's ligature name, so only its end is anchored.
    page.locator("[data-testid=stSidebarNav] a").filter(has_text=re.compile(f"{re.escape(title)}$")).click()
    # Wait for the address to change before waiting for the run: on a loaded machine the new run may not have
    # started 150 ms after the click, and the previous run's "not running" state would then pass for this one.
    path = "" if spec.default else url_path
    page.wait_for_url(lambda url: urlparse(url).path.rstrip("/").endswith(path), timeout=30_000)
    idle(page)


def metric(page: Any, label: str) -> str:
    """The value of the header metric labelled `label`."""
    box = page.locator("[data-testid=stMetric]").filter(
        has=page.locator("[data-testid=stMetricLabel]", has_text=label)
    )
    return str(box.first.locator("[data-testid=stMetricValue]").inner_text()).strip()


def total(page: Any) -> str:
    return str(page.locator(".st-key-app_header [data-testid=stMetricValue]").first.inner_text()).strip()


#: The key class of the first level box whose item code matches a pattern, found in one pass inside the page:
#: reading the boxes one by one from Python races a rerun that replaces them (a box vanishes between the count
#: and the read, and the read then waits until it times out).
_FIND_BOX = """(pattern) => {
    const re = new RegExp(pattern);
    for (const el of document.querySelectorAll("div[class*='st-key-lv_']")) {
        const found = [...el.classList].find((c) => re.test(c));
        if (found) return found;
    }
    return null;
}"""


def level_box(page: Any, code: str, timeout: float = 30_000) -> Any:
    """The level selectbox of item `code` on the Scenario page (key lv_<revision>_<code>; the class name has
    the dots of the key as dashes), waited for until it is drawn."""
    pattern = rf"^st-key-lv_\d+_{re.escape(code.replace('.', '-'))}$"
    found = page.wait_for_function(_FIND_BOX, arg=pattern, timeout=timeout).json_value()
    return page.locator(f"div.{found}")


def area_shown(page: Any, area: str, timeout: float) -> bool:
    """Whether the level boxes of `area` are drawn within `timeout` ms."""
    try:
        page.wait_for_function(_FIND_BOX, arg=rf"^st-key-lv_\d+_{re.escape(area)}-", timeout=timeout)
    except Exception:  # Playwright's TimeoutError: not drawn yet
        return False
    return True


def choose(page: Any, box: Any, option: str) -> None:
    """Open a selectbox and click the option whose text starts with `option` (does not wait for the run)."""
    for _ in range(3):
        box.locator("input").focus()
        page.keyboard.press("ArrowDown")  # opens the list (a mouse click on the control does not, headless)
        try:
            page.wait_for_selector("[role=option]", timeout=3_000)
            break
        except Exception:  # the list did not open (focus raced a rerun): try again
            page.keyboard.press("Escape")
    page.locator("[role=option]").filter(has_text=re.compile("^" + re.escape(option))).first.click()


def exceptions(page: Any) -> int:
    return int(page.locator("[data-testid=stException]").count())
