"""Project-wide resolution: which names of the checked project evaluate to an Anthropic client.

A real application makes its client in one module and uses it in twenty. Before files are checked,
the project index learns, over the whole project (zdr_lint.runner decides which files), the
qualified names that are or return a client ("app.llm.client", "app.llm.get_client",
"app.llm.Service.client"), the module-level base-URL strings (for raw HTTP) and the module-level
dicts of request keywords spread into a request elsewhere (`create(**DEFAULTS)`). The semantic
model treats the client names like configured client factories.

It is built from per-module *summaries*: small, JSON-able facts computed from one file's `ast` alone
(`summarize`), so they are cached by the file's content, sent between processes, and kept in memory
instead of trees. A summary holds the module's imports, and for every module-level name, function,
class attribute and method an expression in a tiny language (`("call", qualname)`, `("ref", q)`,
`("attr", base, name)`, `("annot", [q...])`, `("any", [...])`). `resolve` then evaluates every
summary against the names known so far, across modules, until nothing changes (a fixpoint: an
import cycle simply stops adding names).

Which files are summarized: those that can define a client by themselves (they import the SDK, or
spell a base URL or a configured factory: `opens_index`), then, round by round, those that import a
module holding a learned name (`import_keys`, read from the file's bytes once). A file that does
neither cannot change what the index knows.

Module names come from the file's resolved path relative to the project root (a leading `src/`
dropped), and every shorter dotted suffix of that name that no other module shares is an alias
(`backend.app.llm` is also `app.llm` and `llm`): imports resolve whether the code runs from the
root, from `src/`, from a sub-folder, or as PEP 420 namespace packages without `__init__.py`.
"""

from __future__ import annotations

import ast
import bisect
import hashlib
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Sequence

from zdr_lint import catalog
from zdr_lint.source import AST_RECURSION_LIMIT, read_file_bytes, recursion_limit

MAX_ROUNDS = 50  # fixpoint rounds; each round adds names, so this bounds pathological chains
# Only string constants that spell one of these are indexed (base URLs of the API, Vertex endpoints).
URL_MARKERS = (catalog.API_HOST, "publishers/anthropic")
_REQUEST_KEYS = frozenset(catalog.REQUEST_KEYWORDS) | {catalog.OUTPUT_CONFIG_KEYWORD}
SUMMARY_VERSION = 1  # bump when the summary's shape or meaning changes (cached summaries are dropped)
RESOLVE_VERSION = 2  # bump when `resolve` gives another index from the same summaries (a kept index is dropped)


# --- Module names -------------------------------------------------------------------------------
def module_name_of(path: str, root: Optional[str] = None, resolved: bool = False) -> tuple:
    """(dotted module name, is_package). With `root`, from the resolved path relative to it (a
    leading `src` dropped); without one (or outside it), as Python would import the file from the
    folder above its package chain (the run of parent folders holding an `__init__.py`).
    `resolved`: `path` and `root` are already real paths (the runner resolves each folder once)."""
    real = path if resolved else os.path.realpath(path)
    is_package = os.path.basename(real) in ("__init__.py", "__init__.pyi")
    if root is not None:
        root_real = root if resolved else os.path.realpath(root)
        rel = real[len(root_real) + 1:] if real.startswith(root_real + os.sep) else os.path.relpath(real, root_real)
        if not rel.startswith(".."):
            parts = rel.replace(os.sep, "/").split("/")
            parts[-1] = parts[-1].rsplit(".", 1)[0]
            if is_package:
                parts = parts[:-1]
            if len(parts) > 1 and parts[0] == "src":
                parts = parts[1:]
            return ".".join(p for p in parts if p), is_package
    p = Path(real)
    parts = [] if is_package else [p.stem]
    folder = p.parent
    while (folder / "__init__.py").is_file():
        parts.append(folder.name)
        if folder.parent == folder:
            break
        folder = folder.parent
    return ".".join(reversed(parts)), is_package


def resolve_relative(qualname: str, module: str, is_package: bool) -> Optional[str]:
    """`.llm.client` written in `app.routers.chat` -> `app.routers.llm.client`; None when the dots
    climb above the top package."""
    level = len(qualname) - len(qualname.lstrip("."))
    rest = qualname[level:]
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    joined = ".".join(base + ([rest] if rest else []))
    return joined or None


def module_aliases(names: Iterable[str]) -> dict:
    """alias -> canonical module name, for every dotted suffix of a module name that names only
    that module (`fixtures.realistic.helpdesk.llm` is `helpdesk.llm` and `llm` if nothing else is)."""
    claims: dict = {}
    canonical = set(names)
    for name in canonical:
        parts = name.split(".")
        for i in range(1, len(parts)):
            claims.setdefault(".".join(parts[i:]), set()).add(name)
    return {alias: next(iter(owners)) for alias, owners in claims.items() if len(owners) == 1 and alias not in canonical}


