"""Structured JSON logs; every line carries the id of the request that caused it.

The access line (one per request) skips `logging`'s record machinery: it is written whole,
from precomputed pieces, to the stream of the JSON handler `configure_logging` installed, in
exactly the shape `JsonFormatter` gives every other line. Where that handler is not in charge
(logging configured some other way), it goes through `logging` like any other line."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys() | {"message", "asctime"}
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _stamp_request_id(
    factory: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        request_id = request_id_var.get()
        if request_id is not None:
            record.request_id = request_id
        return record

    make_record._stamps_request_id = True  # type: ignore[attr-defined]
    return make_record


ACCESS_LOGGER = "backend_shared.access"
ESCAPED_PATHS_KEPT = 1024
access_logger = logging.getLogger(ACCESS_LOGGER)


class _JsonHandler(logging.StreamHandler[TextIO]):
    """The handler `configure_logging` installs on the root logger."""


class AccessLog:
    """Writes the access line, `{"time", "level", "logger", "message", "request_id",
    "method", "path", "status", "duration_ms"}`, as `JsonFormatter` would."""

    _PREFIX = f', "level": "INFO", "logger": "{ACCESS_LOGGER}", "message": '

    def __init__(self) -> None:
        self._second = -1
        self._stamp = ""
        self._escaped: dict[tuple[str, str], tuple[str, str]] = {}

    def _time(self, now: float) -> str:
        second = int(now)
        if second != self._second:  # the date and time change once a second
            self._second = second
            self._stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._stamp}.{int((now - second) * 1000):03d}+00:00"

    def write(
        self, *, request_id: str, method: str, path: str, status: int, duration_ms: float
    ) -> None:
        if not access_logger.isEnabledFor(logging.INFO):
            return
        handler = _direct_handler()
        if handler is None:
            access_logger.info(
                "%s %s %s",
                method,
                path,
                status,
                extra={
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": duration_ms,
                },
            )
            return
        # Only the method and the path come from the client; json.dumps escapes them, once
        # for each path a service keeps being asked for.
        escaped = self._escaped.get((method, path))
        if escaped is None:
            if len(self._escaped) >= ESCAPED_PATHS_KEPT:
                self._escaped.clear()
            escaped = self._escaped[method, path] = (json.dumps(method), json.dumps(path))
        method_json, path_json = escaped
        line = (
            f'{{"time": "{self._time(time.time())}"{self._PREFIX}'
            f'"{method_json[1:-1]} {path_json[1:-1]} {status}", '
            f'"request_id": "{request_id}", "method": {method_json}, "path": {path_json}, '
            f'"status": {status}, "duration_ms": {duration_ms}}}\n'
        )
        handler.acquire()
        try:
            handler.stream.write(line)
            handler.flush()
        finally:
            handler.release()


def _direct_handler() -> _JsonHandler | None:
    """Our JSON handler, when an access record would reach it and nothing else: the access
    logger and its parents add no handlers or filters, and the root has only ours."""
    logger: logging.Logger | None = access_logger
    while logger is not None and logger is not logging.root:
        if logger.handlers or logger.filters or not logger.propagate:
            return None
        logger = logger.parent
    root = logging.root
    if root.filters or len(root.handlers) != 1:
        return None
    handler = root.handlers[0]
    if not isinstance(handler, _JsonHandler) or handler.filters or handler.level > logging.INFO:
        return None
    return handler


def configure_logging(level: str = "INFO") -> None:
    """Send the root logger's output, as JSON lines, to stderr (idempotent). Every record
    made while a request is handled carries its `request_id`."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "_stamps_request_id", False):
        logging.setLogRecordFactory(_stamp_request_id(factory))
    root = logging.getLogger()
    root.setLevel(level.upper())
    if any(isinstance(handler, _JsonHandler) for handler in root.handlers):
        return
    handler = _JsonHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    turn_off_server_access_log()


def turn_off_server_access_log() -> None:
    """uvicorn's own access line would repeat ours without the request id. Left with no
    handler (as `--no-access-log` leaves it), uvicorn does not even build that line. The
    app calls this again at start-up: a server started with an app object configures its
    logging after the app was made."""
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True
