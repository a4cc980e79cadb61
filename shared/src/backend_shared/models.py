"""Base classes for what clients send: request bodies, query parameters, event payloads."""

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from backend_shared.text import check_text


class InputModel(BaseModel):
    """Input from a client: every string it holds, at any depth and dict keys included,
    is real Unicode. A lone surrogate is a 422 naming the field, never a 500 when the
    string reaches MongoDB, Redis, a password hash or the response."""

    @field_validator("*", mode="after")
    @classmethod
    def _encodable_text(cls, value: Any) -> Any:
        # After each field's own validation, so nested models have checked themselves
        # and the error names the innermost field.
        return check_text(value)


class StrictModel(InputModel):
    """A request body: unknown fields are a 422, never silently stored or ignored.

    This is what stops mass assignment (`{"owner_id": ...}`) and operator smuggling
    (`{"title": {"$ne": null}}` fails as "not a string")."""

    model_config = ConfigDict(extra="forbid")


class QueryModel(InputModel):
    """Query parameters read as one model (`Annotated[Filters, Query()]`); unknown ones are
    ignored, as HTTP clients expect."""
