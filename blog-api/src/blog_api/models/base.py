"""RealWorld speaks camelCase (`tagList`, `favoritesCount`); Python speaks snake_case.
These bases translate at the edge so the rest of the code uses Python names."""

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from backend_shared.models import StrictModel


class RequestBody(StrictModel):
    """A request body: camelCase names only, and unknown fields are a 422."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel)


class ResponseBody(BaseModel):
    """A response body: built with Python names, written in camelCase."""

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True
    )
