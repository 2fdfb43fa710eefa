"""Load test: N people in a workshop on one server, each driving their own session (issue 11, item 1).

    python3 tasks.py loadtest --sessions 10            # think time 5-10 s between actions, as people in a room
    python3 tasks.py loadtest --sessions 30 --stress   # no think time: where the server's knee is

Each session is a light client speaking Streamlit's own WebSocket protocol (the protobuf BackMsg and ForwardMsg
the streamlit package ships, over the `websockets` library streamlit itself depends on), not a browser: ten
Chromium sessions already saturate the two cores of the workshop laptop, and the load generator must not eat the
server's CPU. The client does what the browser does for these actions: it sends a rerun with the widget states the
user changed, and reads the deltas until the run finishes. On Linux the server is pinned to core 0 and the clients
to core 1 (sched_setaffinity), so what is measured is the server on one core.

Every session: opens the app, loads its own example, renames its scenario to a name only it knows, makes four edits
of sub-criteria on the Scenario page (each timed from the rerun sent to the header's new total), opens the Ranking
and the Optimiser pages, runs the exact optimiser, saves to the store, and returns to the Overview, with a think
time between actions.

Checked on every message a session receives:
- errors: an exception element, a run that does not finish within the timeout, or a header total that is not the
  one the session's own scenario scores (computed here with the planner's scorer);
- leaks: another session's name anywhere in what this session is sent.

With `--browsers K`, K of the N people use a real Chromium (on the clients' core) while the others use the light
client: each browser page switches a sub-criterion back and forth, timed inside the page from the mousedown to
the new total on screen (bench/bench_app.py's measure), with a think time between changes. That is the
end-to-end figure: what a person in the room sees, rendering included.

It ends with one line:
    sessions N errors E p50 X ms p95 Y ms leaks L rss Z MB
(p50/p95 of edit → new total; rss: the server's resident memory at the end), and prints the server-side times:
queueing (rerun sent → first delta) and run (first delta → run finished).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from planner.core.i18n import t  # noqa: E402
from planner.methodology.catalog import load_bundled_methodology  # noqa: E402
from planner.methodology.scenario import ItemSetting, Scenario  # noqa: E402
from planner.methodology.scoring import score_scenario  # noqa: E402

TOTAL_LABEL = t("app.header.total", "vi")
RUN_TIMEOUT = 120.0
EXAMPLES = ("lao-cai-2019", "an-giang-2023", "quang-ngai-2025", "lao-cai-2019-target")


@dataclass
class Run:
    """What one rerun sent back: widgets by key (or label), the header total, every text, timings."""

    widgets: dict[str, Any] = field(default_factory=dict)
    total: str | None = None
    texts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)
    first_delta: float | None = None
    total_at: float | None = None
    finished: float = 0.0


@dataclass
class Stats:
    edits_ms: list[float] = field(default_factory=list)
    queue_ms: list[float] = field(default_factory=list)
    run_ms: list[float] = field(default_factory=list)
    #: Server-side run time (first delta → finished) by action, to see which reruns cost the server most.
    run_ms_by_action: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    #: End-to-end edit → total on screen in the Chromium sessions (ms).
    browser_ms: list[float] = field(default_factory=list)


def _walk_texts(message: Any, out: list[str]) -> None:
    """Every string field of a protobuf message, recursively (where another session's name would show)."""
    for descriptor, value in message.ListFields():
        if descriptor.type == descriptor.TYPE_STRING:
            if descriptor.is_repeated:
                out.extend(value)
            else:
                out.append(value)
        elif descriptor.type == descriptor.TYPE_MESSAGE:
            if descriptor.is_repeated:
                for item in value:
                    _walk_texts(item, out)
            else:
                _walk_texts(value, out)


#: Widgets that list what the store shares between sessions on purpose (saved scenarios are the team's): another
#: session's saved name there is the feature, not a leak.
SHARED_KEYS = ("open_stored.",)


def _shared_on_purpose(forward: Any) -> bool:
    if forward.delta.WhichOneof("type") != "new_element":
        return False
    element = forward.delta.new_element
    body = getattr(element, element.WhichOneof("type") or "", None)
    return _widget_key(getattr(body, "id", "") or "").startswith(SHARED_KEYS)


def _widget_key(element_id: str) -> str:
    """The user key of a widget id ("$$ID-<hash>-<key>"), or "" for a widget without one."""
    parts = element_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else ""


class Session:
    """One person: a WebSocket session and the scenario it should be seeing."""

    def __init__(
        self,
        url: str,
        index: int,
        think: tuple[float, float],
        stats: Stats,
        names: list[str],
        cookie: str = "",
    ) -> None:
        self.url = url.replace("http", "ws", 1) + "/_stcore/stream"
        #: A Cookie header to send (a sticky proxy's node cookie, as a browser would keep it).
        self.cookie = cookie
        self.index = index
        self.think = think
        self.stats = stats
        self.names = names
        self.name = names[index]
        self.rng = random.Random(index)
        self.pages: dict[str, str] = {}
        self.page = ""
        self.scenario: Scenario | None = None
        self.ws: Any = None
        #: The query string the app last put in the address bar (?w=…&a=…): what a reload or a reconnect sends.
        self.query = ""

    async def pause(self) -> None:
        low, high = self.think
        if high > 0:
            await asyncio.sleep(self.rng.uniform(low, high))

    async def rerun(
        self,
        states: list[WidgetState] | None = None,
        page: str | None = None,
        query: str | None = None,
        action: str = "",
    ) -> Run:
        if page is not None:
            self.page = self.pages[page]
        message = BackMsg()
        message.rerun_script.query_string = self.query if query is None else query
        message.rerun_script.page_script_hash = self.page
        if states:
            message.rerun_script.widget_states.widgets.extend(states)
        sent = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        run = Run()
        deadline = sent + RUN_TIMEOUT
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), max(0.1, deadline - time.perf_counter()))
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            now = time.perf_counter()
            if kind == "page_info_changed":
                self.query = forward.page_info_changed.query_string
            elif kind == "navigation":
                run.pages = {p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages}
                # the default page's path is the site root: name it too
                for app_page in forward.navigation.app_pages:
                    if app_page.is_default:
                        run.pages["overview"] = app_page.page_script_hash
                self.pages.update(run.pages)
            elif kind == "delta":
                if run.first_delta is None:
                    run.first_delta = now - sent
                if not _shared_on_purpose(forward):
                    _walk_texts(forward.delta, run.texts)
                if forward.delta.WhichOneof("type") == "new_element":
                    element = forward.delta.new_element
                    kind_of = element.WhichOneof("type")
                    body = getattr(element, kind_of)
                    if kind_of == "exception":
                        run.exceptions.append(body.message)
                    if kind_of == "metric" and body.label == TOTAL_LABEL and run.total is None:
                        run.total, run.total_at = body.body, now - sent
                    element_id = getattr(body, "id", "")
                    if element_id:
                        run.widgets[_widget_key(element_id) or getattr(body, "label", "")] = body
            elif kind == "script_finished":
                run.finished = now - sent
                break
        if run.first_delta is not None:
            self.stats.queue_ms.append(1000 * run.first_delta)
            self.stats.run_ms.append(1000 * (run.finished - run.first_delta))
            label = action or (f"open {page}" if page else "rerun")
            self.stats.run_ms_by_action.setdefault(label, []).append(1000 * (run.finished - run.first_delta))
        self.check(run)
        return run

    def check(self, run: Run) -> None:
        for message in run.exceptions:
            self.stats.errors.append(f"session {self.index}: exception {message[:120]}")
        joined = "\n".join(run.texts)
        for other, name in enumerate(self.names):
            if other != self.index and name in joined:
                self.stats.leaks.append(f"session {self.index} saw {name}")
        if self.scenario is not None and run.total is not None:
            expected = score_scenario(
                load_bundled_methodology(self.scenario.methodology), self.scenario
            ).total
            shown = run.total.split("/")[0].strip().replace(".", "").replace(",", ".")
            if abs(float(shown) - expected) > 0.005:
                self.stats.errors.append(
                    f"session {self.index}: total {run.total}, its scenario scores {expected}"
                )

    @staticmethod
    def _find(run: Run, prefix: str) -> tuple[str, Any]:
        for key, widget in run.widgets.items():
            if key.startswith(prefix):
                return key, widget
        raise LookupError(prefix)

    def connect(self) -> Any:
        headers = {"Cookie": self.cookie} if self.cookie else None
        return websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=None, additional_headers=headers
        )

    async def play(self) -> None:
        async with self.connect() as ws:
            self.ws = ws
            run = await self.rerun(action="open the app")
            await self.pause()
            # load its own example
            _, picker = self._find(run, "side.example.")
            name, scenario = examples()[EXAMPLES[self.index % len(EXAMPLES)]]
            label = next(o for o in picker.options if o == name)
            run = await self.rerun([_string(picker.id, label)], action="load an example")
            self.scenario = scenario
            await self.pause()
            # its own name
            run = await self.rerun(page="scenario")
            _, name_box = self._find(run, "rename_text.")
            _, rename = self._find(run, "rename_apply")
            run = await self.rerun([_string(name_box.id, self.name), _trigger(rename.id)], action="rename")
            await self.pause()
            # four edits, each timed to the new total
            for _ in range(4):
                boxes = [(k, w) for k, w in run.widgets.items() if k.startswith("lv_") and len(w.options) > 1]
                key, box = self.rng.choice(boxes)
                code = key.split("_", 2)[2]
                choice = self.rng.choice([i for i in range(len(box.options)) if i != box.default])
                self.scenario = self._with_level(code, choice)  # what the new total must be
                run = await self.rerun([_string(box.id, box.options[choice])], action="edit")
                if run.total is None or run.total_at is None:
                    self.stats.errors.append(f"session {self.index}: no total after editing {code}")
                else:
                    self.stats.edits_ms.append(1000 * run.total_at)
                await self.pause()
            run = await self.rerun(page="ranking")
            await self.pause()
            run = await self.rerun(page="optimiser")
            _, go = self._find(run, "opt_run")
            run = await self.rerun([_trigger(go.id)], action="optimise")
            await self.pause()
            run = await self.rerun(page="scenario")
            save = next((w for k, w in run.widgets.items() if k == t("app.store.save", "vi")), None)
            if save is not None:
                run = await self.rerun([_trigger(save.id)], action="save")
            await self.pause()
            await self.rerun(page="overview")

    def _with_level(self, code: str, index: int) -> Scenario:
        assert self.scenario is not None
        m = load_bundled_methodology(self.scenario.methodology)
        from planner.methodology.scoring import item_options

        level = item_options(m.item(code))[index].id
        return self.scenario.with_item(code, ItemSetting(level=level))


