"""Drawing the charts of planner.charts: specs are built once per input and reused on later reruns.

Building an Altair chart and serialising it costs tens of milliseconds (every method call copies the chart and
`to_dict` validates it against the schema), which would eat the rerun budget of a page whose chart did not
change. So each chart's Vega-Lite spec is kept in a small per-process LRU keyed by what the chart shows, and
drawn with `st.vega_lite_chart`; the schema is checked by the tests (tests/test_charts.py calls `to_dict()`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any

import streamlit as st

MAX_SPECS = 128
_specs: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
_lock = Lock()


def spec(key: Hashable, build: Callable[[], Any]) -> dict[str, Any]:
    """The Vega-Lite spec of the chart `build()` returns, computed only the first time `key` is seen."""
    with _lock:
        hit = _specs.get(key)
        if hit is not None:
            _specs.move_to_end(key)
            return hit
    made: dict[str, Any] = build().to_dict(validate=False)
    with _lock:
        _specs[key] = made
        while len(_specs) > MAX_SPECS:
            _specs.popitem(last=False)
    return made


def show(key: Hashable, build: Callable[[], Any], **kwargs: Any) -> None:
    """Draw a chart full width (keyword arguments go to st.vega_lite_chart)."""
    kwargs.setdefault("width", "stretch")
    st.vega_lite_chart(None, spec(key, build), **kwargs)
