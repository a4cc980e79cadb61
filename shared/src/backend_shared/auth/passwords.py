"""Password hashing with pwdlib: Argon2id for new hashes, bcrypt still verified.

Hashing is deliberately slow (tens of milliseconds of CPU), so it runs in a worker thread:
on the event loop it would stall every other request for that long.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

_hasher = PasswordHash((Argon2Hasher(), BcryptHasher()))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password-only-spends-the-same-time")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password: str, stored_hash: str | None) -> tuple[bool, str | None]:
    """(valid, upgraded_hash). With no stored hash (unknown user) a dummy hash is checked,
    so an attacker cannot tell from the response time whether the account exists.
    `upgraded_hash` is set when the stored hash uses old parameters or bcrypt."""
    if stored_hash is None:
        await asyncio.to_thread(_hasher.verify, password, _dummy_hash())
        return False, None
    return await asyncio.to_thread(_hasher.verify_and_update, password, stored_hash)
