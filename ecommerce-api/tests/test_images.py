"""Product images: judged by content, never buffered whole, cleaned of metadata, stored
under keys the server chooses."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from PIL import Image

from ecommerce_api.config import Settings

from .images import SECRET, jpeg_with_gps, png, png_bomb, truncated_png, webp
from .utils import User, create_product

MAX_IMAGE_BYTES = 300_000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.max_image_bytes = MAX_IMAGE_BYTES
    return settings


@pytest.fixture
async def product(client: httpx.AsyncClient, admin: User) -> dict[str, Any]:
    return await create_product(client, admin)


async def upload(
    client: httpx.AsyncClient,
    user: User,
    product: dict[str, Any],
    data: bytes,
    *,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
) -> httpx.Response:
    return await client.post(
        f"/products/{product['id']}/images",
        headers=user.headers,
        files={"file": (filename, data, content_type)},
    )


async def test_a_phone_photo_is_stored_upright_as_webp_without_its_metadata(
    client: httpx.AsyncClient, admin: User, product: dict[str, Any]
) -> None:
    original = jpeg_with_gps(200, 100)
    assert SECRET.encode() in original
    response = await upload(client, admin, product, original)
    assert response.status_code == 201, response.text
    image = response.json()
    assert image["content_type"] == "image/webp"
    assert (image["width"], image["height"]) == (100, 200)  # the EXIF rotation applied
    assert image["url"] == f"/media/products/{product['id']}/{image['id']}.webp"
    assert image["thumbnail_url"] == f"/media/products/{product['id']}/{image['id']}-thumb.webp"

    stored = await client.get(image["url"])
    assert stored.status_code == 200
    assert stored.headers["content-type"] == "image/webp"
    assert SECRET.encode() not in stored.content
    assert b"Exif" not in stored.content
    decoded = Image.open(io.BytesIO(stored.content))
    assert decoded.format == "WEBP"
    assert decoded.size == (100, 200)
    assert dict(decoded.getexif()) == {}

    thumbnail = Image.open(io.BytesIO((await client.get(image["thumbnail_url"])).content))
    assert max(thumbnail.size) <= 320
    listed = (await client.get(f"/products/{product['id']}")).json()["images"]
    assert listed == [image]


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (png(), "image.png", "image/png"),
        (png(mode="L"), "grey.png", "image/png"),
        (webp(), "image.webp", "image/webp"),
        # The name and the declared type are ignored: the content decides.
        (png(), "notes.txt", "text/plain"),
    ],
)
async def test_png_and_webp_are_accepted_whatever_they_are_called(
    client: httpx.AsyncClient,
    admin: User,
    product: dict[str, Any],
    data: bytes,
    filename: str,
    content_type: str,
) -> None:
    response = await upload(
        client, admin, product, data, filename=filename, content_type=content_type
    )
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == "image/webp"


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"just some text, honestly\n" * 10, 415),
        (b"GIF89a" + b"\x00" * 100, 415),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", 415),
        (truncated_png(), 422),
        (png_bomb(), 422),
        (b"", 415),
    ],
)
async def test_what_is_not_a_whole_accepted_image_is_refused(
    client: httpx.AsyncClient, admin: User, product: dict[str, Any], data: bytes, status: int
) -> None:
    response = await upload(client, admin, product, data, filename="image.png")
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get(f"/products/{product['id']}")).json()["images"] == []


async def test_a_declared_oversized_upload_is_413_before_it_is_read(
    client: httpx.AsyncClient, admin: User, product: dict[str, Any]
) -> None:
    response = await upload(client, admin, product, b"\xff" * (MAX_IMAGE_BYTES + 100_000))
    assert response.status_code == 413


async def test_a_streamed_oversized_upload_is_cut_off_while_it_streams(
    client: httpx.AsyncClient, admin: User, product: dict[str, Any]
) -> None:
    sent = 0
    chunk = b"\xff" * 16_384

    async def endless_upload() -> AsyncIterator[bytes]:
        # No Content-Length: the server only learns the size by reading.
        nonlocal sent
        yield b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
        for _ in range(2_000):  # 32 MB, if anyone read it all
            sent += len(chunk)
            yield chunk

    response = await client.post(
        f"/products/{product['id']}/images",
        headers={**admin.headers, "Content-Type": "multipart/form-data; boundary=B"},
        content=endless_upload(),
    )
    assert response.status_code == 413
    assert sent <= MAX_IMAGE_BYTES + 64 * 1024  # it stopped reading near the limit


async def test_malformed_uploads_are_4xx(
    client: httpx.AsyncClient, admin: User, product: dict[str, Any]
) -> None:
    url = f"/products/{product['id']}/images"
    as_json = await client.post(url, headers=admin.headers, json={"file": "x"})
    assert as_json.status_code == 415
    wrong_field = await client.post(
        url, headers=admin.headers, files={"picture": ("a.png", png(), "image/png")}
    )
    assert wrong_field.status_code == 400
    two_files = await client.post(
        url,
        headers=admin.headers,
        files=[("file", ("a.png", png(), "image/png")), ("file", ("b.png", png(), "image/png"))],
    )
    assert two_files.status_code == 400
    broken = await client.post(
        url,
        headers={**admin.headers, "Content-Type": "multipart/form-data; boundary=B"},
        content=b"--B\r\nnot a header line\r\n\r\n",
    )
    assert broken.status_code == 400


async def test_only_admins_upload_and_only_to_existing_products(
    client: httpx.AsyncClient, admin: User, alice: User, product: dict[str, Any]
) -> None:
    assert (await upload(client, alice, product, png())).status_code == 403
    missing = {"id": "665f1c2ab1e4c2a1d3f0e9b7"}
    assert (await upload(client, admin, missing, png())).status_code == 404
    anonymous = await client.post(
        f"/products/{product['id']}/images", files={"file": ("a.png", png(), "image/png")}
    )
    assert anonymous.status_code == 401


async def test_deleting_an_image_removes_it_and_its_files(
    client: httpx.AsyncClient, admin: User, product: dict[str, Any]
) -> None:
    image = (await upload(client, admin, product, png())).json()
    url = f"/products/{product['id']}/images/{image['id']}"
    assert (await client.delete(url, headers=admin.headers)).status_code == 204
    assert (await client.get(f"/products/{product['id']}")).json()["images"] == []
    assert (await client.get(image["url"])).status_code == 404
    assert (await client.get(image["thumbnail_url"])).status_code == 404
    assert (await client.delete(url, headers=admin.headers)).status_code == 404


async def test_media_serves_only_keys_the_server_made(client: httpx.AsyncClient) -> None:
    for path in ["/media/../../etc/passwd", "/media/%2e%2e/config.py", "/media/products/x.webp"]:
        assert (await client.get(path)).status_code == 404
