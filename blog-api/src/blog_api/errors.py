"""RealWorld's error body, `{"errors": {"<field>": ["<message>"]}}`, in the two places it
shows: the renderer the shared error handlers call for every failure, and the OpenAPI
descriptions of those failures.

Services raise the shared domain errors with the RealWorld field and message, e.g.
`NotFound("not found", field="article")`; this module only chooses the format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from backend_shared.errors import FieldError, Problem

BLANK = "can't be blank"
TAKEN = "has already been taken"
NOT_FOUND = "not found"
FORBIDDEN = "forbidden"

# Pydantic's own messages for these are worded for developers; RealWorld words them like
# the rest. The validators in models/fields.py already raise RealWorld wording.
_MESSAGES = {
    "missing": BLANK,
    "extra_forbidden": "is not a known field",
    "json_invalid": "is not valid JSON",
}
# Where a value came from; a location starts with one: ("body", "article", "title").
_SOURCES = frozenset({"body", "query", "path", "header", "cookie"})


def _field_name(loc: tuple[str | int, ...]) -> str:
    """The innermost field name: ("body", "article", "tagList", 0) is about "tagList", and
    ("body",) alone, a body that is not JSON, about "body"."""
    inner = loc[1:] if loc and loc[0] in _SOURCES else loc
    names = [part for part in inner if isinstance(part, str)]
    if names:
        return names[-1]
    return str(loc[0]) if loc else "request"


def _validation_errors(errors: Sequence[FieldError]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for error in errors:
        message = _MESSAGES.get(error.type, error.msg)
        grouped.setdefault(_field_name(error.loc), []).append(message)
    return grouped


def render_realworld_errors(problem: Problem) -> Response:
    """The shared handlers' `ErrorRenderer` for blog-api: one RealWorld body per failure."""
    if problem.errors:
        errors = _validation_errors(problem.errors)
    else:
        errors = {problem.field or "request": [problem.detail]}
    return JSONResponse({"errors": errors}, status_code=problem.status, headers=problem.headers)


class GenericErrorModel(BaseModel):
    """Every error: each offending field with what is wrong with it."""

    errors: dict[str, list[str]] = Field(examples=[{"title": [BLANK]}])


_DESCRIPTIONS = {
    400: "The body cannot be read",
    401: "Not authenticated: the token (for a login, the credentials) is missing or invalid",
    403: "Only the author may do this",
    404: "Not found",
    409: "Already taken",
    413: "The body is too large",
    422: "The request is invalid; each field says why",
    429: "Too many failed attempts; retry later",
    503: "A backend this needs is briefly unavailable; retry shortly",
}


def error_responses(
    *statuses: int,
    resource: str = "article",
    invalid: str = "title",
    unauthorized: tuple[str, str] = ("token", "is missing"),
) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status with the RealWorld error model and an example
    naming `resource` (for 403 and 404), the `invalid` field (for 422), or what was
    `unauthorized` (for 401: the token, or a login's credentials)."""
    examples: Mapping[int, tuple[str, str]] = {
        400: ("request", "There was an error parsing the body"),
        401: unauthorized,
        403: (resource, FORBIDDEN),
        404: (resource, NOT_FOUND),
        409: ("username", TAKEN),
        413: ("request", "The request body is larger than 1000000 bytes"),
        422: (invalid, BLANK),
        429: ("request", "Too many attempts; retry in 60 seconds"),
        503: ("request", "Log-in is briefly unavailable; try again"),
    }
    return {
        status: {
            "model": GenericErrorModel,
            "description": _DESCRIPTIONS[status],
            "content": {
                "application/json": {
                    "example": {"errors": {examples[status][0]: [examples[status][1]]}}
                }
            },
        }
        for status in statuses
    }
