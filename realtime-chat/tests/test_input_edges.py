"""Hostile input gets an `invalid_payload` ack over Socket.IO and a 4xx problem+json over
REST, never an `internal_error` or a 500: text that is not Unicode, ids MongoDB cannot
hold, and an email that differs from another account's only by fullwidth letters.

The embedded engine here refuses what a real MongoDB refuses, so input that would be a
500 in production fails these tests too."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backend_shared.testing.hostile_input import (
    BEYOND_INT64,
    JSON,
    LONE_SURROGATE,
    fullwidth,
    json_bytes,
)
from backend_shared.testing.server_checks import refuse_what_a_server_refuses
from tests.utils import PASSWORD, Connect, User


@pytest.fixture(autouse=True)
def _like_a_real_server(monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_what_a_server_refuses(monkeypatch)


async def test_a_message_with_a_lone_surrogate_is_an_invalid_payload(
    http: httpx.AsyncClient, connect: Connect, alice: User, room: str
) -> None:
    alices = await connect(alice)
    await alices.join(room)

    ack = await alices.call("message:send", {"room_id": room, "body": f"hi {LONE_SURROGATE}"})
    assert ack == {
        "ok": False,
        "error": {
            "code": "invalid_payload",
            "message": "body: must be valid Unicode text (it has a lone surrogate)",
        },
    }
    # Nothing was stored, and the connection carries on.
    sent = await alices.send(room, "hi")
    history = await http.get(f"/rooms/{room}/messages", headers=alice.headers)
    assert [message["id"] for message in history.json()["items"]] == [sent["id"]]


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("join", {"room_id": LONE_SURROGATE}),
        ("join", {"room_id": BEYOND_INT64}),
        ("typing", {"room_id": "ROOM", "typing": True, LONE_SURROGATE: 1}),
        ("read", {"room_id": "ROOM", "message_id": BEYOND_INT64}),
        ("message:send", {"room_id": "ROOM", "body": {LONE_SURROGATE: "x"}}),
    ],
)
async def test_an_event_with_unencodable_input_is_an_invalid_payload(
    connect: Connect, alice: User, room: str, event: str, payload: dict[str, Any]
) -> None:
    alices = await connect(alice)
    await alices.join(room)
    payload = {key: room if value == "ROOM" else value for key, value in payload.items()}
    ack = await alices.call(event, payload)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "invalid_payload"


async def test_rest_bodies_with_a_lone_surrogate_are_refused(
    http: httpx.AsyncClient, connect: Connect, alice: User, room: str
) -> None:
    headers = {**alice.headers, **JSON}
    created = await http.post(
        "/rooms", content=json_bytes({"name": "ok", "description": LONE_SURROGATE}), headers=headers
    )
    assert created.status_code == 422, created.text

    alices = await connect(alice)
    await alices.join(room)
    sent = await alices.send(room, "first")
    edited = await http.patch(
        f"/rooms/{room}/messages/{sent['id']}",
        content=json_bytes({"body": LONE_SURROGATE}),
        headers=headers,
    )
    assert edited.status_code == 422, edited.text
    assert edited.headers["content-type"] == "application/problem+json"


async def test_signing_up_with_a_lone_surrogate_is_refused(http: httpx.AsyncClient) -> None:
    body = {"email": "eve@example.com", "password": PASSWORD, "display_name": LONE_SURROGATE}
    response = await http.post("/auth/signup", content=json_bytes(body), headers=JSON)
    assert response.status_code == 422, response.text
    assert [error["loc"] for error in response.json()["errors"]] == [["body", "display_name"]]


@pytest.mark.parametrize(
    ("params", "status"),
    [({"before": str(BEYOND_INT64) + "0"}, 404), ({"limit": BEYOND_INT64}, 422)],
)
async def test_history_parameters_no_message_can_match_are_refused(
    http: httpx.AsyncClient, alice: User, room: str, params: dict[str, Any], status: int
) -> None:
    response = await http.get(f"/rooms/{room}/messages", params=params, headers=alice.headers)
    assert response.status_code == status, response.text


async def test_an_email_in_fullwidth_letters_is_the_same_account(
    http: httpx.AsyncClient, alice: User
) -> None:
    local, domain = alice.email.split("@")
    variant = f"{fullwidth(local)}@{domain}"
    taken = await http.post("/auth/signup", json={"email": variant, "password": PASSWORD})
    assert taken.status_code == 409, taken.text
    login = await http.post("/auth/login", json={"email": variant, "password": PASSWORD})
    assert login.status_code == 200, login.text
