"""Following and commenting: idempotent follows, no following oneself, integer comment ids."""

from __future__ import annotations

from functools import partial

import httpx

from backend_shared.testing.concurrency import release_together

from .utils import publish, register


async def test_following_twice_is_one_follow(client: httpx.AsyncClient) -> None:
    fan, author = await register(client, "fan"), await register(client, "author")
    await publish(client, author)
    follow = partial(client.post, f"/api/profiles/{author.username}/follow", headers=fan.headers)
    for response in await release_together([follow] * 5):
        assert response.json()["profile"]["following"] is True
    feed = (await client.get("/api/articles/feed", headers=fan.headers)).json()
    assert feed["articlesCount"] == 1
    await client.delete(f"/api/profiles/{author.username}/follow", headers=fan.headers)
    feed = (await client.get("/api/articles/feed", headers=fan.headers)).json()
    assert feed == {"articles": [], "articlesCount": 0}


async def test_no_one_can_follow_themselves(client: httpx.AsyncClient) -> None:
    member = await register(client)
    response = await client.post(f"/api/profiles/{member.username}/follow", headers=member.headers)
    assert response.status_code == 422
    assert response.json() == {"errors": {"profile": ["can't follow yourself"]}}


async def test_comment_ids_are_distinct_integers_under_concurrency(
    client: httpx.AsyncClient,
) -> None:
    author = await register(client)
    slug = (await publish(client, author))["slug"]
    responses = await release_together(
        [
            partial(
                client.post,
                f"/api/articles/{slug}/comments",
                headers=author.headers,
                json={"comment": {"body": f"Comment {n}"}},
            )
            for n in range(20)
        ]
    )
    ids = [response.json()["comment"]["id"] for response in responses]
    assert all(isinstance(comment_id, int) for comment_id in ids)
    assert len(set(ids)) == 20
    listed = (await client.get(f"/api/articles/{slug}/comments")).json()["comments"]
    assert [comment["id"] for comment in listed] == sorted(ids)  # oldest first


async def test_a_comment_on_another_article_is_not_found(client: httpx.AsyncClient) -> None:
    author = await register(client)
    first = await publish(client, author, title="One")
    second = await publish(client, author, title="Two")
    response = await client.post(
        f"/api/articles/{first['slug']}/comments",
        headers=author.headers,
        json={"comment": {"body": "On the first"}},
    )
    comment_id = response.json()["comment"]["id"]
    response = await client.delete(
        f"/api/articles/{second['slug']}/comments/{comment_id}", headers=author.headers
    )
    assert response.status_code == 404
    assert response.json() == {"errors": {"comment": ["not found"]}}
