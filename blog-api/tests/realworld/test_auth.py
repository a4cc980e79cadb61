"""RealWorld auth.hurl: registering, logging in, and editing one's own account."""

import httpx

from .helpers import auth_header


async def test_register_login_and_edit_own_account(api: httpx.AsyncClient, uid: str) -> None:
    """A user registers, logs in, and edits their account: every change shows on the next read,
    a blank bio or image becomes null, and a new username and email come with a working token."""
    # Register
    response = await api.post(
        "/api/users",
        json={
            "user": {
                "username": f"auth_{uid}",
                "email": f"auth_{uid}@test.com",
                "password": "password123",
            }
        },
    )
    assert response.status_code == 201, response.text
    user = response.json()["user"]
    assert user["username"] == f"auth_{uid}"
    assert user["email"] == f"auth_{uid}@test.com"
    assert user["bio"] is None
    assert user["image"] is None
    assert isinstance(user["token"], str)
    assert user["token"] != ""
    # auth.hurl captures this token as reg_token but never uses it; later steps use the login's.

    # Login
    response = await api.post(
        "/api/users/login",
        json={"user": {"email": f"auth_{uid}@test.com", "password": "password123"}},
    )
    assert response.status_code == 200, response.text
    user = response.json()["user"]
    assert user["username"] == f"auth_{uid}"
    assert user["email"] == f"auth_{uid}@test.com"
    assert user["bio"] is None
    assert user["image"] is None
    assert isinstance(user["token"], str)
    assert user["token"] != ""
    token = user["token"]

    # Get current user
    response = await api.get("/api/user", headers=auth_header(token))
    assert response.status_code == 200, response.text
    user = response.json()["user"]
    assert user["username"] == f"auth_{uid}"
    assert user["email"] == f"auth_{uid}@test.com"
    assert user["bio"] is None
    assert user["image"] is None
    assert isinstance(user["token"], str)
    assert user["token"] != ""

    # Update user
    response = await api.put(
        "/api/user", headers=auth_header(token), json={"user": {"bio": "Updated bio"}}
    )
    assert response.status_code == 200, response.text
    user = response.json()["user"]
    assert user["username"] == f"auth_{uid}"
    assert user["email"] == f"auth_{uid}@test.com"
    assert user["bio"] == "Updated bio"
    assert user["image"] is None
    assert isinstance(user["token"], str)
    assert user["token"] != ""

    # Verify update persisted
    response = await api.get("/api/user", headers=auth_header(token))
    assert response.status_code == 200, response.text
    user = response.json()["user"]
    assert user["username"] == f"auth_{uid}"
    assert user["email"] == f"auth_{uid}@test.com"
    assert user["bio"] == "Updated bio"
    assert user["image"] is None
    assert isinstance(user["token"], str)
    assert user["token"] != ""

    # Update user bio to empty string - should normalize to null
    response = await api.put("/api/user", headers=auth_header(token), json={"user": {"bio": ""}})
    assert response.status_code == 200, response.text
    assert response.json()["user"]["bio"] is None

    # Verify empty string normalization persisted
    response = await api.get("/api/user", headers=auth_header(token))
    assert response.status_code == 200, response.text
    assert response.json()["user"]["bio"] is None

    # Restore bio then set to null
    response = await api.put(
        "/api/user", headers=auth_header(token), json={"user": {"bio": "Temporary bio"}}
    )
    assert response.status_code == 200, response.text
    assert response.json()["user"]["bio"] == "Temporary bio"

    # Update user bio to null - should accept for nullable field
    response = await api.put("/api/user", headers=auth_header(token), json={"user": {"bio": None}})
    assert response.status_code == 200, response.text
    assert response.json()["user"]["bio"] is None

    # Verify null bio persisted
    response = await api.get("/api/user", headers=auth_header(token))
    assert response.status_code == 200, response.text
    assert response.json()["user"]["bio"] is None

    # Restore bio
    response = await api.put(
        "/api/user", headers=auth_header(token), json={"user": {"bio": "Updated bio"}}
    )
    assert response.status_code == 200, response.text
    user = response.json()["user"]
    assert user["username"] == f"auth_{uid}"
    assert user["email"] == f"auth_{uid}@test.com"
    assert user["bio"] == "Updated bio"
    assert user["image"] is None
    assert isinstance(user["token"], str)
    assert user["token"] != ""

    # Update user image
    response = await api.put(
        "/api/user",
        headers=auth_header(token),
        json={"user": {"image": "https://example.com/photo.jpg"}},
    )
    assert response.status_code == 200, response.text
    assert response.json()["user"]["image"] == "https://example.com/photo.jpg"

    # Verify image update persisted
    response = await api.get("/api/user", headers=auth_header(token))
    assert response.status_code == 200, response.text
    assert response.json()["user"]["image"] == "https://example.com/photo.jpg"

    # Update image to empty string - should normalize to null
    response = await api.put("/api/user", headers=auth_header(token), json={"user": {"image": ""}})
    assert response.status_code == 200, response.text
    assert response.json()["user"]["image"] is None

    # Verify image empty string normalization persisted
    response = await api.get("/api/user", headers=auth_header(token))
    assert response.status_code == 200, response.text
    assert response.json()["user"]["image"] is None

    # Set image then update to null - should accept for nullable field
    response = await api.put(
        "/api/user",
        headers=auth_header(token),
        json={"user": {"image": "https://example.com/temp.jpg"}},
    )
    assert response.status_code == 200, response.text
    assert response.json()["user"]["image"] == "https://example.com/temp.jpg"

    response = await api.put(
        "/api/user", headers=auth_header(token), json={"user": {"image": None}}
    )
    assert response.status_code == 200, response.text
    assert response.json()["user"]["image"] is None

    # Verify null image persisted
    response = await api.get("/api/user", headers=auth_header(token))
    assert response.status_code == 200, response.text
    assert response.json()["user"]["image"] is None

    # Update username and email
    response = await api.put(
        "/api/user",
        headers=auth_header(token),
        json={"user": {"username": f"auth_{uid}_upd", "email": f"auth_{uid}_upd@test.com"}},
    )
    assert response.status_code == 200, response.text
    user = response.json()["user"]
    assert user["username"] == f"auth_{uid}_upd"
    assert user["email"] == f"auth_{uid}_upd@test.com"
    assert user["bio"] == "Updated bio"
    assert user["image"] is None
    assert isinstance(user["token"], str)
    assert user["token"] != ""
    updated_token = user["token"]

    # Verify username/email update persisted
    response = await api.get("/api/user", headers=auth_header(updated_token))
    assert response.status_code == 200, response.text
    user = response.json()["user"]
    assert user["username"] == f"auth_{uid}_upd"
    assert user["email"] == f"auth_{uid}_upd@test.com"
    assert user["bio"] == "Updated bio"
    assert user["image"] is None
    assert isinstance(user["token"], str)
    assert user["token"] != ""
