"""A development database's snapshot on disk, so `make run` keeps its data across restarts.

The file is a stream of BSON documents (ObjectIds and dates come back as they went in): a
header, then per collection one entry with its index definitions followed by one entry per
document. It is written whole to a temporary file and renamed over the old one, so a crash
mid-write leaves the previous snapshot. Both methods run on the engine's thread, under the
database's lock, so a snapshot is one consistent moment.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bson
from bson.codec_options import CodecOptions

from backend_shared.clock import utcnow

logger = logging.getLogger("backend_shared.embedded")

FORMAT = "backend_shared.embedded.snapshot/1"
# Index options mongomock keeps and create_index accepts back.
_INDEX_OPTIONS = ("unique", "sparse", "expireAfterSeconds", "partialFilterExpression")


class SnapshotFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load_into(self, collection_for: Callable[[str], Any]) -> int:
        """Restore the snapshot through `collection_for(name)` (a mongomock collection);
        returns how many documents came back. An unreadable file is moved aside, never
        deleted, and the database starts empty."""
        self.path = self.path.resolve()
        if not self.path.exists():
            return 0
        try:
            entries: list[dict[str, Any]] = bson.decode_all(
                self.path.read_bytes(), CodecOptions(tz_aware=True)
            )
            if not entries or entries[0].get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} file")
            return _restore(entries[1:], collection_for)
        except Exception as exc:
            aside = self.path.with_name(f"{self.path.name}.unreadable-{utcnow():%Y%m%dT%H%M%S}")
            self.path.rename(aside)
            logger.warning(
                "embedded database: could not read %s (%s); moved it to %s and started empty",
                self.path,
                exc,
                aside,
            )
            return 0

    def save_from(self, database: Any) -> None:
        """Write every collection of `database` (a mongomock Database) to the file."""
        chunks = [bson.encode({"format": FORMAT, "database": database.name, "saved_at": utcnow()})]
        for name in sorted(database.list_collection_names()):
            collection = database.get_collection(name)
            indexes = [
                {"name": index_name, "key": [list(pair) for pair in spec["key"]]}
                | {option: spec[option] for option in _INDEX_OPTIONS if option in spec}
                for index_name, spec in collection.index_information().items()
                if index_name != "_id_"
            ]
            chunks.append(bson.encode({"collection": name, "indexes": indexes}))
            chunks.extend(bson.encode({"in": name, "document": doc}) for doc in collection.find())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_bytes(b"".join(chunks))
        os.replace(partial, self.path)


def _restore(entries: list[dict[str, Any]], collection_for: Callable[[str], Any]) -> int:
    restored = 0
    pending: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        if "collection" in entry:
            collection = collection_for(entry["collection"])
            for index in entry["indexes"]:
                options = {option: index[option] for option in _INDEX_OPTIONS if option in index}
                collection.create_index(
                    [tuple(pair) for pair in index["key"]], name=index["name"], **options
                )
            pending.setdefault(entry["collection"], [])
        else:
            pending.setdefault(entry["in"], []).append(entry["document"])
    for name, documents in pending.items():
        if documents:
            collection_for(name).insert_many(documents)
            restored += len(documents)
    return restored
