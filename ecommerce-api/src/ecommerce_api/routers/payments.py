"""The payment provider's webhook, and (in development and tests only) the buttons that
make the fake provider send one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request

from backend_shared.deps import DbDep
from backend_shared.openapi import error_responses
from ecommerce_api import flows
from ecommerce_api.dependencies import CatalogueCacheDep, PaymentProviderDep, SettingsDep
from ecommerce_api.models.payments import WebhookEvent, WebhookReceipt
from ecommerce_api.services import webhooks
from ecommerce_api.services.fake_provider import FakePaymentProvider

router = APIRouter(prefix="/payments", tags=["payments"])
dev_router = APIRouter(prefix="/dev/payments", tags=["development"])

_EVENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": WebhookEvent.model_json_schema()}},
    }
}


@router.post(
    "/webhook",
    summary="Payment events from the provider, signed with Stripe's scheme",
    description='`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` keyed '
    "with PAYMENT_WEBHOOK_SECRET, at most 300 s old; otherwise 400 and nothing changes. "
    "Each event id is processed once; the answer says what the event did.",
    responses=error_responses(400, 413, 422),
    openapi_extra=_EVENT_BODY,
)
async def payment_webhook(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    provider: PaymentProviderDep,
    cache: CatalogueCacheDep,
    stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> WebhookReceipt:
    receipt = await webhooks.handle(
        db=db,
        provider=provider,
        payload=await request.body(),  # the raw bytes: the signature covers exactly these
        signature=stripe_signature,
        secret=settings.payment_webhook_secret.get_secret_value(),
        tolerance=settings.payment_webhook_tolerance_seconds,
    )
    flows.catalogue_changed(cache)  # a payment may have sold stock
    return receipt


IntentIdPath = Annotated[
    str,
    Path(
        max_length=64,
        description="The order's payment.intent_id",
        examples=["pi_3f9a1c2b4d5e6f708192a3b4"],
    ),
]


def _fake(provider: Any) -> FakePaymentProvider:
    assert isinstance(provider, FakePaymentProvider), "the dev routes drive the fake provider"
    return provider


@dev_router.post(
    "/{intent_id}/succeed",
    summary="Development only: pay this intent (the fake provider sends the signed webhook)",
    responses=error_responses(404, 422),
)
async def succeed_payment(
    intent_id: IntentIdPath, provider: PaymentProviderDep, cache: CatalogueCacheDep
) -> WebhookReceipt:
    receipt: WebhookReceipt = await _fake(provider).succeed(intent_id)
    flows.catalogue_changed(cache)
    return receipt


@dev_router.post(
    "/{intent_id}/fail",
    summary="Development only: decline this intent (the fake provider sends the webhook)",
    responses=error_responses(404, 422),
)
async def fail_payment(intent_id: IntentIdPath, provider: PaymentProviderDep) -> WebhookReceipt:
    receipt: WebhookReceipt = await _fake(provider).fail(intent_id)
    return receipt
