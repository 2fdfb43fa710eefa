"""The Streamlit glue of PAR Planner: session state, header, language, page registry, formatting.

Everything here is view code over the pure core in `planner/` (which never imports streamlit). Pages under
`pages/` call into this package and into planner/, and hold no business logic of their own.
"""

from ui import preload as _preload  # noqa: F401  (first: see ui/preload.py)
