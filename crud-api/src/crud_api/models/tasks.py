"""Task schemas: what a client may send, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from backend_shared.clock import UtcDatetime
from backend_shared.ids import ObjectIdStr
from backend_shared.models import QueryModel, StrictModel
from backend_shared.pagination import Page, PageParams


class TaskStatus(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class TaskPriority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# Stored beside the priority so that sorting by it means low < medium < high.
PRIORITY_RANK = {TaskPriority.LOW: 0, TaskPriority.MEDIUM: 1, TaskPriority.HIGH: 2}


class TaskSort(StrEnum):
    CREATED_AT = "created_at"
    CREATED_AT_DESC = "-created_at"
    DUE_DATE = "due_date"
    DUE_DATE_DESC = "-due_date"
    PRIORITY = "priority"
    PRIORITY_DESC = "-priority"


def _unique_tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


Title = Annotated[str, Field(min_length=1, max_length=200, examples=["Write the report"])]
Description = Annotated[str, Field(max_length=5000, examples=["Two pages, with charts"])]
Tag = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^\S(.*\S)?$")]
Tags = Annotated[
    list[Tag], Field(max_length=20, examples=[["work", "q4"]]), AfterValidator(_unique_tags)
]


class TaskCreate(StrictModel):
    title: Title
    description: Description = ""
    status: TaskStatus = TaskStatus.TODO
    priority: TaskPriority = TaskPriority.MEDIUM
    due_date: UtcDatetime | None = Field(default=None, examples=["2026-12-01T17:00:00Z"])
    tags: Tags = Field(default_factory=list)


class TaskUpdate(StrictModel):
    """Only the fields sent are changed; `due_date: null` clears the due date."""

    title: Title | None = None
    description: Description | None = None
    status: TaskStatus | None = None
    priority: TaskPriority | None = None
    due_date: UtcDatetime | None = None
    tags: Tags | None = None

    @model_validator(mode="after")
    def _no_null_for_required_fields(self) -> TaskUpdate:
        for name in ("title", "description", "status", "priority", "tags"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class TaskPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "665f1c2ab1e4c2a1d3f0e9b7",
                "title": "Write the report",
                "description": "Two pages, with charts",
                "status": "todo",
                "priority": "high",
                "due_date": "2026-12-01T17:00:00Z",
                "tags": ["work", "q4"],
                "created_at": "2026-11-21T09:30:00Z",
                "updated_at": "2026-11-21T09:30:00Z",
            }
        }
    )

    id: ObjectIdStr = Field(validation_alias="_id")  # read from a stored task, written as `id`
    title: str
    description: str
    status: TaskStatus
    priority: TaskPriority
    due_date: datetime | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> TaskPublic:
        # The stored fields the schema does not name (owner_id, priority_rank) are ignored.
        return cls.model_validate(doc)


TasksPage = Page[TaskPublic]


def tasks_page(docs: list[dict[str, Any]], *, total: int, page: PageParams) -> TasksPage:
    """A page of stored tasks as the API shows them: validated in one call, not one per
    task (the list path's biggest cost after the database)."""
    return TasksPage.model_validate(
        {
            "items": docs,
            "total": total,
            "limit": page.limit,
            "offset": page.offset,
        }
    )


class TaskFilters(QueryModel):
    status: TaskStatus | None = None
    priority: TaskPriority | None = None
    # No stored tag is longer than a Tag may be; a longer one would only match nothing.
    tag: str | None = Field(default=None, max_length=30)
    due_before: UtcDatetime | None = None
    due_after: UtcDatetime | None = None
    # Matched as a MongoDB regular expression, which may not hold a NUL and has a size cap.
    search: str | None = Field(default=None, max_length=200, pattern=r"^[^\x00]*$")
    sort: TaskSort = TaskSort.CREATED_AT_DESC


class TaskListQuery(PageParams, TaskFilters):
    """`GET /tasks`'s whole query string, the filters and the page, read as one model."""
