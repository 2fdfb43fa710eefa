"""The heavy libraries, imported whole before any session's script uses them.

Streamlit runs each session's script in a thread of its own. On a cold server, several people opening the app at
the same moment imported pandas from several threads at once, and Python's import-deadlock avoidance handed one of
them a half-initialised pandas ("partially initialized module 'pandas' has no attribute 'Timestamp'"): an
exception on that person's page, found by the two-process load test (tests/proxy). The `ui` package imports this
module first, so every other thread waits on this one module's lock until each library below is whole.
"""

from __future__ import annotations

import altair  # noqa: F401
import numpy  # noqa: F401
import openpyxl  # noqa: F401
import pandas  # noqa: F401
import pyarrow  # type: ignore[import-untyped]  # noqa: F401
import pydantic  # noqa: F401
import scipy.optimize
import scipy.sparse
import scipy.stats  # noqa: F401
import sqlalchemy  # noqa: F401
import yaml  # noqa: F401
