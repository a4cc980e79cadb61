# mypy: disable-error-code="no-untyped-call"
"""mongomock, taught to find a query's candidates by the value of an indexed field instead of
scanning the whole collection.

mongomock answers every query by testing every document, so a page of one user's tasks costs
as much as all users' tasks. Here each collection keeps, for the leading field of every index
it has, a partition: field value -> the `_id`s of the documents holding it. A query with an
equality (or `$eq`, `$in`) on such a field, or on `_id`, tests only those candidates. The
partition is a pre-filter: candidates still go through mongomock's own matcher, in the
collection's natural order, so results are exactly mongomock's. The one exception is a lone
equality on an ObjectId or a string, whose matches the partition (or a comparison of that
one field) gives exactly (`PartitionedStore.matches`). The copy handed out and the sort are
mongomock's too, with less work for plain values (`values.py`).

Everything here runs under the adapter's lock (see `client.py`); none of it is thread-safe.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Set
from contextlib import contextmanager
from typing import Any

import mongomock
from mongomock import aggregate as mongomock_aggregate
from mongomock import helpers
from mongomock.collection import BulkOperationBuilder, Collection, validate_is_mapping
from mongomock.filtering import filter_applies
from mongomock.store import CollectionStore, DatabaseStore, ServerStore
from pymongo.results import BulkWriteResult

from backend_shared.embedded.partitions import Partition, exact_equality, holds, wanted_values
from backend_shared.embedded.values import copy_out, sort_documents

Document = dict[str, Any]


def _store_key(document: Document) -> Any:
    """The key mongomock files a document under (a dict `_id` is hashed as a hashdict)."""
    key = document["_id"]
    return helpers.hashdict(key) if isinstance(key, dict) else key


class PartitionedStore(CollectionStore):
    """mongomock's collection store plus the partitions and each document's natural-order
    position. Inserts, deletes, drops and TTL expiry pass through here; in-place updates are
    re-filed by `PartitionedCollection._update`."""

    def __init__(self, name: str) -> None:
        self._partitions: dict[str, Partition] = {}
        self._position: dict[Any, int] = {}
        self._next_position = itertools.count()
        self._touched: set[Any] | None = None
        self._index_specs: dict[str, Any] = {}
        super().__init__(name)

    # mongomock assigns `indexes` wholesale (in __init__, drop, drop_indexes).
    @property
    def indexes(self) -> dict[str, Any]:
        return self._index_specs

    @indexes.setter
    def indexes(self, value: dict[str, Any]) -> None:
        self._index_specs = value
        self._refresh_partitions()

    def __setitem__(self, key: Any, document: Document) -> None:
        super().__setitem__(key, document)
        if key not in self._position:
            self._position[key] = next(self._next_position)
        for partition in self._partitions.values():
            partition.place(key, document)

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._position.pop(key, None)
        for partition in self._partitions.values():
            partition.remove(key)

    def drop(self) -> None:
        self._position.clear()
        super().drop()

    def create_index(self, index_name: str, index_dict: dict[str, Any]) -> None:
        super().create_index(index_name, index_dict)
        self._refresh_partitions()

    def drop_index(self, index_name: str) -> None:
        super().drop_index(index_name)
        self._refresh_partitions()

    def _refresh_partitions(self) -> None:
        leading = (
            next(iter(spec.get("key") or [("_id", 1)]))[0] for spec in self._index_specs.values()
        )
        fields = {field for field in leading if field != "_id" and "." not in field}
        self._partitions = {
            field: self._partitions.get(field) or self._build_partition(field) for field in fields
        }

    def _build_partition(self, field: str) -> Partition:
        partition = Partition(field)
        for key, document in self._documents.items():
            partition.place(key, document)
        return partition

    # In-place updates: the keys a write looked at are re-filed before the next lookup.

    @contextmanager
    def tracking_updates(self) -> Iterator[None]:
        if self._touched is not None:  # already inside an update
            yield
            return
        self._touched = set()
        try:
            yield
        finally:
            self._refile_touched()
            self._touched = None

    def track(self, documents: Iterable[Document]) -> Iterator[Document]:
        for document in documents:
            if self._touched is not None:
                self._touched.add(_store_key(document))
            yield document

    def _refile_touched(self) -> None:
        if not self._touched:
            return
        for key in self._touched:
            document = self._documents.get(key)
            for partition in self._partitions.values():
                if document is None:
                    partition.remove(key)
                else:
                    partition.place(key, document)
        self._touched.clear()

    def candidates(self, query: Any) -> list[Document] | None:
        """The documents that may match `query`, in natural order; None: test them all."""
        self._refile_touched()
        self._remove_expired_documents()
        keys = self._candidate_keys(query)
        if keys is None:
            return None
        return self._in_natural_order(keys)

    def matches(self, query: Any) -> list[Document] | None:
        """The documents matching `query`, in natural order, when it is one equality on an
        ObjectId or a string (`exact_equality`): read off a partition, or found by comparing
        that one field, without mongomock's matcher. None: ask `candidates`."""
        keys = self._matching_keys(query)
        if keys is None:
            return None
        if isinstance(keys, list):  # a scan: already in natural order
            return [self._documents[key] for key in keys]
        return self._in_natural_order(keys)

    def count_matches(self, query: Any) -> int | None:
        """How many documents `matches` would return, or None."""
        keys = self._matching_keys(query)
        return None if keys is None else len(keys)

    def _in_natural_order(self, keys: Iterable[Any]) -> list[Document]:
        return [self._documents[key] for key in sorted(keys, key=self._position.__getitem__)]

    def _matching_keys(self, query: Any) -> Set[Any] | list[Any] | None:
        equality = exact_equality(query)
        if equality is None:
            return None
        field, value = equality
        partition = self._partitions.get(field)
        if partition is None and field != "_id" and "." in field:
            return None  # a path into sub-documents and arrays: mongomock's matcher
        self._refile_touched()
        self._remove_expired_documents()
        if partition is not None:
            return partition.holding(value)
        if field == "_id":  # the key the document is filed under
            return {value} if value in self._documents else frozenset()
        return [key for key, document in self._documents.items() if holds(document, field, value)]

    def _candidate_keys(self, query: Any) -> set[Any] | None:
        if not isinstance(query, Mapping):
            return None
        best: set[Any] | None = None
        for field, condition in query.items():
            keys = self._keys_for_condition(field, condition)
            if keys is not None and (best is None or len(keys) < len(best)):
                best = keys
        return best

    def _keys_for_condition(self, field: str, condition: Any) -> set[Any] | None:
        if field == "$and" and isinstance(condition, list):
            narrowest = [self._candidate_keys(part) for part in condition]
            found = [keys for keys in narrowest if keys is not None]
            return min(found, key=len) if found else None
        if field == "$or" and isinstance(condition, list) and condition:
            branches = [self._candidate_keys(part) for part in condition]
            if any(keys is None for keys in branches):
                return None
            return set().union(*(keys for keys in branches if keys is not None))
        if field != "_id" and field not in self._partitions:
            return None
        values = wanted_values(condition)
        if values is None:
            return None
        if field == "_id":
            return {value for value in values if value in self._documents}
        return self._partitions[field].keys_for(values)


