"""OpenTelemetry: every request and every event handled is a span, and one trace id
follows a checkout across processes: HTTP carries it in the W3C `traceparent` header, an
event carries it in its envelope's `trace` field.

Each app gets its own tracer provider (tests run several apps in one process); the
exporter comes from settings (none, console, OTLP) or, in tests, is passed in."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.trace import SpanKind, Tracer

from backend_shared.events import Envelope
from shop_platform.settings import TelemetrySettings

logger = logging.getLogger("shop_platform.telemetry")

# Probes answer every few seconds; tracing them would bury the traces that matter.
EXCLUDED_URLS = "health,ready,.well-known/jwks.json"


@dataclass(slots=True)
class Telemetry:
    provider: TracerProvider | None
    tracer: Tracer

    def instrument_client(self, client: httpx.AsyncClient) -> httpx.AsyncClient:
        """Trace `client`'s calls and send the current trace with each (`traceparent`)."""
        if self.provider is not None:
            HTTPXClientInstrumentor.instrument_client(client, tracer_provider=self.provider)
        return client

    @contextmanager
    def handling(self, envelope: Envelope, consumer: str) -> Iterator[None]:
        """A span for handling `envelope`, a child of the work that produced it."""
        parent = propagate.extract({"traceparent": envelope.trace} if envelope.trace else {})
        with self.tracer.start_as_current_span(
            f"handle {envelope.type}",
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "redis",
                "messaging.destination.name": f"events:{envelope.type}",
                "messaging.message.id": envelope.id,
                "messaging.consumer.group.name": consumer,
            },
        ):
            yield

    def shutdown(self) -> None:
        if self.provider is not None:
            self.provider.shutdown()


def current_traceparent() -> str | None:
    """The W3C traceparent of the current span, to store in an event's envelope."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def _exporter_from(settings: TelemetrySettings) -> SpanExporter | None:
    if settings.otel_exporter == "console":
        return ConsoleSpanExporter()
    if settings.otel_exporter == "otlp":
        # Imported here: only a service that exports over OTLP needs the protobuf stack.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=settings.otel_exporter_otlp_endpoint)
    return None


def setup_tracing(
    app: FastAPI, settings: TelemetrySettings, *, exporter: SpanExporter | None = None
) -> Telemetry:
    """Trace `app`'s requests with the exporter from settings, or `exporter` (tests)."""
    exporter = exporter or _exporter_from(settings)
    if exporter is None:
        return Telemetry(provider=None, tracer=trace.NoOpTracer())
    provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
    if settings.otel_exporter == "console":
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=EXCLUDED_URLS)
    logger.info("tracing: exporting spans (%s)", type(exporter).__name__)
    return Telemetry(provider=provider, tracer=provider.get_tracer("shop_platform"))
