"""Rooms over REST: who can see, join, leave and manage them."""

from __future__ import annotations

import httpx

from tests.utils import User, create_room, join_room, signup_and_login

NO_SUCH_ID = "665f1c2ab1e4c2a1d3f0e9b7"


async def test_a_new_room_is_mine_and_listed_with_nothing_unread(
    http: httpx.AsyncClient, alice: User
) -> None:
    created = await http.post(
        "/rooms",
        json={"name": "general", "description": "Anything goes", "private": False},
        headers=alice.headers,
    )
    assert created.status_code == 201
    room = created.json()
    assert room["owner_id"] == alice.id
    assert (room["name"], room["private"], room["is_member"]) == ("general", False, True)

    listed = (await http.get("/rooms", headers=alice.headers)).json()
    assert listed["total"] == 1
    assert listed["items"][0]["id"] == room["id"]
    assert listed["items"][0]["unread_count"] == 0


async def test_others_see_public_rooms_but_not_my_private_ones(
    http: httpx.AsyncClient, alice: User, bob: User
) -> None:
    public = await create_room(http, alice, name="lobby")
    await create_room(http, alice, name="secret", private=True)

    listed = (await http.get("/rooms", headers=bob.headers)).json()
    assert [room["id"] for room in listed["items"]] == [public]
    assert listed["items"][0]["is_member"] is False
    assert listed["items"][0]["unread_count"] is None


async def test_a_private_room_its_members_and_history_are_404_to_a_non_member(
    http: httpx.AsyncClient, alice: User, bob: User
) -> None:
    secret = await create_room(http, alice, name="secret", private=True)
    for path in ("", "/members", "/messages", "/join"):
        method = http.post if path == "/join" else http.get
        response = await method(f"/rooms/{secret}{path}", headers=bob.headers)
        assert response.status_code == 404, path
        assert response.json()["detail"] == "Room not found"
    # Exactly as for a room that does not exist, or an id that is not one.
    for other in (NO_SUCH_ID, "banana"):
        assert (await http.get(f"/rooms/{other}", headers=bob.headers)).status_code == 404


async def test_anyone_joins_and_leaves_a_public_room(
    http: httpx.AsyncClient, alice: User, bob: User
) -> None:
    room = await create_room(http, alice)
    joined = await http.post(f"/rooms/{room}/join", headers=bob.headers)
    assert joined.status_code == 200
    assert joined.json()["is_member"] is True
    # Joining twice changes nothing.
    assert (await http.post(f"/rooms/{room}/join", headers=bob.headers)).status_code == 200

    members = (await http.get(f"/rooms/{room}/members", headers=alice.headers)).json()
    assert [(m["display_name"], m["role"]) for m in members] == [
        ("Alice", "owner"),
        ("Bob", "member"),
    ]

    assert (await http.post(f"/rooms/{room}/leave", headers=bob.headers)).status_code == 204
    members = (await http.get(f"/rooms/{room}/members", headers=alice.headers)).json()
    assert [m["user_id"] for m in members] == [alice.id]


async def test_the_owner_cannot_leave_their_room(http: httpx.AsyncClient, alice: User) -> None:
    room = await create_room(http, alice)
    response = await http.post(f"/rooms/{room}/leave", headers=alice.headers)
    assert response.status_code == 409


async def test_the_owner_invites_and_removes_members_of_a_private_room(
    http: httpx.AsyncClient, alice: User, bob: User
) -> None:
    carol = await signup_and_login(http, name="Carol")
    secret = await create_room(http, alice, name="secret", private=True)

    invited = await http.post(
        f"/rooms/{secret}/members", json={"user_id": bob.id}, headers=alice.headers
    )
    assert invited.status_code == 201
    assert invited.json()["display_name"] == "Bob"
    assert (await http.get(f"/rooms/{secret}", headers=bob.headers)).status_code == 200

    # A member who is not the owner cannot invite or remove anyone.
    refused = await http.post(
        f"/rooms/{secret}/members", json={"user_id": carol.id}, headers=bob.headers
    )
    assert refused.status_code == 403
    refused = await http.delete(f"/rooms/{secret}/members/{alice.id}", headers=bob.headers)
    assert refused.status_code == 403
    # Nor can anyone join a private room by themselves.
    assert (await http.post(f"/rooms/{secret}/join", headers=carol.headers)).status_code == 404

    removed = await http.delete(f"/rooms/{secret}/members/{bob.id}", headers=alice.headers)
    assert removed.status_code == 204
    assert (await http.get(f"/rooms/{secret}", headers=bob.headers)).status_code == 404
    again = await http.delete(f"/rooms/{secret}/members/{bob.id}", headers=alice.headers)
    assert again.status_code == 404


async def test_inviting_someone_who_does_not_exist_is_404(
    http: httpx.AsyncClient, alice: User
) -> None:
    secret = await create_room(http, alice, private=True)
    response = await http.post(
        f"/rooms/{secret}/members",
        json={"user_id": NO_SUCH_ID},
        headers=alice.headers,
    )
    assert response.status_code == 404


async def test_two_users_share_exactly_one_direct_message_room(
    http: httpx.AsyncClient, alice: User, bob: User
) -> None:
    carol = await signup_and_login(http, name="Carol")
    first = await http.post("/dms", json={"user_id": bob.id}, headers=alice.headers)
    assert first.status_code == 200
    room = first.json()
    assert (room["kind"], room["private"], room["name"]) == ("direct", True, "Alice & Bob")

    second = await http.post("/dms", json={"user_id": alice.id}, headers=bob.headers)
    assert second.json()["id"] == room["id"]
    assert (await http.get(f"/rooms/{room['id']}", headers=carol.headers)).status_code == 404
    # Its two members are fixed.
    invite = await http.post(
        f"/rooms/{room['id']}/members", json={"user_id": carol.id}, headers=alice.headers
    )
    assert invite.status_code == 409
    assert (await http.post(f"/rooms/{room['id']}/leave", headers=bob.headers)).status_code == 409


async def test_a_direct_message_needs_another_existing_user(
    http: httpx.AsyncClient, alice: User
) -> None:
    myself = await http.post("/dms", json={"user_id": alice.id}, headers=alice.headers)
    assert myself.status_code == 409
    nobody = await http.post("/dms", json={"user_id": NO_SUCH_ID}, headers=alice.headers)
    assert nobody.status_code == 404


async def test_room_bodies_are_validated(http: httpx.AsyncClient, alice: User) -> None:
    for body in (
        {"name": "", "private": False},
        {"name": "x" * 81},
        {"name": "ok", "private": "maybe"},
        {"name": "ok", "owner_id": NO_SUCH_ID},
    ):
        response = await http.post("/rooms", json=body, headers=alice.headers)
        assert response.status_code == 422, body


async def test_rooms_need_a_signed_in_user(http: httpx.AsyncClient) -> None:
    assert (await http.get("/rooms")).status_code == 401
    assert (await http.post("/rooms", json={"name": "x"})).status_code == 401


async def test_a_public_room_is_joined_before_listing_unread(
    http: httpx.AsyncClient, alice: User, bob: User
) -> None:
    room = await create_room(http, alice)
    await join_room(http, bob, room)
    listed = (await http.get("/rooms", headers=bob.headers)).json()
    assert listed["items"][0]["unread_count"] == 0
