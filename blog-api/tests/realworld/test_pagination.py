"""RealWorld pagination.hurl: limit and offset on the article list."""

import httpx

from .helpers import auth_header, registration


async def test_limit_and_offset_page_through_newest_first(api: httpx.AsyncClient, uid: str) -> None:
    """An author's two articles come one per page, newest first, and each page still reports
    the full count."""
    # Setup: register
    response = await api.post("/api/users", json=registration(f"page_{uid}"))
    assert response.status_code == 201, response.text
    token = response.json()["user"]["token"]

    # Create article 1
    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={
            "article": {
                "title": f"Pagination 1 {uid}",
                "description": "Page test 1",
                "body": "Page body 1",
            }
        },
    )
    assert response.status_code == 201, response.text
    slug1 = response.json()["article"]["slug"]

    # Create article 2
    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={
            "article": {
                "title": f"Pagination 2 {uid}",
                "description": "Page test 2",
                "body": "Page body 2",
            }
        },
    )
    assert response.status_code == 201, response.text
    article = response.json()["article"]
    assert article["title"] == f"Pagination 2 {uid}"
    assert isinstance(article["slug"], str)
    slug2 = article["slug"]

    # List with limit=1 (most recent first, so slug2)
    response = await api.get("/api/articles", params={"author": f"page_{uid}", "limit": 1})
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["articles"]) == 1
    assert body["articlesCount"] == 2
    assert body["articles"][0]["slug"] == slug2

    # List with limit=1&offset=1 (second page, so slug1)
    response = await api.get(
        "/api/articles", params={"author": f"page_{uid}", "limit": 1, "offset": 1}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["articles"]) == 1
    assert body["articlesCount"] == 2
    assert body["articles"][0]["slug"] == slug1

    # Cleanup
    response = await api.delete(f"/api/articles/{slug1}", headers=auth_header(token))
    assert response.status_code == 204, response.text

    response = await api.delete(f"/api/articles/{slug2}", headers=auth_header(token))
    assert response.status_code == 204, response.text
