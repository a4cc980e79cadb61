"""Query strings parsed without FastAPI's per-parameter machinery, for the hottest read.

FastAPI validates each declared query parameter on every request; for GET /products that
was a third of the time the whole request took when its page came from the cache (see
bench/README.md). Here the query string is validated once into a frozen model, remembered
(a query string asked for again is not parsed again), and documented in OpenAPI from the
same model, so the docs and the validation cannot drift apart.

candidate for shared: any hot, cached GET with several query parameters."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def _inline(schema: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        if "$ref" in schema:  # the definition, with what sits beside the $ref (a default)
            target = definitions[schema["$ref"].rsplit("/", 1)[-1]]
            siblings = {key: value for key, value in schema.items() if key != "$ref"}
            return _inline({**target, **siblings}, definitions)
        return {key: _inline(value, definitions) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inline(item, definitions) for item in schema]
    return schema


def openapi_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """`model`'s fields as OpenAPI query parameters (for a route's `openapi_extra`)."""
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    parameters = []
    for name, prop in schema["properties"].items():
        field_schema = _inline(prop, definitions)
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": False}
        if "description" in field_schema:
            parameter["description"] = field_schema.pop("description")
        parameter["schema"] = field_schema
        parameters.append(parameter)
    return parameters


class QueryParser:
    """Parses a raw query string into `model`; remembers the last `size` valid ones."""

    def __init__(self, model: type[M], size: int = 1024) -> None:
        self.model = model
        self._parse = lru_cache(maxsize=size)(self._validate)

    def _validate(self, raw: str) -> BaseModel:
        # The last value wins when a parameter repeats, as FastAPI does for single values.
        return self.model.model_validate(dict(parse_qsl(raw, keep_blank_values=True)))

    def __call__(self, raw: str) -> Any:
        try:
            return self._parse(raw)
        except ValidationError as exc:  # invalid ones are not remembered
            errors = [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
            raise RequestValidationError(errors) from None
