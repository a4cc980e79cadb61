"""Product images (admin uploads) and the media they are served from."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response, status

from backend_shared.deps import DbDep
from backend_shared.errors import NotFound
from backend_shared.openapi import error_responses
from ecommerce_api import flows
from ecommerce_api.dependencies import (
    AdminId,
    AdminProduct,
    CatalogueCacheDep,
    MediaStoreDep,
    SettingsDep,
)
from ecommerce_api.models.images import ImagePublic
from ecommerce_api.services import images
from ecommerce_api.services.products import MEDIA_URL
from ecommerce_api.uploads import read_one_file

router = APIRouter(prefix="/products/{product_id}/images", tags=["products"])
media_router = APIRouter(prefix=MEDIA_URL, tags=["media"])

UPLOAD_PATH = r"^/products/[^/]+/images$"

_MULTIPART_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A JPEG, PNG or WebP image",
                        }
                    },
                }
            }
        },
    }
}

ImageIdPath = Annotated[
    str, Path(max_length=64, description="The image's id", examples=["0f5c2a9e4b7d4c1e"])
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Upload an image of a product (admin)",
    description="One file in the multipart field `file`: JPEG, PNG or WebP judged by its "
    "content (415 otherwise), at most MAX_IMAGE_BYTES (413, refused while it streams in). "
    "Damaged, truncated or decompression-bomb images are 422. The image is stored "
    "re-encoded as WebP without EXIF or GPS metadata, with a thumbnail.",
    responses=error_responses(400, 401, 403, 404, 413, 415, 422, 503),
    openapi_extra=_MULTIPART_BODY,
)
async def upload_image(
    product: AdminProduct,
    admin_id: AdminId,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    store: MediaStoreDep,
    cache: CatalogueCacheDep,
) -> ImagePublic:
    data = await read_one_file(
        content_type=request.headers.get("content-type"),
        stream=request.stream(),
        max_bytes=settings.max_image_bytes,
    )
    image = await images.add_image(
        db=db,
        store=store,
        admin_id=admin_id,
        product=product,
        data=data,
        max_pixels=settings.max_image_pixels,
        thumbnail_size=settings.thumbnail_size,
    )
    flows.catalogue_changed(cache)
    return ImagePublic.from_stored(image, media_url=MEDIA_URL)


@router.delete(
    "/{image_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a product image (admin)",
    responses=error_responses(401, 403, 404, 422),
)
async def delete_image(
    product: AdminProduct,
    image_id: ImageIdPath,
    admin_id: AdminId,
    db: DbDep,
    store: MediaStoreDep,
    cache: CatalogueCacheDep,
) -> None:
    await images.delete_image(
        db=db, store=store, admin_id=admin_id, product=product, image_id=image_id
    )
    flows.catalogue_changed(cache)


@media_router.get(
    "/{key:path}",
    summary="An uploaded image or thumbnail",
    response_class=Response,
    responses={
        200: {
            "content": {"image/webp": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The WebP image",
        },
        **error_responses(404, 422),
    },
)
async def read_media(key: str, store: MediaStoreDep) -> Response:
    data = await store.get(key)
    if data is None:
        raise NotFound("Not found")
    return Response(
        data,
        media_type=images.WEBP,
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
