"""Parsing JSON a user hands us, so that no shape of it can escape as anything but a JSON error.

The standard parser recurses once per nesting level: a file of 100,000 opening brackets raises RecursionError,
which is not a ValueError and would escape every reader's `except json.JSONDecodeError` as a traceback. Here it
becomes a JSONDecodeError like any other malformed text, so each reader's one-line message covers it.
"""

from __future__ import annotations

import json
from typing import Any


class JsonTooDeep(json.JSONDecodeError):
    """Nesting deeper than the parser can follow; a JSONDecodeError, so readers that do not single it out still
    answer with their one-line JSON message."""


def parse_json(text: str | bytes) -> Any:
    """`json.loads(text)`, with nesting too deep to parse reported as JsonTooDeep."""
    try:
        return json.loads(text)
    except RecursionError:
        raise JsonTooDeep("nested too deeply", "", 0) from None
