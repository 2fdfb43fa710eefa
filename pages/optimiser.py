"""placeholder"""

import streamlit as st

from ui.guard import require_entrypoint
from ui.text import t

require_entrypoint()

st.title(t("app.page.optimiser"))
