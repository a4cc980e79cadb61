"""One client abusing the live side: a burst of messages from many tabs, a typing indicator
flipped a thousand times, read receipts and joins in a loop, an edit flood. Each is
answered within its limits (`rate_limited` acks, coalesced broadcasts), never with an
error, and never at the cost of anyone else: the other members see a bounded number of
events, and the last one they see is the abuser's last word."""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import Counter
from dataclasses import replace
from typing import Any

import httpx
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from realtime_chat.config import Settings
from tests.utils import PASSWORD, ChatClient, Connect, User

FLOOD_MAX = 10  # the default: messages per user in the window
JOIN_MAX = 10  # the default: joins per connection in the window
PENDING_MAX = 16  # the default: events of one connection waiting for their ack
TYPING_INTERVAL = 1.0  # the default typing and read receipt intervals


@pytest.fixture
def settings(service_settings: dict[str, Any], request: pytest.FixtureRequest) -> Settings:
    # Windows long enough that no test here outlives one, however loaded the machine:
    # then "allowed" is an exact number.
    overrides = getattr(request, "param", {})
    return Settings(
        **service_settings, flood_window_seconds=300, join_window_seconds=300, **overrides
    )


@pytest.fixture
async def in_room(connect: Connect, alice: User, bob: User, room: str) -> tuple[ChatClient, ...]:
    """Alice and Bob, each connected and in the room."""
    clients = await connect(alice), await connect(bob)
    for client in clients:
        await client.join(room)
    return clients


def outcome(ack: dict[str, Any]) -> str:
    return "ok" if ack["ok"] else str(ack["error"]["code"])


async def send_from_tabs(
    connect: Connect, user: User, room: str, *, tabs: int, each: int
) -> tuple[list[ChatClient], list[asyncio.Future[Any]]]:
    """`user` in the room from `tabs` connections, each sending `each` messages without
    waiting: every tab's whole share is on the wire at once. Returns the tabs and the acks
    to come."""
    clients = [await connect(user) for _ in range(tabs)]
    for client in clients:
        await client.join(room)
    acks = [
        asyncio.ensure_future(
            client.sio.call("message:send", {"room_id": room, "body": f"m {n}"}, timeout=120)
        )
        for n in range(each)
        for client in clients
    ]
    return clients, acks


def most_broadcasts(elapsed: float, *, flushes: int = 0) -> int:
    """At most one per interval, plus the first, plus those a message sends early."""
    return math.floor(elapsed / TYPING_INTERVAL) + 1 + flushes


