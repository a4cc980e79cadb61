"""RealWorld profiles.hurl: viewing, following and unfollowing a profile."""

import httpx

from .helpers import auth_header, registration


async def test_view_follow_and_unfollow_a_profile(api: httpx.AsyncClient, uid: str) -> None:
    """Anyone can view a profile; a signed-in user follows it and unfollows it, and the
    unfollow shows on the next read."""
    # Register main user
    response = await api.post("/api/users", json=registration(f"prof_{uid}"))
    assert response.status_code == 201, response.text
    token = response.json()["user"]["token"]

    # Register celeb user
    response = await api.post("/api/users", json=registration(f"celeb_{uid}"))
    assert response.status_code == 201, response.text

    # Get profile without auth
    response = await api.get(f"/api/profiles/celeb_{uid}")
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["username"] == f"celeb_{uid}"
    assert profile["bio"] is None
    assert profile["image"] is None
    assert profile["following"] is False

    # Get profile with auth
    response = await api.get(f"/api/profiles/celeb_{uid}", headers=auth_header(token))
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["username"] == f"celeb_{uid}"
    assert profile["bio"] is None
    assert profile["image"] is None
    assert profile["following"] is False

    # Follow profile
    response = await api.post(f"/api/profiles/celeb_{uid}/follow", headers=auth_header(token))
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["username"] == f"celeb_{uid}"
    assert profile["bio"] is None
    assert profile["image"] is None
    assert profile["following"] is True

    # Unfollow profile
    response = await api.delete(f"/api/profiles/celeb_{uid}/follow", headers=auth_header(token))
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["username"] == f"celeb_{uid}"
    assert profile["bio"] is None
    assert profile["image"] is None
    assert profile["following"] is False

    # Verify unfollow persisted
    response = await api.get(f"/api/profiles/celeb_{uid}", headers=auth_header(token))
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["username"] == f"celeb_{uid}"
    assert profile["bio"] is None
    assert profile["image"] is None
    assert profile["following"] is False
