"""OpenAPI descriptions of the error bodies, so every route documents what can go wrong."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field

from backend_shared.errors import PROBLEM_JSON


class FieldErrorOut(BaseModel):
    loc: list[str | int] = Field(examples=[["body", "title"]])
    msg: str = Field(examples=["String should have at least 1 character"])
    type: str = Field(examples=["string_too_short"])


class ProblemDetail(BaseModel):
    """RFC 9457 problem details, the body of every error response."""

    type: str = Field(examples=["https://httpstatuses.io/404"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["Task not found"])
    instance: str = Field(examples=["/tasks/665f1c2ab1e4c2a1d3f0e9b7"])
    request_id: str | None = Field(default=None, examples=["8c1d0f3e2b9a4c7d"])
    errors: list[FieldErrorOut] | None = None


_DETAILS = {
    400: "The request cannot be processed",
    401: "Not authenticated",
    403: "You do not have permission to do this",
    404: "Not found",
    409: "Conflict with the current state",
    413: "The request body is too large",
    422: "The request is invalid; see errors for each field",
    429: "Too many attempts; retry in 60 seconds",
    503: "A backend does not answer",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status with the problem+json model and an example."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        example: dict[str, Any] = {
            "type": f"https://httpstatuses.io/{status}",
            "title": HTTPStatus(status).phrase,
            "status": status,
            "detail": _DETAILS.get(status, HTTPStatus(status).phrase),
            "instance": "/path",
        }
        if status == 422:
            example["errors"] = [
                {"loc": ["body", "title"], "msg": "Field required", "type": "missing"}
            ]
        responses[status] = {
            "model": ProblemDetail,
            "description": _DETAILS.get(status, HTTPStatus(status).phrase),
            "content": {PROBLEM_JSON: {"example": example}},
        }
    return responses
