"""Base classes for API schemas."""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A request body: unknown fields are a 422, never silently stored or ignored.

    This is what stops mass assignment (`{"owner_id": ...}`) and operator smuggling
    (`{"title": {"$ne": null}}` fails as "not a string")."""

    model_config = ConfigDict(extra="forbid")
