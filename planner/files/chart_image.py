"""A chart of planner.charts as a PNG, for the documents that travel (the Word report).

The app draws Vega-Lite in the browser; a .docx needs a picture. vl-convert renders the same spec without a
browser or a network (it bundles the Vega engine and fonts), so the report shows exactly the chart the screen
shows, the Vietnamese number locale included.
"""

from __future__ import annotations

import json
from typing import Any

import vl_convert


def chart_png(chart: Any, *, scale: float = 2.0) -> bytes:
    """The PNG of an Altair chart (`scale` 2 keeps it sharp when printed)."""
    spec = json.dumps(chart.to_dict())
    png: bytes = vl_convert.vegalite_to_png(spec, scale=scale)
    return png
