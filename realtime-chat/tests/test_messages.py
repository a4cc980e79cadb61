"""History, edits, deletes and read receipts, as the people in a room see them."""

from __future__ import annotations

import httpx

from tests.utils import Connect, User, signup_and_login


async def test_history_pages_stay_correct_while_new_messages_arrive(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices = await connect(alice)
    await alices.join(room)
    sent = [(await alices.send(room, f"message {n}"))["id"] for n in range(7)]

    first = (await http.get(f"/rooms/{room}/messages?limit=3", headers=bob.headers)).json()
    assert [m["id"] for m in first["items"]] == sent[:3:-1]  # 6, 5, 4: newest first
    # New messages arrive between two page reads: the next page does not shift.
    await alices.send(room, "a newcomer")
    second = (
        await http.get(
            f"/rooms/{room}/messages",
            params={"limit": 3, "before": first["next_before"]},
            headers=bob.headers,
        )
    ).json()
    assert [m["id"] for m in second["items"]] == sent[3:0:-1]  # 3, 2, 1
    last = (
        await http.get(
            f"/rooms/{room}/messages",
            params={"limit": 3, "before": second["next_before"]},
            headers=bob.headers,
        )
    ).json()
    assert [m["id"] for m in last["items"]] == sent[:1]
    assert last["next_before"] is None


async def test_a_bad_cursor_or_limit_is_refused(
    http: httpx.AsyncClient, alice: User, room: str
) -> None:
    response = await http.get(f"/rooms/{room}/messages?before=banana", headers=alice.headers)
    assert response.status_code == 404
    response = await http.get(f"/rooms/{room}/messages?limit=101", headers=alice.headers)
    assert response.status_code == 422


async def test_i_edit_my_message_and_everyone_sees_the_change(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices, bobs = await connect(alice), await connect(bob)
    await alices.join(room)
    await bobs.join(room)
    sent = await alices.send(room, "helo")

    edited = await http.patch(
        f"/rooms/{room}/messages/{sent['id']}", json={"body": "hello"}, headers=alice.headers
    )
    assert edited.status_code == 200
    assert edited.json()["body"] == "hello"
    assert edited.json()["edited_at"] is not None
    assert await bobs.next("message:edited") == edited.json()

    history = (await http.get(f"/rooms/{room}/messages", headers=bob.headers)).json()
    assert history["items"][0]["body"] == "hello"


async def test_nobody_edits_or_deletes_someone_elses_message(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices = await connect(alice)
    await alices.join(room)
    sent = await alices.send(room, "mine")
    path = f"/rooms/{room}/messages/{sent['id']}"
    assert (await http.patch(path, json={"body": "ours"}, headers=bob.headers)).status_code == 403
    assert (await http.delete(path, headers=bob.headers)).status_code == 403
    assert (
        await http.patch(path, json={"body": "x" * 4001}, headers=alice.headers)
    ).status_code == 422
    missing = f"/rooms/{room}/messages/665f1c2ab1e4c2a1d3f0e9b7"
    assert (await http.delete(missing, headers=alice.headers)).status_code == 404


async def test_a_deleted_message_leaves_a_tombstone(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices, bobs = await connect(alice), await connect(bob)
    await alices.join(room)
    await bobs.join(room)
    sent = await alices.send(room, "oops, wrong room")
    path = f"/rooms/{room}/messages/{sent['id']}"

    assert (await http.delete(path, headers=alice.headers)).status_code == 204
    tombstone = await bobs.next("message:deleted")
    assert (tombstone["id"], tombstone["body"], tombstone["deleted"]) == (sent["id"], None, True)

    history = (await http.get(f"/rooms/{room}/messages", headers=bob.headers)).json()
    assert history["items"] == [tombstone]
    # Deleting again changes nothing; a tombstone cannot be edited back to life.
    assert (await http.delete(path, headers=alice.headers)).status_code == 204
    assert (await http.patch(path, json={"body": "back"}, headers=alice.headers)).status_code == 409


async def unread(http: httpx.AsyncClient, user: User, room: str) -> int | None:
    listed = (await http.get("/rooms", headers=user.headers)).json()
    counts = {item["id"]: item["unread_count"] for item in listed["items"]}
    return counts[room]


async def test_read_receipts_drive_my_unread_count(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices, bobs = await connect(alice), await connect(bob)
    await alices.join(room)
    await bobs.join(room)
    sent = [await bobs.send(room, f"news {n}") for n in range(3)]
    assert await unread(http, alice, room) == 3
    assert await unread(http, bob, room) == 0  # my own messages are never unread

    receipt = await http.post(
        f"/rooms/{room}/read", json={"message_id": sent[1]["id"]}, headers=alice.headers
    )
    assert receipt.status_code == 200
    assert receipt.json() == {
        "room_id": room,
        "user_id": alice.id,
        "last_read_message_id": sent[1]["id"],
        "unread_count": 1,
    }
    assert await bobs.next("read") == {
        "room_id": room,
        "user_id": alice.id,
        "message_id": sent[1]["id"],
    }
    assert await unread(http, alice, room) == 1

    # A receipt for an older message never moves the marker back.
    older = await http.post(
        f"/rooms/{room}/read", json={"message_id": sent[0]["id"]}, headers=alice.headers
    )
    assert older.json()["last_read_message_id"] == sent[1]["id"]

    # The same over Socket.IO.
    ack = await alices.call("read", {"room_id": room, "message_id": sent[2]["id"]})
    assert ack == {
        "ok": True,
        "room_id": room,
        "user_id": alice.id,
        "last_read_message_id": sent[2]["id"],
        "unread_count": 0,
    }
    assert await unread(http, alice, room) == 0


async def test_a_read_receipt_answers_the_same_over_rest_and_the_socket(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices, bobs = await connect(alice), await connect(bob)
    await alices.join(room)
    await bobs.join(room)
    sent = [await bobs.send(room, f"news {n}") for n in range(2)]
    over_rest = await http.post(
        f"/rooms/{room}/read", json={"message_id": sent[0]["id"]}, headers=alice.headers
    )
    over_socket = await alices.call("read", {"room_id": room, "message_id": sent[0]["id"]})
    # Marking the same message twice: the very same receipt, whichever way it came.
    assert over_socket == {"ok": True, **over_rest.json()}
    assert over_rest.json()["unread_count"] == 1


async def test_a_deleted_message_is_no_longer_unread(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User, room: str
) -> None:
    bobs = await connect(bob)
    await bobs.join(room)
    sent = await bobs.send(room, "never mind")
    assert await unread(http, alice, room) == 1
    await http.delete(f"/rooms/{room}/messages/{sent['id']}", headers=bob.headers)
    assert await unread(http, alice, room) == 0


async def test_only_members_send_read_receipts(
    http: httpx.AsyncClient, connect: Connect, alice: User, room: str
) -> None:
    alices = await connect(alice)
    await alices.join(room)
    sent = await alices.send(room, "hi")
    carol = await signup_and_login(http, name="Carol")
    response = await http.post(
        f"/rooms/{room}/read", json={"message_id": sent["id"]}, headers=carol.headers
    )
    assert response.status_code == 403
