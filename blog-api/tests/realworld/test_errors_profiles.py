"""RealWorld errors_profiles.hurl: the 401 and 404 answers of the profile endpoints."""

import httpx

from .helpers import auth_header, registration


async def test_anonymous_profile_requests(api: httpx.AsyncClient, uid: str) -> None:
    """An unknown profile is 404; following or unfollowing without a token is 401."""
    # GET unknown profile
    response = await api.get(f"/api/profiles/unknown-user-{uid}")
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["profile"][0] == "not found"

    # Follow no auth
    response = await api.post(f"/api/profiles/unknown-user-{uid}/follow")
    assert response.status_code == 401, response.text
    assert response.json()["errors"]["token"][0] == "is missing"

    # Unfollow no auth
    response = await api.delete(f"/api/profiles/unknown-user-{uid}/follow")
    assert response.status_code == 401, response.text
    assert response.json()["errors"]["token"][0] == "is missing"


async def test_following_an_unknown_user_is_404(api: httpx.AsyncClient, uid: str) -> None:
    """A signed-in user who follows or unfollows a user that does not exist gets 404."""
    # Setup: register for authenticated 404 tests
    response = await api.post("/api/users", json=registration(f"ep_{uid}"))
    assert response.status_code == 201, response.text
    token = response.json()["user"]["token"]

    # Follow unknown user (authed)
    response = await api.post(
        f"/api/profiles/unknown-user-{uid}/follow", headers=auth_header(token)
    )
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["profile"][0] == "not found"

    # Unfollow unknown user (authed)
    response = await api.delete(
        f"/api/profiles/unknown-user-{uid}/follow", headers=auth_header(token)
    )
    assert response.status_code == 404, response.text
    assert response.json()["errors"]["profile"][0] == "not found"
