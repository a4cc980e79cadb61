"""Tasks, always scoped by owner: every query carries `owner_id`, so another user's task
is indistinguishable from one that does not exist."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import NotFound
from backend_shared.pagination import PageParams
from crud_api.models.tasks import (
    PRIORITY_RANK,
    TaskCreate,
    TaskFilters,
    TaskPriority,
    TaskUpdate,
)

TASKS = "tasks"

_SORT_FIELDS = {"created_at": "created_at", "due_date": "due_date", "priority": "priority_rank"}


async def ensure_indexes(db: Database) -> None:
    await db[TASKS].create_index([("owner_id", ASCENDING), ("created_at", DESCENDING)])
    await db[TASKS].create_index([("owner_id", ASCENDING), ("due_date", ASCENDING)])
    await db[TASKS].create_index([("owner_id", ASCENDING), ("tags", ASCENDING)])


def _task_not_found() -> NotFound:
    return NotFound("Task not found")


async def create_task(*, db: Database, owner_id: ObjectId, data: TaskCreate) -> dict[str, Any]:
    now = utcnow()
    doc: dict[str, Any] = {
        **data.model_dump(),
        "owner_id": owner_id,
        "priority_rank": PRIORITY_RANK[data.priority],
        "created_at": now,
        "updated_at": now,
    }
    result = await db[TASKS].insert_one(doc)
    doc["_id"] = result.inserted_id
    return doc


async def get_owned_task(*, db: Database, owner_id: ObjectId, task_id: ObjectId) -> dict[str, Any]:
    """The task, if `owner_id` owns it; another user's task and a deleted task are the same
    404 (and so is a malformed id, refused before it gets here)."""
    task = await db[TASKS].find_one({"_id": task_id, "owner_id": owner_id})
    if task is None:
        raise _task_not_found()
    return task


def _query(owner_id: ObjectId, filters: TaskFilters) -> dict[str, Any]:
    query: dict[str, Any] = {"owner_id": owner_id}
    if filters.status is not None:
        query["status"] = filters.status.value
    if filters.priority is not None:
        query["priority"] = filters.priority.value
    if filters.tag is not None:
        query["tags"] = filters.tag
    due: dict[str, Any] = {}
    if filters.due_before is not None:
        due["$lt"] = filters.due_before
    if filters.due_after is not None:
        due["$gt"] = filters.due_after
    if due:
        query["due_date"] = due
    if filters.search:
        # Escaped: the search text is matched literally, never run as a pattern.
        query["title"] = {"$regex": re.escape(filters.search), "$options": "i"}
    return query


async def list_tasks(
    *, db: Database, owner_id: ObjectId, filters: TaskFilters, page: PageParams
) -> tuple[list[dict[str, Any]], int]:
    query = _query(owner_id, filters)
    field = filters.sort.value.lstrip("-")
    direction = DESCENDING if filters.sort.value.startswith("-") else ASCENDING
    # _id breaks ties, so pages never overlap or skip when sort values are equal.
    cursor = (
        db[TASKS]
        .find(query)
        .sort([(_SORT_FIELDS[field], direction), ("_id", direction)])
        .skip(page.offset)
        .limit(page.limit)
    )
    # Two independent reads, sent together: one round trip's wait instead of two.
    items, total = await asyncio.gather(
        cursor.to_list(page.limit), db[TASKS].count_documents(query)
    )
    return items, total


async def update_task(*, db: Database, task: dict[str, Any], data: TaskUpdate) -> dict[str, Any]:
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return task
    if "priority" in changes:
        changes["priority_rank"] = PRIORITY_RANK[TaskPriority(changes["priority"])]
    changes["updated_at"] = utcnow()
    updated = await db[TASKS].find_one_and_update(
        {"_id": task["_id"], "owner_id": task["owner_id"]},
        {"$set": changes},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:  # deleted between the read and this write
        raise _task_not_found()
    return updated


async def delete_task(*, db: Database, task: dict[str, Any]) -> None:
    result = await db[TASKS].delete_one({"_id": task["_id"], "owner_id": task["owner_id"]})
    if result.deleted_count == 0:
        raise _task_not_found()
