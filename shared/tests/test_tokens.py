"""Access tokens across services: an issuer publishes its public keys (JWKS), a verifier
that holds no secret accepts the tokens meant for it, by `kid`, through a key rotation, and
refuses tokens for another audience, with an unknown key or with a confused algorithm."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from backend_shared.app import create_service_app
from backend_shared.auth import tokens as tokens_module
from backend_shared.auth.keys import generate_private_key, private_pem
from backend_shared.auth.tokens import JWKS_REFETCH_SECONDS, TokenService
from backend_shared.errors import Unauthorized
from backend_shared.settings import AccountSettings, TokenIssuerSettings, TokenVerifierSettings
from backend_shared.state import service_state
from backend_shared.testing.live import live_server


class Clock:
    """Now, as PyJWT and the token service both read it, moved forward at will (tokens are
    issued before it moves: PyJWT encodes only real datetimes)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = 0.0
        self.monkeypatch = monkeypatch

    def advance(self, seconds: float) -> None:
        if not self.offset:
            self._patch()
        self.offset += seconds

    def _patch(self) -> None:
        clock = self

        class ShiftedDatetime(datetime):
            @classmethod
            def now(cls, tz: Any = None) -> Any:
                return datetime.now(tz) + timedelta(seconds=clock.offset)

        class ShiftedTime:
            @staticmethod
            def time() -> float:
                return time.time() + clock.offset

            @staticmethod
            def monotonic() -> float:
                return time.monotonic() + clock.offset

        self.monkeypatch.setattr(jwt.api_jwt, "datetime", ShiftedDatetime)
        self.monkeypatch.setattr(tokens_module, "time", ShiftedTime)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def _pem(algorithm: str = "EdDSA") -> str:
    return private_pem(generate_private_key(algorithm))


def _public_pem(private: str) -> str:
    key: Any = serialization.load_pem_private_key(private.encode(), password=None)
    public: bytes = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public.decode()


def issuer(private: str, *, algorithm: str = "EdDSA", **values: Any) -> TokenService:
    settings = TokenIssuerSettings(
        **{
            "app_env": "test",
            "service_name": "identity",
            "jwt_algorithm": algorithm,
            "jwt_private_key": private,
            "jwt_issuer": "identity",
            "jwt_token_audiences": ["orders", "catalog"],
            "_env_file": None,
            **values,
        }
    )
    return TokenService.from_settings(settings)


def verifier(audience: str, *, algorithm: str = "EdDSA", **values: Any) -> TokenService:
    settings = TokenVerifierSettings(
        app_env="test",
        service_name=audience,
        jwt_algorithm=algorithm,
        jwt_issuer="identity",
        _env_file=None,
        **values,
    )
    return TokenService.from_settings(settings)


@pytest.mark.parametrize("algorithm", ["EdDSA", "RS256", "ES256"])
def test_a_verifier_with_only_the_public_key_accepts_the_issuers_tokens(algorithm: str) -> None:
    private = _pem(algorithm)
    issued = issuer(private, algorithm=algorithm).issue_access_token("u1", roles={"admin"})
    orders = verifier("orders", algorithm=algorithm, jwt_public_key=_public_pem(private))
    principal = orders.verify_access_token(issued.token)
    assert principal.id == "u1"
    assert principal.roles == frozenset({"admin"})


def test_a_verifier_cannot_issue() -> None:
    orders = verifier("orders", jwt_public_key=_public_pem(_pem()))
    with pytest.raises(RuntimeError, match="can only verify"):
        orders.issue_access_token("u1")


def test_a_token_for_another_audience_is_refused() -> None:
    private = _pem()
    issued = issuer(private).issue_access_token("u1")  # for orders and catalog
    billing = verifier("billing", jwt_public_key=_public_pem(private))
    with pytest.raises(Unauthorized):
        billing.verify_access_token(issued.token)


