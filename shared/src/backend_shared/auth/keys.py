"""Signing keys with ids (`kid`): the one HS* secret, or asymmetric key pairs whose public
halves an issuer publishes as a JWKS (`/.well-known/jwks.json`) so that other services can
verify its tokens without holding any secret.

Each key's `kid` is its RFC 7638 thumbprint (for a secret, a truncated hash of it, which
reveals nothing of 32+ random bytes), so the id follows the key and a rotation needs no
bookkeeping: publish the new key beside the old one until the old tokens have expired.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import get_default_algorithms

from backend_shared.settings import (
    AppEnv,
    ConfigError,
    TokenIssuerSettings,
    TokenVerifierSettings,
)

logger = logging.getLogger("backend_shared.auth.keys")


@dataclass(frozen=True, slots=True)
class VerificationKey:
    kid: str
    key: Any  # a secret (str) or a public key object
    jwk: dict[str, Any] | None  # the public JWK; None for a secret, which is never published


@dataclass(frozen=True, slots=True)
class KeySet:
    algorithm: str
    signing_key: Any | None  # None: this service only verifies
    signing_kid: str | None
    verification_keys: dict[str, VerificationKey]

    def jwks(self) -> dict[str, Any]:
        """The public keys as a JWK Set; empty for HS* (a secret is never published)."""
        return {"keys": [key.jwk for key in self.verification_keys.values() if key.jwk]}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 over the key's required members, sorted, without whitespace."""
    required = {
        "RSA": ("e", "kty", "n"),
        "EC": ("crv", "kty", "x", "y"),
        "OKP": ("crv", "kty", "x"),
    }
    members = {name: jwk[name] for name in required[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(canonical.encode()).digest())


def secret_kid(secret: str) -> str:
    return "hs-" + hashlib.sha256(secret.encode()).hexdigest()[:16]


def public_jwk(algorithm: str, public_key: Any) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(get_default_algorithms()[algorithm].to_jwk(public_key))
    jwk.update({"kid": thumbprint(jwk), "alg": algorithm, "use": "sig"})
    return jwk


def _public_key(algorithm: str, pem: str) -> VerificationKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        raise ConfigError("a JWT public key is not a valid PEM public key") from None
    jwk = public_jwk(algorithm, key)
    return VerificationKey(kid=jwk["kid"], key=key, jwk=jwk)


def generate_private_key(algorithm: str) -> Any:
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm.startswith("ES"):
        curve = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1()}[algorithm]
        return ec.generate_private_key(curve)
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: Any) -> str:
    pem: bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem.decode()


def _load_or_create_private_key(settings: TokenIssuerSettings) -> Any:
    if settings.jwt_private_key is not None:
        pem = settings.jwt_private_key.get_secret_value()
    elif settings.app_env is AppEnv.TEST:
        return generate_private_key(settings.jwt_algorithm)
    else:
        path = settings.secrets_dir / settings.service_name / f"jwt_{settings.jwt_algorithm}.pem"
        pem = _load_or_create_dev_key(path, settings.jwt_algorithm)
    try:
        return serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise ConfigError("JWT_PRIVATE_KEY is not a valid unencrypted PEM private key") from None


def _load_or_create_dev_key(path: Path, algorithm: str) -> str:
    if path.exists():
        return path.read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = private_pem(generate_private_key(algorithm))
    path.write_text(pem)
    path.chmod(0o600)
    logger.warning(
        "JWT_PRIVATE_KEY is not set: generated a development %s key in %s (git-ignored). "
        "Set JWT_PRIVATE_KEY before deploying.",
        algorithm,
        path,
    )
    return pem


def load_key_set(settings: TokenVerifierSettings) -> KeySet:
    """The keys this service signs and verifies with, from its settings."""
    algorithm = settings.jwt_algorithm
    if settings.is_symmetric:
        secret = settings.symmetric_secret
        kid = secret_kid(secret)
        return KeySet(
            algorithm=algorithm,
            signing_key=secret if isinstance(settings, TokenIssuerSettings) else None,
            signing_kid=kid if isinstance(settings, TokenIssuerSettings) else None,
            verification_keys={kid: VerificationKey(kid=kid, key=secret, jwk=None)},
        )
    keys: dict[str, VerificationKey] = {}
    signing_key = signing_kid = None
    if isinstance(settings, TokenIssuerSettings):
        signing_key = _load_or_create_private_key(settings)
        jwk = public_jwk(algorithm, signing_key.public_key())
        signing_kid = jwk["kid"]
        keys[signing_kid] = VerificationKey(kid=signing_kid, key=signing_key.public_key(), jwk=jwk)
        for pem in settings.jwt_previous_public_keys:
            previous = _public_key(algorithm, pem)
            keys.setdefault(previous.kid, previous)
    if settings.jwt_public_key:
        given = _public_key(algorithm, settings.jwt_public_key)
        keys.setdefault(given.kid, given)
    if not keys and not settings.jwt_jwks_url:
        raise ConfigError(
            f"JWT_PUBLIC_KEY or JWT_JWKS_URL is required to verify {algorithm} tokens"
        )
    return KeySet(
        algorithm=algorithm,
        signing_key=signing_key,
        signing_kid=signing_kid,
        verification_keys=keys,
    )