class PartitionedDatabaseStore(DatabaseStore):
    def __getitem__(self, name: str) -> CollectionStore:
        collection = self._collections.get(name)
        if collection is None:
            collection = self._collections[name] = PartitionedStore(name)
        return collection


class PartitionedServerStore(ServerStore):
    def __getitem__(self, name: str) -> DatabaseStore:
        database = self._databases.get(name)
        if database is None:
            database = self._databases[name] = PartitionedDatabaseStore()
        return database


class _BulkBuilder(BulkOperationBuilder):
    """PyMongo 4.11+ hands every UpdateOne/ReplaceOne a `sort` (None unless asked for)."""

    def add_update(self, *args: Any, sort: Any = None, **kwargs: Any) -> None:
        if sort is not None:
            raise NotImplementedError("UpdateOne(sort=...) in bulk_write")
        super().add_update(*args, **kwargs)

    def add_replace(self, *args: Any, sort: Any = None, **kwargs: Any) -> None:
        if sort is not None:
            raise NotImplementedError("ReplaceOne(sort=...) in bulk_write")
        super().add_replace(*args, **kwargs)


class PartitionedCollection(Collection):
    """mongomock's Collection, reading candidates from the store's partitions and copying
    only the requested page of a query's results."""

    def _iter_documents(self, filter: Any) -> Iterator[Document]:
        store = self._store
        if not isinstance(store, PartitionedStore):
            return super()._iter_documents(filter)  # type: ignore[no-any-return]
        matched = store.matches(filter)
        if matched is not None:
            return store.track(matched)
        candidates = store.candidates(filter)
        if candidates is None:
            return store.track(super()._iter_documents(filter))
        if not candidates:
            filter_applies(filter, {})  # mongomock validates the filter even with no documents
        return store.track(doc for doc in candidates if filter_applies(filter, doc))

    def _get_dataset(self, spec: Any, sort: Any, fields: Any, as_class: Any) -> Iterator[Document]:
        """mongomock's, with a cheaper sort where plain values allow it (`sort_documents`)."""
        dataset: Iterable[Document] = self._iter_documents(spec)
        if sort:
            dataset = sort_documents(dataset, sort)
        for document in dataset:
            yield self._copy_only_fields(document, fields, as_class)

    def count_documents(self, filter: Any, **kwargs: Any) -> int:
        """mongomock's count, read off a partition when it holds exactly the matches."""
        store = self._store
        if not kwargs and isinstance(store, PartitionedStore):
            count = store.count_matches(filter)
            if count is not None:
                return count
        return super().count_documents(filter, **kwargs)  # type: ignore[no-any-return]

    def _update(self, *args: Any, **kwargs: Any) -> Any:
        store = self._store
        if not isinstance(store, PartitionedStore):
            return super()._update(*args, **kwargs)
        with store.tracking_updates():
            return super()._update(*args, **kwargs)

    def bulk_write(
        self,
        requests: list[Any],
        ordered: bool = True,
        bypass_document_validation: bool = False,
        session: Any = None,
    ) -> BulkWriteResult:
        """mongomock's bulk_write, with a builder that accepts the `sort` PyMongo now passes."""
        if session is not None:
            raise NotImplementedError("bulk_write(session=...)")
        if bypass_document_validation:
            raise NotImplementedError("bulk_write(bypass_document_validation=True)")
        bulk = _BulkBuilder(self, ordered=ordered)
        for request in requests:
            request._add_to_bulk(bulk)
        return BulkWriteResult(bulk.execute(), True)

    def page(
        self,
        filter: Any = None,
        projection: Any = None,
        *,
        sort: Any = None,
        skip: int = 0,
        limit: int = 0,
        **find_options: Any,
    ) -> list[Document]:
        """What `list(find(...).sort(...).skip(...).limit(...))` returns, copying only the
        documents on the page (mongomock's cursor copies every match before slicing)."""
        filter = {} if filter is None else filter
        if find_options:
            self.find(filter, projection, **find_options)  # validates them as find does
        else:
            validate_is_mapping("filter", filter)  # all that find checks without options
        spec = helpers.patch_datetime_awareness_in_document(filter)
        sort_keys = helpers.create_index_list(sort) if sort else None
        stop = skip + abs(limit) if limit else None
        found = itertools.islice(self._get_dataset(spec, sort_keys, projection, dict), skip, stop)
        if self.codec_options.tz_aware and projection:  # whole documents are already aware
            return [helpers.make_datetime_timezone_aware_in_document(doc) for doc in found]
        return list(found)

    def _copy_only_fields(self, doc: Document, fields: Any, container: Any) -> Any:
        if fields or container is not dict:
            return super()._copy_only_fields(doc, fields, container)
        # A whole document: mongomock copies it, then walks the copy again for dates.
        return copy_out(doc, self.codec_options.tz_aware)

    def find_one(self, filter: Any = None, *args: Any, **kwargs: Any) -> Document | None:
        if filter is None:
            filter = {}
        if not isinstance(filter, Mapping):
            filter = {"_id": filter}
        kwargs.pop("limit", None)
        found = self.page(filter, *args, limit=1, **kwargs)
        return found[0] if found else None

    def aggregate(self, pipeline: list[Document], session: Any = None, **kwargs: Any) -> Any:
        """A leading `$match` picks the input through the partitions, as a server would
        through an index; the stage filters exactly as mongomock's `$match` does."""
        if pipeline and isinstance(pipeline[0], Mapping) and list(pipeline[0]) == ["$match"]:
            matched = self.page(pipeline[0]["$match"])
            return mongomock_aggregate.process_pipeline(
                matched, self.database, pipeline[1:], session
            )
        return super().aggregate(pipeline, session=session, **kwargs)


def open_client() -> Any:
    """A mongomock client whose collections keep partitions (tz-aware, like the server's)."""
    return mongomock.MongoClient(tz_aware=True, _store=PartitionedServerStore())


def partitioned_collection(database: Any, name: str) -> PartitionedCollection:
    """`database[name]` as a PartitionedCollection. mongomock's Database caches the
    collections it hands out (also to `$lookup`), so ours is registered there."""
    cached = database._collection_accesses.get(name)
    if isinstance(cached, PartitionedCollection):
        return cached
    database._ensure_valid_collection_name(name)
    collection = PartitionedCollection(
        database,
        name=name,
        read_preference=database.read_preference,
        codec_options=database.codec_options,
        _db_store=database._store,
    )
    database._collection_accesses[name] = collection
    return collection
