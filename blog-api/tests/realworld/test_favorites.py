"""RealWorld favorites.hurl: favoriting and unfavoriting an article."""

import httpx

from .helpers import (
    assert_article_shape,
    assert_listed_article_shape,
    auth_header,
    is_integer,
    registration,
)


async def test_favorite_and_unfavorite_an_article(api: httpx.AsyncClient, uid: str) -> None:
    """A user favorites an article (count 1, listed under `favorited=` them) and unfavorites it
    (count back to 0); each change shows on the next read."""
    # Setup: register
    response = await api.post("/api/users", json=registration(f"fav_{uid}"))
    assert response.status_code == 201, response.text
    token = response.json()["user"]["token"]

    # Setup: create article
    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={
            "article": {
                "title": f"Favorite Article {uid}",
                "description": "For favorites",
                "body": "Article body",
            }
        },
    )
    assert response.status_code == 201, response.text
    slug = response.json()["article"]["slug"]

    # Favorite article
    response = await api.post(f"/api/articles/{slug}/favorite", headers=auth_header(token))
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert_article_shape(article)
    assert article["favorited"] is True
    assert article["favoritesCount"] == 1
    assert article["author"]["username"] == f"fav_{uid}"

    # Verify favorite persists
    response = await api.get(f"/api/articles/{slug}", headers=auth_header(token))
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert_article_shape(article)
    assert article["favorited"] is True
    assert article["favoritesCount"] == 1
    assert article["author"]["username"] == f"fav_{uid}"

    # Articles filtered by favorited username
    response = await api.get("/api/articles", params={"favorited": f"fav_{uid}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["articles"], list)
    assert is_integer(body["articlesCount"])
    assert body["articlesCount"] >= 1
    assert_listed_article_shape(body["articles"][0])
    assert body["articles"][0]["favoritesCount"] >= 1

    # Articles filtered by favorited username with auth
    response = await api.get(
        "/api/articles", params={"favorited": f"fav_{uid}"}, headers=auth_header(token)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["articles"], list)
    assert is_integer(body["articlesCount"])
    assert body["articlesCount"] >= 1
    assert_listed_article_shape(body["articles"][0])
    assert body["articles"][0]["favoritesCount"] >= 1

    # Unfavorite article
    response = await api.delete(f"/api/articles/{slug}/favorite", headers=auth_header(token))
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert_article_shape(article)
    assert article["favorited"] is False
    assert article["favoritesCount"] == 0
    assert article["author"]["username"] == f"fav_{uid}"

    # Verify unfavorite persists
    response = await api.get(f"/api/articles/{slug}", headers=auth_header(token))
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert_article_shape(article)
    assert article["favorited"] is False
    assert article["favoritesCount"] == 0
    assert article["author"]["username"] == f"fav_{uid}"

    # Cleanup
    response = await api.delete(f"/api/articles/{slug}", headers=auth_header(token))
    assert response.status_code == 204, response.text
