"""Every hop checks who is calling: a service called directly, past the gateway, accepts
only a valid token minted for it, and no header a client can write stands in for one."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from backend_shared.auth.keys import public_jwk
from backend_shared.testing.factories import bearer
from shop_platform.processes import Shop

from .shopper import Shopper, sign_up

# (service, method, path): each needs a signed-in caller (an admin, for catalog's write).
PROTECTED = [
    ("orders", "GET", "/orders"),
    ("orders", "GET", "/cart"),
    ("notifier", "GET", "/notifications"),
    ("catalog", "GET", "/admin/inventory"),
]


def claims(user_id: str, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "sub": user_id,
        "roles": ["admin"],
        "type": "access",
        "jti": uuid.uuid4().hex,
        "sid": uuid.uuid4().hex,
        "ver": 0,
        "iat": now,
        "exp": now + 600,
        "iss": "backend-monorepo",
        "aud": ["gateway", "identity", "catalog", "orders", "notifier"],
        **overrides,
    }


def signed(key: ed25519.Ed25519PrivateKey, payload: dict[str, Any]) -> str:
    kid = public_jwk("EdDSA", key.public_key())["kid"]
    return jwt.encode(payload, key, algorithm="EdDSA", headers={"kid": kid})


def call(
    shop: Shop, service: str, method: str, path: str, headers: dict[str, str]
) -> httpx.Response:
    return httpx.request(method, f"{shop.url(service)}{path}", headers=headers, timeout=30)


@pytest.fixture(scope="module")
def customer(shop: Shop) -> Shopper:
    return sign_up(shop, "direct")


@pytest.mark.parametrize(("service", "method", "path"), PROTECTED)
def test_a_valid_token_for_the_service_is_accepted(
    shop: Shop, admin: Shopper, service: str, method: str, path: str
) -> None:
    assert call(shop, service, method, path, admin.headers).status_code == 200


@pytest.mark.parametrize(("service", "method", "path"), PROTECTED)
def test_forged_identity_headers_are_not_credentials(
    shop: Shop, admin: Shopper, service: str, method: str, path: str
) -> None:
    forged = {"X-User-Id": admin.id, "X-User-Roles": "admin", "X-Authenticated-User": admin.id}
    assert call(shop, service, method, path, forged).status_code == 401


@pytest.mark.parametrize(("service", "method", "path"), PROTECTED)
def test_an_expired_token_is_refused(
    shop: Shop, admin: Shopper, service: str, method: str, path: str
) -> None:
    past = int(time.time()) - 3600
    token = signed(shop.signing_key, claims(admin.id, iat=past - 600, exp=past))
    response = call(shop, service, method, path, bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"] == "The access token has expired"


@pytest.mark.parametrize(("service", "method", "path"), PROTECTED)
def test_an_unsigned_alg_none_token_is_refused(
    shop: Shop, admin: Shopper, service: str, method: str, path: str
) -> None:
    kid = public_jwk("EdDSA", shop.signing_key.public_key())["kid"]
    token = jwt.encode(claims(admin.id), key=None, algorithm="none", headers={"kid": kid})
    assert call(shop, service, method, path, bearer(token)).status_code == 401


@pytest.mark.parametrize(("service", "method", "path"), PROTECTED)
def test_a_token_signed_by_an_unknown_key_is_refused(
    shop: Shop, admin: Shopper, service: str, method: str, path: str
) -> None:
    token = signed(ed25519.Ed25519PrivateKey.generate(), claims(admin.id))
    assert call(shop, service, method, path, bearer(token)).status_code == 401


@pytest.mark.parametrize(("service", "method", "path"), PROTECTED)
def test_a_token_for_another_audience_is_refused(
    shop: Shop, admin: Shopper, service: str, method: str, path: str
) -> None:
    elsewhere = [
        aud for aud in ("gateway", "identity", "catalog", "orders", "notifier") if aud != service
    ]
    token = signed(shop.signing_key, claims(admin.id, aud=elsewhere))
    assert call(shop, service, method, path, bearer(token)).status_code == 401


def test_a_customer_is_not_an_admin_anywhere(shop: Shop, customer: Shopper) -> None:
    assert call(shop, "catalog", "GET", "/admin/inventory", customer.headers).status_code == 403


def test_the_gateway_refuses_bad_tokens_before_any_service_sees_them(
    shop: Shop, admin: Shopper
) -> None:
    token = signed(ed25519.Ed25519PrivateKey.generate(), claims(admin.id))
    for path in ("/orders", "/products"):
        response = httpx.get(f"{shop.gateway}{path}", headers=bearer(token), timeout=30)
        assert response.status_code == 401, path
    assert httpx.get(f"{shop.gateway}/orders", timeout=30).status_code == 401
