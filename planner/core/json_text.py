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


def where_json_fails(exc: json.JSONDecodeError | UnicodeDecodeError) -> tuple[str, dict[str, Any]]:
    """What a reader says about text that does not parse: ("not_utf8", byte) or ("bad_json", line and column).

    The parser's own words ("'utf-8' codec can't decode byte 0xf3 in position 12", "Expecting ',' delimiter")
    are English and internal; a user is told where the file stops being readable, in their language, by the
    message of the reader's family (e.g. "scenario.not_utf8")."""
    if isinstance(exc, UnicodeDecodeError):
        return "not_utf8", {"byte": exc.start + 1}
    return "bad_json", {"line": exc.lineno, "column": exc.colno}
