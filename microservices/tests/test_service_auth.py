"""Every hop checks who is calling: a service called directly, past the gateway, accepts
only a valid token minted for it, and no header a client can write stands in for one."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest

from backend_shared.testing.factories import bearer
from shop_platform.processes import Shop
from shop_platform.testing import IdentityKeys

from .shopper import Shopper, sign_up

# (service, method, path): each needs a signed-in caller (an admin, for catalog's write).
PROTECTED = [
    ("orders", "GET", "/orders"),
    ("orders", "GET", "/cart"),
    ("notifier", "GET", "/notifications"),
    ("catalog", "GET", "/admin/inventory"),
]


def identity_keys(shop: Shop) -> IdentityKeys:
    """identity's own signing key, which the test gave it."""
    return IdentityKeys(private_key=shop.signing_key)


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
    token = identity_keys(shop).token(admin.id, roles=("admin",), iat=past - 600, exp=past)
    response = call(shop, service, method, path, bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"] == "The access token has expired"


@pytest.mark.parametrize(("service", "method", "path"), PROTECTED)
def test_an_unsigned_alg_none_token_is_refused(
    shop: Shop, admin: Shopper, service: str, method: str, path: str
) -> None:
    keys = identity_keys(shop)
    claims = jwt.decode(keys.token(admin.id, roles=("admin",)), options={"verify_signature": False})
    token = jwt.encode(claims, key=None, algorithm="none", headers={"kid": keys.kid})
    assert call(shop, service, method, path, bearer(token)).status_code == 401


@pytest.mark.parametrize(("service", "method", "path"), PROTECTED)
def test_a_token_signed_by_an_unknown_key_is_refused(
    shop: Shop, admin: Shopper, service: str, method: str, path: str
) -> None:
    token = IdentityKeys().token(admin.id, roles=("admin",))  # a key identity never had
    assert call(shop, service, method, path, bearer(token)).status_code == 401


@pytest.mark.parametrize(("service", "method", "path"), PROTECTED)
def test_a_token_for_another_audience_is_refused(
    shop: Shop, admin: Shopper, service: str, method: str, path: str
) -> None:
    elsewhere = [
        aud for aud in ("gateway", "identity", "catalog", "orders", "notifier") if aud != service
    ]
    token = identity_keys(shop).token(admin.id, roles=("admin",), audiences=elsewhere)
    assert call(shop, service, method, path, bearer(token)).status_code == 401


def test_a_customer_is_not_an_admin_anywhere(shop: Shop, customer: Shopper) -> None:
    assert call(shop, "catalog", "GET", "/admin/inventory", customer.headers).status_code == 403


def test_the_gateway_refuses_bad_tokens_before_any_service_sees_them(
    shop: Shop, admin: Shopper
) -> None:
    token = IdentityKeys().token(admin.id, roles=("admin",))  # a key identity never had
    for path in ("/orders", "/products"):
        response = httpx.get(f"{shop.gateway}{path}", headers=bearer(token), timeout=30)
        assert response.status_code == 401, path
    assert httpx.get(f"{shop.gateway}/orders", timeout=30).status_code == 401
