"""PAR Planner core: methodologies as data, scoring, the field and its ranks, the optimiser, files, the store.

This package never imports streamlit; the app in streamlit_app.py and pages/ is a thin view over it.

The subpackages form layers, each importing only from the layers before it (tests/architecture/ enforces the
order and the absence of import cycles):

    core → tables → methodology → field → optimiser → charts → files → store → cli

- core: errors, translations, text folding, the frozen model base, where the data folder is.
- tables: reading any table a user hands us (CSV, a sheet of an .xlsx) safely, without knowing what it means.
- methodology: the scheme (areas, criteria, sub-criteria, rules), scenarios, and scoring them.
- field: the provinces, published results, the reconstructed field, projections, ranks.
- optimiser: efforts, levers, the exact solver, ladder, frontier, chance, competition, plans.
- charts: the Altair charts the app and reports draw.
- files: the product's own workbooks (and, later, documents) in and out.
- store: saved scenarios with versions, in SQLite or PostgreSQL.
- cli: `python -m planner ...`.
"""

__version__ = "0.1.0"
