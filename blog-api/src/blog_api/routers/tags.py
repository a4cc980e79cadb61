"""The tags in use, most used first; cached, since every page of a front end asks."""

from __future__ import annotations

from fastapi import APIRouter, Response

from backend_shared.deps import DbDep
from blog_api.dependencies import CacheDep
from blog_api.models.articles import TagsEnvelope
from blog_api.responses import cacheable_json
from blog_api.services import listing
from blog_api.services.cache import TAGS

router = APIRouter(prefix="/api/tags", tags=["Tags"])


@router.get(
    "",
    response_model=TagsEnvelope,
    summary="Every tag in use, most used first",
    description="Cached; `X-Cache` says HIT or MISS.",
    operation_id="GetTags",
)
async def list_tags(db: DbDep, cache: CacheDep) -> Response:
    async def load() -> TagsEnvelope:
        return await listing.list_tags(db=db)

    return await cacheable_json(cache=cache, scope=TAGS, variant="all", viewer_id=None, load=load)
