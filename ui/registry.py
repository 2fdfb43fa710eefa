"""The page list as data: one entry per file in pages/, with its ASCII url path, icon and title key.

The entrypoint turns this into `st.Page` objects for `st.navigation`; tests iterate over it to render every
page. Order here is the order of the navigation menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class PageSpec:
    path: str
    url_path: str
    icon: str
    title_key: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "overview", ":material/dashboard:", "app.page.overview", default=True),
    PageSpec("pages/scenario.py", "scenario", ":material/tune:", "app.page.scenario"),
    PageSpec("pages/ranking.py", "ranking", ":material/leaderboard:", "app.page.ranking"),
    PageSpec("pages/optimiser.py", "optimiser", ":material/auto_fix_high:", "app.page.optimiser"),
    PageSpec("pages/path.py", "path", ":material/route:", "app.page.path"),
    PageSpec("pages/plan.py", "plan", ":material/checklist:", "app.page.plan"),
    PageSpec("pages/tracking.py", "tracking", ":material/fact_check:", "app.page.tracking"),
    PageSpec("pages/methodology.py", "methodology", ":material/account_tree:", "app.page.methodology"),
    PageSpec("pages/data.py", "data", ":material/database:", "app.page.data"),
    PageSpec("pages/workshop.py", "workshop", ":material/co_present:", "app.page.workshop"),
)


def page(url_path: str) -> PageSpec:
    return next(p for p in PAGES if p.url_path == url_path)
