"""Scenario names, owner labels and notes: plain text labels, cleaned once on the way into the store.

A name is only ever a value in a database column: the store never builds a file path from it, so
"../../etc/passwd", "CON" or "a/b" are ordinary names. Cleaning is about text, not paths: Unicode NFC (so a
name typed on macOS, which sends decomposed Vietnamese letters, equals the same name typed on Windows), control
and invisible format characters removed (a NUL cannot be stored in PostgreSQL, and bidi overrides let one name
pose as another), runs of whitespace folded to one space, ends trimmed.
"""

from __future__ import annotations

import re
import unicodedata

from planner.core.errors import StoreError
from planner.store.models import NAME_LENGTH, NOTE_LENGTH, OWNER_LENGTH, SESSION_KEY_LENGTH

_SPACES = re.compile(r"\s+")
_DROPPED_CATEGORIES = ("Cf", "Cs", "Co", "Cn")


def clean_text(text: str) -> str:
    """`text` in NFC with control characters turned to spaces, invisible ones dropped, spaces folded."""
    normal = unicodedata.normalize("NFC", text)
    kept = []
    for char in normal:
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(" ")
        elif category not in _DROPPED_CATEGORIES:
            kept.append(char)
    return _SPACES.sub(" ", "".join(kept)).strip()


def clean_name(name: str) -> str:
    """A scenario name fit for the store; empty or too long names are refused, not cut."""
    cleaned = clean_text(name)
    if not cleaned:
        raise StoreError("store.name_empty")
    if len(cleaned) > NAME_LENGTH:
        raise StoreError("store.name_too_long", length=len(cleaned), limit=NAME_LENGTH)
    return cleaned


def clean_owner(owner: str) -> str:
    """An owner label (who saved): free text, may be empty when the user gave none."""
    cleaned = clean_text(owner)
    if len(cleaned) > OWNER_LENGTH:
        raise StoreError("store.owner_too_long", length=len(cleaned), limit=OWNER_LENGTH)
    return cleaned


def clean_note(note: str) -> str:
    cleaned = clean_text(note)
    if len(cleaned) > NOTE_LENGTH:
        raise StoreError("store.note_too_long", length=len(cleaned), limit=NOTE_LENGTH)
    return cleaned


def checked_session_key(key: str) -> str:
    """An autosave key as given (never altered: two keys must not merge), refused if empty or not plain text."""
    if not key or len(key) > SESSION_KEY_LENGTH or clean_text(key) != key:
        raise StoreError("store.bad_session_key")
    return key
