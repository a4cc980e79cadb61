"""RealWorld errors_comments.hurl: the 401, 404 and 422 answers of the comment endpoints."""

import httpx

from .helpers import auth_header, registration


async def test_anonymous_comment_writes_are_401(api: httpx.AsyncClient) -> None:
    """Posting or deleting a comment without a token is 401."""
    # Post comment no auth
    response = await api.post(
        "/api/articles/some-slug/comments", json={"comment": {"body": "test"}}
    )
    assert response.status_code == 401, response.text
    assert response.json()["errors"]["token"][0] == "is missing"

    # Delete comment no auth
    response = await api.delete("/api/articles/some-slug/comments/1")
    assert response.status_code == 401, response.text
    assert response.json()["errors"]["token"][0] == "is missing"


async def test_comment_validation_and_unknown_targets(api: httpx.AsyncClient, uid: str) -> None:
    """A blank comment is 422; any comment action on an unknown article is 404 for the article,
    and deleting an unknown comment on a real article is 404 for the comment."""
    # Setup: register + create article
    response = await api.post("/api/users", json=registration(f"ec_{uid}"))
    assert response.status_code == 201, response.text
    token = response.json()["user"]["token"]

    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={
            "article": {"title": f"Err Comment Art {uid}", "description": "test", "body": "test"}
        },
    )
    assert response.status_code == 201, response.text
    slug = response.json()["article"]["slug"]

    # Post comment empty body
    response = await api.post(
        f"/api/articles/{slug}/comments",
        headers=auth_header(token),
        json={"comment": {"body": ""}},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"]["body"][0] == "can't be blank"

    # Post comment on unknown article
    response = await api.post(
        f"/api/articles/unknown-slug-{uid}/comments",
        headers=auth_header(token),
        json={"comment": {"body": "orphan"}},
    )
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["article"][0] == "not found"

    # Get comments on unknown article
    response = await api.get(f"/api/articles/unknown-slug-{uid}/comments")
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["article"][0] == "not found"

    # Delete comment on unknown article
    response = await api.delete(
        f"/api/articles/unknown-slug-{uid}/comments/99999", headers=auth_header(token)
    )
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["article"][0] == "not found"

    # Delete non-existent comment on existing article
    response = await api.delete(f"/api/articles/{slug}/comments/99999", headers=auth_header(token))
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["comment"][0] == "not found"

    # Cleanup
    response = await api.delete(f"/api/articles/{slug}", headers=auth_header(token))
    assert response.status_code == 204, response.text
