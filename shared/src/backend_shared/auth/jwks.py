"""`GET /.well-known/jwks.json`: an issuer's public keys, so that any service can verify
its tokens (PyJWT's `PyJWKClient` fetches and caches them by `kid`). Mounted by
`create_service_app` when the service signs with an asymmetric key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from backend_shared.state import service_state

jwks_router = APIRouter(tags=["keys"])


class JsonWebKeySet(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "keys": [
                    {
                        "kty": "OKP",
                        "crv": "Ed25519",
                        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                        "kid": "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
                        "alg": "EdDSA",
                        "use": "sig",
                    }
                ]
            }
        }
    )

    keys: list[dict[str, Any]]


@jwks_router.get(
    "/.well-known/jwks.json",
    summary="The public keys that verify this service's tokens (JWKS)",
    description="During a key rotation both the new and the previous key are listed.",
)
async def jwks(request: Request) -> JsonWebKeySet:
    tokens = service_state(request.app).require("tokens")
    return JsonWebKeySet.model_validate(tokens.keys.jwks())
