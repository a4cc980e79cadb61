"""Text a client sends: the one check that it is real Unicode, and the one form in which
identifiers (emails, usernames) are compared.

A JSON body may carry a lone surrogate (`"\\ud800"`, or the raw bytes `ED A0 80`, which
Python's JSON decoder also turns into one). Python holds such a string happily, but it
cannot be written as UTF-8: MongoDB, Redis, Argon2 and the JSON response all fail on it,
which would be a 500. The request models refuse it at the edge instead (see
`backend_shared.models`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from pydantic_core import PydanticCustomError

# Containers a validated field value may hold strings in; models check their own fields.
_SEQUENCES = (list, tuple, set, frozenset)


def is_encodable(text: str) -> bool:
    """True when `text` can be written as UTF-8 (it has no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(value: Any) -> Any:
    """`value` unchanged when every string in it (dict keys too, at any depth) is
    encodable; otherwise a validation error for the field that holds it."""
    if isinstance(value, str):
        if not is_encodable(value):
            raise PydanticCustomError(
                "invalid_text", "must be valid Unicode text (it has a lone surrogate)"
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            check_text(key)
            check_text(item)
    elif isinstance(value, _SEQUENCES):
        for item in value:
            check_text(item)
    return value


def fold_identifier(text: str) -> str:
    """The form in which identifiers are unique and looked up: NFKC, then case-folded.

    NFKC makes compatibility variants one (`ada` in fullwidth letters is `ada`, the
    ligature U+FB01 is `fi`); case folding is `lower()` done right (`Straße` and `STRASSE`
    are one). Folding can undo NFKC for a few characters, hence the second pass: the
    result is stable, so a folded key folds to itself. Stored documents keep this form
    beside the original, computed on write."""
    return _nfkc(_nfkc(text).casefold()).strip()


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)
