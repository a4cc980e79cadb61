"""RealWorld tags.hurl: the tag list includes the tags of a new article."""

import httpx

from .helpers import auth_header, registration


async def test_tags_of_a_new_article_are_listed(api: httpx.AsyncClient, uid: str) -> None:
    """After an article is published with two tags, GET /api/tags lists both."""
    # Setup: register
    response = await api.post("/api/users", json=registration(f"tag_{uid}"))
    assert response.status_code == 201, response.text
    token = response.json()["user"]["token"]

    # Setup: create article with tags
    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={
            "article": {
                "title": f"Tag Article {uid}",
                "description": "For tags",
                "body": "Article body",
                "tagList": [f"h_{uid}", f"t_{uid}"],
            }
        },
    )
    assert response.status_code == 201, response.text
    slug = response.json()["article"]["slug"]

    # Get tags
    response = await api.get("/api/tags")
    assert response.status_code == 200, response.text
    tags = response.json()["tags"]
    assert isinstance(tags, list)
    assert len(tags) >= 1
    assert f"h_{uid}" in tags
    assert f"t_{uid}" in tags
    assert isinstance(tags[0], str)
    assert isinstance(tags[1], str)

    # Cleanup
    response = await api.delete(f"/api/articles/{slug}", headers=auth_header(token))
    assert response.status_code == 204, response.text
