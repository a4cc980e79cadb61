"""Articles beyond the RealWorld scenarios: slugs, ordering, filters and what deleting takes
with it."""

from __future__ import annotations

import httpx

from .utils import publish, register


async def test_slugs_come_from_titles_and_stay_unique(client: httpx.AsyncClient) -> None:
    author = await register(client)
    first = await publish(client, author, title="How to Train Your Dragon!")
    second = await publish(client, author, title="How to train your dragon")
    untitled = await publish(client, author, title="¿¡!?")
    assert first["slug"] == "how-to-train-your-dragon"
    assert second["slug"].startswith("how-to-train-your-dragon-")
    assert untitled["slug"] == "article"
    for article in (first, second):
        response = await client.get(f"/api/articles/{article['slug']}")
        assert response.json()["article"]["description"] == article["description"]


async def test_a_new_title_moves_the_article_to_a_new_slug(client: httpx.AsyncClient) -> None:
    author = await register(client)
    slug = (await publish(client, author, title="Old name"))["slug"]
    response = await client.put(
        f"/api/articles/{slug}", headers=author.headers, json={"article": {"title": "New name"}}
    )
    assert response.status_code == 200
    assert response.json()["article"]["slug"] == "new-name"
    assert (await client.get("/api/articles/new-name")).status_code == 200
    assert (await client.get(f"/api/articles/{slug}")).status_code == 404
    # Changing only the case keeps the slug.
    response = await client.put(
        "/api/articles/new-name", headers=author.headers, json={"article": {"title": "NEW Name"}}
    )
    assert response.json()["article"]["slug"] == "new-name"


async def test_lists_are_newest_first_and_count_before_paging(client: httpx.AsyncClient) -> None:
    author = await register(client)
    slugs = [(await publish(client, author, title=f"Post {n}"))["slug"] for n in range(5)]
    newest_first = list(reversed(slugs))

    pages = []
    for offset in (0, 2, 4):
        response = await client.get("/api/articles", params={"limit": 2, "offset": offset})
        body = response.json()
        assert body["articlesCount"] == 5
        pages += [article["slug"] for article in body["articles"]]
    assert pages == newest_first

    beyond = (await client.get("/api/articles", params={"offset": 10})).json()
    assert beyond == {"articles": [], "articlesCount": 5}


async def test_filters_combine(client: httpx.AsyncClient) -> None:
    ada, bob = await register(client, "ada"), await register(client, "bob")
    ada_python = await publish(client, ada, title="Ada on Python", tagList=["python"])
    await publish(client, ada, title="Ada on Rust", tagList=["rust"])
    bob_python = await publish(client, bob, title="Bob on Python", tagList=["python"])
    await client.post(f"/api/articles/{bob_python['slug']}/favorite", headers=ada.headers)

    async def titles(**params: str) -> list[str]:
        body = (await client.get("/api/articles", params=params)).json()
        assert body["articlesCount"] == len(body["articles"])
        return [article["title"] for article in body["articles"]]

    assert await titles(tag="python") == ["Bob on Python", "Ada on Python"]
    assert await titles(tag="python", author=ada.username) == [ada_python["title"]]
    assert await titles(favorited=ada.username) == ["Bob on Python"]
    assert await titles(favorited=ada.username, author=ada.username) == []
    assert await titles(author="nobody-by-this-name") == []
    assert await titles(favorited="nobody-by-this-name") == []


async def test_deleting_an_article_takes_its_comments_and_favourites(
    client: httpx.AsyncClient,
) -> None:
    author, fan = await register(client, "author"), await register(client, "fan")
    slug = (await publish(client, author, title="Short-lived"))["slug"]
    await client.post(f"/api/articles/{slug}/favorite", headers=fan.headers)
    await client.post(
        f"/api/articles/{slug}/comments", headers=fan.headers, json={"comment": {"body": "Hi"}}
    )
    assert (await client.delete(f"/api/articles/{slug}", headers=author.headers)).status_code == 204

    assert (await client.get(f"/api/articles/{slug}/comments")).status_code == 404
    favourites = await client.get("/api/articles", params={"favorited": fan.username})
    assert favourites.json() == {"articles": [], "articlesCount": 0}
    # The title is free again, and the new article starts with no favourites or comments.
    again = await publish(client, author, title="Short-lived")
    assert again["slug"] == slug
    assert again["favoritesCount"] == 0
    assert (await client.get(f"/api/articles/{slug}/comments")).json() == {"comments": []}


async def test_an_empty_update_changes_nothing(client: httpx.AsyncClient) -> None:
    author = await register(client)
    article = await publish(client, author)
    response = await client.put(
        f"/api/articles/{article['slug']}", headers=author.headers, json={"article": {}}
    )
    assert response.status_code == 200
    assert response.json()["article"] == {**article, "body": article["body"]}
