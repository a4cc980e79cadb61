"""A page of articles costs a fixed number of database round trips, however many articles
and authors it holds: authors, follows and favourites are fetched in batches."""

from __future__ import annotations

from typing import Any

import httpx

from .utils import CountingDatabase, Member, publish, register


async def _operations_for(
    app: Any, client: httpx.AsyncClient, url: str, reader: Member | None
) -> tuple[dict[str, Any], list[str]]:
    counting = CountingDatabase(app.state.db)
    app.state.db = counting
    try:
        response = await client.get(url, headers=reader.headers if reader else {})
    finally:
        app.state.db = counting._db
    assert response.status_code == 200, response.text
    return response.json(), counting.operations


async def test_a_page_of_twenty_costs_what_a_page_of_one_costs(
    app: Any, client: httpx.AsyncClient
) -> None:
    authors = [await register(client, "author") for _ in range(4)]
    reader = await register(client, "reader")
    for number in range(20):
        author = authors[number % len(authors)]
        article = await publish(client, author, title=f"Post {number}", tagList=["news"])
        if number % 3 == 0:
            await client.post(f"/api/articles/{article['slug']}/favorite", headers=reader.headers)
    for author in authors[:2]:
        await client.post(f"/api/profiles/{author.username}/follow", headers=reader.headers)

    for url in ("/api/articles?limit={n}", "/api/articles?tag=news&limit={n}"):
        one, one_ops = await _operations_for(app, client, url.format(n=1), reader)
        twenty, twenty_ops = await _operations_for(app, client, url.format(n=20), reader)
        assert len(one["articles"]) == 1
        assert len(twenty["articles"]) == 20
        assert {a["author"]["username"] for a in twenty["articles"]} == {
            a.username for a in authors
        }
        assert sorted(twenty_ops) == sorted(one_ops), (one_ops, twenty_ops)
        # the reader's account (its session is checked on every request), count + page,
        # then users + follows + favourite counts + the reader's favourites
        assert len(twenty_ops) == 7, twenty_ops

    _, feed_ops = await _operations_for(app, client, "/api/articles/feed?limit=20", reader)
    assert len(feed_ops) == 8, feed_ops  # the reader's follows too
    # Anonymous readers skip the follow and favourite look-ups (and this one misses the cache).
    _, anonymous_ops = await _operations_for(app, client, "/api/articles?limit=20", None)
    assert len(anonymous_ops) == 4, anonymous_ops


async def test_the_listed_flags_are_each_readers_own(client: httpx.AsyncClient) -> None:
    author, fan, stranger = [await register(client, name) for name in ("au", "fan", "str")]
    article = await publish(client, author)
    await client.post(f"/api/articles/{article['slug']}/favorite", headers=fan.headers)
    await client.post(f"/api/profiles/{author.username}/follow", headers=fan.headers)

    seen_by_fan = (await client.get("/api/articles", headers=fan.headers)).json()["articles"][0]
    seen_by_stranger = (await client.get("/api/articles", headers=stranger.headers)).json()
    assert seen_by_fan["favorited"] is True
    assert seen_by_fan["author"]["following"] is True
    assert seen_by_fan["favoritesCount"] == 1
    assert seen_by_stranger["articles"][0]["favorited"] is False
    assert seen_by_stranger["articles"][0]["author"]["following"] is False
    assert seen_by_stranger["articles"][0]["favoritesCount"] == 1
