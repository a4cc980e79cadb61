"""Access tokens across services: one that holds only the public key verifies tokens it
did not issue, and roles travel in the token."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from backend_shared.auth.tokens import TokenService
from backend_shared.errors import Unauthorized


def rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def service(
    *, private: str | None, public: str, audience: str = "backend-monorepo"
) -> TokenService:
    return TokenService(
        algorithm="RS256",
        verification_key=public,
        signing_key=private,
        issuer="auth-service",
        audience=audience,
        access_ttl_seconds=900,
    )


def test_a_verifier_with_only_the_public_key_accepts_the_issuers_tokens() -> None:
    private, public = rsa_pair()
    issued = service(private=private, public=public).issue_access_token("u1", roles={"admin"})
    principal = service(private=None, public=public).verify_access_token(issued.token)
    assert principal.id == "u1"
    assert principal.roles == frozenset({"admin"})


def test_a_verifier_cannot_issue() -> None:
    _, public = rsa_pair()
    with pytest.raises(RuntimeError, match="can only verify"):
        service(private=None, public=public).issue_access_token("u1")


def test_a_token_for_another_audience_is_refused() -> None:
    private, public = rsa_pair()
    issued = service(private=private, public=public, audience="billing").issue_access_token("u1")
    with pytest.raises(Unauthorized):
        service(private=None, public=public).verify_access_token(issued.token)


def test_an_hs256_token_signed_with_the_public_key_is_refused() -> None:
    """The classic algorithm-confusion attack: sign HS256 with the (public) RSA key."""
    import hmac
    import json
    from base64 import urlsafe_b64encode
    from hashlib import sha256

    private, public = rsa_pair()
    good = service(private=private, public=public).issue_access_token("u1").token
    payload = good.split(".")[1]

    def b64(data: bytes) -> str:
        return urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signature = b64(hmac.new(public.encode(), f"{header}.{payload}".encode(), sha256).digest())
    with pytest.raises(Unauthorized):
        service(private=None, public=public).verify_access_token(f"{header}.{payload}.{signature}")