# --- Cheap facts from bytes (every file, once) --------------------------------------------------------
def opens_index(lowered: bytes, words: Sequence[bytes]) -> bool:
    """Can this file (lowercased bytes) define a client, a factory or a base URL by itself? Only if
    it imports the SDK, or spells a base URL or a configured factory (`words`, from index_words)."""
    sdk = catalog.SDK_ROOT.encode()
    if sdk in lowered:
        return catalog.SDK_IMPORT_LINE.search(lowered) is not None or any(w in lowered for w in words)
    return any(w in lowered for w in words if sdk not in w)  # the base URLs all spell the SDK's name


def index_words(client_factories: Sequence[str] = ()) -> tuple:
    """Besides an SDK import, the words that let a file open the index: base URLs, configured factories."""
    words = [u.lower().encode("utf-8", "surrogateescape") for u in URL_MARKERS]
    words += [name.rsplit(".", 1)[-1].lower().encode("utf-8", "surrogateescape") for name in client_factories]
    return tuple(words)


_FROM_LINE = re.compile(rb"from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]*(.*)", re.S)
_NAME = re.compile(rb"[\w.]+")


def import_keys(lowered: bytes, module: str, is_package: bool) -> list:
    """"module's-last-component imported-name" for every import line of a file, lowercased:
    `from app.llm import client` -> "llm client"; `import app.llm` -> "app llm";
    `from . import llm` in app/x.py -> "app llm"; `from app.llm import *` -> "llm *". A key is one
    string (a space never occurs in either part), so the cache stores and loads it cheaply.
    Read from the bytes (an import in a string counts too: it only costs a parse). Each occurrence
    of "import" is looked at on its own line: a line-anchored regular expression over the whole
    file is ten times slower."""
    keys = set()
    end = 0
    at = lowered.find(b"import")
    while at >= 0:
        start = lowered.rfind(b"\n", 0, at) + 1
        end = lowered.find(b"\n", at)
        if end < 0:
            end = len(lowered)
        line = lowered[start:end].lstrip(b" \t")
        if line.startswith(b"from"):
            match = _FROM_LINE.match(line)
            if match:
                names = match.group(3)
                if names.startswith(b"(") and b")" not in names:  # names over several lines
                    close = lowered.find(b")", end)
                    names += lowered[end: close if close >= 0 else len(lowered)]
                _add_from(keys, match.group(1), match.group(2), names.split(b"#")[0], module, is_package)
        elif line.startswith(b"import") and line[6:7] in (b" ", b"\t"):
            for item in line[7:].split(b"#")[0].split(b";")[0].split(b","):
                dotted = item.strip().split(b" as ")[0].strip().decode("utf-8", "surrogateescape")
                parts = dotted.split(".")
                keys.update(map(_key, parts, parts[1:]))
        at = lowered.find(b"import", max(end, at + 6))
    return sorted(keys)


def _add_from(keys: set, dots: bytes, name: bytes, names: bytes, module: str, is_package: bool) -> None:
    base = name.decode("utf-8", "surrogateescape")
    if dots:
        base = resolve_relative("." * len(dots) + base, module.lower(), is_package) or ""
    tail = base.rsplit(".", 1)[-1]
    cleaned = names.split(b";")[0].replace(b" as ", b" ").strip().strip(b"()")
    for imported in _NAME.findall(cleaned) or [b"*"]:
        keys.add(_key(tail, imported.decode("utf-8", "surrogateescape").split(".")[0]))
    if b"*" in cleaned:
        keys.add(_key(tail, "*"))


def _key(module_tail: str, name: str) -> str:
    return f"{module_tail} {name}"


def key_pairs(qualname: str) -> set:
    """The import keys through which a file may reach `qualname` (see import_keys)."""
    parts = qualname.lower().split(".")
    out = set()
    for i in range(1, len(parts)):
        out.add(_key(parts[i - 1], parts[i]))
        out.add(_key(parts[i - 1], "*"))
    return out


# --- Summaries: one module's facts, from its ast ------------------------------------------------------
# Expressions of the summary language (JSON-able lists):
#   ["call", q]          a call of the name q          ["ref", q]      the name q
#   ["attr", base, a]    attribute a of `base`         ["self", cq]    `self` in a method of class cq
#   ["annot", [q...]]    an annotation naming these    ["any", [e...]] any of these
#   ["str", text]        a string constant             ["concat", [e...]] strings joined (+, f-strings)
# q is an absolute dotted name ("app.llm.client", "anthropic.Anthropic").
_STATEMENTS_WITH_BODIES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)


