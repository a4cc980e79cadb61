"""Connecting with Socket.IO: the access token goes in the auth payload, and a missing,
expired or tampered one is refused with a message that says which."""

from __future__ import annotations

from backend_shared.auth.keys import load_key_set
from backend_shared.auth.tokens import TokenService
from realtime_chat.config import Settings
from tests.utils import ChatClient, User, refusal


async def test_a_valid_token_connects(live_url: str, alice: User) -> None:
    client = ChatClient()
    await client.connect(live_url, alice.access_token)
    assert client.sio.connected
    await client.close()


async def test_no_token_is_refused_with_how_to_send_one(live_url: str) -> None:
    assert 'auth payload: {"token": "<access_token>"}' in await refusal(live_url, None)


async def test_a_tampered_token_is_refused(live_url: str, alice: User) -> None:
    header, claims, signature = alice.access_token.split(".")
    forged = f"{header}.{claims}.{signature[:-4]}AAAA"
    assert "The access token is invalid" in await refusal(live_url, forged)


async def test_an_expired_token_is_refused(live_url: str, alice: User, settings: Settings) -> None:
    expired = TokenService(
        keys=load_key_set(settings),
        issuer=settings.jwt_issuer,
        audience=settings.accepted_audience,
        access_ttl_seconds=-60,
    ).issue_access_token(alice.id)
    assert "The access token has expired" in await refusal(live_url, expired.token)


async def test_a_deleted_account_cannot_connect(live_url: str, settings: Settings) -> None:
    tokens = TokenService.from_settings(settings)
    ghost = tokens.issue_access_token("665f1c2ab1e4c2a1d3f0e9b7").token
    assert "The account no longer exists" in await refusal(live_url, ghost)