def examples() -> dict[str, tuple[str, Scenario]]:
    """The bundled examples: id -> (the name the sidebar shows, the scenario)."""
    import yaml

    from planner.core.data import data_dir
    from planner.methodology.scenario import scenario_from_json

    folder = data_dir() / "examples"
    index = yaml.safe_load((folder / "index.yaml").read_text(encoding="utf-8"))
    return {
        row["id"]: (row.get("name_vi", row["id"]), scenario_from_json((folder / row["file"]).read_bytes()))
        for row in index["examples"]
    }


def _string(widget_id: str, value: str) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.string_value = value
    return state


def _trigger(widget_id: str) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.trigger_value = True
    return state


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def session_names(n: int) -> list[str]:
    return [f"Phiên {i:02d} {random.Random(i).randrange(16**6):06x}" for i in range(n)]


async def _all(
    url: str, n: int, think: tuple[float, float], stats: Stats, stagger: float, cookies: list[str] | None
) -> None:
    names = session_names(n)

    async def one(index: int) -> None:
        await asyncio.sleep(index * stagger)
        session = Session(url, index, think, stats, names, cookie=cookies[index] if cookies else "")
        try:
            await session.play()
        except (TimeoutError, LookupError, OSError, websockets.WebSocketException) as exc:
            stats.errors.append(f"session {index}: {type(exc).__name__} {str(exc)[:120]}")

    await asyncio.gather(*(one(i) for i in range(n)))


