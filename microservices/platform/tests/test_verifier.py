"""A burst of first requests, all carrying a key id the service has not fetched yet."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from fastapi import FastAPI

from backend_shared.auth.keys import KeySet, public_jwk
from backend_shared.auth.tokens import Principal
from backend_shared.errors import Unauthorized
from backend_shared.testing.concurrency import release_together
from backend_shared.testing.live import live_server
from shop_platform.testing import IdentityKeys
from shop_platform.verifier import JwksVerifier

KEYS = IdentityKeys()


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    app = FastAPI()

    @app.get("/.well-known/jwks.json")
    async def jwks() -> dict[str, object]:
        return {"keys": [public_jwk("EdDSA", KEYS.private_key.public_key())]}

    with live_server(app) as url:
        yield f"{url}/.well-known/jwks.json"


def fresh_verifier(jwks_url: str) -> JwksVerifier:
    no_keys = KeySet(algorithm="EdDSA", signing_key=None, signing_kid=None, verification_keys={})
    return JwksVerifier(
        keys=no_keys, issuer="backend-monorepo", audience="orders", jwks_url=jwks_url
    )


async def test_twenty_first_requests_at_once_are_all_verified(jwks_url: str) -> None:
    verifier = fresh_verifier(jwks_url)
    tokens = [KEYS.token(audiences=["orders"]) for _ in range(20)]

    principals = await release_together([partial(verifier.verify, token) for token in tokens])

    assert all(isinstance(principal, Principal) for principal in principals)


async def test_an_unknown_key_is_still_refused(jwks_url: str) -> None:
    verifier = fresh_verifier(jwks_url)
    with pytest.raises(Unauthorized):
        await verifier.verify(IdentityKeys().token(audiences=["orders"]))
