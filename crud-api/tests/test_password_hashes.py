"""Accounts whose passwords were hashed before the current Argon2id parameters keep working,
and move to the current parameters at their next log-in."""

from __future__ import annotations

from typing import Any

import httpx
from bson import ObjectId
from pwdlib.hashers.argon2 import Argon2Hasher

from .utils import User


async def _stored_hash(app: Any, user: User) -> str:
    account = await app.state.db["users"].find_one({"_id": ObjectId(user.id)})
    stored: str = account["password_hash"]
    return stored


async def test_new_passwords_use_owasps_argon2id_parameters(app: Any, alice: User) -> None:
    assert (await _stored_hash(app, alice)).startswith("$argon2id$v=19$m=19456,t=2,p=1$")


async def test_an_account_hashed_with_the_earlier_parameters_logs_in_and_is_upgraded(
    app: Any, client: httpx.AsyncClient, alice: User
) -> None:
    earlier = Argon2Hasher(time_cost=3, memory_cost=65536, parallelism=4).hash(alice.password)
    await app.state.db["users"].update_one(
        {"_id": ObjectId(alice.id)}, {"$set": {"password_hash": earlier}}
    )
    credentials = {"email": alice.email, "password": alice.password}

    first = await client.post("/auth/login", json=credentials)
    assert first.status_code == 200
    assert (await _stored_hash(app, alice)).startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    again = await client.post("/auth/login", json=credentials)
    assert again.status_code == 200
