"""PAR Planner core: methodologies as data, scoring, ranking, optimisation, import and export.

This package never imports streamlit; the app in streamlit_app.py and pages/ is a thin view over it.
"""

__version__ = "0.1.0"
