"""One `/docs` for the whole shop: the gateway asks each upstream for its OpenAPI document
and merges the paths it routes, so a client sees every endpoint it can call, with the
schemas each service publishes. Schema names are prefixed with their service
(`catalog_ProductPublic`), so two services' `ProblemDetail` never collide."""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from typing import Any

import httpx

from gateway.routes import Route

logger = logging.getLogger("gateway.docs")

SCHEMA_REF = "#/components/schemas/"


def _rename_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                SCHEMA_REF + prefix + value[len(SCHEMA_REF) :]
                if key == "$ref" and isinstance(value, str) and value.startswith(SCHEMA_REF)
                else _rename_refs(value, prefix)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename_refs(item, prefix) for item in node]
    return node


def merge_documents(
    own: dict[str, Any], upstream_docs: dict[str, dict[str, Any] | None], routes: list[Route]
) -> dict[str, Any]:
    """`own` (the gateway's document) plus, from each upstream, the paths the gateway
    routes to it."""
    merged = copy.deepcopy(own)
    paths: dict[str, Any] = merged.setdefault("paths", {})
    components: dict[str, Any] = merged.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    security: dict[str, Any] = components.setdefault("securitySchemes", {})
    tags: list[dict[str, Any]] = merged.setdefault("tags", [])
    missing = []
    for service, doc in upstream_docs.items():
        if doc is None:
            missing.append(service)
            continue
        prefix = f"{service}_"
        doc = _rename_refs(doc, prefix)
        for path, item in doc.get("paths", {}).items():
            if any(
                route.upstream == service and route.matches(method.upper(), path)
                for route in routes
                for method in item
            ):
                paths[path] = item
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            schemas[prefix + name] = schema
        security.update(doc.get("components", {}).get("securitySchemes", {}))
        known = {tag["name"] for tag in tags}
        tags += [tag for tag in doc.get("tags", []) if tag["name"] not in known]
    if missing:
        merged["info"]["description"] += (
            "\n\n**Not shown now** (did not answer): " + ", ".join(sorted(missing)) + "."
        )
    return merged


class MergedDocs:
    """The merged document, fetched at most every `cache_seconds`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        upstreams: dict[str, str],
        routes: list[Route],
        *,
        cache_seconds: float,
    ) -> None:
        self.client = client
        self.upstreams = upstreams
        self.routes = routes
        self.cache_seconds = cache_seconds
        self._cached: dict[str, Any] | None = None
        self._fetched_at = float("-inf")

    async def document(self, own: dict[str, Any]) -> dict[str, Any]:
        if self._cached is None or time.monotonic() - self._fetched_at > self.cache_seconds:
            names = list(self.upstreams)
            fetched = await asyncio.gather(*(self._fetch(name) for name in names))
            merged = merge_documents(own, dict(zip(names, fetched, strict=True)), self.routes)
            if all(doc is not None for doc in fetched):
                self._cached, self._fetched_at = merged, time.monotonic()
            return merged
        return self._cached

    async def _fetch(self, service: str) -> dict[str, Any] | None:
        try:
            response = await self.client.get(f"{self.upstreams[service]}/openapi.json", timeout=2.0)
            response.raise_for_status()
            document: dict[str, Any] = response.json()
            return document
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("could not fetch %s's OpenAPI document: %s", service, exc)
            return None
