"""Helpers for ecommerce-api's tests: accounts in one line, products, carts and checkouts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from backend_shared.testing.factories import bearer, unique_email

PASSWORD = "correct-horse-battery"
ADMIN_EMAIL = "admin@shop.example.com"
ADMIN_PASSWORD = "admin-password-for-tests"
ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}


@dataclass
class User:
    id: str
    email: str
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> User:
    response = await client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    me = await client.get("/users/me", headers=bearer(token))
    return User(id=me.json()["id"], email=email, access_token=token)


async def signup_and_login(client: httpx.AsyncClient, *, email: str | None = None) -> User:
    email = email or unique_email("customer")
    created = await client.post("/auth/signup", json={"email": email, "password": PASSWORD})
    assert created.status_code == 201, created.text
    return await login(client, email)


def new_sku(prefix: str = "SKU") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def money(amount: int, currency: str = "EUR") -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


async def create_product(
    client: httpx.AsyncClient,
    admin: User,
    *,
    name: str = "Enamel mug",
    category: str = "kitchen",
    description: str = "",
    variants: list[dict[str, Any]] | None = None,
    sku: str | None = None,
    price: int = 1299,
    stock: int = 10,
) -> dict[str, Any]:
    if variants is None:
        variants = [
            {"sku": sku or new_sku(), "title": "Blue", "price": money(price), "stock": stock}
        ]
    response = await client.post(
        "/products",
        headers=admin.headers,
        json={"name": name, "description": description, "category": category, "variants": variants},
    )
    assert response.status_code == 201, response.text
    product: dict[str, Any] = response.json()
    return product


async def inventory_of(client: httpx.AsyncClient, admin: User, sku: str) -> dict[str, Any]:
    response = await client.get("/admin/inventory", headers=admin.headers, params={"limit": 100})
    assert response.status_code == 200, response.text
    [item] = [item for item in response.json()["items"] if item["sku"] == sku]
    return dict(item)


async def add_to_cart(client: httpx.AsyncClient, user: User, sku: str, quantity: int = 1) -> None:
    response = await client.put(
        f"/cart/items/{sku}", headers=user.headers, json={"quantity": quantity}
    )
    assert response.status_code == 200, response.text


async def checkout(
    client: httpx.AsyncClient,
    user: User,
    *,
    key: str | None = None,
    coupon_code: str | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"shipping_address": ADDRESS}
    if coupon_code is not None:
        body["coupon_code"] = coupon_code
    return await client.post(
        "/checkout",
        headers={**user.headers, "Idempotency-Key": key or uuid.uuid4().hex},
        json=body,
    )


async def place_order(
    client: httpx.AsyncClient, user: User, sku: str, quantity: int = 1
) -> dict[str, Any]:
    await add_to_cart(client, user, sku, quantity)
    response = await checkout(client, user)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


async def pay(client: httpx.AsyncClient, order: dict[str, Any]) -> dict[str, Any]:
    """Pay through the fake provider, which sends the signed webhook."""
    response = await client.post(f"/dev/payments/{order['payment']['intent_id']}/succeed")
    assert response.status_code == 200, response.text
    receipt: dict[str, Any] = response.json()
    return receipt
