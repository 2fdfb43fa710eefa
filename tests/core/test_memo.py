"""The memo the field layer uses: one computation per key under concurrent callers, bounded, nothing kept on error."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from planner.core.memo import memoised


def test_threads_that_ask_together_share_one_computation() -> None:
    calls: list[int] = []
    start = threading.Barrier(8)

    @memoised(maxsize=4)
    def slow_square(x: int) -> int:
        calls.append(x)
        time.sleep(0.2)  # long enough that all eight threads arrive while the first computes
        return x * x

    def ask() -> int:
        start.wait()
        return slow_square(7)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: ask(), range(8)))
    assert results == [49] * 8
    assert calls == [7]


def test_different_keys_compute_in_parallel() -> None:
    start = threading.Barrier(4)

    @memoised(maxsize=8)
    def slow(x: int) -> int:
        time.sleep(0.3)
        return x

    def ask(x: int) -> int:
        start.wait()
        return slow(x)

    began = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(ask, range(4))) == [0, 1, 2, 3]
    assert time.perf_counter() - began < 0.9  # serialised it would take 1,2 s


def test_the_least_recently_used_value_leaves_first() -> None:
    calls: list[int] = []

    @memoised(maxsize=2)
    def f(x: int) -> int:
        calls.append(x)
        return x

    f(1), f(2), f(1), f(3)  # 2 is now the least recently used
    assert f.cache_len() == 2
    f(1)
    assert calls == [1, 2, 3]
    f(2)
    assert calls == [1, 2, 3, 2]


def test_a_failed_call_keeps_nothing_and_the_next_call_tries_again() -> None:
    attempts: list[int] = []

    @memoised(maxsize=2)
    def flaky(x: int) -> int:
        attempts.append(x)
        if len(attempts) == 1:
            raise OSError("the first read fails")
        return x

    with pytest.raises(OSError):
        flaky(5)
    assert flaky.cache_len() == 0
    assert flaky(5) == 5 and flaky(5) == 5
    assert attempts == [5, 5]


def test_keyword_arguments_are_part_of_the_key() -> None:
    @memoised(maxsize=4)
    def f(x: int, *, scale: int = 1) -> int:
        return x * scale

    assert f(2) == 2 and f(2, scale=3) == 6 and f(2, scale=3) == 6
    f.cache_clear()
    assert f.cache_len() == 0


def test_a_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        memoised(maxsize=0)