def test_an_hs256_token_signed_with_the_public_key_is_refused() -> None:
    """The classic algorithm-confusion attack: sign HS256 with the (public) key."""
    private = _pem("RS256")
    public = _public_pem(private)
    good = issuer(private, algorithm="RS256").issue_access_token("u1").token
    kid = jwt.get_unverified_header(good)["kid"]
    payload = good.split(".")[1]

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    signature = b64(
        hmac.new(public.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    )
    orders = verifier("orders", algorithm="RS256", jwt_public_key=public)
    with pytest.raises(Unauthorized):
        orders.verify_access_token(f"{header}.{payload}.{signature}")


def test_a_token_without_a_kid_is_refused() -> None:
    private = _pem()
    claims = jwt.decode(
        issuer(private).issue_access_token("u1").token, options={"verify_signature": False}
    )
    key = serialization.load_pem_private_key(private.encode(), password=None)
    unnamed = jwt.encode(claims, key, algorithm="EdDSA")  # type: ignore[arg-type]
    with pytest.raises(Unauthorized):
        verifier("orders", jwt_public_key=_public_pem(private)).verify_access_token(unnamed)


def _jwks_app(private: str, previous: list[str]) -> Any:
    settings = AccountSettings(
        app_env="test",
        service_name="identity",
        jwt_algorithm="EdDSA",
        jwt_private_key=private,
        jwt_previous_public_keys=previous,
        jwt_issuer="identity",
        jwt_token_audiences=["orders"],
        _env_file=None,
    )
    return create_service_app(
        settings, title="identity", description="d", database=False, redis=False
    )


async def test_a_verifier_fetches_the_issuers_jwks_and_keeps_old_tokens_through_a_rotation() -> (
    None
):
    old_key, new_key = _pem(), _pem()
    old_token = issuer(old_key, jwt_token_audiences=["orders"]).issue_access_token("u1").token
    # The issuer now signs with the new key and still publishes the old one.
    app = _jwks_app(new_key, previous=[_public_pem(old_key)])
    with live_server(app) as base_url:
        async with httpx.AsyncClient(base_url=base_url) as client:
            published = (await client.get("/.well-known/jwks.json")).json()["keys"]
        assert len(published) == 2
        assert all("d" not in key for key in published)  # public halves only
        orders = verifier("orders", jwt_jwks_url=f"{base_url}/.well-known/jwks.json")
        new_token = app.state.tokens.issue_access_token("u2").token
        assert (await orders.verify(new_token)).id == "u2"
        assert (await orders.verify(old_token)).id == "u1"
        # Twenty first requests at once, all with a kid the verifier has not fetched yet:
        # they wait for one fetch, none is refused.
        fresh = verifier("orders", jwt_jwks_url=f"{base_url}/.well-known/jwks.json")
        principals = await asyncio.gather(*(fresh.verify(new_token) for _ in range(20)))
        assert {principal.id for principal in principals} == {"u2"}
        stranger = issuer(_pem(), jwt_token_audiences=["orders"]).issue_access_token("u3")
        with pytest.raises(Unauthorized):
            await orders.verify(stranger.token)


async def test_a_token_accepted_before_is_refused_once_it_expires(clock: Clock) -> None:
    private = _pem()
    issued = issuer(private).issue_access_token("u1")
    orders = verifier("orders", jwt_public_key=_public_pem(private))
    assert (await orders.verify(issued.token)).id == "u1"
    assert (await orders.verify(issued.token)).id == "u1"
    clock.advance(issued.expires_in)
    with pytest.raises(Unauthorized, match="has expired"):
        await orders.verify(issued.token)
    with pytest.raises(Unauthorized, match="has expired"):
        orders.verify_access_token(issued.token)


async def test_once_the_issuer_stops_publishing_a_key_its_tokens_are_refused(clock: Clock) -> None:
    app = _jwks_app(_pem(), previous=[])
    with live_server(app) as base_url:
        orders = verifier("orders", jwt_jwks_url=f"{base_url}/.well-known/jwks.json")
        old_token = service_state(app).tokens.issue_access_token("u1").token  # type: ignore[union-attr]
        assert (await orders.verify(old_token)).id == "u1"
        # The issuer moves to a new key and drops the old one (its tokens leaked, say).
        service_state(app).tokens = service_state(_jwks_app(_pem(), previous=[])).tokens
        new_token = service_state(app).tokens.issue_access_token("u2").token  # type: ignore[union-attr]
        clock.advance(JWKS_REFETCH_SECONDS)
        assert (await orders.verify(new_token)).id == "u2"  # the verifier fetched the new set
        with pytest.raises(Unauthorized):
            await orders.verify(old_token)


def test_development_keeps_its_generated_key_pair(tmp_path: Any) -> None:
    class Identity(TokenIssuerSettings):
        @property
        def secrets_dir(self) -> Any:
            return tmp_path

    first = TokenService.from_settings(
        Identity(service_name="identity", jwt_algorithm="EdDSA", _env_file=None)
    )
    again = TokenService.from_settings(
        Identity(service_name="identity", jwt_algorithm="EdDSA", _env_file=None)
    )
    assert first.keys.signing_kid == again.keys.signing_kid
    key_file = tmp_path / "identity" / "jwt_EdDSA.pem"
    assert key_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("token", ["\ud800", "é.é.é", "a" * 10 + "\x00"])
def test_a_token_that_is_not_ascii_is_refused_not_crashed(token: str) -> None:
    private = _pem()
    orders = verifier("orders", jwt_public_key=_public_pem(private))
    with pytest.raises(Unauthorized):
        orders.verify_access_token(token)