async def test_a_burst_of_messages_from_many_tabs_gets_only_ok_or_rate_limited_acks(
    http: httpx.AsyncClient, connect: Connect, alice: User, bob: User, room: str
) -> None:
    tabs, burst = await send_from_tabs(connect, alice, room, tabs=20, each=500)  # 10,000
    first_answer = next(asyncio.as_completed(burst))
    assert outcome(await first_answer) in {"ok", "rate_limited"}

    # Meanwhile Bob logs in, connects, joins and talks as usual.
    login = await http.post("/auth/login", json={"email": bob.email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    bobs = await connect(replace(bob, access_token=login.json()["access_token"]))
    await bobs.join(room)
    sent = await bobs.send(room, "still here")
    assert sent["body"] == "still here"

    acks = await asyncio.gather(*burst)
    outcomes = Counter(outcome(ack) for ack in acks)
    assert set(outcomes) == {"ok", "rate_limited"}, outcomes
    assert outcomes["ok"] == FLOOD_MAX
    refused = next(ack for ack in acks if not ack["ok"])
    assert refused["error"]["message"].startswith("Slow down")
    assert refused["error"]["retry_after"] >= 1
    assert all(tab.sio.connected for tab in tabs)
    history = (await http.get(f"/rooms/{room}/messages", headers=bob.headers)).json()
    assert len(history["items"]) == FLOOD_MAX + 1


@pytest.mark.parametrize(
    "settings", [{"flood_max_messages": 1000, "socket_max_pending_events": 1000}], indirect=True
)
async def test_many_messages_at_once_within_a_generous_limit_are_all_sent(
    connect: Connect, alice: User, room: str
) -> None:
    # Nothing in the way but the shared flood count: a thousand checks at the same moment,
    # more than the limiter's Redis pool has connections.
    _, burst = await send_from_tabs(connect, alice, room, tabs=20, each=50)
    acks = await asyncio.gather(*burst)
    assert Counter(outcome(ack) for ack in acks) == {"ok": 1000}


async def test_a_connection_firing_events_without_waiting_has_the_excess_refused(
    in_room: tuple[ChatClient, ...], room: str, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    alices, bobs = in_room
    # The first PENDING_MAX presence look-ups are held until the test lets them go, so the
    # connection's queue is full however fast the server is: what is refused does not
    # depend on the machine's load.
    held, release = 0, threading.Event()
    presence = app.state.chat.backends.presence
    online = presence.online

    async def held_online(room_id: str) -> Any:
        nonlocal held
        if held < PENDING_MAX:
            held += 1
            await asyncio.to_thread(release.wait, 120)
        return await online(room_id)

    monkeypatch.setattr(presence, "online", held_online)
    burst = [
        asyncio.ensure_future(alices.sio.call("presence", {"room_id": room}, timeout=120))
        for _ in range(2000)
    ]
    try:
        first_refusal = await next(asyncio.as_completed(burst))
        assert outcome(first_refusal) == "rate_limited"
        # Bob's own questions are answered while Alice's queue is full.
        assert (await bobs.call("presence", {"room_id": room}))["ok"]
    finally:
        release.set()

    acks = await asyncio.gather(*burst)
    outcomes = Counter(outcome(ack) for ack in acks)
    assert set(outcomes) == {"ok", "rate_limited"}, outcomes
    assert outcomes["ok"] >= PENDING_MAX
    refused = next(ack for ack in acks if not ack["ok"])["error"]
    assert refused["message"].startswith(f"Slow down: at most {PENDING_MAX} events may wait")
    assert refused["retry_after"] == 1
    assert alices.sio.connected


async def test_typing_flipped_a_thousand_times_reaches_the_room_a_few_times_and_ends_right(
    in_room: tuple[ChatClient, ...], alice: User, room: str
) -> None:
    alices, bobs = in_room

    started = time.monotonic()
    flips = [
        asyncio.ensure_future(
            alices.sio.call("typing", {"room_id": room, "typing": n % 2 == 0}, timeout=60)
        )
        for n in range(1000)
    ]
    acks = await asyncio.gather(*flips)
    assert all(ack["ok"] for ack in acks), Counter(outcome(ack) for ack in acks)
    # The last flip was "stopped". Her message reaches Bob after every typing event she
    # caused, so everything Bob will see of it is in by the time the message is.
    await alices.send(room, "done")
    await bobs.next("message:new")
    elapsed = time.monotonic() - started

    seen = bobs.pending("typing")
    assert seen, "Bob never saw Alice typing"
    assert len(seen) <= most_broadcasts(elapsed, flushes=1), (len(seen), elapsed)
    assert seen[-1]["typing"] is False
    assert {event["user"]["id"] for event in seen} == {alice.id}


async def test_read_receipts_in_a_loop_reach_the_room_a_few_times_ending_at_the_marker(
    connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices, bobs, bobs_other_tab = await connect(alice), await connect(bob), await connect(bob)
    for client in (alices, bobs, bobs_other_tab):
        await client.join(room)
    sent = [(await bobs_other_tab.send(room, f"message {n}"))["id"] for n in range(5)]

    # 100 receipts, the marker creeping up: it reaches the last message only at the 81st.
    started = time.monotonic()
    for n in range(100):
        ack = await alices.call("read", {"room_id": room, "message_id": sent[min(n // 20, 4)]})
        assert ack["ok"], ack
    seen: list[dict[str, Any]] = []

    def reaches_the_last_message(receipt: dict[str, Any]) -> bool:
        seen.append(receipt)
        return bool(receipt["message_id"] == sent[-1])

    await bobs.next("read", reaches_the_last_message)
    elapsed = time.monotonic() - started

    assert {receipt["user_id"] for receipt in seen} == {alice.id}
    assert len(seen) <= most_broadcasts(elapsed), (len(seen), elapsed)


async def test_joining_and_leaving_in_a_loop_is_limited_per_connection(
    connect: Connect, alice: User, bob: User, room: str
) -> None:
    alices, bobs, bobs_other_tab = await connect(alice), await connect(bob), await connect(bob)
    await bobs.join(room)
    await bobs_other_tab.join(room)

    joins = []
    for _ in range(30):
        joins.append(await alices.call("join", {"room_id": room}))
        assert (await alices.call("leave", {"room_id": room}))["ok"]
    outcomes = Counter(outcome(ack) for ack in joins)
    assert outcomes == {"ok": JOIN_MAX, "rate_limited": 30 - JOIN_MAX}
    refused = joins[-1]["error"]
    assert refused["message"].startswith(f"Slow down: at most {JOIN_MAX} joins")
    assert refused["retry_after"] >= 1

    # Bob's other tab talks after Alice's last leave: every presence change is in by then.
    await bobs_other_tab.send(room, "marker")
    await bobs.next("message:new")
    about_alice = [e for e in bobs.pending("presence") if e["user"]["id"] == alice.id]
    assert len(about_alice) == 2 * JOIN_MAX


async def test_an_edit_flood_counts_against_the_flood_limit(
    http: httpx.AsyncClient,
    in_room: tuple[ChatClient, ...],
    connect: Connect,
    alice: User,
    bob: User,
    room: str,
) -> None:
    alices, bobs = in_room
    message = await alices.send(room, "typo")

    edits = await asyncio.gather(
        *(
            http.patch(
                f"/rooms/{room}/messages/{message['id']}",
                json={"body": f"fixed {n}"},
                headers=alice.headers,
            )
            for n in range(30)
        )
    )
    statuses = Counter(response.status_code for response in edits)
    assert statuses == {200: FLOOD_MAX - 1, 429: 30 - (FLOOD_MAX - 1)}
    refused = next(response for response in edits if response.status_code == 429)
    assert int(refused.headers["Retry-After"]) >= 1

    deleted = await http.delete(f"/rooms/{room}/messages/{message['id']}", headers=alice.headers)
    assert deleted.status_code == 429
    # Bob's other tab talks after the flood: every edit that went out is in by then.
    bobs_other_tab = await connect(bob)
    await bobs_other_tab.join(room)
    await bobs_other_tab.send(room, "marker")
    await bobs.next("message:new", lambda m: m["body"] == "marker")
    assert len(bobs.pending("message:edited")) == FLOOD_MAX - 1


async def test_when_redis_fails_a_message_is_refused_as_unavailable_and_the_connection_stays(
    chat_app: Any, connect: Connect, alice: User, room: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    alices = await connect(alice)
    await alices.join(room)

    async def redis_is_down(**_: Any) -> None:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(chat_app.api.state.rate_limiter, "consume", redis_is_down)
    acks = await asyncio.gather(
        *(alices.call("message:send", {"room_id": room, "body": f"m{n}"}) for n in range(5))
    )
    assert {outcome(ack) for ack in acks} == {"unavailable"}
    assert "retry" in acks[0]["error"]["message"]
    assert alices.sio.connected

    monkeypatch.undo()  # Redis is back: so is the chat
    await alices.send(room, "back")
