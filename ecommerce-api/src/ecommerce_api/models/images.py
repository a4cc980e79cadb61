"""Product images: what is stored about one, and what a client sees."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StoredImage(BaseModel):
    id: str  # hex; the server chose it, and the storage keys derive from it
    key: str
    thumbnail_key: str
    width: int
    height: int
    content_type: str


class ImagePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "0f5c2a9e4b7d4c1e8a3b6d9f2e5c8a1b",
                "url": "/media/products/665f1c2ab1e4c2a1d3f0e9b7/0f5c2a9e4b7d.webp",
                "thumbnail_url": "/media/products/665f1c2ab1e4c2a1d3f0e9b7/0f5c2a9e4b7d-thumb.webp",
                "width": 1200,
                "height": 800,
                "content_type": "image/webp",
            }
        }
    )

    id: str
    url: str
    thumbnail_url: str
    width: int = Field(description="Pixels")
    height: int = Field(description="Pixels")
    content_type: str

    @classmethod
    def from_stored(cls, image: StoredImage, *, media_url: str) -> ImagePublic:
        return cls(
            id=image.id,
            url=f"{media_url}/{image.key}",
            thumbnail_url=f"{media_url}/{image.thumbnail_key}",
            width=image.width,
            height=image.height,
            content_type=image.content_type,
        )
