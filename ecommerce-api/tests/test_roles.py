"""Roles: new accounts are customers, the admin is bootstrapped from the settings, admin
routes read the role from the account on every request."""

from __future__ import annotations

from typing import Any

import httpx

from backend_shared.testing.factories import access_token_for, bearer
from ecommerce_api.services import users

from .utils import ADMIN_EMAIL, ADMIN_PASSWORD, User, login


async def test_a_new_account_is_a_customer(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    response = await client.get("/admin/users", headers=admin.headers, params={"role": "customer"})
    assert response.status_code == 200
    [listed] = [user for user in response.json()["items"] if user["id"] == alice.id]
    assert listed["role"] == "customer"
    assert listed["email"] == alice.email
    assert "password_hash" not in listed


async def test_the_admin_is_bootstrapped_from_the_settings(
    client: httpx.AsyncClient, admin: User
) -> None:
    response = await client.get("/admin/users", headers=admin.headers, params={"role": "admin"})
    assert [user["email"] for user in response.json()["items"]] == [ADMIN_EMAIL]


async def test_a_restart_does_not_bootstrap_the_admin_twice_or_reset_it(
    client: httpx.AsyncClient, app: Any, admin: User
) -> None:
    await client.patch("/users/me", headers=admin.headers, json={"display_name": "Boss"})
    # What the next start-up does, with ADMIN_PASSWORD changed in the environment since:
    await users.bootstrap_admin(db=app.state.db, email=ADMIN_EMAIL, password="another-password")

    response = await client.get("/admin/users", headers=admin.headers, params={"role": "admin"})
    [only] = response.json()["items"]
    assert only["display_name"] == "Boss"
    assert (await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)).id == admin.id


async def test_a_customer_gets_403_and_anonymous_gets_401_on_admin_routes(
    client: httpx.AsyncClient, alice: User
) -> None:
    for method, path, body in [
        ("GET", "/admin/users", None),
        ("PATCH", f"/admin/users/{alice.id}", {"role": "admin"}),
        ("GET", "/admin/audit", None),
        ("GET", "/admin/inventory", None),
        ("POST", "/products", {"name": "x"}),
    ]:
        as_customer = await client.request(method, path, headers=alice.headers, json=body)
        assert as_customer.status_code == 403, (method, path, as_customer.text)
        assert as_customer.headers["content-type"] == "application/problem+json"
        anonymous = await client.request(method, path, json=body)
        assert anonymous.status_code == 401, (method, path, anonymous.text)


async def test_a_customer_with_a_forged_admin_role_in_a_valid_token_is_still_403(
    client: httpx.AsyncClient, app: Any, alice: User
) -> None:
    # A token that says "admin" (as an old token of a demoted admin would) is not enough.
    token = access_token_for(app, alice.id, roles=frozenset({"admin"}))
    response = await client.get("/admin/users", headers=bearer(token))
    assert response.status_code == 403


async def test_an_admin_promotes_a_customer_who_then_reaches_admin_routes(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    response = await client.patch(
        f"/admin/users/{alice.id}", headers=admin.headers, json={"role": "admin"}
    )
    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    # The same token as before: the role is read from the account, not from the token.
    assert (await client.get("/admin/users", headers=alice.headers)).status_code == 200


async def test_a_demoted_admin_loses_access_at_once(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    await client.patch(f"/admin/users/{alice.id}", headers=admin.headers, json={"role": "admin"})
    alice_as_admin = await login(client, alice.email)  # a fresh token that says "admin"
    assert (await client.get("/admin/users", headers=alice_as_admin.headers)).status_code == 200

    demoted = await client.patch(
        f"/admin/users/{alice.id}", headers=admin.headers, json={"role": "customer"}
    )
    assert demoted.status_code == 200
    response = await client.get("/admin/users", headers=alice_as_admin.headers)
    assert response.status_code == 403


async def test_an_admin_cannot_change_their_own_role(
    client: httpx.AsyncClient, admin: User
) -> None:
    response = await client.patch(
        f"/admin/users/{admin.id}", headers=admin.headers, json={"role": "customer"}
    )
    assert response.status_code == 409
    assert (await client.get("/admin/users", headers=admin.headers)).status_code == 200


async def test_role_changes_are_validated_and_unknown_users_are_404(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    bad_role = await client.patch(
        f"/admin/users/{alice.id}", headers=admin.headers, json={"role": "owner"}
    )
    assert bad_role.status_code == 422
    for user_id in ["665f1c2ab1e4c2a1d3f0e9b7", "not-an-id"]:
        response = await client.patch(
            f"/admin/users/{user_id}", headers=admin.headers, json={"role": "admin"}
        )
        assert response.status_code == 404


async def test_role_changes_are_in_the_audit_log(
    client: httpx.AsyncClient, admin: User, alice: User
) -> None:
    await client.patch(f"/admin/users/{alice.id}", headers=admin.headers, json={"role": "admin"})
    response = await client.get(
        "/admin/audit", headers=admin.headers, params={"action": "user.role_changed"}
    )
    [entry] = response.json()["items"]
    assert entry["actor_id"] == admin.id
    assert entry["target_id"] == alice.id
    assert entry["details"] == {"role": "admin"}
