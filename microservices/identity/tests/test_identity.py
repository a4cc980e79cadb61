"""identity: accounts, tokens every service can verify without a secret, and the
announcement of every new account."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import jwt

from backend_shared.auth.keys import KeySet, private_pem
from backend_shared.auth.tokens import TokenService
from backend_shared.events import Envelope
from backend_shared.testing.live import live_server
from identity.config import Settings
from identity.main import create_app
from identity.registrations import registered_event_id
from shop_platform.runtime import ShopRuntime
from shop_platform.testing import IdentityKeys

from .conftest import ADMIN


async def sign_up(client: httpx.AsyncClient, email: str) -> dict[str, Any]:
    response = await client.post(
        "/auth/signup", json={"email": email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


async def registrations(runtime: ShopRuntime) -> list[Envelope]:
    entries = await runtime.redis.xrange("events:user.registered")
    return [Envelope.model_validate_json(fields[b"envelope"]) for _, fields in entries]


async def test_a_sign_up_is_announced_once_with_an_id_of_its_own(
    client: httpx.AsyncClient, runtime: ShopRuntime
) -> None:
    user = await sign_up(client, "ada@example.com")
    assert runtime.relay is not None
    await runtime.relay.publish_pending()
    await runtime.relay.publish_pending()

    announced = [e for e in await registrations(runtime) if e.data["user_id"] == user["id"]]
    assert len(announced) == 1
    assert announced[0].id == registered_event_id(user["id"])
    assert announced[0].data == {
        "user_id": user["id"],
        "email": "ada@example.com",
        "display_name": None,
    }


async def test_tokens_name_every_service_and_carry_the_key_id(
    client: httpx.AsyncClient, keys: IdentityKeys
) -> None:
    login = await client.post(
        "/auth/login", json={"email": ADMIN["admin_email"], "password": ADMIN["admin_password"]}
    )
    token = login.json()["access_token"]

    assert jwt.get_unverified_header(token)["kid"] == keys.kid
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == ["gateway", "identity", "catalog", "orders", "notifier"]
    assert claims["roles"] == ["admin"]
    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert [key["kid"] for key in jwks["keys"]] == [keys.kid]
    assert "d" not in jwks["keys"][0]  # public halves only


async def test_new_accounts_are_customers(client: httpx.AsyncClient) -> None:
    await sign_up(client, "bob@example.com")
    login = await client.post(
        "/auth/login", json={"email": "bob@example.com", "password": "correct-horse-battery"}
    )
    claims = jwt.decode(login.json()["access_token"], options={"verify_signature": False})
    assert claims["roles"] == ["customer"]


def test_after_a_key_rotation_tokens_of_the_old_key_stay_valid(
    settings_values: dict[str, Any], keys: IdentityKeys
) -> None:
    old_token = keys.token(audiences=["orders"])
    new_keys = IdentityKeys()
    rotated = Settings(
        **{
            **settings_values,
            "jwt_private_key": private_pem(new_keys.private_key),
            "jwt_previous_public_keys": keys.public_pem,
        }
    )
    with live_server(create_app(rotated)) as url:
        verifier = TokenService(
            keys=KeySet(
                algorithm="EdDSA", signing_key=None, signing_kid=None, verification_keys={}
            ),
            issuer="backend-monorepo",
            audience="orders",
            jwks_url=f"{url}/.well-known/jwks.json",
        )
        old = asyncio.run(verifier.verify(old_token))
        new = asyncio.run(verifier.verify(new_keys.token(audiences=["orders"])))
        published = httpx.get(f"{url}/.well-known/jwks.json").json()

    assert old.roles == new.roles == frozenset({"customer"})
    assert {key["kid"] for key in published["keys"]} == {keys.kid, new_keys.kid}
