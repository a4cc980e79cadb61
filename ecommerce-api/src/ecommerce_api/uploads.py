"""Reading one file out of a multipart/form-data request as it streams in, with a size
cut-off: the upload is refused with 413 as soon as it passes the limit, so a client cannot
make the server read (or hold) more than that, whatever it declares or sends.

candidate for shared: a streamed, size-limited single-file upload."""

from __future__ import annotations

from collections.abc import AsyncIterator

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from backend_shared.errors import AppError, BadRequest

FIELD = "file"
# What a multipart envelope adds around the file: boundaries and part headers.
ENVELOPE_BYTES = 16 * 1024


class PayloadTooLarge(AppError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(AppError):
    status, code = 415, "unsupported_media_type"


class _OneFile:
    """Callbacks for python-multipart's streaming parser that keep the `file` part only."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.data = bytearray()
        self.found = False
        self._in_file = False
        self._header_field = b""
        self._header_value = b""
        self._disposition = b""

    def on_part_begin(self) -> None:
        self._in_file = False
        self._disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_field.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_field = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if options.get(b"name") == FIELD.encode():
            if self.found:
                raise BadRequest("Send one file, in the field 'file'")
            self.found = self._in_file = True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._in_file:
            return
        self.data += data[start:end]
        if len(self.data) > self.max_bytes:
            raise PayloadTooLarge(f"The file is larger than {self.max_bytes} bytes")


async def read_one_file(
    *, content_type: str | None, stream: AsyncIterator[bytes], max_bytes: int
) -> bytes:
    """The bytes of the form field `file`, read as they arrive, refused past `max_bytes`."""
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UnsupportedMediaType("Send the image as multipart/form-data, in the field 'file'")
    collector = _OneFile(max_bytes)
    callbacks = {
        name: getattr(collector, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in stream:
            received += len(chunk)
            if received > max_bytes + ENVELOPE_BYTES:
                raise PayloadTooLarge(f"The file is larger than {max_bytes} bytes")
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise BadRequest("The multipart body is malformed") from None
    if not collector.found:
        raise BadRequest("Send one file, in the field 'file'")
    return bytes(collector.data)
