"""libcst, loaded on first use. Rules and the semantic model name `cst.Dict` and friends, but a run
whose files are all settled by the prefilter or the ast stage (most runs: pre-commit with a handful
of files, a tree without Anthropic code) never touches a libcst node. Loading libcst costs about
0.15 s, as much as checking five thousand files' bytes, so modules that only use its names at call
time write `from zdr_lint._lazy import libcst as cst`: the first attribute read imports it.

(The stdlib's LazyLoader does not serve here: an `import libcst` statement reads the module's
`__spec__`, which loads it at once.)"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(importlib.import_module(self._name), attr)
        setattr(self, attr, value)  # later reads are plain attribute reads
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


libcst = LazyModule("libcst")
