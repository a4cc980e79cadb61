"""Where image bytes live: one obstore API over a local directory (the default, served at
/media/...) or an S3-compatible bucket (when S3_BUCKET is set). Keys are always chosen by
the server (services/images.py), never taken from a client."""

from __future__ import annotations

import logging
import re

import obstore
from obstore.exceptions import BaseError, NotFoundError
from obstore.store import LocalStore, S3Store

from backend_shared.errors import AppError
from ecommerce_api.config import Settings

logger = logging.getLogger("ecommerce_api.storage")

# The only keys this service writes, so the only ones /media/ will read.
KEY_PATTERN = re.compile(r"^products/[0-9a-f]{24}/[0-9a-f]{32}(-thumb)?\.webp$")


class StorageUnavailable(AppError):
    status, code = 503, "storage_unavailable"


class MediaStore:
    def __init__(self, store: LocalStore | S3Store, description: str) -> None:
        self._store = store
        self.description = description
        # A bucket keeps the content type for anyone reading it directly; a directory
        # cannot (and /media/ serves every key as WebP anyway).
        self._keeps_attributes = isinstance(store, S3Store)

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        attributes = {"Content-Type": content_type} if self._keeps_attributes else None
        try:
            await obstore.put_async(self._store, key, data, attributes=attributes)
        except (BaseError, OSError):
            logger.exception("could not store %s in the %s", key, self.description)
            raise StorageUnavailable("Image storage is unavailable; try again later") from None

    async def get(self, key: str) -> bytes | None:
        if not KEY_PATTERN.match(key):
            return None
        try:
            result = await obstore.get_async(self._store, key)
        except (NotFoundError, FileNotFoundError):
            return None
        return bytes(await result.bytes_async())

    async def delete(self, key: str) -> None:
        try:
            await obstore.delete_async(self._store, key)
        except (NotFoundError, FileNotFoundError):
            return


def build_media_store(settings: Settings) -> MediaStore:
    if settings.s3_bucket:
        secret = settings.s3_secret_access_key
        store = S3Store(
            settings.s3_bucket,
            endpoint=settings.s3_endpoint or None,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id or None,
            secret_access_key=secret.get_secret_value() if secret else None,
            client_options={"allow_http": bool(settings.s3_endpoint)},
        )
        return MediaStore(store, f"S3 bucket {settings.s3_bucket!r}")
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    return MediaStore(LocalStore(prefix=settings.media_dir), f"directory {settings.media_dir}")
