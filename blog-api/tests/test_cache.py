"""The cache as a reader sees it: a repeat anonymous read is a HIT, and the read after any
write that changes it shows the write."""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx

from backend_shared.testing.concurrency import release_together

from .utils import CountingDatabase, publish, register


async def _anonymous(client: httpx.AsyncClient, url: str) -> tuple[str, Any]:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return response.headers["x-cache"], response.json()


async def test_a_repeat_read_is_a_hit(client: httpx.AsyncClient) -> None:
    author = await register(client)
    article = await publish(client, author, tagList=["cached"])
    for url in ("/api/tags", "/api/articles?tag=cached", f"/api/articles/{article['slug']}"):
        first_status, first = await _anonymous(client, url)
        second_status, second = await _anonymous(client, url)
        assert (first_status, second_status) == ("MISS", "HIT"), url
        assert second == first


async def test_signed_in_reads_are_personal_and_never_cached(client: httpx.AsyncClient) -> None:
    author = await register(client)
    article = await publish(client, author)
    for url in ("/api/articles", f"/api/articles/{article['slug']}"):
        response = await client.get(url, headers=author.headers)
        assert response.status_code == 200
        assert "x-cache" not in response.headers


async def test_each_write_shows_on_the_very_next_read(client: httpx.AsyncClient) -> None:
    author, reader = await register(client, "author"), await register(client, "reader")
    article = await publish(client, author, title="First title", tagList=["before"])
    slug = article["slug"]
    single, listing, tags = f"/api/articles/{slug}", "/api/articles", "/api/tags"
    for url in (single, listing, tags):  # warm every cached read
        await _anonymous(client, url)
        assert (await _anonymous(client, url))[0] == "HIT"

    # A favourite changes the count on the article and in the list.
    await client.post(f"{single}/favorite", headers=reader.headers)
    status, seen = await _anonymous(client, single)
    assert (status, seen["article"]["favoritesCount"]) == ("MISS", 1)
    assert (await _anonymous(client, listing))[1]["articles"][0]["favoritesCount"] == 1

    # An edit changes the body, the tags, and (with a new title) the slug.
    response = await client.put(
        single,
        headers=author.headers,
        json={"article": {"title": "Second title", "body": "New body", "tagList": ["after"]}},
    )
    new_slug = response.json()["article"]["slug"]
    assert new_slug != slug
    assert (await client.get(single)).status_code == 404
    status, seen = await _anonymous(client, f"/api/articles/{new_slug}")
    assert (status, seen["article"]["body"]) == ("MISS", "New body")
    assert (await _anonymous(client, listing))[1]["articles"][0]["title"] == "Second title"
    assert (await _anonymous(client, tags))[1]["tags"] == ["after"]

    # The author's new bio shows on their articles.
    await client.put("/api/user", headers=author.headers, json={"user": {"bio": "Now with bio"}})
    status, seen = await _anonymous(client, f"/api/articles/{new_slug}")
    assert (status, seen["article"]["author"]["bio"]) == ("MISS", "Now with bio")
    assert (await _anonymous(client, listing))[1]["articles"][0]["author"]["bio"] == "Now with bio"

    # A new article and a deleted one change the list and the tags.
    await publish(client, author, title="Another", tagList=["fresh"])
    assert (await _anonymous(client, listing))[1]["articlesCount"] == 2
    assert "fresh" in (await _anonymous(client, tags))[1]["tags"]
    await client.delete(f"/api/articles/{new_slug}", headers=author.headers)
    assert (await _anonymous(client, listing))[1]["articlesCount"] == 1
    assert (await _anonymous(client, tags))[1]["tags"] == ["fresh"]
    assert (await client.get(f"/api/articles/{new_slug}")).status_code == 404


async def test_concurrent_misses_share_one_load(app: Any, client: httpx.AsyncClient) -> None:
    """When an entry is missing, fifty readers at once cause one database load, not fifty
    (no cache stampede)."""
    author = await register(client)
    await publish(client, author)
    # A running server has its Redis connections open already: warm them, or opening fifty
    # spreads the readers out so far that the first load is stored before the rest look
    # (and the test would pass without the single-flight it is about).
    await release_together([partial(client.get, "/api/tags")] * 50)
    counting = CountingDatabase(app.state.db)
    app.state.db = counting
    try:
        responses = await release_together([partial(client.get, "/api/articles")] * 50)
    finally:
        app.state.db = counting._db
    assert {response.status_code for response in responses} == {200}
    assert len({response.content for response in responses}) == 1
    assert counting.operations.count("articles.count_documents") == 1
