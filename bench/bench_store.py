"""How fast the scenario store is: open, create, save, read, list, history, autosave, concurrent saves.

    .venv/bin/python bench/bench_store.py                 # SQLite (a temporary file, WAL, synchronous=FULL)
    .venv/bin/python bench/bench_store.py --postgres      # also a throw-away PostgreSQL server (tests' helper)
    .venv/bin/python bench/bench_store.py --url URL       # any database you name (it must be empty)

The scenario saved is the size of a real one: 120 items, each with a level and a short note in Vietnamese.
Prints one line per measurement; not a pass/fail test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.methodology.scenario import ItemSetting, Scenario  # noqa: E402
from planner.store import ScenarioStore, StoreConflictError  # noqa: E402
from planner.store.repository import scenario_content  # noqa: E402


def realistic(marker: str) -> Scenario:
    items = {
        f"{area}.{criterion}.{sub}": ItemSetting(
            level="yes", note="Đã ban hành văn bản, có minh chứng kèm theo"
        )
        for area in range(1, 9)
        for criterion in range(1, 6)
        for sub in range(1, 4)
    }
    return Scenario(
        name="Lào Cai 2025 – mục tiêu top 10", province="Lào Cai", year=2025, items=items, notes=marker
    )


def timed_ms(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds, of `repeat` runs of `action`."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def report(backend: str, what: str, median: float, p95: float | None = None) -> None:
    tail = f"  (p95 {p95:.2f} ms)" if p95 is not None else ""
    print(f"{backend:<10} {what:<48} {median:9.2f} ms{tail}", flush=True)


def bench(backend: str, url: str) -> None:
    start = time.perf_counter()
    store = ScenarioStore.open(url)
    report(backend, "open a new database (migrate to head)", (time.perf_counter() - start) * 1000)
    store.close()
    median, p95 = timed_ms(lambda: ScenarioStore.open(url).close(), 5)
    report(backend, "open an up-to-date database", median, p95)

    store = ScenarioStore.open(url)
    scenario = realistic("v")
    print(
        f"{backend:<10} {'stored JSON of one version':<48} {len(scenario_content(scenario).encode()):9d} bytes"
    )
    created = [store.create(realistic("v1"), owner="Sở Nội vụ") for _ in range(5)]
    median, p95 = timed_ms(lambda: store.create(realistic("v1"), owner="Sở Nội vụ"), 50)
    report(backend, "create a scenario", median, p95)

    target = created[0].id
    state = {"version": 1}

    def save() -> None:
        saved = store.save(target, realistic(f"v{state['version'] + 1}"), "Sở Nội vụ", state["version"])
        state["version"] = saved.version_number

    median, p95 = timed_ms(save, 200)
    report(backend, "save a new version", median, p95)
    median, p95 = timed_ms(lambda: store.get(target), 100)
    report(backend, "get the current version", median, p95)
    median, p95 = timed_ms(lambda: store.get(target, 17), 100)
    report(backend, "get an old version", median, p95)
    median, p95 = timed_ms(lambda: store.history(target), 50)
    report(backend, f"history of {state['version']} versions", median, p95)
    for _ in range(1000 - len(store.list_scenarios())):
        store.create(realistic("bulk"), owner="Văn phòng")
    median, p95 = timed_ms(lambda: store.list_scenarios(), 30)
    report(backend, "list 1000 scenarios", median, p95)
    median, p95 = timed_ms(lambda: store.autosave("bench-session", scenario, scenario_id=target), 100)
    report(backend, "autosave the working copy", median, p95)
    median, p95 = timed_ms(lambda: store.load_autosave("bench-session"), 100)
    report(backend, "load the autosave", median, p95)

    writers, each = 8, 25
    contested = store.create(realistic("c1"), owner="bench").id
    conflicts = [0]
    lock = threading.Lock()

    def writer(number: int) -> None:
        for n in range(each):
            while True:
                current = store.get(contested).current_version
                try:
                    store.save(contested, realistic(f"{number}-{n}"), f"w{number}", current)
                    break
                except StoreConflictError:
                    with lock:
                        conflicts[0] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    total = writers * each
    assert store.get(contested).current_version == total + 1
    print(
        f"{backend:<10} {f'{writers} threads x {each} saves, one scenario':<48} {total / elapsed:9.1f} saves/s"
        f"  ({conflicts[0]} conflicts retried, no version lost)",
        flush=True,
    )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", action="store_true", help="also start a throw-away PostgreSQL server")
    parser.add_argument("--url", help="benchmark this (empty) database instead of SQLite")
    options = parser.parse_args()
    if options.url:
        bench("custom", options.url)
        return
    with tempfile.TemporaryDirectory() as folder:
        bench("sqlite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        print(f"{'sqlite':<10} {'file size after ~1300 versions':<48} {size / 2**20:9.2f} MB")
    if options.postgres:
        sys.path.insert(0, str(ROOT / "tests"))
        from postgres_server import start_server

        server = start_server()
        try:
            url, _schema = server.fresh_url()
            bench("postgresql", url)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
