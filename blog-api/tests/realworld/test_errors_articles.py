"""RealWorld errors_articles.hurl: the 401, 404 and 422 answers of the article endpoints."""

import httpx

from .helpers import auth_header, registration


async def test_anonymous_article_requests(api: httpx.AsyncClient, uid: str) -> None:
    """Without a token, writing an article, reading the feed and (un)favoriting are 401;
    reading an unknown slug is 404."""
    # Create article no auth
    response = await api.post(
        "/api/articles",
        json={"article": {"title": "No Auth Article", "description": "test", "body": "test"}},
    )
    assert response.status_code == 401, response.text
    assert response.json()["errors"]["token"][0] == "is missing"

    # GET unknown slug
    response = await api.get(f"/api/articles/unknown-slug-{uid}")
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["article"][0] == "not found"

    # Update no auth
    response = await api.put("/api/articles/some-slug", json={"article": {"body": "test"}})
    assert response.status_code == 401, response.text
    assert response.json()["errors"]["token"][0] == "is missing"

    # Delete no auth
    response = await api.delete("/api/articles/some-slug")
    assert response.status_code == 401, response.text
    assert response.json()["errors"]["token"][0] == "is missing"

    # GET feed no auth
    response = await api.get("/api/articles/feed")
    assert response.status_code == 401, response.text
    assert response.json()["errors"]["token"][0] == "is missing"

    # Favorite no auth
    response = await api.post("/api/articles/some-slug/favorite")
    assert response.status_code == 401, response.text
    assert response.json()["errors"]["token"][0] == "is missing"

    # Unfavorite no auth
    response = await api.delete("/api/articles/some-slug/favorite")
    assert response.status_code == 401, response.text
    assert response.json()["errors"]["token"][0] == "is missing"


async def test_article_validation_and_unknown_slugs(api: httpx.AsyncClient, uid: str) -> None:
    """A blank title, description or body is 422; a repeated title still gets its own slug;
    updating, (un)favoriting or deleting an unknown slug is 404."""
    # Setup: register for authenticated error tests
    response = await api.post("/api/users", json=registration(f"ea_art_{uid}"))
    assert response.status_code == 201, response.text
    token = response.json()["user"]["token"]

    # Create article empty title
    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={"article": {"title": "", "description": "test", "body": "test"}},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"]["title"][0] == "can't be blank"

    # Create article empty description
    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={"article": {"title": f"Err Desc {uid}", "description": "", "body": "test"}},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"]["description"][0] == "can't be blank"

    # Create article empty body
    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={"article": {"title": f"Err Body {uid}", "description": "test", "body": ""}},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"]["body"][0] == "can't be blank"

    # Duplicate titles are allowed (each gets a unique slug)
    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={"article": {"title": f"Dup Title {uid}", "description": "first", "body": "first"}},
    )
    assert response.status_code == 201, response.text
    slug1 = response.json()["article"]["slug"]

    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={"article": {"title": f"Dup Title {uid}", "description": "second", "body": "second"}},
    )
    assert response.status_code == 201, response.text
    slug2 = response.json()["article"]["slug"]
    assert slug2 != slug1

    # Update unknown slug
    response = await api.put(
        f"/api/articles/unknown-slug-{uid}",
        headers=auth_header(token),
        json={"article": {"body": "test"}},
    )
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["article"][0] == "not found"

    # Favorite unknown slug
    response = await api.post(
        f"/api/articles/unknown-slug-{uid}/favorite", headers=auth_header(token)
    )
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["article"][0] == "not found"

    # Unfavorite unknown slug
    response = await api.delete(
        f"/api/articles/unknown-slug-{uid}/favorite", headers=auth_header(token)
    )
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["article"][0] == "not found"

    # Update unknown slug (the Hurl file repeats this step)
    response = await api.put(
        f"/api/articles/unknown-slug-{uid}",
        headers=auth_header(token),
        json={"article": {"body": "test"}},
    )
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["article"][0] == "not found"

    # Delete unknown slug
    response = await api.delete(f"/api/articles/unknown-slug-{uid}", headers=auth_header(token))
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["article"][0] == "not found"

    # Cleanup
    response = await api.delete(f"/api/articles/{slug1}", headers=auth_header(token))
    assert response.status_code == 204, response.text

    response = await api.delete(f"/api/articles/{slug2}", headers=auth_header(token))
    assert response.status_code == 204, response.text
