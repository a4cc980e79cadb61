"""RealWorld comments.hurl: commenting on an article, listing and deleting comments."""

import httpx

from .helpers import STARTS_WITH_DATETIME, auth_header, is_integer, matches, registration


async def test_comment_lifecycle(api: httpx.AsyncClient, uid: str) -> None:
    """An author comments on their own article, anyone can list the comments, and deleting
    one comment removes exactly that one."""
    # Setup: register
    response = await api.post("/api/users", json=registration(f"cmt_{uid}"))
    assert response.status_code == 201, response.text
    token = response.json()["user"]["token"]

    # Setup: create article
    response = await api.post(
        "/api/articles",
        headers=auth_header(token),
        json={
            "article": {
                "title": f"Comment Article {uid}",
                "description": "For comments",
                "body": "Article body",
            }
        },
    )
    assert response.status_code == 201, response.text
    slug = response.json()["article"]["slug"]

    # Create comment
    response = await api.post(
        f"/api/articles/{slug}/comments",
        headers=auth_header(token),
        json={"comment": {"body": "Test comment body"}},
    )
    assert response.status_code == 201, response.text
    comment = response.json()["comment"]
    assert is_integer(comment["id"])
    assert comment["body"] == "Test comment body"
    assert matches(STARTS_WITH_DATETIME, comment["createdAt"])
    assert matches(STARTS_WITH_DATETIME, comment["updatedAt"])
    assert comment["author"]["username"] == f"cmt_{uid}"
    comment_id = comment["id"]

    # List comments
    response = await api.get(f"/api/articles/{slug}/comments", headers=auth_header(token))
    assert response.status_code == 200, response.text
    comments = response.json()["comments"]
    assert isinstance(comments, list)
    assert len(comments) == 1
    assert comments[0]["id"] == comment_id
    assert comments[0]["body"] == "Test comment body"
    assert matches(STARTS_WITH_DATETIME, comments[0]["createdAt"])
    assert matches(STARTS_WITH_DATETIME, comments[0]["updatedAt"])
    assert comments[0]["author"]["username"] == f"cmt_{uid}"

    # List comments without auth
    response = await api.get(f"/api/articles/{slug}/comments")
    assert response.status_code == 200, response.text
    comments = response.json()["comments"]
    assert isinstance(comments, list)
    assert len(comments) == 1
    assert is_integer(comments[0]["id"])
    assert comments[0]["body"] == "Test comment body"
    assert matches(STARTS_WITH_DATETIME, comments[0]["createdAt"])
    assert matches(STARTS_WITH_DATETIME, comments[0]["updatedAt"])
    assert comments[0]["author"]["username"] == f"cmt_{uid}"

    # Delete comment
    response = await api.delete(
        f"/api/articles/{slug}/comments/{comment_id}", headers=auth_header(token)
    )
    assert response.status_code == 204, response.text

    # Verify deletion
    response = await api.get(f"/api/articles/{slug}/comments")
    assert response.status_code == 200, response.text
    assert len(response.json()["comments"]) == 0

    # Selective deletion: create two comments, delete one, verify the other remains
    response = await api.post(
        f"/api/articles/{slug}/comments",
        headers=auth_header(token),
        json={"comment": {"body": "First comment"}},
    )
    assert response.status_code == 201, response.text
    first_comment_id = response.json()["comment"]["id"]

    response = await api.post(
        f"/api/articles/{slug}/comments",
        headers=auth_header(token),
        json={"comment": {"body": "Second comment"}},
    )
    assert response.status_code == 201, response.text

    # Verify two comments exist
    response = await api.get(f"/api/articles/{slug}/comments")
    assert response.status_code == 200, response.text
    assert len(response.json()["comments"]) == 2

    # Delete the first comment
    response = await api.delete(
        f"/api/articles/{slug}/comments/{first_comment_id}", headers=auth_header(token)
    )
    assert response.status_code == 204, response.text

    # Verify only the second comment remains
    response = await api.get(f"/api/articles/{slug}/comments")
    assert response.status_code == 200, response.text
    comments = response.json()["comments"]
    assert len(comments) == 1
    assert comments[0]["body"] == "Second comment"

    # Cleanup
    response = await api.delete(f"/api/articles/{slug}", headers=auth_header(token))
    assert response.status_code == 204, response.text