def _in_own_thread(work: Any) -> None:
    """Run `work` in a thread of its own: its event loop then never meets one the caller already runs (a test
    process that drove Playwright has one)."""
    import threading

    failure: list[BaseException] = []

    def target() -> None:
        try:
            work()
        except BaseException as exc:  # re-raised in the caller
            failure.append(exc)

    thread = threading.Thread(target=target, name="par-load")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def run_load(
    n: int,
    *,
    think: tuple[float, float] = (5.0, 10.0),
    url: str | None = None,
    cookies: list[str] | None = None,
    browsers: int = 0,
    browser_changes: int = 12,
) -> tuple[Stats, float]:
    """Run `n` sessions against `url` (or a fresh server on loopback pinned to core 0), `browsers` of them in
    Chromium; returns the stats (browser timings in `browser_ms`) and the server's resident memory in MB at the end
    (0 when the server is not ours)."""
    import threading

    from browser_support import start_server, stop_server

    stats = Stats()
    server = None
    if url is None:
        server = start_server(Path(tempfile.mkdtemp(prefix="par-load-")))
        url = server.url
    pinned = hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2 and server is not None
    own = os.sched_getaffinity(0) if pinned else set()
    if pinned and server is not None:
        os.sched_setaffinity(server.process.pid, {0})
        os.sched_setaffinity(0, {1})
    try:
        stagger = 0.2 if think[1] > 0 else 0.05
        light = n - browsers
        failure: list[BaseException] = []

        def drive_light() -> None:
            try:
                asyncio.run(_all(url, light, think, stats, stagger, cookies))
            except BaseException as exc:  # re-raised below
                failure.append(exc)

        worker = threading.Thread(target=drive_light, name="par-load")
        worker.start()
        if browsers:  # in a thread of its own: Playwright's sync API refuses a thread that runs an event loop
            _in_own_thread(
                lambda: stats.browser_ms.extend(_browser_latencies(url, browsers, browser_changes, think))
            )
        worker.join()
        if failure:
            raise failure[0]
        rss = _rss_mb(server.process.pid) if server is not None else 0.0
    finally:
        if pinned:
            os.sched_setaffinity(0, own)
        if server is not None:
            stop_server(server)
    return stats, rss


