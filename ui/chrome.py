"""The words Streamlit draws itself, in the user's language.

The file uploader's button ("Upload") and its line "10MB per file • XLSX, CSV" come from the Streamlit frontend
and take no label. They are the only built-in English a Vietnamese page would still show (multiselects are
created with `select_all=False` and without `max_selections`, whose messages are English too), so a small
style sheet puts the app's own words in their place: the elements keep their function and accessibility, only
the visible text changes. The selectors are Streamlit's `data-testid`s, which its own tests rely on; the
Chromium test tests/browser/test_app_browser.py checks that the Vietnamese words are what a user sees.
"""

from __future__ import annotations

import streamlit as st

from planner.tables.reading import UPLOAD_LIMIT_MB
from ui.text import lang, t


def _quoted(text: str) -> str:
    """`text` as a CSS string literal that cannot end the string or the <style> element: backslashes, quotes
    and angle brackets become CSS escapes."""
    escaped = text.replace("\\", "\\5C ").replace('"', "\\22 ").replace("<", "\\3C ").replace(">", "\\3E ")
    return f'"{escaped}"'


def builtin_text_css() -> str:
    """The style sheet that replaces the uploader's built-in words with the app's, for the session's language."""
    button = _quoted(t("app.upload.button"))
    limit = _quoted(t("app.upload.limit", mb=UPLOAD_LIMIT_MB))
    return (
        "<style>"
        "[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p{font-size:0}"
        f"[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p::after{{content:{button};font-size:0.875rem}}"
        "[data-testid=stFileUploaderDropzoneInstructions] span{font-size:0}"
        f"[data-testid=stFileUploaderDropzoneInstructions] span::after{{content:{limit};font-size:0.875rem}}"
        "</style>"
    )


def localise_builtin_text() -> None:
    """Draw the style sheet (nothing to do in English, the frontend's own language)."""
    if lang() != "en":
        st.html(builtin_text_css())
