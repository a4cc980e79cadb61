"""crud-api's dependencies: the task the path names, checked against its owner in one
place, so every route that takes a `task_id` reuses the same rule."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path

from backend_shared.accounts.dependencies import CurrentUserId
from backend_shared.deps import DbDep
from crud_api.services import tasks

TaskIdPath = Annotated[
    str, Path(description="The task's id", examples=["665f1c2ab1e4c2a1d3f0e9b7"])
]


async def valid_owned_task(
    task_id: TaskIdPath, owner_id: CurrentUserId, db: DbDep
) -> dict[str, Any]:
    return await tasks.get_owned_task(db=db, owner_id=owner_id, task_id=task_id)


OwnedTask = Annotated[dict[str, Any], Depends(valid_owned_task)]
