"""The shared package's shape for five services: infrastructure a service opts into, body
limits per route, roles read from the account, and ids parsed in one place."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import pytest
from bson import ObjectId
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from backend_shared.accounts.dependencies import require_account_roles
from backend_shared.accounts.router import auth_router, users_router
from backend_shared.app import create_service_app
from backend_shared.ids import ObjectIdField, object_id_path
from backend_shared.settings import BaseServiceSettings, CoreSettings, RedisSettings
from backend_shared.testing.accounts import signup_and_login
from backend_shared.testing.plugin import running_app

router = APIRouter(tags=["things"])
ThingId = Annotated[ObjectId, Depends(object_id_path("thing_id", resource="Thing"))]
Admin = Annotated[dict[str, Any], Depends(require_account_roles("admin"))]


@router.get("/things/{thing_id}")
async def read_thing(thing_id: ThingId) -> dict[str, str]:
    return {"id": str(thing_id), "type": type(thing_id).__name__}


@router.post("/uploads")
async def upload(request: Request) -> dict[str, int]:
    return {"size": len(await request.body())}


@router.post("/notes")
async def note(request: Request) -> dict[str, int]:
    return {"size": len(await request.body())}


@router.get("/admin/stats")
async def stats(admin: Admin) -> dict[str, str]:
    return {"admin": admin["email"]}


async def test_a_gateway_starts_with_neither_database_nor_redis() -> None:
    settings = CoreSettings(app_env="test", service_name="gateway", _env_file=None)
    app = create_service_app(
        settings, title="gateway", description="d", database=False, redis=False
    )
    async with running_app(app) as client:
        assert (await client.get("/health")).status_code == 200
        ready = await client.get("/ready")
    assert ready.json()["checks"] == {"mongodb": "not configured", "redis": "not configured"}


async def test_a_worker_starts_with_redis_only(redis_url: str) -> None:
    settings = RedisSettings(
        app_env="test", service_name="notifier", redis_url=redis_url, _env_file=None
    )
    app = create_service_app(settings, title="worker", description="d", database=False)
    async with running_app(app) as client:
        ready = await client.get("/ready")
    assert ready.json()["checks"] == {"mongodb": "not configured", "redis": "ok"}


def test_asking_for_a_backend_without_its_settings_refuses_to_start() -> None:
    settings = CoreSettings(app_env="test", _env_file=None)
    with pytest.raises(SystemExit, match="database=True needs settings"):
        create_service_app(settings, title="t", description="d")


async def test_refresh_tokens_exist_only_where_accounts_do(
    service_settings: dict[str, Any],
) -> None:
    without = create_service_app(
        BaseServiceSettings(**service_settings), title="t", description="d"
    )
    async with running_app(without):
        assert "refresh_tokens" not in await without.state.db.list_collection_names()
    with_accounts = create_service_app(
        BaseServiceSettings(**service_settings | {"mongodb_db": "other"}),
        title="t",
        description="d",
        accounts=True,
    )
    async with running_app(with_accounts):
        assert "refresh_tokens" in await with_accounts.state.db.list_collection_names()


@pytest.fixture
def app(service_settings: dict[str, Any]) -> Any:
    return create_service_app(
        BaseServiceSettings(**service_settings | {"max_body_bytes": 100}),
        title="t",
        description="d",
        routers=[auth_router, users_router, router],
        accounts=True,
        body_limits=[(r"^/uploads$", 10_000)],
    )


async def test_a_route_can_take_a_larger_body_than_the_rest(client: httpx.AsyncClient) -> None:
    assert (await client.post("/uploads", content=b"x" * 5_000)).json() == {"size": 5_000}
    assert (await client.post("/uploads", content=b"x" * 10_001)).status_code == 413
    assert (await client.post("/notes", content=b"x" * 101)).status_code == 413


async def test_a_malformed_id_is_the_same_404_as_a_missing_one(
    client: httpx.AsyncClient,
) -> None:
    found = await client.get("/things/665f1c2ab1e4c2a1d3f0e9b7")
    assert found.json() == {"id": "665f1c2ab1e4c2a1d3f0e9b7", "type": "ObjectId"}
    for bad in ("123", "1" * 24 + "0", "zz5f1c2ab1e4c2a1d3f0e9b7", "1" * 24 * 2):
        response = await client.get(f"/things/{bad}")
        assert response.status_code == 404
        assert response.json()["detail"] == "Thing not found"


async def test_a_demoted_admin_loses_access_on_the_next_request(
    client: httpx.AsyncClient, app: Any
) -> None:
    user = await signup_and_login(client)
    assert (await client.get("/admin/stats", headers=user.headers)).status_code == 403
    await app.state.db["users"].update_one({"email": user.email}, {"$set": {"roles": ["admin"]}})
    assert (await client.get("/admin/stats", headers=user.headers)).status_code == 200
    await app.state.db["users"].update_one({"email": user.email}, {"$set": {"roles": ["user"]}})
    # The token still says nothing new; the account says "no longer admin".
    assert (await client.get("/admin/stats", headers=user.headers)).status_code == 403


def test_an_object_id_field_holds_an_object_id_and_writes_a_string() -> None:
    class Stored(BaseModel):
        owner_id: ObjectIdField

    stored = Stored.model_validate({"owner_id": "665f1c2ab1e4c2a1d3f0e9b7"})
    assert isinstance(stored.owner_id, ObjectId)
    assert stored.model_dump()["owner_id"] == ObjectId("665f1c2ab1e4c2a1d3f0e9b7")
    assert stored.model_dump(mode="json") == {"owner_id": "665f1c2ab1e4c2a1d3f0e9b7"}


def test_operation_ids_read_like_method_names(app: Any) -> None:
    operations = {
        operation["operationId"]
        for path in app.openapi()["paths"].values()
        for operation in path.values()
    }
    assert {"things-read_thing", "auth-login", "users-read_me", "health-health"} <= operations
