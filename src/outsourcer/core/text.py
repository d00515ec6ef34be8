"""Text made safe for where it goes: one line for an email's Subject header."""

from __future__ import annotations

import unicodedata

SUBJECT_MAX = 300


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc"


def has_control_characters(text: str) -> bool:
    """True when `text` holds a control character that is not whitespace: NUL, a bell, an escape..."""
    return any(_is_control(ch) and not ch.isspace() for ch in text)


def one_line(text: str) -> str:
    """`text` on one line: each run of whitespace (newlines and tabs too) becomes one space, and any other
    control character goes, so a header never breaks (Django refuses a subject with a newline)."""
    kept = "".join(ch for ch in text if ch.isspace() or not _is_control(ch))
    return " ".join(kept.split())


def email_subject(text: str) -> str:
    """An email's subject: one line, at most SUBJECT_MAX characters."""
    return one_line(text)[:SUBJECT_MAX]
