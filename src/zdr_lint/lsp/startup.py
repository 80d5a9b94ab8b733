"""Answer `initialize` before pygls is loaded.

Importing pygls costs most of a second (lsprotocol.types alone builds about a thousand attrs
classes; `python -X importtime -m zdr_lint server` shows it), the engine and libcst another half:
an editor waiting for the `initialize` response would wait for all of it. The response is a fixed
table of what this server offers, plus the position encoding chosen from the client's offer, so
the server sends it from here while pygls and the engine load in a thread beside it. pygls then
handles the same `initialize` message as usual (its workspace, the client's capabilities), and the
response it computes is compared with the one already sent, and dropped (`server.ZdrProtocol`).

Plain JSON and the standard library only.
"""

from __future__ import annotations

import json
import os
from typing import Optional

from zdr_lint.lsp.framing import Framer

SERVER_NAME = "zdr-lint"
ENCODINGS = ("utf-8", "utf-16", "utf-32")  # what the server can convert columns to
TEXT_DOCUMENT_SYNC_INCREMENTAL = 2
NOTEBOOK_DOCUMENT_SYNC = {
    "notebookSelector": [{"notebook": "jupyter-notebook", "cells": [{"language": "python"}]}],
    "save": True,
}
CODE_ACTION_KINDS = ["quickfix"]


def position_encoding(capabilities: dict) -> str:
    """The client's first offered encoding that we support (the LSP default, UTF-16, otherwise)."""
    general = capabilities.get("general") if isinstance(capabilities, dict) else None
    offered = general.get("positionEncodings") if isinstance(general, dict) else None
    for encoding in offered if isinstance(offered, list) else ():
        if encoding in ENCODINGS:
            return encoding
    return "utf-16"


def initialize_result(params: dict, version: str) -> dict:
    """The InitializeResult, as JSON, that pygls computes for this server's features."""
    capabilities = params.get("capabilities") if isinstance(params, dict) else None
    capabilities = capabilities if isinstance(capabilities, dict) else {}
    sync = {"openClose": True, "change": TEXT_DOCUMENT_SYNC_INCREMENTAL, "save": True}
    client_sync = _get(capabilities, "textDocument", "synchronization")
    for name in ("willSave", "willSaveWaitUntil"):
        if _get(client_sync, name) is not None:
            sync[name] = False  # pygls says "no" once the client says anything: we do not handle them
    offered = {
        "positionEncoding": position_encoding(capabilities),
        "textDocumentSync": sync,
        "hoverProvider": True,
        "codeActionProvider": {"codeActionKinds": CODE_ACTION_KINDS},
        "executeCommandProvider": {"commands": []},
        "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True}, "fileOperations": {}},
    }
    if capabilities.get("notebookDocument") is not None:
        offered["notebookDocumentSync"] = NOTEBOOK_DOCUMENT_SYNC
    return {"capabilities": offered, "serverInfo": {"name": SERVER_NAME, "version": version}}


def _get(data, *keys):
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


class EarlyAnswer:
    """The `initialize` request answered here: its id and the result sent."""

    def __init__(self, request_id, result: dict) -> None:
        self.id = request_id
        self.result = result


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def first_message(framer: Framer, fd: int):
    """Read until the first whole message (None: the input ended first)."""
    while True:
        message = framer.next()
        if message is not None:
            return message
        data = os.read(fd, 1 << 16)
        if not data:
            return None
        framer.feed(data)


def answer_initialize(message, version: str, out) -> Optional[EarlyAnswer]:
    """If `message` is the `initialize` request, send its response to `out` now."""
    if not (isinstance(message, dict) and message.get("method") == "initialize" and "id" in message):
        return None
    if message.get("jsonrpc") != "2.0" or not isinstance(message.get("params"), dict):
        return None  # leave anything unusual to pygls, which answers with the right error
    result = initialize_result(message["params"], version)
    out.write(frame({"jsonrpc": "2.0", "id": message["id"], "result": result}))
    out.flush()
    return EarlyAnswer(message["id"], result)