def _browser_latencies(url: str, count: int, changes: int, think: tuple[float, float]) -> list[float]:
    """`count` Chromium pages, each switching item 6.2.3 `changes` times in turn, with a think time between
    rounds; the end-to-end time of every change (ms), the first two of each page left out (they warm up)."""
    from app_page import idle, level_box, nav, open_app  # type: ignore[import-not-found]
    from bench_app import WATCH, open_options
    from browser_support import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    levels = ["Đã ban hành quyết định", "Chưa ban hành"]
    rng = random.Random(7)
    out: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []
        for _ in range(count):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_app(page, url)
            nav(page, "scenario")
            page.locator(".st-key-area_pick button").filter(has_text="6 ·").click()
            idle(page)
            pages.append(page)
        for i in range(changes + 2):
            for page in pages:
                box = level_box(page, "6.2.3")
                open_options(page, box)
                page.evaluate(WATCH)
                page.locator("[role=option]").filter(has_text=levels[i % 2]).first.click()
                page.wait_for_function("() => window.__t1 !== null", timeout=60_000)
                if i >= 2:
                    out.append(float(page.evaluate("() => window.__t1 - window.__t0")))
                idle(page)
            low, high = think
            if high > 0:
                time.sleep(rng.uniform(low, high))
        browser.close()
    return out


def summary_line(n: int, stats: Stats, rss: float) -> str:
    return (
        f"sessions {n} errors {len(stats.errors)} p50 {percentile(stats.edits_ms, 0.5):.0f} ms "
        f"p95 {percentile(stats.edits_ms, 0.95):.0f} ms leaks {len(stats.leaks)} rss {rss:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--stress", action="store_true", help="no think time between actions")
    parser.add_argument("--think", type=float, nargs=2, metavar=("LOW", "HIGH"), help="think time range, s")
    parser.add_argument("--url", help="a running server (loopback) instead of a fresh one")
    parser.add_argument("--browsers", type=int, default=0, help="how many of the sessions use real Chromium")
    args = parser.parse_args()
    think = (0.0, 0.0) if args.stress else tuple(args.think) if args.think else (5.0, 10.0)
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        sys.exit("the load test targets loopback only")
    started = time.perf_counter()
    stats, rss = run_load(args.sessions, think=think, url=args.url, browsers=args.browsers)  # type: ignore[arg-type]
    for problem in (stats.errors + stats.leaks)[:20]:
        print("  " + problem)
    print(
        f"edits {len(stats.edits_ms)}; server queueing p50 {percentile(stats.queue_ms, 0.5):.0f} ms "
        f"p95 {percentile(stats.queue_ms, 0.95):.0f} ms; run p50 {percentile(stats.run_ms, 0.5):.0f} ms "
        f"p95 {percentile(stats.run_ms, 0.95):.0f} ms; wall {time.perf_counter() - started:.0f} s"
    )
    for action, times in sorted(stats.run_ms_by_action.items(), key=lambda kv: -sum(kv[1])):
        print(
            f"  {action:<16} runs {len(times):>4}  p50 {percentile(times, 0.5):>6.0f} ms  "
            f"p95 {percentile(times, 0.95):>6.0f} ms  total {sum(times) / 1000:>6.1f} s"
        )
    if stats.browser_ms:
        print(
            f"browsers {args.browsers} end-to-end (Chromium, edit -> total on screen) "
            f"p50 {percentile(stats.browser_ms, 0.5):.0f} ms p95 {percentile(stats.browser_ms, 0.95):.0f} ms "
            f"(n={len(stats.browser_ms)})"
        )
    print(summary_line(args.sessions, stats, rss))


if __name__ == "__main__":
    main()
