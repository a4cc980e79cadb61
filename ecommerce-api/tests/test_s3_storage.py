"""Images on S3-compatible storage: the same upload, stored in a bucket of a real S3 server
(SeaweedFS, with SigV4 credentials), served back through /media/."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import obstore
import pytest
from obstore.store import S3Store
from PIL import Image

from backend_shared.testing.plugin import fresh_settings_values, running_app
from ecommerce_api.config import Settings
from ecommerce_api.main import create_app

from .images import SECRET, jpeg_with_gps
from .seaweed import S3Server, seaweed_s3
from .utils import ADMIN_EMAIL, ADMIN_PASSWORD, create_product, login


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    try:
        with seaweed_s3(tmp_path_factory.mktemp("seaweed"), bucket="shop-media") as server:
            yield server
    except RuntimeError as exc:
        pytest.skip(f"no S3-compatible server here: {exc}")


def s3_settings(redis_url: str, server: S3Server, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        **fresh_settings_values(redis_url),
        "admin_email": ADMIN_EMAIL,
        "admin_password": ADMIN_PASSWORD,
        "expiry_sweep_seconds": 0,
        "s3_bucket": server.bucket,
        "s3_endpoint": server.endpoint,
        "s3_access_key_id": server.access_key,
        "s3_secret_access_key": server.secret_key,
        **overrides,
    }
    return Settings(**values)


async def test_an_uploaded_image_is_stored_in_the_bucket_and_served_back(
    redis_url: str, s3_server: S3Server
) -> None:
    app = create_app(s3_settings(redis_url, s3_server))
    async with running_app(app) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        product = await create_product(client, admin)
        response = await client.post(
            f"/products/{product['id']}/images",
            headers=admin.headers,
            files={"file": ("photo.jpg", jpeg_with_gps(), "image/jpeg")},
        )
        assert response.status_code == 201, response.text
        image = response.json()
        served = await client.get(image["url"])

    assert served.status_code == 200
    assert Image.open(io.BytesIO(served.content)).format == "WEBP"
    # Straight from the bucket, with the same credentials: the object is there, clean.
    bucket = S3Store(
        s3_server.bucket,
        endpoint=s3_server.endpoint,
        region="us-east-1",
        access_key_id=s3_server.access_key,
        secret_access_key=s3_server.secret_key,
        client_options={"allow_http": True},
    )
    key = image["url"].removeprefix("/media/")
    stored = obstore.get(bucket, key)
    assert stored.meta["path"] == key
    data = bytes(stored.bytes())
    assert data == served.content
    assert SECRET.encode() not in data
    assert str(stored.attributes.get("Content-Type")) == "image/webp"


async def test_storage_that_refuses_our_credentials_is_a_503_and_attaches_nothing(
    redis_url: str, s3_server: S3Server
) -> None:
    app = create_app(s3_settings(redis_url, s3_server, s3_secret_access_key="not-the-secret"))
    async with running_app(app) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        product = await create_product(client, admin)
        response = await client.post(
            f"/products/{product['id']}/images",
            headers=admin.headers,
            files={"file": ("photo.jpg", jpeg_with_gps(), "image/jpeg")},
        )
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert (await client.get(f"/products/{product['id']}")).json()["images"] == []
