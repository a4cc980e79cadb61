"""crud-api's dependencies: the signed-in account and the task the path names, chained
so that every route that takes a `task_id` gets ownership checked in one place."""

from __future__ import annotations

from typing import Annotated, Any

from backend_shared.auth.dependencies import CurrentUser
from backend_shared.deps import DbDep
from backend_shared.errors import Unauthorized
from backend_shared.ids import parse_object_id
from bson import ObjectId
from fastapi import Depends, Path

from crud_api.services import tasks, users


def current_owner_id(principal: CurrentUser) -> ObjectId:
    owner_id = parse_object_id(principal.id)
    if owner_id is None:  # a valid signature on a subject this service never issued
        raise Unauthorized("The access token is invalid")
    return owner_id


OwnerId = Annotated[ObjectId, Depends(current_owner_id)]


async def get_current_account(owner_id: OwnerId, db: DbDep) -> dict[str, Any]:
    user = await users.get_user(db=db, user_id=owner_id)
    if user is None:
        raise Unauthorized("The account no longer exists")
    return user


CurrentAccount = Annotated[dict[str, Any], Depends(get_current_account)]

TaskIdPath = Annotated[
    str, Path(description="The task's id", examples=["665f1c2ab1e4c2a1d3f0e9b7"])
]


async def valid_owned_task(task_id: TaskIdPath, owner_id: OwnerId, db: DbDep) -> dict[str, Any]:
    return await tasks.get_owned_task(db=db, owner_id=owner_id, task_id=task_id)


OwnedTask = Annotated[dict[str, Any], Depends(valid_owned_task)]
