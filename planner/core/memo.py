"""A bounded memo that computes each key once, however many threads ask for it at the same moment.

The server runs every session's script in its own thread. `functools.cache` lets threads that miss together all
compute: when a room of 30 opens the app within a few seconds of a server start, each session fitted the drift
model and reconstructed the same fields (about a second of CPU each), so the first pages took 2-5 s instead of one
(py-spy on bench/loadtest.py --stress). Here the first thread computes while the others wait for its value.

It is also bounded: some of these functions take a results table a user loaded, and an unbounded cache would keep
every table loaded in a workshop for the life of the server.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Memoised(Protocol[P, R_co]):
    """A memoised function: called as the function, plus `cache_clear()` and `cache_len()`."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...

    def cache_clear(self) -> None: ...

    def cache_len(self) -> int: ...


def memoised(maxsize: int = 128) -> Callable[[Callable[P, R]], Memoised[P, R]]:
    """Memoise a pure function of hashable arguments, keeping the `maxsize` most recently used values.

    Threads asking for a key being computed wait for that computation (one lock per key, so different keys
    compute in parallel). A call that raises stores nothing; a thread that waited then computes for itself.
    The lock is re-entrant, so a function that calls itself with the same key does not deadlock (it recomputes).
    """
    if maxsize < 1:
        raise ValueError("maxsize must be at least 1")

    def decorate(function: Callable[P, R]) -> Memoised[P, R]:
        values: OrderedDict[Hashable, Any] = OrderedDict()
        computing: dict[Hashable, threading.RLock] = {}
        guard = threading.Lock()

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            key: Hashable = (args, tuple(sorted(kwargs.items()))) if kwargs else args
            with guard:
                if key in values:
                    values.move_to_end(key)
                    return values[key]  # type: ignore[no-any-return]
                lock = computing.setdefault(key, threading.RLock())
            with lock:
                with guard:
                    if key in values:
                        values.move_to_end(key)
                        return values[key]  # type: ignore[no-any-return]
                try:
                    value = function(*args, **kwargs)
                except BaseException:
                    with guard:
                        computing.pop(key, None)
                    raise
                with guard:
                    values[key] = value
                    values.move_to_end(key)
                    while len(values) > maxsize:
                        values.popitem(last=False)
                    computing.pop(key, None)
                return value

        def cache_clear() -> None:
            with guard:
                values.clear()

        def cache_len() -> int:
            with guard:
                return len(values)

        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        wrapper.cache_len = cache_len  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
