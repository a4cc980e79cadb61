"""Checkout: the cart becomes an order whose stock is reserved, or nothing changes.

There is no multi-document transaction here (the embedded engine has none, and MongoDB's
need a replica set), so the steps are ordered so that each can be undone:

1. price the cart (snapshots: later price changes do not touch the order);
2. redeem the coupon (one conditional `$inc` on its `remaining` counter);
3. reserve each line (one conditional `$inc` per SKU: `available >= quantity`); if any line
   is short, release the lines already reserved, give the coupon back, and answer 409
   naming every SKU that was short;
4. create the payment intent, then insert the order (undoing 2 and 3 if either fails);
5. take the bought lines out of the cart."""

from __future__ import annotations

import logging
from datetime import timedelta

from bson import ObjectId

from backend_shared.clock import utcnow
from backend_shared.db import Database
from backend_shared.errors import Conflict
from ecommerce_api.models.coupons import CouponDoc
from ecommerce_api.models.money import line_discounts
from ecommerce_api.models.orders import (
    CheckoutIn,
    HistoryEntry,
    OrderDoc,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    StockState,
)
from ecommerce_api.services import cart, coupons, inventory, products
from ecommerce_api.services.collections import ORDERS
from ecommerce_api.services.payments import PaymentProvider

logger = logging.getLogger("ecommerce_api.checkout")


async def _price_cart(*, db: Database, user_id: ObjectId) -> tuple[list[OrderLine], dict[str, int]]:
    items = await cart.get_items(db=db, user_id=user_id)
    if not items:
        raise Conflict("Your cart is empty")
    sellable = await products.find_sellable_variants(db=db, skus=list(items))
    gone = [sku for sku in items if sku not in sellable]
    if gone:
        raise Conflict(f"No longer sold: {', '.join(gone)}; remove them from the cart")
    lines = []
    for sku, quantity in items.items():
        product, variant = sellable[sku]
        lines.append(
            OrderLine(
                sku=sku,
                product_id=product.id,
                name=cart.line_name(product.name, variant.title),
                unit_price=variant.price,
                quantity=quantity,
                line_total=variant.price * quantity,
            )
        )
    return lines, items


async def _reserve_all(
    *, db: Database, lines: list[OrderLine], order_id: ObjectId, user_id: ObjectId
) -> list[str]:
    """Reserve every line; on any shortage release what was reserved. The SKUs short."""
    reserved: list[OrderLine] = []
    short: list[str] = []
    for line in lines:
        if await inventory.reserve(
            db=db, sku=line.sku, quantity=line.quantity, order_id=order_id, customer_id=user_id
        ):
            reserved.append(line)
        else:
            short.append(line.sku)
    if short:
        await release_lines(
            db=db, lines=reserved, order_id=order_id, reason="checkout failed", actor_id=user_id
        )
    return short


async def release_lines(
    *,
    db: Database,
    lines: list[OrderLine],
    order_id: ObjectId,
    reason: str,
    actor_id: ObjectId | None,
) -> None:
    for line in lines:
        await inventory.release(
            db=db,
            sku=line.sku,
            quantity=line.quantity,
            order_id=order_id,
            reason=reason,
            actor_id=actor_id,
        )


async def place_order(
    *,
    db: Database,
    provider: PaymentProvider,
    user_id: ObjectId,
    data: CheckoutIn,
    currency: str,
    payment_timeout_seconds: int,
) -> OrderDoc:
    lines, bought = await _price_cart(db=db, user_id=user_id)
    coupon: CouponDoc | None = None
    if data.coupon_code is not None:
        coupon = await coupons.find_usable(db=db, code=data.coupon_code)
    subtotal = sum(line.line_total for line in lines)
    discount = line_discounts(
        [line.line_total for line in lines],
        percent_off=coupon.percent_off if coupon else None,
        amount_off=coupon.amount_off if coupon else None,
    )
    order_id = ObjectId()

    if coupon is not None:
        await coupons.redeem(db=db, coupon=coupon)
    short = await _reserve_all(db=db, lines=lines, order_id=order_id, user_id=user_id)
    if short:
        if coupon is not None:
            await coupons.give_back(db=db, coupon=coupon)
        raise Conflict(f"Not enough stock for: {', '.join(short)}", field="sku")

    now = utcnow()
    try:
        intent = await provider.create_intent(
            amount=subtotal - discount, currency=currency, order_id=order_id
        )
        order = OrderDoc(
            _id=order_id,
            user_id=user_id,
            status=OrderStatus.PENDING_PAYMENT,
            lines=lines,
            subtotal=subtotal,
            discount=discount,
            total=subtotal - discount,
            currency=currency,
            coupon_code=coupon.code if coupon else None,
            shipping_address=data.shipping_address,
            payment=Payment(intent_id=intent.id, status=PaymentStatus.REQUIRES_PAYMENT),
            stock=StockState.RESERVED,
            expires_at=now + timedelta(seconds=payment_timeout_seconds),
            history=[HistoryEntry(status=OrderStatus.PENDING_PAYMENT, at=now, by="customer")],
            created_at=now,
            updated_at=now,
        )
        await db[ORDERS].insert_one(order.to_mongo())
    except Exception:
        logger.exception("checkout failed after reserving stock; releasing it")
        await release_lines(
            db=db, lines=lines, order_id=order_id, reason="checkout failed", actor_id=user_id
        )
        if coupon is not None:
            await coupons.give_back(db=db, coupon=coupon)
        raise
    await cart.remove_checked_out(db=db, user_id=user_id, bought=bought)
    return order
