"""A room's messages reach every kind of connection, in the order they were sent: a
websocket tab (written to directly, realtime/fanout.py) and a long-polling one (Engine.IO's
queue), side by side in one room."""

from __future__ import annotations

import httpx

from tests.utils import ChatClient, Connect, User, join_room, signup_and_login


async def test_websocket_and_long_polling_tabs_get_every_message_in_the_order_sent(
    http: httpx.AsyncClient, live_url: str, connect: Connect, alice: User, bob: User, room: str
) -> None:
    carol = await signup_and_login(http, name="Carol")
    await join_room(http, carol, room)
    alices, bobs = await connect(alice), await connect(bob)
    carols = ChatClient()
    await carols.sio.connect(
        live_url, auth={"token": carol.access_token}, transports=["polling"], wait_timeout=10
    )
    try:
        for client in (alices, bobs, carols):
            await client.join(room)

        sent = [await alices.send(room, f"message {n}") for n in range(8)]  # under the limit

        for client in (bobs, carols):
            assert [await client.next("message:new") for _ in sent] == sent
    finally:
        await carols.close()