def _walk_function(fn: ast.AST, walrus: bool = True):
    """The statements of a function, and the walrus targets in them (`walrus`: the module has one),
    without descending into nested functions or classes (they are not this function's locals)."""
    stack = list(reversed(fn.body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _STATEMENTS_WITH_BODIES) or type(node).__name__ in ("TryStar", "Match"):
            for name in ("body", "orelse", "finalbody"):
                stack.extend(reversed(getattr(node, name, []) or []))
            for handler in getattr(node, "handlers", []) or []:
                stack.extend(reversed(handler.body))
            for case in getattr(node, "cases", []) or []:
                stack.extend(reversed(case.body))
        if walrus and isinstance(node, (ast.Assign, ast.Return, ast.Expr, ast.AnnAssign)) and node.value is not None:
            stack.extend(n for n in ast.walk(node.value) if isinstance(n, ast.NamedExpr))


def _attr_chain(node: ast.AST) -> list:
    out = []
    while isinstance(node, ast.Attribute):
        out.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        out.append(node.id)
        return list(reversed(out))
    return []


@dataclass
class _Scope:
    """What names mean where an expression is written: the module's imports and top-level names,
    and inside a function its locals, parameters' annotations and `self`."""

    module: str
    imports: dict
    top_names: set
    locals: Optional[dict] = None  # name -> [value exprs]
    params: Optional[dict] = None  # name -> annotation expr
    self_name: Optional[str] = None
    owner: Optional[str] = None  # qualname of the class, in a method


class _Summarizer:
    def __init__(self, module: str, is_package: bool, walrus: bool = True) -> None:
        self.module, self.is_package = module, is_package
        self.walrus = walrus  # the module holds an assignment expression (`:=`) somewhere

    def absolute(self, module: Optional[str], level: int) -> Optional[str]:
        if level == 0:
            return module
        return resolve_relative("." * level + (module or ""), self.module, self.is_package)

    def qualname(self, node: ast.AST, scope: _Scope) -> Optional[str]:
        """The absolute dotted name an expression spells through imports and top-level names."""
        chain = _attr_chain(node)
        if not chain:
            return None
        head = chain[0]
        if scope.locals is not None and (head in scope.locals or head in (scope.params or {}) or head == scope.self_name):
            return None
        if head in scope.imports:
            return ".".join([scope.imports[head]] + chain[1:])
        if head in scope.top_names:
            return ".".join(([scope.module] if scope.module else []) + chain)
        return None

    def expr(self, node: Optional[ast.AST], scope: _Scope, seen: frozenset = frozenset()):
        """The summary expression of `node` (None when it cannot matter)."""
        if node is None:
            return None
        if isinstance(node, ast.Await):
            return self.expr(node.value, scope, seen)
        if isinstance(node, ast.IfExp):
            return _any(self.expr(node.body, scope, seen), self.expr(node.orelse, scope, seen))
        if isinstance(node, ast.BoolOp):
            return _any(*(self.expr(v, scope, seen) for v in node.values))
        if isinstance(node, ast.NamedExpr):
            return self.expr(node.value, scope, seen)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in catalog.RESPONSE_WRAPPERS:
                return self.expr(func.value, scope, seen)  # client.with_options(...) is a client
            q = self.qualname(func, scope)
            if q is not None:
                return ["call", q]
            if isinstance(func, ast.Attribute):  # self.make(), Service().get(), svc.get()
                base = self.expr(func.value, scope, seen)
                return ["call_attr", base, func.attr] if base is not None else None
            return None
        if isinstance(node, ast.Name):
            if scope.locals is not None:
                if node.id == scope.self_name and scope.owner:
                    return ["self", scope.owner]
                if node.id in scope.locals:
                    if node.id in seen:
                        return None
                    inner = seen | {node.id}
                    return _any(*(self.expr(v, scope, inner) for v in scope.locals[node.id]))
                if node.id in (scope.params or {}):
                    return self.annotation(scope.params[node.id], scope)
            q = self.qualname(node, scope)
            return ["ref", q] if q is not None else None
        if isinstance(node, ast.Attribute):
            q = self.qualname(node, scope)
            if q is not None:
                return ["ref", q]
            base = self.expr(node.value, scope, seen)
            return ["attr", base, node.attr] if base is not None else None
        return None

    def annotation(self, node: Optional[ast.AST], scope: _Scope):
        names = sorted(self._annotation_names(node, scope))
        return ["annot", names] if names else None

    def _annotation_names(self, node: Optional[ast.AST], scope: _Scope) -> set:
        if node is None:
            return set()
        if isinstance(node, (ast.Name, ast.Attribute)):
            q = self.qualname(node, _Scope(scope.module, scope.imports, scope.top_names))
            return {q} if q else set()
        if isinstance(node, ast.Subscript):
            inner = node.slice
            items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            return set().union(*(self._annotation_names(i, scope) for i in items))
        if isinstance(node, ast.BinOp):
            return self._annotation_names(node.left, scope) | self._annotation_names(node.right, scope)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parsed = _parse_annotation(node.value.strip())
            return self._annotation_names(parsed, scope) if parsed is not None else set()
        return set()

    def string(self, node: ast.AST, scope: _Scope, depth: int = 0):
        """A string expression whose text may name the API host: ["str"] / ["concat"] / ["ref"]."""
        if depth > 20:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return ["str", node.value]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.string(node.left, scope, depth + 1), self.string(node.right, scope, depth + 1)
            return ["concat", [left, right]] if left is not None and right is not None else None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts.append(["str", str(value.value)])
                elif isinstance(value, ast.FormattedValue):
                    inner = self.string(value.value, scope, depth + 1)
                    if inner is None:
                        return None
                    parts.append(inner)
            return ["concat", parts]
        if isinstance(node, (ast.Name, ast.Attribute)):
            q = self.qualname(node, scope)
            return ["ref", q] if q else None
        return None


@lru_cache(maxsize=4096)
def _parse_annotation(text: str) -> Optional[ast.AST]:
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None


def _any(*exprs):
    found = [e for e in exprs if e is not None]
    if not found:
        return None
    return found[0] if len(found) == 1 else ["any", found]


def _is_request_dict(node: ast.AST) -> bool:
    if isinstance(node, ast.Dict):
        return any(isinstance(k, ast.Constant) and k.value in _REQUEST_KEYS for k in node.keys)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return any(kw.arg in _REQUEST_KEYS for kw in node.keywords)
    return False


_LEAVES = (ast.Constant, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def _code_nodes(tree: ast.AST):
    """Every node, as ast.walk gives them, but without visiting constants and the other leaves
    (a data module is mostly constants: a third of the nodes to visit)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, ast.AST) and not isinstance(v, _LEAVES))
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                stack.append(value)


def summarize(tree: ast.Module, module: str, is_package: bool) -> dict:
    """The facts of one module the index needs, as plain data (see the language above)."""
    s = _Summarizer(module, is_package, walrus=False)
    imports: dict = {}
    stars: list = []
    star_uses: set = set()
    spread: list = []  # `**value` arguments of Messages requests, resolved once the names are known
    # one walk: imports anywhere count (a function-level import binds the same name in practice)
    for node in _code_nodes(tree):
        kind = type(node)
        if kind is ast.Call:
            if isinstance(node.func, ast.Attribute) and any(kw.arg is None for kw in node.keywords):
                chain = _attr_chain(node.func)
                if chain and chain[-1] in catalog.REQUEST_METHODS and "messages" in chain:
                    spread.extend(kw.value for kw in node.keywords if kw.arg is None)
            continue
        if kind is ast.NamedExpr:
            s.walrus = True
        elif kind is ast.Import:
            for alias in node.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    imports[root] = root
        elif isinstance(node, ast.ImportFrom):
            base = s.absolute(node.module, node.level)
            if base is None:
                continue
            for alias in node.names:
                if alias.name == "*":
                    stars.append(base)
                else:
                    imports[alias.asname or alias.name] = f"{base}.{alias.name}"
    top = _top_level(tree.body)
    top_names = {name for name, _ in top["assigns"]} | set(top["functions"]) | set(top["classes"])
    module_scope = _Scope(module, imports, top_names)
    for value in spread:  # **constants spread into a Messages request
        q = s.qualname(value, module_scope)
        if q:
            star_uses.add(q)
    values: dict = {}
    strings: dict = {}
    request_dicts: list = []
    assigned: dict = {}
    for name, (value, annotation) in top["assigns"]:
        assigned.setdefault(name, []).append(value)
        values.setdefault(name, [])
        for e in (s.expr(value, module_scope), s.annotation(annotation, module_scope)):
            if e is not None:
                values[name].append(e)
        if value is not None and _is_request_dict(value):
            request_dicts.append(name)
    for name, found in assigned.items():
        if len(found) == 1 and found[0] is not None:
            text = s.string(found[0], module_scope)
            if text is not None and _may_spell_url(text):
                strings[name] = text
    functions = {name: _function_summary(s, fn, module_scope, None) for name, fn in top["functions"].items()}
    classes = {name: _class_summary(s, node, module_scope, f"{module}.{name}" if module else name) for name, node in top["classes"].items()}
    return {
        "v": SUMMARY_VERSION,
        "imports": imports,
        "stars": stars,
        "values": {k: v for k, v in values.items() if v},
        "strings": strings,
        "request_dicts": sorted(set(request_dicts)),
        "star_uses": sorted(star_uses),
        "functions": {k: v for k, v in functions.items() if v is not None},
        "classes": classes,
    }


def _may_spell_url(expr) -> bool:
    """Keep a string expression only if it can name the host: a marker in its text, or a reference."""
    kind = expr[0]
    if kind == "str":
        return any(m in expr[1] for m in URL_MARKERS)
    if kind == "ref":
        return True
    return any(_may_spell_url(part) for part in expr[1])


def _top_level(body: list) -> dict:
    """Module-level assignments, functions and classes, also inside `if` / `try` blocks
    (`try: from x import y`, `if TYPE_CHECKING:`)."""
    out: dict = {"assigns": [], "functions": {}, "classes": {}}
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    out["assigns"].append((target.id, (stmt.value, None)))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            out["assigns"].append((stmt.target.id, (stmt.value, stmt.annotation)))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out["functions"][stmt.name] = stmt
        elif isinstance(stmt, ast.ClassDef):
            out["classes"][stmt.name] = stmt
        elif isinstance(stmt, (ast.If, ast.Try)) or type(stmt).__name__ == "TryStar":
            for block in (stmt.body, getattr(stmt, "orelse", []), getattr(stmt, "finalbody", [])):
                stack.extend(reversed(block))
            for handler in getattr(stmt, "handlers", []):
                stack.extend(reversed(handler.body))
    return out


def _function_scope(s: _Summarizer, fn, module_scope: _Scope, owner: Optional[str]) -> _Scope:
    args = fn.args
    params = {a.arg: a.annotation for a in list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs) if a.annotation is not None}
    for extra in (args.vararg, args.kwarg):
        if extra is not None:
            params.setdefault(extra.arg, None)
    positional = list(args.posonlyargs) + list(args.args)
    is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)
    self_name = positional[0].arg if owner is not None and positional and not is_static else None
    locals_: dict = {}
    for a in positional + list(args.kwonlyargs):
        if a.arg not in params and a.arg != self_name:
            params[a.arg] = None  # an unannotated parameter shadows a module name of the same spelling
    for node in _walk_function(fn, s.walrus):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    locals_.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.value is not None:
                locals_.setdefault(node.target.id, []).append(node.value)
            params.setdefault(node.target.id, node.annotation)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            locals_.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    locals_.setdefault(item.optional_vars.id, []).append(item.context_expr)
    return _Scope(module_scope.module, module_scope.imports, module_scope.top_names, locals_, params, self_name, owner)


def _function_summary(s: _Summarizer, fn, module_scope: _Scope, owner: Optional[str], scope: Optional[_Scope] = None):
    scope = scope or _function_scope(s, fn, module_scope, owner)
    returns = [node.value for node in _walk_function(fn, s.walrus) if isinstance(node, ast.Return) and node.value is not None]
    return _any(s.annotation(fn.returns, module_scope), *(s.expr(r, scope) for r in returns))


def _class_summary(s: _Summarizer, node: ast.ClassDef, module_scope: _Scope, qualname: str) -> dict:
    bases = sorted({q for b in node.bases if (q := s.qualname(b, module_scope))})
    attrs: dict = {}
    methods: dict = {}

    def add(name: str, expr) -> None:
        if expr is not None:
            attrs.setdefault(name, []).append(expr)

    for item in node.body:
        if isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    add(target.id, s.expr(item.value, module_scope))
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            add(item.target.id, s.annotation(item.annotation, module_scope))
            add(item.target.id, s.expr(item.value, module_scope))
        elif isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope = _function_scope(s, item, module_scope, qualname)
            summary = _function_summary(s, item, module_scope, qualname, scope)
            if summary is not None:
                methods[item.name] = summary
            if scope.self_name is None:
                continue
            for stmt in _walk_function(item, s.walrus):
                targets = []
                if isinstance(stmt, ast.Assign):
                    targets = [(t, stmt.value, None) for t in stmt.targets]
                elif isinstance(stmt, ast.AnnAssign):
                    targets = [(stmt.target, stmt.value, stmt.annotation)]
                for target, value, annotation in targets:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == scope.self_name:
                        add(target.attr, s.expr(value, scope))
                        add(target.attr, s.annotation(annotation, module_scope))
    return {"bases": bases, "attrs": attrs, "methods": methods}


def summarize_source(data: bytes, path: str, module: str, is_package: bool) -> Optional[dict]:
    """The summary of a file's bytes, or None when they do not parse (it contributes nothing)."""
    try:
        with recursion_limit(AST_RECURSION_LIMIT), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data, filename=path)
        return summarize(tree, module, is_package)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# --- The index: summaries resolved together -------------------------------------------------------------
@dataclass
class ProjectIndex:
    """What the index knows about a project. Plain data, so it can be sent to worker processes."""

    client_names: frozenset = frozenset()  # qualnames that are, or return, an Anthropic client
    strings: dict = field(default_factory=dict)  # qualname -> module-level string constant
    request_constants: dict = field(default_factory=dict)  # module -> names of dict constants spread into requests
    modules: dict = field(default_factory=dict)  # resolved path -> (module name, is_package)
    forced_paths: frozenset = frozenset()  # files holding request constants: checked past the ast gate
    root: Optional[str] = None

    def forces(self, path: str) -> bool:
        return os.path.realpath(path) in self.forced_paths

    def module_of(self, path: str) -> tuple:
        found = self.modules.get(os.path.realpath(path))
        return found if found is not None else module_name_of(path, self.root)

    def _indexed(self) -> list:
        """Indexed qualified names outside the SDK itself (its internals are Anthropic spellings)."""
        names = list(self.client_names) + list(self.strings)
        names += [f"{module}.{name}" for module, found in self.request_constants.items() for name in found]
        return [q for q in names if q and q.split(".")[0] != catalog.SDK_ROOT]

    def import_pairs(self) -> frozenset:
        """(module, name) pairs whose import makes a file refer to the project's clients (for the
        ast gate): `from app.llm import client` and `from .llm import client` give ("llm", "client");
        `from app import llm` gives ("app", "llm"), then `llm.client` is resolved by the model."""
        out = set()
        for q in self._indexed():
            parts = q.split(".")
            for i in range(1, len(parts)):
                out.add((parts[i - 1], parts[i]))
                out.add((parts[i - 1], "*"))  # `from app.llm import *`
        return frozenset(out)

    def lowered_import_keys(self) -> frozenset:
        """import_pairs lowercased, as `import_keys` reads them from a file's bytes."""
        return frozenset(p for q in self._indexed() for p in key_pairs(q))

    def trigger_pairs(self) -> frozenset:
        """(name, module) lowercase byte pairs: a file that spells both may use an indexed name
        (`from app.llm import client`, `llm.get_client()`), so the prefilter lets it through."""
        pairs = set()
        for q in self._indexed():
            parts = q.split(".")
            if len(parts) >= 2:
                pairs.add((parts[-1].lower().encode("utf-8", "surrogateescape"), parts[-2].lower().encode("utf-8", "surrogateescape")))
        return frozenset(pairs)

    def modules_for_keys(self, keys: frozenset) -> set:
        """Indexed module prefixes (any spelling) that a file with these import keys can reach."""
        by_key = getattr(self, "_by_key", None)
        if by_key is None:
            by_key = {}
            for q in self._indexed():
                parts = q.split(".")
                lowered = [p.lower() for p in parts]
                for i in range(1, len(parts)):
                    prefix = ".".join(parts[:i])
                    by_key.setdefault(_key(lowered[i - 1], lowered[i]), set()).add(prefix)
                    by_key.setdefault(_key(lowered[i - 1], "*"), set()).add(prefix)
            object.__setattr__(self, "_by_key", by_key)
        reached: set = set()
        for key in keys:
            reached |= by_key.get(key, set())
        return reached

    def digest_for(self, imported_modules: Iterable[str]) -> str:
        """A digest of what the index says under the given modules: a file's findings depend on
        nothing else of the index, so a change elsewhere does not invalidate them."""
        known = self._sorted()
        h = hashlib.blake2b(digest_size=16)
        for module in sorted(set(imported_modules)):
            start = module + "."
            at = bisect.bisect_left(known, start)
            while at < len(known) and known[at].startswith(start):
                h.update(known[at].encode("utf-8", "surrogateescape") + b"\0")
                at += 1
            h.update(b"|" + module.encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def _sorted(self) -> list:
        cached = getattr(self, "_sorted_cache", None)
        if cached is None:
            entries = [f"{q}=client" for q in self.client_names]
            entries += [f"{q}={text}" for q, text in self.strings.items()]
            entries += [f"{m}.{n}=request" for m, names in self.request_constants.items() for n in names]
            cached = sorted(entries)
            object.__setattr__(self, "_sorted_cache", cached)
        return cached


def _children(known: list, prefix: str, direct_only: bool = False) -> list:
    """Names below `prefix.` (a sorted list makes this a range scan, not a pass over every name)."""
    start = prefix + "."
    at = bisect.bisect_left(known, start)
    out = []
    while at < len(known) and known[at].startswith(start):
        if not direct_only or "." not in known[at][len(start):]:
            out.append(known[at])
        at += 1
    return out


class _Resolver:
    """Evaluates summary expressions against the names known so far, across modules."""

    def __init__(self, summaries: dict, aliases: dict, names: set) -> None:
        self.summaries = summaries  # canonical module name -> summary
        self.aliases = aliases
        self.names = names

    def canonical(self, q: str) -> str:
        """`q` with its module part written canonically (`app.llm.client` -> `fixtures.app.llm.client`)."""
        parts = q.split(".")
        for i in range(len(parts), 0, -1):
            head = ".".join(parts[:i])
            if head in self.summaries:
                return q
            target = self.aliases.get(head)
            if target is not None:
                return ".".join([target] + parts[i:])
        return q

    def known(self, q: Optional[str]) -> bool:
        return q is not None and (q in self.names or self.canonical(q) in self.names)

    def is_class(self, q: Optional[str]) -> bool:
        if not q:
            return False
        module, _, name = self.canonical(q).rpartition(".")
        summary = self.summaries.get(module)
        return summary is not None and name in summary["classes"]

    def client(self, expr) -> bool:
        if expr is None:
            return False
        kind = expr[0]
        if kind == "any":
            return any(self.client(e) for e in expr[1])
        if kind == "call":
            return _is_client_class(expr[1]) or self.known(expr[1])
        if kind == "ref":
            return self.known(expr[1])
        if kind == "annot":
            return any(_is_client_class(q) or (self.known(q) and self.is_class(q)) for q in expr[1])
        if kind == "self":
            return self.known(expr[1])  # `self` in a subclass of a client
        if kind in ("attr", "call_attr"):
            owner = self.instance_class(expr[1])
            return owner is not None and self.known(f"{owner}.{expr[2]}")
        return False

    def instance_class(self, expr) -> Optional[str]:
        """The class whose instance `expr` is (`self`, `Service()`), or the class itself (`Service`)."""
        kind = expr[0]
        if kind == "self":
            return expr[1]
        if kind in ("call", "ref") and self.is_class(expr[1]):
            return self.canonical(expr[1])
        if kind == "annot":
            for q in expr[1]:
                if self.is_class(q):
                    return self.canonical(q)
        if kind == "any":
            for e in expr[1]:
                found = self.instance_class(e)
                if found is not None:
                    return found
        return None

    def text(self, expr, strings: dict, depth: int = 0) -> Optional[str]:
        if depth > 20:
            return None
        kind = expr[0]
        if kind == "str":
            return expr[1]
        if kind == "ref":
            q = expr[1]
            return strings.get(q) if q in strings else strings.get(self.canonical(q))
        parts = [self.text(p, strings, depth + 1) for p in expr[1]]
        return None if any(p is None for p in parts) else "".join(parts)


def _is_client_class(q: Optional[str]) -> bool:
    return bool(q) and q.split(".")[0] == catalog.SDK_ROOT and q.rsplit(".", 1)[-1] in catalog.CLIENT_CLASSES


def resolve(summaries: dict, paths: dict, factories: Sequence[str] = (), root: Optional[str] = None, aliases: Optional[dict] = None) -> ProjectIndex:
    """The index of a project from its module summaries (`module -> summary`; `paths`: resolved
    path -> (module, is_package), every file of the project; `aliases`: module_aliases of them)."""
    if aliases is None:
        aliases = module_aliases({m for m, _ in paths.values()})
    names: set = set(factories)
    strings: dict = {}
    ev = _Resolver(summaries, aliases, names)
    for _ in range(MAX_ROUNDS):
        before = (len(names), len(strings))
        sorted_names, sorted_strings = sorted(names), sorted(strings)
        for module, s in summaries.items():
            prefix = f"{module}." if module else ""
            for local, exprs in s["values"].items():
                q = prefix + local
                if q not in names and any(ev.client(e) for e in exprs):
                    names.add(q)
            for local, expr in s["strings"].items():
                q = prefix + local
                if q not in strings:
                    text = ev.text(expr, strings)
                    if text is not None and len(text) < 500 and any(h in text for h in URL_MARKERS):
                        strings[q] = text
            for local, target in s["imports"].items():
                if target.split(".")[0] == catalog.SDK_ROOT:
                    continue  # `import anthropic` re-exports nothing the catalog does not know
                target = ev.canonical(target)
                if target in names:
                    names.add(prefix + local)
                if target in strings:
                    strings.setdefault(prefix + local, strings[target])
                # names below a re-exported class or module: `from .llm import Service` -> app.Service.client
                # (not the names this import already gave: `import agno` inside agno.models.message
                # would otherwise add agno.models.message.agno.models.message.agno..., a level a round)
                below = prefix + local + "."
                for known in _children(sorted_names, target):
                    if not known.startswith(below):
                        names.add(prefix + local + known[len(target):])
            for star in s["stars"]:
                star = ev.canonical(star)
                for known in _children(sorted_names, star):
                    if not known.startswith(prefix):  # the module's own names, reached through the star
                        names.add(prefix + known[len(star) + 1:])
                for known in _children(sorted_strings, star, direct_only=True):
                    strings.setdefault(prefix + known[len(star) + 1:], strings[known])
            for fname, expr in s["functions"].items():
                q = prefix + fname
                if q not in names and ev.client(expr):
                    names.add(q)
            for cname, cls in s["classes"].items():
                cq = prefix + cname
                if cq not in names and any(_is_client_class(b) or ev.known(b) for b in cls["bases"]):
                    names.add(cq)  # a subclass of an SDK client: its instances are clients
                for attr, exprs in cls["attrs"].items():
                    q = f"{cq}.{attr}"
                    if q not in names and any(ev.client(e) for e in exprs):
                        names.add(q)
                for mname, expr in cls["methods"].items():
                    q = f"{cq}.{mname}"
                    if q not in names and ev.client(expr):
                        names.add(q)
        if (len(names), len(strings)) == before:
            break
    # every name also under its modules' aliases, as importers may spell it
    by_module = sorted(aliases.items(), key=lambda kv: kv[1])
    spelled = set(names)
    sorted_names = sorted(names)
    for alias, target in by_module:
        for q in _children(sorted_names, target):
            spelled.add(alias + q[len(target):])
        if target in names:
            spelled.add(alias)
    sorted_strings = sorted(strings)
    for alias, target in by_module:
        for q in _children(sorted_strings, target):
            strings.setdefault(alias + q[len(target):], strings[q])
    request_constants: dict = {}
    forced = set()
    path_of = {module: path for path, (module, _) in paths.items()}
    for module, s in summaries.items():
        for q in s["star_uses"]:
            owner, _, const = ev.canonical(q).rpartition(".")
            target = summaries.get(owner)
            if target is not None and const in target["request_dicts"]:
                request_constants.setdefault(owner, set()).add(const)
                if owner in path_of:
                    forced.add(path_of[owner])
    for owner, consts in list(request_constants.items()):
        for alias, target in by_module:
            if target == owner:
                request_constants.setdefault(alias, set()).update(consts)
    return ProjectIndex(
        client_names=frozenset(spelled - set(factories)),
        strings=strings,
        request_constants={k: frozenset(v) for k, v in request_constants.items()},
        modules=dict(paths),
        forced_paths=frozenset(forced),
        root=root,
    )


def wanted_modules(summaries: dict) -> set:
    """Modules whose constants are spread into requests elsewhere (their summary is needed even if
    they neither import the SDK nor import a learned name)."""
    return {q.rpartition(".")[0] for s in summaries.values() for q in s["star_uses"]}


def read_lowered(path: str) -> Optional[bytes]:
    try:
        return read_file_bytes(path).lower()
    except OSError:
        return None


def build_index(paths: Iterable[str], client_factories: Sequence[str] = (), root: Optional[str] = None) -> ProjectIndex:
    """The index of `paths` in one process, without a cache (library use and tests; the runner
    builds it with zdr_lint.runner.index_project, cached and in parallel)."""
    files = {}
    for path in paths:
        if path.endswith((".py", ".pyi")):
            data = None
            try:
                data = read_file_bytes(path)
            except OSError:
                pass
            files[os.path.realpath(path)] = (path, data)
    modules = {real: module_name_of(path, root) for real, (path, _) in files.items()}
    words = index_words(client_factories)
    keys = {real: frozenset(import_keys(data.lower(), *modules[real])) for real, (_, data) in files.items() if data is not None}
    opening = [real for real, (_, data) in files.items() if data is not None and opens_index(data.lower(), words)]

    def summarize_file(real: str) -> Optional[dict]:
        path, data = files[real]
        return summarize_source(data, path, *modules[real]) if data is not None and not _inside_sdk(modules[real][0]) else None

    return grow_index(modules, keys, opening, summarize_file, client_factories, root)


def grow_index(modules: dict, keys: dict, opening: Iterable[str], summarize_file, client_factories: Sequence[str] = (), root: Optional[str] = None, summarize_many=None) -> ProjectIndex:
    """Rounds of summaries and resolution: first the files that open the index, then those that import
    a module holding a learned name, until no file is added. `summarize_file(real) -> summary`;
    `summarize_many(reals) -> [summary]` may do a round's files in parallel."""
    summaries: dict = {}
    done: set = set()

    def add(batch: list) -> None:
        batch = [r for r in batch if r not in done]
        done.update(batch)
        results = summarize_many(batch) if summarize_many is not None else [summarize_file(r) for r in batch]
        for real, summary in zip(batch, results):
            module = modules[real][0]
            if summary is not None and module not in summaries:  # two files claiming one module name: the first wins
                summaries[module] = summary

    add(sorted(opening))
    aliases = module_aliases({m for m, _ in modules.values()})
    index = resolve(summaries, modules, client_factories, root, aliases)
    seen_keys: set = set()
    for _ in range(MAX_ROUNDS):
        wanted = index.lowered_import_keys() - seen_keys
        want_modules = wanted_modules(summaries) - set(summaries)
        if not wanted and not want_modules:
            break
        seen_keys |= wanted
        wanted_lower = {m.lower() for m in want_modules}
        batch = [
            real for real in modules
            if real not in done and (not keys.get(real, frozenset()).isdisjoint(wanted) or _names_module(modules[real][0], wanted_lower))
        ]
        if not batch:
            break
        add(batch)
        index = resolve(summaries, modules, client_factories, root, aliases)
    return index


def _names_module(module: str, wanted_lower: set) -> bool:
    low = module.lower()
    return any(low == w or low.endswith("." + w) or w.endswith("." + low) for w in wanted_lower)


def _inside_sdk(module: str) -> bool:
    """The SDK's own modules: its names are the catalog's, never learned."""
    return module.split(".")[0] == catalog.SDK_ROOT
