"""Tasks CRUD for the signed-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from backend_shared.accounts.dependencies import CurrentUserId
from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from crud_api.dependencies import OwnedTask
from crud_api.models.tasks import (
    TaskCreate,
    TaskListQuery,
    TaskPublic,
    TasksPage,
    TaskUpdate,
    tasks_page,
)
from crud_api.services import tasks

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a task",
    responses=error_responses(401, 422),
)
async def create_task(data: TaskCreate, owner_id: CurrentUserId, db: DbDep) -> TaskPublic:
    return TaskPublic.from_doc(await tasks.create_task(db=db, owner_id=owner_id, data=data))


@router.get("", summary="List my tasks", responses=error_responses(401, 422))
async def list_tasks(
    owner_id: CurrentUserId, db: DbDep, query: Annotated[TaskListQuery, Query()]
) -> TasksPage:
    items, total = await tasks.list_tasks(db=db, owner_id=owner_id, filters=query, page=query)
    return tasks_page(items, total=total, page=query)


@router.get("/{task_id}", summary="One of my tasks", responses=error_responses(401, 404))
async def read_task(task: OwnedTask) -> TaskPublic:
    return TaskPublic.from_doc(task)


@router.patch(
    "/{task_id}",
    summary="Change some fields of a task",
    responses=error_responses(401, 404, 422),
)
async def update_task(task: OwnedTask, data: TaskUpdate, db: DbDep) -> TaskPublic:
    return TaskPublic.from_doc(await tasks.update_task(db=db, task=task, data=data))


@router.delete(
    "/{task_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a task",
    responses=error_responses(401, 404),
)
async def delete_task(task: OwnedTask, db: DbDep) -> None:
    await tasks.delete_task(db=db, task=task)
