"""A session ends at once: log-out, a new password or a disabled account make the access
tokens they concern stop working on the very next request, on every instance (the check
reads the account, not process memory)."""

from __future__ import annotations

from typing import Any

import httpx
import jwt

from backend_shared.accounts import service as accounts
from backend_shared.ids import parse_object_id
from backend_shared.state import service_state
from backend_shared.testing.factories import bearer, sign_claims

from .utils import PASSWORD, User


async def _me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/users/me", headers=bearer(token))


async def _second_session(client: httpx.AsyncClient, user: User) -> str:
    login = await client.post("/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 200
    token: str = login.json()["access_token"]
    return token


async def test_log_out_ends_that_session_at_once(client: httpx.AsyncClient, alice: User) -> None:
    other_session = await _second_session(client, alice)
    response = await client.post("/auth/logout", json={"refresh_token": alice.refresh_token})
    assert response.status_code == 204
    ended = await _me(client, alice.access_token)
    assert ended.status_code == 401
    assert ended.json()["detail"] == "The session has been logged out"
    assert (await client.get("/tasks", headers=alice.headers)).status_code == 401
    # The other session (another device) goes on.
    assert (await _me(client, other_session)).status_code == 200


async def test_a_new_password_ends_every_earlier_session(
    client: httpx.AsyncClient, alice: User
) -> None:
    other_session = await _second_session(client, alice)
    change = {"password": "a-brand-new-password", "current_password": PASSWORD}
    assert (await client.patch("/users/me", json=change, headers=alice.headers)).status_code == 200
    for token in (alice.access_token, other_session):
        response = await _me(client, token)
        assert response.status_code == 401
        assert response.json()["detail"] == "The session has ended; log in again"
    login = await client.post(
        "/auth/login", json={"email": alice.email, "password": "a-brand-new-password"}
    )
    assert (await _me(client, login.json()["access_token"])).status_code == 200


async def test_a_disabled_account_stops_at_once_and_cannot_log_in(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    user_id = parse_object_id(alice.id)
    assert user_id is not None
    await accounts.disable_user(
        db=service_state(app).database,
        refresh_tokens=service_state(app).require("refresh_tokens"),
        user_id=user_id,
    )
    assert (await _me(client, alice.access_token)).status_code == 401
    created = await client.post("/tasks", json={"title": "still here?"}, headers=alice.headers)
    assert created.status_code == 401
    login = await client.post("/auth/login", json={"email": alice.email, "password": PASSWORD})
    assert login.status_code == 401
    refreshed = await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert refreshed.status_code == 401


async def test_a_token_for_a_missing_account_writes_nothing(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    ghost = sign_claims(app, jwt.decode(alice.access_token, options={"verify_signature": False}))
    await service_state(app).database["users"].delete_many({})
    response = await client.post("/tasks", json={"title": "orphan"}, headers=bearer(ghost))
    assert response.status_code == 401
    assert await service_state(app).database["tasks"].count_documents({}) == 0


async def test_every_token_names_its_key_and_its_audience(alice: User) -> None:
    header = jwt.get_unverified_header(alice.access_token)
    claims = jwt.decode(alice.access_token, options={"verify_signature": False})
    assert header["kid"].startswith("hs-")
    assert claims["aud"] == ["crud-api"]
    assert claims["sid"]
    assert claims["ver"] == 0


async def test_a_token_with_an_unknown_key_id_is_refused(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    claims = jwt.decode(alice.access_token, options={"verify_signature": False})
    token = jwt.encode(
        claims,
        service_state(app).require("tokens").keys.signing_key,
        "HS256",
        headers={"kid": "someone-else"},
    )
    assert (await _me(client, token)).status_code == 401


async def test_a_token_meant_for_another_service_is_refused(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    claims = jwt.decode(alice.access_token, options={"verify_signature": False})
    for audience in (["blog-api"], "realtime-chat", ["blog-api", "realtime-chat"]):
        token = sign_claims(app, claims | {"aud": audience})
        response = await _me(client, token)
        assert response.status_code == 401
        assert response.json()["detail"] == "The access token is invalid"
