"""libcst's module parse, without checking again what its own parser built.

Every libcst node validates its fields when it is made (`CSTNode.__post_init__`): right for a tree
a program assembles, wasted on one the native parser produced from valid source, and about 40% of a
parse (libcst's own comment on `__post_init__` says as much). While this module parses, on the
parsing thread only, nodes skip that check; everywhere else (our fixes, other threads, other tools
in the same process) every node is still validated.
"""

from __future__ import annotations

import threading

from zdr_lint._lazy import libcst as cst

_parsing = threading.local()
_install_lock = threading.Lock()
_installed = False


def _skip_validation_while_parsing() -> None:
    global _installed
    with _install_lock:
        if _installed:
            return
        validate = cst.CSTNode.__post_init__

        def __post_init__(self) -> None:
            if not getattr(_parsing, "active", False):
                validate(self)

        cst.CSTNode.__post_init__ = __post_init__
        _installed = True


def parse_module(text: str) -> "cst.Module":
    """`cst.parse_module(text)`, the same tree; raises `cst.ParserSyntaxError` as it does."""
    if not _installed:
        _skip_validation_while_parsing()
    _parsing.active = True
    try:
        return cst.parse_module(text)
    finally:
        _parsing.active = False
