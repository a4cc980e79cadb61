"""The catalogue: admins create and change products; customers browse active ones."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from backend_shared.testing.concurrency import release_together

from .utils import User, create_product, money, new_sku


async def test_an_admin_creates_a_product_that_anyone_can_read(
    client: httpx.AsyncClient, admin: User
) -> None:
    sku = new_sku("MUG")
    product = await create_product(client, admin, name="Enamel Mug", sku=sku, price=1299, stock=7)
    assert product["slug"] == "enamel-mug"
    assert product["active"] is True
    assert product["images"] == []
    assert product["variants"] == [
        {"sku": sku, "title": "Blue", "price": {"amount": 1299, "currency": "EUR"}, "available": 7}
    ]
    response = await client.get(f"/products/{product['id']}")
    assert response.status_code == 200
    assert response.json() == product


async def test_creating_a_product_needs_the_admin_role(
    client: httpx.AsyncClient, alice: User
) -> None:
    body = {
        "name": "Mug",
        "category": "kitchen",
        "variants": [{"sku": new_sku(), "title": "Blue", "price": money(100), "stock": 1}],
    }
    assert (await client.post("/products", json=body)).status_code == 401
    assert (await client.post("/products", json=body, headers=alice.headers)).status_code == 403
    assert (await client.get("/products")).json()["total"] == 0


async def test_prices_are_integers_in_the_store_currency(
    client: httpx.AsyncClient, admin: User
) -> None:
    for price in [{"amount": 12.99, "currency": "EUR"}, {"amount": "1299", "currency": "EUR"},
                  {"amount": -1, "currency": "EUR"}, {"amount": 1299, "currency": "eur"},
                  {"amount": 1299, "currency": "USD"}, 1299]:  # fmt: skip
        response = await client.post(
            "/products",
            headers=admin.headers,
            json={
                "name": "Mug",
                "category": "kitchen",
                "variants": [{"sku": new_sku(), "title": "Blue", "price": price, "stock": 1}],
            },
        )
        assert response.status_code == 422, (price, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_sku_exists_once(client: httpx.AsyncClient, admin: User) -> None:
    sku = new_sku()
    await create_product(client, admin, sku=sku)
    response = await client.post(
        "/products",
        headers=admin.headers,
        json={
            "name": "Other",
            "category": "kitchen",
            "variants": [
                {"sku": new_sku(), "title": "A", "price": money(100), "stock": 1},
                {"sku": sku, "title": "B", "price": money(100), "stock": 1},
            ],
        },
    )
    assert response.status_code == 409
    assert sku in response.json()["detail"]
    # Nothing of the refused product is left behind.
    assert (await client.get("/products")).json()["total"] == 1


async def test_two_admins_creating_the_same_sku_at_once_make_one_product(
    client: httpx.AsyncClient, admin: User
) -> None:
    sku = new_sku()
    body = {
        "name": "Mug",
        "category": "kitchen",
        "variants": [{"sku": sku, "title": "Blue", "price": money(100), "stock": 1}],
    }

    async def create() -> int:
        return (await client.post("/products", headers=admin.headers, json=body)).status_code

    statuses = await release_together([create] * 10)
    assert sorted(statuses) == [201] + [409] * 9
    assert (await client.get("/products")).json()["total"] == 1


async def test_a_sku_twice_in_one_product_is_invalid(
    client: httpx.AsyncClient, admin: User
) -> None:
    sku = new_sku()
    variant = {"sku": sku, "title": "Blue", "price": money(100), "stock": 1}
    response = await client.post(
        "/products",
        headers=admin.headers,
        json={"name": "Mug", "category": "kitchen", "variants": [variant, variant]},
    )
    assert response.status_code == 422


async def test_unknown_fields_are_refused(client: httpx.AsyncClient, admin: User) -> None:
    product = await create_product(client, admin)
    response = await client.patch(
        f"/products/{product['id']}", headers=admin.headers, json={"slug": "mine"}
    )
    assert response.status_code == 422


async def test_an_admin_changes_a_variant_price_and_the_name(
    client: httpx.AsyncClient, admin: User
) -> None:
    sku = new_sku()
    product = await create_product(client, admin, sku=sku, price=1299)
    response = await client.patch(
        f"/products/{product['id']}",
        headers=admin.headers,
        json={"name": "Big mug", "variants": [{"sku": sku, "price": money(1499)}]},
    )
    assert response.status_code == 200
    changed = response.json()
    assert changed["name"] == "Big mug"
    assert changed["variants"][0]["price"] == {"amount": 1499, "currency": "EUR"}
    assert changed["slug"] == product["slug"]  # links keep working
    assert (await client.get(f"/products/{product['id']}")).json() == changed


async def test_patching_a_variant_of_another_product_is_invalid(
    client: httpx.AsyncClient, admin: User
) -> None:
    mine = await create_product(client, admin)
    other_sku = new_sku()
    await create_product(client, admin, sku=other_sku)
    response = await client.patch(
        f"/products/{mine['id']}",
        headers=admin.headers,
        json={"variants": [{"sku": other_sku, "price": money(1)}]},
    )
    assert response.status_code == 422


async def test_concurrent_price_changes_on_two_variants_both_stick(
    client: httpx.AsyncClient, admin: User
) -> None:
    skus = [new_sku() for _ in range(6)]
    product = await create_product(
        client,
        admin,
        variants=[{"sku": sku, "title": sku, "price": money(100), "stock": 1} for sku in skus],
    )

    def reprice(sku: str, amount: int) -> Callable[[], Awaitable[int]]:
        async def call() -> int:
            response = await client.patch(
                f"/products/{product['id']}",
                headers=admin.headers,
                json={"variants": [{"sku": sku, "price": money(amount)}]},
            )
            return response.status_code

        return call

    assert await release_together([reprice(sku, 200 + i) for i, sku in enumerate(skus)]) == [
        200
    ] * len(skus)
    variants = (await client.get(f"/products/{product['id']}")).json()["variants"]
    assert [variant["price"]["amount"] for variant in variants] == [200 + i for i in range(6)]


async def test_an_inactive_product_is_hidden_from_customers(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    product = await create_product(client, admin)
    response = await client.patch(
        f"/products/{product['id']}", headers=admin.headers, json={"active": False}
    )
    assert response.json()["active"] is False
    assert (
        await client.get(f"/products/{product['id']}", headers=alice.headers)
    ).status_code == 404
    assert (await client.get("/products")).json()["total"] == 0


async def test_archiving_removes_a_product_from_the_catalogue(
    client: httpx.AsyncClient, admin: User
) -> None:
    product = await create_product(client, admin)
    response = await client.delete(f"/products/{product['id']}", headers=admin.headers)
    assert response.status_code == 204
    assert (await client.get(f"/products/{product['id']}")).status_code == 404
    assert (await client.get("/products")).json()["items"] == []
    again = await client.delete(f"/products/{product['id']}", headers=admin.headers)
    assert again.status_code == 404


async def test_a_malformed_or_unknown_product_id_is_404(client: httpx.AsyncClient) -> None:
    for product_id in ["nope", "665f1c2ab1e4c2a1d3f0e9b7", "665F1C2AB1E4C2A1D3F0E9B7Z"]:
        response = await client.get(f"/products/{product_id}")
        assert response.status_code == 404
        assert response.json()["detail"] == "Product not found"


async def test_products_are_searched_filtered_and_sorted(
    client: httpx.AsyncClient, admin: User
) -> None:
    mug = await create_product(client, admin, name="Blue mug", category="kitchen", price=1200)
    pan = await create_product(
        client, admin, name="Frying pan", category="kitchen", price=3500,
        description="Cast iron, goes with any mug",
    )  # fmt: skip
    tent = await create_product(
        client, admin, name="Tent", category="outdoor", price=25000, stock=0
    )

    async def names(**params: object) -> list[str]:
        response = await client.get("/products", params=params)
        assert response.status_code == 200, response.text
        return [item["name"] for item in response.json()["items"]]

    assert await names(q="MUG", sort="name") == ["Blue mug", "Frying pan"]
    assert await names(category="outdoor") == ["Tent"]
    assert await names(min_price=1500, max_price=30000, sort="price") == ["Frying pan", "Tent"]
    assert await names(sort="-price") == ["Tent", "Frying pan", "Blue mug"]
    assert await names(sort="created_at") == ["Blue mug", "Frying pan", "Tent"]
    assert await names() == ["Tent", "Frying pan", "Blue mug"]
    assert await names(in_stock="true", sort="name") == ["Blue mug", "Frying pan"]
    page = (await client.get("/products", params={"limit": 2, "offset": 1, "sort": "name"})).json()
    assert [item["id"] for item in page["items"]] == [pan["id"], tent["id"]]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    assert mug["id"]


async def test_search_text_is_matched_literally(client: httpx.AsyncClient, admin: User) -> None:
    await create_product(client, admin, name="Mug (large)")
    await create_product(client, admin, name="Mugs")
    for q, expected in [("(large)", 1), (".*", 0), ("mug.", 0), ("(a+)+$", 0), ("[", 0)]:
        response = await client.get("/products", params={"q": q})
        assert response.status_code == 200
        assert response.json()["total"] == expected, q


async def test_bad_filters_are_422(client: httpx.AsyncClient) -> None:
    for params in [{"sort": "colour"}, {"min_price": -1}, {"min_price": "1.5"}, {"limit": 0},
                   {"limit": 101}, {"q": "x" * 101}]:  # fmt: skip
        response = await client.get("/products", params=params)
        assert response.status_code == 422, params


async def test_categories_count_active_products(client: httpx.AsyncClient, admin: User) -> None:
    await create_product(client, admin, category="kitchen")
    await create_product(client, admin, category="kitchen")
    hidden = await create_product(client, admin, category="garden")
    await client.patch(f"/products/{hidden['id']}", headers=admin.headers, json={"active": False})
    await create_product(client, admin, category="outdoor")
    response = await client.get("/categories")
    assert response.json() == {
        "items": [{"name": "kitchen", "products": 2}, {"name": "outdoor", "products": 1}]
    }


async def test_product_changes_are_audited(client: httpx.AsyncClient, admin: User) -> None:
    product = await create_product(client, admin)
    await client.patch(f"/products/{product['id']}", headers=admin.headers, json={"name": "New"})
    await client.delete(f"/products/{product['id']}", headers=admin.headers)
    response = await client.get("/admin/audit", headers=admin.headers)
    actions = [(entry["action"], entry["target_id"]) for entry in response.json()["items"]]
    assert actions == [
        ("product.archived", product["id"]),
        ("product.updated", product["id"]),
        ("product.created", product["id"]),
    ]
