"""What notifier does with each event: remember a new user's address, and write to them.

A notification's `_id` is the id of the event that caused it, so a redelivered event
finds its notification and does not send it again once it is marked sent. Mail is the one
effect no database write can take back: if the process dies after the mail server took
the message and before it is marked sent, the event is delivered again and the mail sent
twice (with the same Message-ID). At-least-once, said plainly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.errors import DuplicateKeyError

from backend_shared.clock import utcnow
from backend_shared.db import Database
from notifier.mailer import Mailer
from notifier.store import NOTIFICATIONS, RECIPIENTS
from shop_contracts.events import (
    Money,
    OrderConfirmedV1,
    OrderRejectedV1,
    UserRegisteredV1,
)
from shop_platform.runtime import EventContext, EventHandler

SENDING = "sending"
SENT = "sent"


class UnknownRecipient(LookupError):
    """An order event arrived before its customer's `user.registered`: retried later."""


def _amount(money: Money) -> str:
    return f"{money.amount // 100}.{money.amount % 100:02d} {money.currency}"


async def _recipient(db: Database, user_id: str) -> dict[str, Any]:
    recipient = await db[RECIPIENTS].find_one({"_id": user_id})
    if recipient is None:
        raise UnknownRecipient(f"no address known yet for user {user_id}")
    return recipient


async def notify(
    *,
    db: Database,
    mailer: Mailer,
    event_id: str,
    user_id: str,
    to: str,
    kind: str,
    subject: str,
    body: str,
) -> None:
    try:
        await db[NOTIFICATIONS].insert_one(
            {
                "_id": event_id,
                "user_id": user_id,
                "to": to,
                "kind": kind,
                "subject": subject,
                "body": body,
                "status": SENDING,
                "created_at": utcnow(),
            }
        )
    except DuplicateKeyError:
        existing = await db[NOTIFICATIONS].find_one({"_id": event_id})
        if existing is not None and existing["status"] == SENT:
            return
    await mailer.send(to=to, subject=subject, body=body, message_id=f"<{event_id}@shop.local>")
    await db[NOTIFICATIONS].update_one(
        {"_id": event_id}, {"$set": {"status": SENT, "sent_at": utcnow()}}
    )


def event_handlers(mailer: Mailer) -> Mapping[str, EventHandler]:
    async def on_user_registered(event: UserRegisteredV1, context: EventContext) -> None:
        await context.db[RECIPIENTS].update_one(
            {"_id": event.user_id},
            {"$set": {"email": event.email, "display_name": event.display_name}},
            upsert=True,
        )
        greeting = f"Hello {event.display_name}," if event.display_name else "Hello,"
        await notify(
            db=context.db,
            mailer=mailer,
            event_id=context.envelope.id,
            user_id=event.user_id,
            to=event.email,
            kind="welcome",
            subject="Welcome to the shop",
            body=f"{greeting}\n\nyour account {event.email} is ready.\n",
        )

    async def on_order_confirmed(event: OrderConfirmedV1, context: EventContext) -> None:
        recipient = await _recipient(context.db, event.user_id)
        lines = "\n".join(f"  {line.quantity} x {line.name} ({line.sku})" for line in event.lines)
        await notify(
            db=context.db,
            mailer=mailer,
            event_id=context.envelope.id,
            user_id=event.user_id,
            to=recipient["email"],
            kind="order_confirmed",
            subject=f"Order {event.order_id} is confirmed",
            body=f"Your order is confirmed:\n{lines}\nTotal: {_amount(event.total)}\n",
        )

    async def on_order_rejected(event: OrderRejectedV1, context: EventContext) -> None:
        recipient = await _recipient(context.db, event.user_id)
        short = ", ".join(f"{line.sku} (only {line.available} left)" for line in event.short)
        await notify(
            db=context.db,
            mailer=mailer,
            event_id=context.envelope.id,
            user_id=event.user_id,
            to=recipient["email"],
            kind="order_rejected",
            subject=f"Order {event.order_id} could not be placed",
            body=f"Sorry: not enough stock for {short}. Nothing was charged.\n",
        )

    return {
        "user.registered": on_user_registered,
        "order.confirmed": on_order_confirmed,
        "order.rejected": on_order_rejected,
    }
