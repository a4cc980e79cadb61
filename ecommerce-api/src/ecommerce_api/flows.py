"""After a write, tell whoever must know: the one place for side effects of writes.

Routes call one service function (the write), then the flow for it. Today the only party
to tell is this instance's catalogue cache; an event bus or webhooks to partners would be
told from here too."""

from __future__ import annotations

from ecommerce_api.services.catalogue_cache import CatalogueCache


def catalogue_changed(cache: CatalogueCache) -> None:
    """A product, an image or a stock count changed: cached catalogue pages are stale."""
    cache.invalidate()
