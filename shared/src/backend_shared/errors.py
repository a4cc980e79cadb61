"""Domain errors and the handlers that turn every failure into one error body format.

Services raise `NotFound`, `Conflict`, ... and never know about HTTP. The handlers render
RFC 9457 `application/problem+json` by default; a project that must speak another format
(blog-api speaks RealWorld's `{"errors": {...}}`) passes its own `ErrorRenderer` to
`install_error_handlers`, the one place the format is chosen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend_shared.logs import request_id_var

logger = logging.getLogger("backend_shared.errors")

PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    """A failure the client caused or may retry; rendered with `status` and `detail`."""

    status: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        field: str | None = None,
    ) -> None:
        self.detail = detail or HTTPStatus(self.status).phrase
        self.headers = headers or {}
        # The input field the error is about, when there is one (blog-api names it).
        self.field = field
        super().__init__(self.detail)


class BadRequest(AppError):
    status, code = 400, "bad_request"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class Unprocessable(AppError):
    status, code = 422, "unprocessable"


class RateLimited(AppError):
    status, code = 429, "rate_limited"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(
            detail or f"Too many attempts; retry in {self.retry_after} seconds",
            headers={"Retry-After": str(self.retry_after)},
        )


class ServiceUnavailable(AppError):
    """A backend this request needs is down; the client may retry shortly."""

    status, code = 503, "unavailable"


@dataclass(frozen=True, slots=True)
class FieldError:
    loc: tuple[str | int, ...]
    msg: str
    type: str


@dataclass(frozen=True, slots=True)
class Problem:
    """Everything a renderer needs to know about one failed request."""

    status: int
    detail: str
    code: str
    instance: str
    field: str | None = None
    errors: Sequence[FieldError] = ()
    headers: dict[str, str] = dataclass_field(default_factory=dict)

    @property
    def title(self) -> str:
        return HTTPStatus(self.status).phrase


ErrorRenderer = Callable[[Problem], Response]


def render_problem_json(problem: Problem) -> Response:
    """RFC 9457: type, title, status, detail, instance (+ errors for validation)."""
    body: dict[str, Any] = {
        "type": f"https://httpstatuses.io/{problem.status}",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": problem.instance,
    }
    if problem.errors:
        body["errors"] = [
            {"loc": list(error.loc), "msg": error.msg, "type": error.type}
            for error in problem.errors
        ]
    request_id = request_id_var.get()
    if request_id is not None:
        body["request_id"] = request_id
    return JSONResponse(
        body, status_code=problem.status, headers=problem.headers, media_type=PROBLEM_JSON
    )


def field_errors(exc: RequestValidationError) -> list[FieldError]:
    errors = []
    for error in exc.errors():
        # The "body" prefix says where, not what; keep it so query and path errors differ.
        errors.append(
            FieldError(loc=tuple(error["loc"]), msg=str(error["msg"]), type=str(error["type"]))
        )
    return errors


def get_renderer(app: Any) -> ErrorRenderer:
    renderer: ErrorRenderer = getattr(app.state, "error_renderer", render_problem_json)
    return renderer


def install_error_handlers(app: FastAPI, renderer: ErrorRenderer = render_problem_json) -> None:
    """Route every error through `renderer`; the one place a project picks its format."""
    app.state.error_renderer = renderer

    async def on_app_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AppError)
        return renderer(
            Problem(
                status=exc.status,
                detail=exc.detail,
                code=exc.code,
                instance=request.url.path,
                field=exc.field,
                headers=exc.headers,
            )
        )

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return renderer(
            Problem(
                status=exc.status_code,
                detail=str(exc.detail),
                code=HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_"),
                instance=request.url.path,
                headers=dict(exc.headers or {}),
            )
        )

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return renderer(
            Problem(
                status=422,
                detail="The request is invalid; see errors for each field",
                code="validation_error",
                instance=request.url.path,
                errors=field_errors(exc),
            )
        )

    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)


def internal_error(path: str) -> Problem:
    return Problem(
        status=500,
        detail="An unexpected error occurred; it has been logged",
        code="internal_error",
        instance=path,
    )
