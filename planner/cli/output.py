"""What every command prints: JSON on stdout for checks to build on, one line on stderr for a user error."""

from __future__ import annotations

import json
import sys
from typing import Any


def emit_json(data: Any) -> None:
    """Print `data` as JSON (UTF-8, Vietnamese kept readable)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def fail(message: str) -> int:
    """Write `message` as one line on stderr and return the exit code of a user error (2)."""
    sys.stderr.write(message.replace("\n", " ") + "\n")
    return 2
