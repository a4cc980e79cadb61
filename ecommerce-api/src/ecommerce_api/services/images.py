"""Product images, made safe before anything is stored:

- the type is judged by content (magic bytes, then the decoder), never by the file name or
  the declared Content-Type: a text file named .png is refused;
- the pixel count is checked from the header before decoding, so a small file that
  inflates into gigabytes (a decompression bomb) is refused without being decoded;
- the image is fully decoded (a truncated file fails here), turned upright by its EXIF
  orientation, then re-encoded to WebP without any metadata: EXIF, GPS position and
  camera serial numbers are gone, and so is anything hidden in the original bytes;
- the server chooses every storage key: products/<product_id>/<random>.webp.
Decoding is CPU work, so it runs in a worker thread."""

from __future__ import annotations

import asyncio
import io
import secrets
import warnings
from dataclasses import dataclass

import filetype  # type: ignore[import-untyped]  # no type hints published
from bson import ObjectId
from PIL import Image, ImageOps, UnidentifiedImageError

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import NotFound, Unprocessable
from ecommerce_api.models.images import StoredImage
from ecommerce_api.models.products import ProductDoc
from ecommerce_api.services import audit
from ecommerce_api.services.collections import PRODUCTS
from ecommerce_api.services.storage import MediaStore
from ecommerce_api.uploads import UnsupportedMediaType

ACCEPTED = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
WEBP = "image/webp"
MAX_IMAGES_PER_PRODUCT = 20


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    full: bytes
    thumbnail: bytes
    width: int
    height: int


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif=, icc_profile= or xmp=: the new file carries pixels and nothing else.
    image.save(out, "WEBP", quality=85, method=4)
    return out.getvalue()


def process_image(data: bytes, *, max_pixels: int, thumbnail_size: int) -> ProcessedImage:
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ACCEPTED:
        raise UnsupportedMediaType("Only JPEG, PNG and WebP images are accepted")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[ACCEPTED[kind.mime]])
            width, height = image.size
            if width * height > max_pixels:
                raise Unprocessable(f"The image has more than {max_pixels} pixels")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Unprocessable(f"The image has more than {max_pixels} pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise Unprocessable("The image is damaged or truncated") from None
    upright = ImageOps.exif_transpose(image)
    mode = (
        "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info else "RGB"
    )
    clean = upright.convert(mode)
    thumbnail = clean.copy()
    thumbnail.thumbnail((thumbnail_size, thumbnail_size))
    return ProcessedImage(
        full=_encode(clean), thumbnail=_encode(thumbnail), width=clean.width, height=clean.height
    )


async def add_image(
    *,
    db: Database,
    store: MediaStore,
    admin_id: ObjectId,
    product: ProductDoc,
    data: bytes,
    max_pixels: int,
    thumbnail_size: int,
) -> StoredImage:
    processed = await asyncio.to_thread(
        process_image, data, max_pixels=max_pixels, thumbnail_size=thumbnail_size
    )
    image_id = secrets.token_hex(16)
    image = StoredImage(
        id=image_id,
        key=f"products/{product.id}/{image_id}.webp",
        thumbnail_key=f"products/{product.id}/{image_id}-thumb.webp",
        width=processed.width,
        height=processed.height,
        content_type=WEBP,
    )
    await store.put(image.key, processed.full, content_type=WEBP)
    await store.put(image.thumbnail_key, processed.thumbnail, content_type=WEBP)
    result = await db[PRODUCTS].update_one(
        {
            "_id": product.id,
            "archived": False,
            f"images.{MAX_IMAGES_PER_PRODUCT - 1}": {"$exists": False},
        },
        {"$push": {"images": image.model_dump()}, "$set": {"updated_at": utcnow()}},
    )
    if result.modified_count == 0:
        await _delete_files(store, image)
        raise Unprocessable(f"A product has at most {MAX_IMAGES_PER_PRODUCT} images")
    await audit.record(
        db=db,
        actor_id=admin_id,
        action="product.image_added",
        target_type="product",
        target_id=str(product.id),
        details={"image_id": image_id, "width": image.width, "height": image.height},
    )
    return image


async def _delete_files(store: MediaStore, image: StoredImage) -> None:
    await store.delete(image.key)
    await store.delete(image.thumbnail_key)


async def delete_image(
    *, db: Database, store: MediaStore, admin_id: ObjectId, product: ProductDoc, image_id: str
) -> None:
    image = next((image for image in product.images if image.id == image_id), None)
    if image is None:
        raise NotFound("Image not found")
    result = await db[PRODUCTS].update_one(
        {"_id": product.id, "images.id": image_id},
        {"$pull": {"images": {"id": image_id}}, "$set": {"updated_at": utcnow()}},
    )
    if result.modified_count == 0:
        raise NotFound("Image not found")
    await _delete_files(store, image)
    await audit.record(
        db=db,
        actor_id=admin_id,
        action="product.image_deleted",
        target_type="product",
        target_id=str(product.id),
        details={"image_id": image_id},
    )
