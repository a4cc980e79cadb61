"""RealWorld errors_authorization.hurl: only the author may change an article or comment."""

import httpx

from .helpers import auth_header, registration


async def test_only_the_author_can_change_their_content(api: httpx.AsyncClient, uid: str) -> None:
    """Another user gets 403 when updating or deleting an author's article or deleting their
    comment, and the comment is still there afterwards."""
    # Register user A
    response = await api.post("/api/users", json=registration(f"authz_a_{uid}"))
    assert response.status_code == 201, response.text
    token_a = response.json()["user"]["token"]

    # Register user B
    response = await api.post("/api/users", json=registration(f"authz_b_{uid}"))
    assert response.status_code == 201, response.text
    token_b = response.json()["user"]["token"]

    # User A creates article
    response = await api.post(
        "/api/articles",
        headers=auth_header(token_a),
        json={"article": {"title": f"Authz Article {uid}", "description": "test", "body": "test"}},
    )
    assert response.status_code == 201, response.text
    slug = response.json()["article"]["slug"]

    # User B tries to delete -> 403
    response = await api.delete(f"/api/articles/{slug}", headers=auth_header(token_b))
    assert response.status_code == 403, response.text
    assert response.json()["errors"]["article"][0] == "forbidden"

    # User B tries to update -> 403
    response = await api.put(
        f"/api/articles/{slug}",
        headers=auth_header(token_b),
        json={"article": {"body": "hijacked"}},
    )
    assert response.status_code == 403, response.text
    assert response.json()["errors"]["article"][0] == "forbidden"

    # User A creates a comment on the article
    response = await api.post(
        f"/api/articles/{slug}/comments",
        headers=auth_header(token_a),
        json={"comment": {"body": "A's comment"}},
    )
    assert response.status_code == 201, response.text
    comment_id = response.json()["comment"]["id"]

    # User B tries to delete A's comment -> 403
    response = await api.delete(
        f"/api/articles/{slug}/comments/{comment_id}", headers=auth_header(token_b)
    )
    assert response.status_code == 403, response.text
    assert response.json()["errors"]["comment"][0] == "forbidden"

    # Verify comment survived the failed delete
    response = await api.get(f"/api/articles/{slug}/comments")
    assert response.status_code == 200, response.text
    comments = response.json()["comments"]
    assert len(comments) >= 1
    assert comments[0]["body"] == "A's comment"

    # Cleanup: user A deletes article
    response = await api.delete(f"/api/articles/{slug}", headers=auth_header(token_a))
    assert response.status_code == 204, response.text
