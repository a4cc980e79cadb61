"""Test helpers for the shop's services: an Ed25519 key pair standing in for identity's,
settings that trust it, access tokens signed with it, and an SMTP server that keeps what
it receives."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import jwt
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from backend_shared.auth.keys import public_jwk
from shop_platform.devservers import free_port

AUDIENCES = ["gateway", "identity", "catalog", "orders", "notifier"]
DEADLINE = 30.0


@dataclass
class IdentityKeys:
    private_key: ed25519.Ed25519PrivateKey = field(
        default_factory=ed25519.Ed25519PrivateKey.generate
    )

    @property
    def kid(self) -> str:
        kid: str = public_jwk("EdDSA", self.private_key.public_key())["kid"]
        return kid

    @property
    def public_pem(self) -> str:
        return (
            self.private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def verifier_settings(self) -> dict[str, Any]:
        """Settings values for a service that verifies tokens signed with this key."""
        return {"jwt_algorithm": "EdDSA", "jwt_public_key": self.public_pem, "jwt_jwks_url": None}

    def token(
        self,
        user_id: str | None = None,
        *,
        roles: tuple[str, ...] = ("customer",),
        audiences: list[str] | None = None,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        payload = {
            "sub": user_id or uuid.uuid4().hex[:24],
            "roles": list(roles),
            "type": "access",
            "jti": uuid.uuid4().hex,
            "sid": uuid.uuid4().hex,
            "ver": 0,
            "iat": now,
            "exp": now + 600,
            "iss": "backend-monorepo",
            "aud": audiences or AUDIENCES,
            **claims,
        }
        return jwt.encode(payload, self.private_key, algorithm="EdDSA", headers={"kid": self.kid})

    def headers(self, user_id: str | None = None, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user_id, **kwargs)}"}


class Mailbox:
    """An SMTP server (aiosmtpd) that keeps every message; tests wait on its condition."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._changed = threading.Condition()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self._changed:
            self.messages.append(message_from_bytes(envelope.content))
            self._changed.notify_all()
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        with self._changed:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(
        self, address: str, count: int = 1, *, deadline: float = DEADLINE
    ) -> list[Message]:
        with self._changed:
            arrived = self._changed.wait_for(
                lambda: len([m for m in self.messages if m["To"] == address]) >= count,
                timeout=deadline,
            )
        assert arrived, f"{count} message(s) for {address} did not arrive in {deadline:g} s"
        return self.to(address)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
