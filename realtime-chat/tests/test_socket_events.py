"""Talking in a room over Socket.IO: join, send, receive, typing, presence, and what a
bad payload or a flood gets back (an error ack, never a dropped connection)."""

from __future__ import annotations

import httpx

from tests.utils import Connect, User, create_room, join_room


async def test_a_sent_message_is_stored_once_acked_with_its_id_and_delivered(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices, bobs = await connect(alice), await connect(bob)
    await alices.join(room)
    await bobs.join(room)

    ack = await alices.call("message:send", {"room_id": room, "body": "Hello, Bob"})
    assert ack["ok"] is True
    message = ack["message"]
    assert message["body"] == "Hello, Bob"
    assert message["sender"] == {"id": alice.id, "display_name": "Alice"}
    assert await bobs.next("message:new") == message

    history = (await http.get(f"/rooms/{room}/messages", headers=bob.headers)).json()
    assert [m["id"] for m in history["items"]] == [message["id"]]


async def test_joining_needs_membership(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User
) -> None:
    public = await create_room(http, alice, name="lobby")
    secret = await create_room(http, alice, name="secret", private=True)
    bobs = await connect(bob)

    ack = await bobs.call("join", {"room_id": public})
    assert ack == {
        "ok": False,
        "error": {
            "code": "not_a_member",
            "message": f"Join the room first: POST /rooms/{public}/join",
        },
    }
    ack = await bobs.call("join", {"room_id": secret})
    assert ack["error"] == {"code": "not_found", "message": "Room not found"}
    ack = await bobs.call("join", {"room_id": "665f1c2ab1e4c2a1d3f0e9b7"})
    assert ack["error"]["code"] == "not_found"

    await join_room(http, bob, public)
    assert (await bobs.call("join", {"room_id": public}))["ok"] is True


async def test_sending_needs_a_joined_room(connect: Connect, alice: User, room: str) -> None:
    alices = await connect(alice)
    ack = await alices.call("message:send", {"room_id": room, "body": "hi"})
    assert ack["error"]["code"] == "not_joined"


async def test_a_body_is_1_to_4000_characters(connect: Connect, alice: User, room: str) -> None:
    alices = await connect(alice)
    await alices.join(room)
    for body in ("", "   ", "x" * 4001):
        ack = await alices.call("message:send", {"room_id": room, "body": body})
        assert ack["error"] == {
            "code": "unprocessable",
            "message": "A message is 1 to 4000 characters of text",
        }
    assert (await alices.send(room, "x" * 4000))["body"] == "x" * 4000


async def test_malformed_payloads_get_an_error_ack_and_nobody_is_disconnected(
    connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices, bobs = await connect(alice), await connect(bob)
    await alices.join(room)
    await bobs.join(room)
    for payload in (
        None,
        "hello",
        42,
        [room, "hi"],
        {"room_id": room},
        {"room_id": room, "body": 7},
        {"room_id": "not-an-id", "body": "hi"},
        {"room_id": room, "body": "hi", "sender_id": bob.id},
        {"room_id": {"$ne": None}, "body": "hi"},
    ):
        ack = await alices.call("message:send", payload)
        assert ack["ok"] is False, payload
        assert ack["error"]["code"] == "invalid_payload", payload

    # Megabytes are refused by Engine.IO before any handler: only that connection closes.
    await alices.sio.emit("message:send", {"room_id": room, "body": "x" * 200_000})
    await alices.sio.wait()
    assert bobs.sio.connected

    # Bob's connection never noticed; Alice reconnects and carries on.
    alices = await connect(alice)
    await alices.join(room)
    sent = await alices.send(room, "still here")
    assert (await bobs.next("message:new"))["id"] == sent["id"]


async def test_a_flood_is_refused_with_a_reason_and_the_connection_stays(
    connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices, bobs = await connect(alice), await connect(bob)
    await alices.join(room)
    await bobs.join(room)
    for n in range(10):
        await alices.send(room, f"message {n}")
    ack = await alices.call("message:send", {"room_id": room, "body": "one too many"})
    assert ack["ok"] is False
    assert ack["error"]["code"] == "rate_limited"
    assert ack["error"]["message"].startswith("Slow down: at most 10 messages in 5 seconds")
    assert 1 <= ack["error"]["retry_after"] <= 5
    assert alices.sio.connected
    # The flood is per user: Bob can still talk.
    await bobs.send(room, "my turn")


async def test_typing_reaches_the_others_throttled_and_never_stored(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices, bobs = await connect(alice), await connect(bob)
    await alices.join(room)
    await bobs.join(room)

    assert await alices.call("typing", {"room_id": room}) == {"ok": True, "sent": True}
    assert await bobs.next("typing") == {
        "room_id": room,
        "user": {"id": alice.id, "display_name": "Alice"},
        "typing": True,
    }
    # Inside the throttle interval events are held, each replacing the last; the latest
    # ("stopped") goes out when the interval ends.
    assert await alices.call("typing", {"room_id": room}) == {"ok": True, "sent": False}
    assert await alices.call("typing", {"room_id": room, "typing": False}) == {
        "ok": True,
        "sent": False,
    }
    assert (await bobs.next("typing"))["typing"] is False
    assert bobs.pending("typing") == []

    history = (await http.get(f"/rooms/{room}/messages", headers=bob.headers)).json()
    assert history["items"] == []


async def test_presence_shows_who_is_online_and_who_left(
    connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices = await connect(alice)
    joined = await alices.join(room)
    assert joined["online"] == [{"id": alice.id, "display_name": "Alice"}]

    bobs = await connect(bob)
    joined = await bobs.join(room)
    assert sorted(u["display_name"] for u in joined["online"]) == ["Alice", "Bob"]
    online = await alices.next("presence")
    assert online == {
        "room_id": room,
        "user": {"id": bob.id, "display_name": "Bob"},
        "online": True,
    }
    ack = await alices.call("presence", {"room_id": room})
    assert sorted(u["id"] for u in ack["online"]) == sorted([alice.id, bob.id])

    await bobs.close()
    offline = await alices.next("presence")
    assert (offline["user"]["id"], offline["online"]) == (bob.id, False)
    ack = await alices.call("presence", {"room_id": room})
    assert [u["id"] for u in ack["online"]] == [alice.id]


async def test_a_user_with_two_tabs_is_online_until_both_close(
    connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices = await connect(alice)
    await alices.join(room)
    first, second = await connect(bob), await connect(bob)
    await first.join(room)
    await second.join(room)
    assert (await alices.next("presence"))["online"] is True

    await first.close()
    ack = await alices.call("presence", {"room_id": room})
    assert bob.id in [u["id"] for u in ack["online"]]
    await second.close()
    assert (await alices.next("presence"))["online"] is False


async def test_leaving_a_room_stops_its_events(
    connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices, bobs = await connect(alice), await connect(bob)
    await alices.join(room)
    await bobs.join(room)
    assert await bobs.call("leave", {"room_id": room}) == {"ok": True, "room_id": room}
    assert (await alices.next("presence", lambda e: not e["online"]))["user"]["id"] == bob.id
    ack = await bobs.call("message:send", {"room_id": room, "body": "hello?"})
    assert ack["error"]["code"] == "not_joined"


async def test_a_removed_member_is_taken_out_of_the_room_at_once(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User
) -> None:
    secret = await create_room(http, alice, name="secret", private=True)
    invited = await http.post(
        f"/rooms/{secret}/members", json={"user_id": bob.id}, headers=alice.headers
    )
    assert invited.status_code == 201
    alices, bobs = await connect(alice), await connect(bob)
    await alices.join(secret)
    await bobs.join(secret)

    removed = await http.delete(f"/rooms/{secret}/members/{bob.id}", headers=alice.headers)
    assert removed.status_code == 204
    assert await bobs.next("room:removed") == {"room_id": secret}
    assert (await alices.next("presence", lambda e: not e["online"]))["user"]["id"] == bob.id
    ack = await bobs.call("message:send", {"room_id": secret, "body": "still here?"})
    assert ack["error"]["code"] == "not_joined"
    assert (await bobs.call("join", {"room_id": secret}))["error"]["code"] == "not_found"


async def test_unknown_events_and_extra_arguments_do_not_break_anything(
    connect: Connect, alice: User, room: str
) -> None:
    alices = await connect(alice)
    await alices.sio.emit("no-such-event", {"x": 1})
    ack = await alices.sio.call("join", ({"room_id": room}, "extra"), timeout=5)
    assert ack["ok"] is True
    assert alices.sio.connected
