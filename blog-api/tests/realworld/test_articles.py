"""RealWorld articles.hurl: the life of one article, from creation to deletion."""

import httpx

from .helpers import (
    STARTS_WITH_DATE,
    STARTS_WITH_DATETIME,
    assert_listed_article_shape,
    auth_header,
    is_integer,
    matches,
    registration,
)


async def test_article_lifecycle(api: httpx.AsyncClient, uid: str) -> None:
    """An author publishes a tagged article, finds it in every list, edits it (tags survive
    unless replaced, a null tagList is refused), and deletes it."""
    # Setup: register
    response = await api.post("/api/users", json=registration(f"art_{uid}"))
    assert response.status_code == 201, response.text
    token = response.json()["user"]["token"]

    # Create article with tags
    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={
            "article": {
                "title": f"Test Article {uid}",
                "description": "Test description",
                "body": "Test body content",
                "tagList": [f"d_{uid}", f"t_{uid}"],
            }
        },
    )
    assert response.status_code == 201, response.text
    article = response.json()["article"]
    assert article["title"] == f"Test Article {uid}"
    assert isinstance(article["slug"], str)
    assert article["description"] == "Test description"
    assert article["body"] == "Test body content"
    assert f"d_{uid}" in article["tagList"]
    assert f"t_{uid}" in article["tagList"]
    assert article["tagList"][0] == f"d_{uid}"
    assert article["tagList"][1] == f"t_{uid}"
    assert matches(STARTS_WITH_DATE, article["createdAt"])
    assert matches(STARTS_WITH_DATE, article["updatedAt"])
    assert article["favorited"] is False
    assert article["favoritesCount"] == 0
    assert article["author"]["username"] == f"art_{uid}"
    slug = article["slug"]
    created_at = article["createdAt"]
    updated_at = article["updatedAt"]

    # List all articles
    response = await api.get("/api/articles")
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["articles"], list)
    assert is_integer(body["articlesCount"])
    assert body["articlesCount"] >= 1
    assert_listed_article_shape(body["articles"][0])
    assert isinstance(body["articles"][0]["author"]["username"], str)

    # List by author
    response = await api.get("/api/articles", params={"author": f"art_{uid}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["articles"], list)
    assert is_integer(body["articlesCount"])
    assert body["articlesCount"] >= 1
    assert_listed_article_shape(body["articles"][0])
    assert body["articles"][0]["author"]["username"] == f"art_{uid}"

    # List all articles with auth
    response = await api.get("/api/articles", headers=auth_header(token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["articles"], list)
    assert is_integer(body["articlesCount"])
    assert body["articlesCount"] >= 1
    assert_listed_article_shape(body["articles"][0])
    assert isinstance(body["articles"][0]["author"]["username"], str)

    # List by author with auth
    response = await api.get(
        "/api/articles", params={"author": f"art_{uid}"}, headers=auth_header(token)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["articles"], list)
    assert is_integer(body["articlesCount"])
    assert body["articlesCount"] >= 1
    assert_listed_article_shape(body["articles"][0])
    assert body["articles"][0]["author"]["username"] == f"art_{uid}"

    # List by tag
    response = await api.get("/api/articles", params={"tag": f"d_{uid}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["articles"], list)
    assert is_integer(body["articlesCount"])
    assert body["articlesCount"] >= 1
    assert_listed_article_shape(body["articles"][0])
    assert f"d_{uid}" in body["articles"][0]["tagList"]
    assert isinstance(body["articles"][0]["author"]["username"], str)

    # List articles without auth
    response = await api.get("/api/articles")
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["articles"], list)
    assert is_integer(body["articlesCount"])

    # Get single article
    response = await api.get(f"/api/articles/{slug}")
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert article["title"] == f"Test Article {uid}"
    assert article["slug"] == slug
    assert article["description"] == "Test description"
    assert article["body"] == "Test body content"
    assert isinstance(article["tagList"], list)
    assert matches(STARTS_WITH_DATETIME, article["createdAt"])
    assert matches(STARTS_WITH_DATETIME, article["updatedAt"])
    assert article["favorited"] is False
    assert article["favoritesCount"] == 0
    assert article["author"]["username"] == f"art_{uid}"

    # Update article body
    response = await api.put(
        f"/api/articles/{slug}",
        headers=auth_header(token),
        json={"article": {"body": "Updated body content"}},
    )
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert article["title"] == f"Test Article {uid}"
    assert article["slug"] == slug
    assert article["description"] == "Test description"
    assert article["body"] == "Updated body content"
    assert isinstance(article["tagList"], list)
    assert len(article["tagList"]) == 2
    assert f"d_{uid}" in article["tagList"]
    assert f"t_{uid}" in article["tagList"]
    assert article["createdAt"] == created_at
    assert article["updatedAt"] != updated_at
    assert isinstance(article["favorited"], bool)
    assert is_integer(article["favoritesCount"])
    assert article["author"]["username"] == f"art_{uid}"

    # Verify update persisted
    response = await api.get(f"/api/articles/{slug}")
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert article["title"] == f"Test Article {uid}"
    assert article["slug"] == slug
    assert article["description"] == "Test description"
    assert article["body"] == "Updated body content"
    assert isinstance(article["tagList"], list)
    assert len(article["tagList"]) == 2
    assert f"d_{uid}" in article["tagList"]
    assert f"t_{uid}" in article["tagList"]
    assert matches(STARTS_WITH_DATETIME, article["createdAt"])
    assert matches(STARTS_WITH_DATETIME, article["updatedAt"])
    assert isinstance(article["favorited"], bool)
    assert is_integer(article["favoritesCount"])
    assert article["author"]["username"] == f"art_{uid}"

    # Update article without tagList: tags should be preserved
    response = await api.put(
        f"/api/articles/{slug}",
        headers=auth_header(token),
        json={"article": {"body": "Body without touching tags"}},
    )
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert article["body"] == "Body without touching tags"
    assert len(article["tagList"]) == 2
    assert f"d_{uid}" in article["tagList"]
    assert f"t_{uid}" in article["tagList"]

    # Update article: remove all tags with empty array
    response = await api.put(
        f"/api/articles/{slug}",
        headers=auth_header(token),
        json={"article": {"tagList": []}},
    )
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert isinstance(article["tagList"], list)
    assert len(article["tagList"]) == 0

    # Verify tags were actually removed
    response = await api.get(f"/api/articles/{slug}")
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert isinstance(article["tagList"], list)
    assert len(article["tagList"]) == 0

    # Update article: tagList null should be rejected
    response = await api.put(
        f"/api/articles/{slug}",
        headers=auth_header(token),
        json={"article": {"tagList": None}},
    )
    assert response.status_code == 422, response.text

    # Delete article
    response = await api.delete(f"/api/articles/{slug}", headers=auth_header(token))
    assert response.status_code == 204, response.text

    # Verify deletion
    response = await api.get(f"/api/articles/{slug}")
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["article"][0] == "not found"
