"""When a suite that needs an outside part (PostgreSQL, Chromium) may skip, and when it must run or fail.

On a developer's machine without the part the suite is skipped, loudly. In CI (`CI=true`, as the CI runner sets
it) or when the suite's own variable is set, a missing part is a failure: a green CI must mean the store was
tested on a real PostgreSQL and the app in a real browser. Not a test module itself.
"""

from __future__ import annotations

import os

CI_ENV = "CI"


def must_run(require_env: str) -> bool:
    """Whether a suite must fail rather than skip when its part is missing (CI, or `require_env` set)."""
    in_ci = os.environ.get(CI_ENV, "").strip().lower() in ("1", "true", "yes")
    return in_ci or bool(os.environ.get(require_env, "").strip())
