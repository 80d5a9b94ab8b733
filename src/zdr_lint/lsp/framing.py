"""Messages out of the bytes an editor writes to the server's stdin, surviving bad framing.

The base protocol frames each JSON-RPC message as `Content-Length: N\\r\\n` (other headers may
follow), an empty line, then N bytes of JSON. pygls's own reader matches the header line exactly and
trusts N: one message whose length is off, a `Content-Length: abc`, or a header glued to the rest of
the previous body leaves it waiting for a header it will never match, alive but deaf. This reader
resynchronises instead:

- the header is found anywhere at the end of a line, its name in any case (`content-length: 52`);
- a body that is not JSON of the declared length is read as the JSON value it starts with, when
  that value is whole (the length was off by a few bytes either way); what follows it is read as
  the start of the next message;
- while a body is short of its declared length, the arrival of the next header ends it (a value
  cannot hold a header: JSON strings cannot hold a raw line end);
- bytes that belong to no message are skipped, and each problem is reported once, in one line.

Plain bytes in, plain JSON values out: no pygls here, so the server can answer `initialize` before
pygls is loaded.
"""

from __future__ import annotations

import json
import re
from typing import Optional

# `Content-Length: N` at the end of a line; the name in any case, whatever precedes it on the line.
_CONTENT_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?\n", re.IGNORECASE)
_OTHER_HEADER = re.compile(rb"[A-Za-z0-9-]+[ \t]*:[^\r\n]*\r?\n")
_BLANK_LINE = re.compile(rb"\r?\n")
# Without any header in sight, keep only this much (a header may be arriving in pieces).
_KEEP_WITHOUT_HEADER = 256
_MAX_HEADER_LINE = 4096


class Framer:
    """Feed it bytes as they arrive; `next()` gives each message (a parsed JSON value) in order."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.problems: list = []  # one line per framing problem, for the caller to log
        self._scanned = 0  # body bytes already searched for the next header

    def feed(self, data: bytes) -> None:
        self.buffer += data

    def take_problems(self) -> list:
        problems, self.problems = self.problems, []
        return problems

    def next(self) -> Optional[object]:
        """The next whole message, or None until more bytes arrive."""
        while True:
            header = _CONTENT_LENGTH.search(self.buffer)
            if header is None:
                self._drop_noise()
                return None
            body_start = self._end_of_headers(header.end())
            if body_start is None:
                return None  # the headers are still arriving
            if body_start < 0:
                self._skip(header.end(), "a Content-Length header without the empty line after the headers")
                continue
            declared, header_start = int(header.group(1)), header.start()
            if not _only_headers(self.buffer[:header_start]):
                self.problems.append(f"skipped {header_start} bytes that were not a message")
            del self.buffer[:header_start]
            body_start -= header_start
            message = self._body(body_start, declared)
            if message is _WAIT:
                return None
            if message is _SKIPPED:
                continue
            return message

    # --- the parts -------------------------------------------------------------------------------
    def _end_of_headers(self, at: int) -> Optional[int]:
        """Offset of the body after the header lines from `at`; None: not all here yet; -1: no
        empty line where one must be."""
        while True:
            blank = _BLANK_LINE.match(self.buffer, at)
            if blank is not None:
                return blank.end()
            other = _OTHER_HEADER.match(self.buffer, at)
            if other is not None:
                at = other.end()
                continue
            rest = self.buffer[at : at + _MAX_HEADER_LINE]
            if b"\n" not in rest and len(rest) < _MAX_HEADER_LINE and _could_be_header(rest):
                return None
            return -1

    def _body(self, start: int, declared: int):
        """The message whose body starts at `start` with `declared` bytes (the buffer starts at its
        header); consumed from the buffer when taken."""
        end = start + declared
        if len(self.buffer) < end:
            # Short of the declared length: wait, unless the next message has begun.
            following = _CONTENT_LENGTH.search(self.buffer, max(start, self._scanned))
            if following is None:
                self._scanned = max(start, len(self.buffer) - 64)
                return _WAIT
            return self._recover(start, following.start(), following.start(), declared)
        try:
            message = json.loads(bytes(self.buffer[start:end]))
        except ValueError:  # not JSON, or JSON of another length (UnicodeDecodeError is one too)
            return self._misfit(start, end, declared)
        self._scanned = 0
        del self.buffer[:end]
        return message

    def _misfit(self, start: int, end: int, declared: int):
        """All the declared bytes are here, but they are not one JSON value."""
        following = _CONTENT_LENGTH.search(self.buffer, max(start, self._scanned))
        if following is not None:
            return self._recover(start, following.start(), following.start(), declared)
        if _json_value(self.buffer, start, len(self.buffer)) is None and self.buffer[start:end].lstrip()[:1] in (b"{", b"["):
            # a value longer than declared, still arriving: the next header will end it
            self._scanned = max(start, len(self.buffer) - 64)
            return _WAIT
        return self._recover(start, len(self.buffer), end, declared)

    def _recover(self, start: int, limit: int, skip_to: int, declared: int):
        """A body whose declared length is wrong: the JSON value it starts with, if that is whole
        before `limit`; else the bytes up to `skip_to` are skipped."""
        self._scanned = 0
        found = _json_value(self.buffer, start, limit)
        if found is None:
            self._skip(skip_to, f"a message that is not JSON ({declared} bytes declared)")
            return _SKIPPED
        message, end = found
        self.problems.append(f"a message declared {declared} bytes but held {end - start}; read it and went on")
        del self.buffer[:end]
        return message

    def _skip(self, upto: int, why: str) -> None:
        self.problems.append(f"skipped {why}")
        del self.buffer[:upto]

    def _drop_noise(self) -> None:
        if len(self.buffer) > _KEEP_WITHOUT_HEADER and not _only_headers(self.buffer):
            dropped = len(self.buffer) - _KEEP_WITHOUT_HEADER
            del self.buffer[:dropped]
            self.problems.append(f"skipped {dropped} bytes that were not a message")


_WAIT = object()
_SKIPPED = object()


def _json_value(buffer: bytearray, start: int, limit: int) -> Optional[tuple]:
    """(value, end offset) of the JSON value starting at `start` (after blanks) when it ends
    before `limit`; None otherwise."""
    text = bytes(buffer[start:limit]).decode("utf-8", "surrogateescape")
    stripped = len(text) - len(text.lstrip())
    try:
        value, end = json.JSONDecoder().raw_decode(text, stripped)
    except ValueError:
        return None
    return value, start + len(text[:end].encode("utf-8", "surrogateescape"))


def _only_headers(data: bytes) -> bool:
    """Header lines and blank lines only (a Content-Type before the Content-Length is not noise)."""
    at = 0
    while at < len(data):
        line = _OTHER_HEADER.match(data, at) or _BLANK_LINE.match(data, at)
        if line is None:
            return _could_be_header(data[at:]) and b"\n" not in data[at:]
        at = line.end()
    return True


def _could_be_header(data: bytes) -> bool:
    return re.fullmatch(rb"[A-Za-z0-9-]*([ \t]*:[^\r\n]*)?\r?", bytes(data)) is not None
