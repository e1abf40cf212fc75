"""Incremental Server-Sent Events decoding and encoding (WHATWG HTML §9.2 event streams).

The decoder owns every chunk-boundary concern: a line split across reads, a `\\r\\n` pair
split between two reads, and UTF-8 sequences split anywhere. Lines are cut on the ASCII
bytes CR and LF only (never `str.splitlines()`, which also splits on U+2028, VT, FF, ...),
and a line is decoded only once it is complete, so a split multi-byte character is never
seen half.

Cost is linear in the bytes fed: a read without a line break is only kept (the unfinished
line is joined once, when its end arrives), and an event may hold at most `max_event_bytes`
(an unfinished line, or data lines without the blank line that ends them): past that the
decoder raises SSEOverflow rather than grow without bound on a misbehaving upstream.
"""

from __future__ import annotations

from dataclasses import dataclass

_BOM = b"\xef\xbb\xbf"
# A model's event is a few hundred bytes; a final Responses event repeats the whole reply.
MAX_EVENT_BYTES = 16 * 1024 * 1024


class SSEOverflow(ValueError):
    """One event (or one line of it) is larger than the decoder's cap."""


@dataclass(slots=True)
class SSEEvent:
    """One dispatched event. `data` is the joined data lines (without the final LF).

    `event`, `id` and `retry` are None unless that field appeared in this very event.
    """

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Feed bytes as they arrive; get back the events they complete."""

    __slots__ = ("_buf", "_data", "_data_len", "_event", "_held", "_held_len", "_id", "_max",
                 "_retry", "_skip_lf", "_started")  # fmt: skip

    def __init__(self, max_event_bytes: int = MAX_EVENT_BYTES) -> None:
        self._max = max_event_bytes
        self._buf = b""
        # Reads since the last line break, not yet joined (joined once, when a break comes).
        self._held: list[bytes] = []
        self._held_len = 0
        self._data_len = 0  # bytes of the data lines of the event being read
        self._skip_lf = False
        self._started = False
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        if not chunk:
            return []
        if self._skip_lf:
            # The previous read ended with CR; an LF opening this read belongs to that CRLF.
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        if self._started and b"\n" not in chunk and b"\r" not in chunk:
            self._held.append(chunk)  # no line ends here: nothing to decode yet
            self._held_len += len(chunk)
            if len(self._buf) + self._held_len > self._max:
                raise SSEOverflow(f"an event line over {self._max} bytes")
            return []
        if self._held:
            self._buf = b"".join([self._buf, *self._held])
            self._held, self._held_len = [], 0
        buf = self._buf + chunk if self._buf else chunk
        if not self._started:
            if len(buf) < len(_BOM) and _BOM.startswith(buf):
                self._buf = buf
                return []
            self._started = True
            if buf.startswith(_BOM):
                buf = buf[len(_BOM) :]
        if b"\r" in buf:
            buf = buf.replace(b"\r\n", b"\n")
            if buf.endswith(b"\r"):
                self._skip_lf = True
            buf = buf.replace(b"\r", b"\n")
        lines = buf.split(b"\n")
        self._buf = lines.pop()
        if len(self._buf) > self._max:
            raise SSEOverflow(f"an event line over {self._max} bytes")
        events: list[SSEEvent] = []
        for line in lines:
            # The two lines of nearly every event, inline (_line's cases, without its calls).
            if line[:6] == b"data: ":
                self._data_len += len(line)
                if self._data_len > self._max:
                    raise SSEOverflow(f"an event over {self._max} bytes")
                # The field name is ASCII: decoding the value alone reads the same as
                # decoding the whole line and cutting the name off.
                self._data.append(line[6:].decode("utf-8", "replace"))
            elif not line and self._data:
                events.append(SSEEvent("\n".join(self._data), self._event, self._id, self._retry))
                self._data = []
                self._data_len = 0
                self._event = self._id = self._retry = None
            else:
                self._line(line, events)
        return events

    def flush(self) -> list[SSEEvent]:
        """End of stream: a final unterminated event is discarded, as the spec says."""
        self._buf = b""
        self._held, self._held_len = [], 0
        self._data = []
        self._data_len = 0
        return []

    def _line(self, raw: bytes, events: list[SSEEvent]) -> None:
        if not raw:
            if self._data:
                events.append(SSEEvent("\n".join(self._data), self._event, self._id, self._retry))
            # Fields are re-emitted per event exactly as they appeared, so reset them all.
            self._data = []
            self._data_len = 0
            self._event = None
            self._id = None
            self._retry = None
            return
        line = raw.decode("utf-8", "replace")
        if line[0] == ":":
            return
        name, sep, value = line.partition(":")
        if sep and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data_len += len(raw)
            if self._data_len > self._max:
                raise SSEOverflow(f"an event over {self._max} bytes")
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)


def encode_event(event: SSEEvent) -> bytes:
    """Serialise one event; `data` lines are split on LF only, matching the decoder."""
    data = event.data
    if event.event is None and event.id is None and event.retry is None and "\n" not in data:
        return f"data: {data}\n\n".encode()  # nearly every event: one line of data
    parts: list[str] = []
    if event.event is not None:
        parts.append(f"event: {event.event}\n")
    if event.id is not None:
        parts.append(f"id: {event.id}\n")
    if event.retry is not None:
        parts.append(f"retry: {event.retry}\n")
    if "\n" in data:
        parts.extend(f"data: {line}\n" for line in data.split("\n"))
    else:
        parts.append(f"data: {data}\n")
    parts.append("\n")
    return "".join(parts).encode("utf-8")
