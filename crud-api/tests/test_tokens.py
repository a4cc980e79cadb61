"""Access tokens that were tampered with, expired or are of the wrong kind get a 401."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest

from backend_shared.state import service_state
from backend_shared.testing.factories import bearer, sign_claims

from .utils import User


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(user: User) -> dict[str, Any]:
    return jwt.decode(user.access_token, options={"verify_signature": False})


async def _status_with(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/users/me", headers=bearer(token))


async def test_no_token_is_401_with_a_bearer_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/users/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"] == "Not authenticated"


async def test_alg_none_is_refused(client: httpx.AsyncClient, alice: User) -> None:
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(alice))}."
    response = await _status_with(client, token)
    assert response.status_code == 401
    assert response.json()["detail"] == "The access token is invalid"


async def test_a_token_signed_with_another_key_is_refused(
    client: httpx.AsyncClient, alice: User
) -> None:
    forged = jwt.encode(_claims(alice), "an-attacker-secret-of-32-bytes-or-more!", "HS256")
    assert (await _status_with(client, forged)).status_code == 401


async def test_an_edited_payload_breaks_the_signature(
    client: httpx.AsyncClient, alice: User, bob: User
) -> None:
    header, _, signature = alice.access_token.split(".")
    claims = _claims(alice) | {"sub": bob.id}
    assert (await _status_with(client, f"{header}.{_b64(claims)}.{signature}")).status_code == 401


async def test_an_expired_token_is_refused(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    past = datetime.now(UTC) - timedelta(hours=1)
    expired = sign_claims(app, _claims(alice) | {"iat": past, "exp": past + timedelta(minutes=15)})
    response = await _status_with(client, expired)
    assert response.status_code == 401
    assert response.json()["detail"] == "The access token has expired"


@pytest.mark.parametrize("token_type", ["refresh", "reset", None])
async def test_a_token_of_another_type_is_refused(
    client: httpx.AsyncClient, app: Any, alice: User, token_type: str | None
) -> None:
    claims = _claims(alice)
    if token_type is None:
        del claims["type"]
    else:
        claims["type"] = token_type
    token = sign_claims(app, claims)
    assert (await _status_with(client, token)).status_code == 401


async def test_a_token_for_a_deleted_account_is_refused(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    await service_state(app).database["users"].delete_many({})
    response = await _status_with(client, alice.access_token)
    assert response.status_code == 401


async def test_garbage_is_refused(client: httpx.AsyncClient) -> None:
    assert (await _status_with(client, "not.a.jwt")).status_code == 401
