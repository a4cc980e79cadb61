"""The embedded MongoDB engine used when `MONGODB_URL` is unset: mongomock behind PyMongo's
async API, one atomic operation at a time, each followed by one turn of the event loop, with
an optional snapshot on disk for development. See
docs/decisions/0006-embedded-engine-concurrency.md."""

from backend_shared.embedded.client import EmbeddedClient, EmbeddedDatabase
from backend_shared.embedded.errors import UnsupportedOperation
from backend_shared.embedded.snapshot import SnapshotFile

__all__ = ["EmbeddedClient", "EmbeddedDatabase", "SnapshotFile", "UnsupportedOperation"]
