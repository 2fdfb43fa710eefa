"""Share links: a scenario packed into the URL (`?sc=...`) or referred to by its store id (`?s=...`).

The compact form is the scenario's JSON without defaults, zlib-compressed and base64url-encoded, so a
facilitator can paste a link into a chat and a colleague reopens the same scenario. Everything that comes back
from a URL is untrusted: its length and its decompressed size are bounded before parsing, and the JSON is
validated by the Scenario model, so a damaged or hostile link gives one clear error and nothing else.
This module is pure (no streamlit) so the tests can call it directly.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib

from planner.core.errors import ScenarioError
from planner.core.json_text import parse_json
from planner.methodology.scenario import Scenario, scenario_from_mapping

#: Query parameter holding a packed scenario.
PACKED_PARAM = "sc"
#: Query parameter holding a store id.
STORE_PARAM = "s"
#: A packed scenario longer than this is refused before decoding (browsers cut URLs at ~32-64k).
MAX_TOKEN_CHARS = 16_000
#: ...and may not expand beyond this many bytes (a zip bomb in a URL stays a small error).
MAX_JSON_BYTES = 256_000
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")
_STORE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def pack_scenario(scenario: Scenario) -> str:
    """The URL-safe compact form of `scenario` (no padding)."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    packed = zlib.compress(text.encode("utf-8"), level=9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def unpack_scenario(token: str) -> Scenario:
    """The scenario in a packed token; raises ScenarioError("app.share.bad_link") on anything malformed."""
    token = token.strip()
    if not token or len(token) > MAX_TOKEN_CHARS or not _TOKEN.match(token):
        raise ScenarioError("app.share.bad_link")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        text = inflater.decompress(raw, MAX_JSON_BYTES)
        if inflater.unconsumed_tail:
            raise ScenarioError("app.share.bad_link")
        data = parse_json(text.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError, ValueError):
        raise ScenarioError("app.share.bad_link") from None
    try:
        return scenario_from_mapping(data)
    except ScenarioError as exc:
        raise ScenarioError("app.share.bad_link", problems=exc.problems) from None


def valid_store_id(text: str) -> bool:
    """Whether `text` looks like a store id (checked before any lookup)."""
    return bool(_STORE_ID.match(text))


def qr_png(url: str, *, scale: int = 8) -> bytes:
    """`url` as a QR code (PNG, black on white, the standard quiet zone) for a projector: people in the room
    open the same scenarios from their phones. segno writes the PNG itself."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
