"""Password hashing with pwdlib: Argon2id for new hashes, bcrypt still verified.

The parameters are OWASP's first recommended Argon2id configuration (Password Storage Cheat
Sheet): 19 MiB of memory, 2 passes, 1 lane. Measured on the 2-core development machine, one
verify costs about 22 ms of CPU (`crud-api/bench/login.py` prints the figure); the earlier
defaults (64 MiB, 3 passes, 4 lanes) cost about 179 ms. A hash made with other parameters
still verifies, and is replaced by a current one at the next successful log-in.

Hashing is deliberately slow, so it never runs on the event loop, and it runs on a pool of
its own, one thread fewer than the process has cores (at least one): a burst of log-ins
queues there, and leaves a core, the event loop and the default thread pool to every other
request. (Argon2 releases the GIL, so each thread really holds a core while it hashes.)
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

# OWASP: "m=19456 (19 MiB), t=2, p=1" for Argon2id.
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1

_hasher = PasswordHash(
    (
        Argon2Hasher(
            time_cost=ARGON2_TIME_COST,
            memory_cost=ARGON2_MEMORY_KIB,
            parallelism=ARGON2_PARALLELISM,
        ),
        BcryptHasher(),
    )
)

T = TypeVar("T")


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


HASHING_THREADS = max(1, _usable_cores() - 1)


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="password-hash")


async def _off_loop(work: Callable[..., T], *args: str) -> T:
    return await asyncio.get_running_loop().run_in_executor(_pool(), work, *args)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password-only-spends-the-same-time")


async def hash_password(password: str) -> str:
    return await _off_loop(_hasher.hash, password)


async def verify_password(password: str, stored_hash: str | None) -> tuple[bool, str | None]:
    """(valid, upgraded_hash). With no stored hash (unknown user) a dummy hash is checked,
    so an attacker cannot tell from the response time whether the account exists.
    `upgraded_hash` is set when the stored hash uses old parameters or bcrypt."""
    if stored_hash is None:
        await _off_loop(_hasher.verify, password, await _off_loop(_dummy_hash))
        return False, None
    return await _off_loop(_hasher.verify_and_update, password, stored_hash)
