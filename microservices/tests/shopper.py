"""A customer (or the admin) using the shop through the gateway, in one line per step."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from backend_shared.testing.factories import bearer, unique_email
from shop_platform.processes import ADMIN_EMAIL, ADMIN_PASSWORD, Shop, wait_until

PASSWORD = "correct-horse-battery"


@dataclass
class Shopper:
    shop: Shop
    id: str
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        kwargs.setdefault("timeout", 30)
        return httpx.request(method, f"{self.shop.gateway}{path}", headers=headers, **kwargs)

    def add_to_cart(self, sku: str, quantity: int = 1) -> None:
        response = self.call("PUT", f"/cart/items/{sku}", json={"quantity": quantity})
        assert response.status_code == 200, response.text

    def checkout(self, key: str | None = None) -> httpx.Response:
        return self.call("POST", "/orders", headers={"Idempotency-Key": key or uuid.uuid4().hex})

    def order(self, order_id: str) -> dict[str, Any]:
        response = self.call("GET", f"/orders/{order_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait_for_status(self, order_id: str, *statuses: str) -> dict[str, Any]:
        order: dict[str, Any] = wait_until(
            lambda: (o := self.order(order_id))["status"] in statuses and o,
            what=f"order {order_id} to become {' or '.join(statuses)}",
        )
        return order


def log_in(shop: Shop, email: str, password: str) -> str:
    response = httpx.post(
        f"{shop.gateway}/auth/login", json={"email": email, "password": password}, timeout=30
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def sign_up(shop: Shop, prefix: str = "customer") -> Shopper:
    email = unique_email(prefix)
    created = httpx.post(
        f"{shop.gateway}/auth/signup", json={"email": email, "password": PASSWORD}, timeout=30
    )
    assert created.status_code == 201, created.text
    return Shopper(shop, created.json()["id"], email, log_in(shop, email, PASSWORD))


def admin_session(shop: Shop) -> Shopper:
    token = log_in(shop, ADMIN_EMAIL, ADMIN_PASSWORD)
    me = httpx.get(f"{shop.gateway}/users/me", headers=bearer(token), timeout=30)
    assert me.status_code == 200, me.text
    return Shopper(shop, me.json()["id"], ADMIN_EMAIL, token)


def new_product(admin: Shopper, *, stock: int, price: int = 1250) -> dict[str, Any]:
    sku = f"SKU-{uuid.uuid4().hex[:10]}"
    response = admin.call(
        "POST",
        "/products",
        json={
            "sku": sku,
            "name": f"Mug {sku}",
            "price": {"amount": price, "currency": "EUR"},
            "stock": stock,
        },
    )
    assert response.status_code == 201, response.text
    product: dict[str, Any] = response.json()
    return product


def available(shop: Shop, product_id: str) -> int:
    response = httpx.get(f"{shop.gateway}/products/{product_id}", timeout=30)
    assert response.status_code == 200, response.text
    count: int = response.json()["available"]
    return count
