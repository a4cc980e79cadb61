"""crud-api's dependencies: the task the path names, checked against its owner in one
place, so every route that takes a `task_id` reuses the same rule. A malformed id is the
shared `object_id_path`'s 404, the same as a task that is not there."""

from __future__ import annotations

from typing import Annotated, Any

from bson import ObjectId
from fastapi import Depends

from backend_shared.accounts.dependencies import CurrentUserId
from backend_shared.deps import DbDep
from backend_shared.ids import object_id_path
from crud_api.services import tasks

TaskId = Annotated[ObjectId, Depends(object_id_path("task_id", resource="Task"))]


async def valid_owned_task(task_id: TaskId, owner_id: CurrentUserId, db: DbDep) -> dict[str, Any]:
    return await tasks.get_owned_task(db=db, owner_id=owner_id, task_id=task_id)


OwnedTask = Annotated[dict[str, Any], Depends(valid_owned_task)]
