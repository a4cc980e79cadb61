"""Input an attacker sends, built in one line for the projects' edge tests."""

from __future__ import annotations

import json
from typing import Any

# A UTF-16 half with no partner: valid in a JSON string escape, not encodable as UTF-8.
LONE_SURROGATE = "\ud800"
# The same code point as raw bytes (CESU-style UTF-8), which Python's JSON decoder also
# accepts and turns into a lone surrogate.
LONE_SURROGATE_BYTES = b"\xed\xa0\x80"
# The first number past BSON's int64, written with 24 digits as an id might be.
BEYOND_INT64 = 123456789012345678901234

JSON = {"Content-Type": "application/json"}


def json_bytes(value: Any) -> bytes:
    """`value` as a JSON body; lone surrogates go out as `\\udXXX` escapes (httpx's
    `json=` cannot send them, it encodes to UTF-8 first)."""
    return json.dumps(value).encode("ascii")


def with_raw_surrogate(value: Any) -> bytes:
    """`value` as a JSON body in which each lone surrogate is sent as raw bytes."""
    return json_bytes(value).replace(b"\\ud800", LONE_SURROGATE_BYTES)


def fullwidth(text: str) -> str:
    """`text` with its ASCII letters and digits in their fullwidth forms (U+FF10 to
    U+FF5A): a different string, still letters and digits, that NFKC folds into `text`."""
    return "".join(
        chr(ord(char) + 0xFEE0) if char.isascii() and char.isalnum() else char for char in text
    )
