"""One running shop for the whole end-to-end session (starting five processes costs
seconds; each test then takes its own users and products, so tests do not share state)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from redis import Redis

from backend_shared.redis import start_embedded_valkey
from shop_platform.processes import Shop

from .shopper import Shopper, admin_session


@pytest.fixture(scope="session")
def shop_redis_url() -> Iterator[str]:
    """A Redis of the shop's own: other suites flush theirs between tests."""
    url = os.environ.get("REDIS_URL")
    if url:
        yield url.rsplit("/", 1)[0] + "/7" if url.count("/") > 2 else url + "/7"
        return
    server = start_embedded_valkey()
    try:
        yield str(server.connection_url)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def shop(shop_redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    with Redis.from_url(shop_redis_url) as client:
        client.flushdb()
    running = Shop(redis_url=shop_redis_url, workdir=tmp_path_factory.mktemp("shop"))
    try:
        running.start()
        yield running
    except BaseException:
        for service in running.services.values():
            print(f"--- {service.name} log\n{service.log_tail()}")
        raise
    finally:
        running.stop()


@pytest.fixture(scope="session")
def admin(shop: Shop) -> Shopper:
    return admin_session(shop)


@pytest.fixture
def redis(shop: Shop) -> Iterator[Redis]:
    with Redis.from_url(shop.redis_url, decode_responses=True) as client:
        yield client
