"""Project-wide resolution: which names of the checked project evaluate to an Anthropic client.

A real application makes its client in one module and uses it in twenty. Before the files are
checked one by one, a cheap first pass (CPython's `ast`, never libcst) indexes the project:

- module-level clients (`client = anthropic.Anthropic()`),
- functions and methods that return one (by annotation or by a returned value),
- classes whose attribute holds one (`self.client = Anthropic()` or a class-level attribute), and
  subclasses of an SDK client,
- module-level string constants (base URLs, for raw HTTP) and module-level dict constants that
  hold request keywords (`DEFAULTS = {"betas": [...]}`) and reach a request elsewhere
  (`client.messages.create(**DEFAULTS)`).

The result is a set of qualified names ("app.llm.client", "app.llm.get_client",
"app.llm.Service.client") that the semantic model treats like configured client factories. Names
flow through imports, `__init__` re-exports and star imports until nothing changes (a fixpoint, so
an import cycle simply stops adding names). A module that is missing, unreadable or does not parse
contributes nothing; the run never stops for it.

Only files that pass the prefilter are parsed at first; a file that does not is parsed later only
if it spells a name the index has learned together with the name of the module it comes from
(the same substring test the prefilter uses), so the first pass stays cheap on a large tree.
"""

from __future__ import annotations

import ast
import os
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


# --- Module names -------------------------------------------------------------------------------
def module_name_of(path: str) -> tuple:
    """(dotted module name, is_package) as Python would import the file: the package chain is the
    run of parent folders holding an `__init__.py`."""
    p = Path(path)
    is_package = p.name == "__init__.py"
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


# --- Per-module facts (first pass) -----------------------------------------------------------------
@dataclass
class _Function:
    node: ast.AST
    locals: dict = field(default_factory=dict)  # name -> [value exprs]
    params: dict = field(default_factory=dict)  # name -> annotation expr
    returns: list = field(default_factory=list)
    self_name: Optional[str] = None


@dataclass
class _Class:
    bases: list = field(default_factory=list)
    attrs: dict = field(default_factory=dict)  # name -> [(expr, _Function or None)]
    annotations: dict = field(default_factory=dict)  # name -> [annotation]
    methods: dict = field(default_factory=dict)  # name -> _Function


@dataclass
class _Module:
    name: str
    path: str
    is_package: bool
    imports: dict = field(default_factory=dict)  # local name -> absolute qualname
    stars: list = field(default_factory=list)  # absolute module names
    assigns: dict = field(default_factory=dict)  # name -> [value exprs]
    annotations: dict = field(default_factory=dict)  # name -> [annotation exprs]
    functions: dict = field(default_factory=dict)  # name -> _Function
    classes: dict = field(default_factory=dict)  # name -> _Class
    star_uses: set = field(default_factory=set)  # qualnames spread with ** into a Messages request


_STATEMENTS_WITH_BODIES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)


def _walk_function(fn: ast.AST):
    """The statements of a function and the expressions that bind or return, without descending
    into nested functions or classes (they are not this function's locals)."""
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
        if isinstance(node, (ast.Assign, ast.Return, ast.Expr, ast.AnnAssign)) and node.value is not None:
            # walrus targets inside expressions
            stack.extend(n for n in ast.walk(node.value) if isinstance(n, ast.NamedExpr))


def _locals_of(fn: ast.AST, info: _Function) -> None:
    for node in _walk_function(fn):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    info.locals.setdefault(target.id, []).append(node.value)
        elif isinstance(node, (ast.AnnAssign,)) and isinstance(node.target, ast.Name):
            if node.value is not None:
                info.locals.setdefault(node.target.id, []).append(node.value)
            info.params.setdefault(node.target.id, node.annotation)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            info.locals.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    info.locals.setdefault(item.optional_vars.id, []).append(item.context_expr)
        elif isinstance(node, ast.Return) and node.value is not None:
            info.returns.append(node.value)


def _function(node, in_class: bool) -> _Function:
    info = _Function(node)
    args = node.args
    every = list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs)
    for arg in every:
        if arg.annotation is not None:
            info.params[arg.arg] = arg.annotation
    positional = list(args.posonlyargs) + list(args.args)
    is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
    if in_class and positional and not is_static:
        info.self_name = positional[0].arg
    _locals_of(node, info)
    return info


def _collect(tree: ast.Module, name: str, path: str, is_package: bool) -> _Module:
    mod = _Module(name, path, is_package)

    def absolute(module: Optional[str], level: int) -> Optional[str]:
        if level == 0:
            return module
        return resolve_relative("." * level + (module or ""), name, is_package)

    # imports anywhere in the module count (a function-level import binds the same name in practice)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    mod.imports[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    mod.imports[root] = root
        elif isinstance(node, ast.ImportFrom):
            base = absolute(node.module, node.level)
            if base is None:
                continue
            for alias in node.names:
                if alias.name == "*":
                    mod.stars.append(base)
                else:
                    mod.imports[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            chain = _attr_chain(node.func)
            if chain and chain[-1] in catalog.REQUEST_METHODS and "messages" in chain:
                for kw in node.keywords:
                    if kw.arg is None:
                        q = _static_qualname(kw.value, mod)
                        if q:
                            mod.star_uses.add(q)
    for stmt in tree.body:
        _module_statement(stmt, mod)
    return mod


def _module_statement(stmt: ast.stmt, mod: _Module) -> None:
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                mod.assigns.setdefault(target.id, []).append(stmt.value)
    elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        mod.annotations.setdefault(stmt.target.id, []).append(stmt.annotation)
        if stmt.value is not None:
            mod.assigns.setdefault(stmt.target.id, []).append(stmt.value)
    elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        mod.functions[stmt.name] = _function(stmt, in_class=False)
    elif isinstance(stmt, ast.ClassDef):
        cls = _Class(bases=list(stmt.bases))
        for item in stmt.body:
            if isinstance(item, ast.Assign):
                for target in item.targets:
                    if isinstance(target, ast.Name):
                        cls.attrs.setdefault(target.id, []).append((item.value, None))
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                cls.annotations.setdefault(item.target.id, []).append(item.annotation)
                if item.value is not None:
                    cls.attrs.setdefault(item.target.id, []).append((item.value, None))
            elif isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                fn = _function(item, in_class=True)
                cls.methods[item.name] = fn
                if fn.self_name:
                    for node in _walk_function(item):
                        targets = []
                        if isinstance(node, ast.Assign):
                            targets = [(t, node.value, None) for t in node.targets]
                        elif isinstance(node, ast.AnnAssign):
                            targets = [(node.target, node.value, node.annotation)]
                        for target, value, annotation in targets:
                            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == fn.self_name:
                                if value is not None:
                                    cls.attrs.setdefault(target.attr, []).append((value, fn))
                                if annotation is not None:
                                    cls.annotations.setdefault(target.attr, []).append(annotation)
        mod.classes[stmt.name] = cls
    elif isinstance(stmt, (ast.If, ast.Try)):
        # `try: from x import y` / `if TYPE_CHECKING:` blocks at module level
        for block in (getattr(stmt, "body", []), getattr(stmt, "orelse", []), getattr(stmt, "finalbody", [])):
            for inner in block:
                _module_statement(inner, mod)
        for handler in getattr(stmt, "handlers", []):
            for inner in handler.body:
                _module_statement(inner, mod)


def _attr_chain(node: ast.AST) -> list:
    out = []
    while isinstance(node, ast.Attribute):
        out.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        out.append(node.id)
    return list(reversed(out))


def _static_qualname(node: ast.AST, mod: _Module) -> Optional[str]:
    """The dotted name an expression spells, through the module's imports and module-level names."""
    chain = _attr_chain(node)
    if not chain or not isinstance(node, (ast.Name, ast.Attribute)):
        return None
    head = chain[0]
    if head in mod.imports:
        return ".".join([mod.imports[head]] + chain[1:])
    if head in mod.assigns or head in mod.functions or head in mod.classes:
        return ".".join([mod.name, *chain]) if mod.name else ".".join(chain)
    return None


# --- The index --------------------------------------------------------------------------------------
@dataclass
class ProjectIndex:
    """What the first pass learned. Plain data, so it can be sent to worker processes."""

    client_names: frozenset = frozenset()  # qualnames that are, or return, an Anthropic client
    strings: dict = field(default_factory=dict)  # qualname -> module-level string constant
    request_constants: dict = field(default_factory=dict)  # module -> names of dict constants spread into requests
    modules: dict = field(default_factory=dict)  # path -> (module name, is_package)
    forced_paths: frozenset = frozenset()  # files holding request constants: checked past the ast gate

    def forces(self, path: str) -> bool:
        return os.path.abspath(path) in self.forced_paths

    def module_of(self, path: str) -> tuple:
        found = self.modules.get(os.path.abspath(path))
        return found if found is not None else module_name_of(path)

    def _indexed(self) -> list:
        """Indexed qualified names outside the SDK itself (its internals are Anthropic spellings)."""
        names = list(self.client_names) + list(self.strings)
        names += [f"{module}.{name}" for module, found in self.request_constants.items() for name in found]
        return [q for q in names if q and q.split(".")[0] != catalog.SDK_ROOT]

    def trigger_pairs(self) -> frozenset:
        """(name, module) lowercase byte pairs: a file that spells both may use an indexed name
        (`from app.llm import client`, `llm.get_client()`), so the prefilter lets it through."""
        pairs = set()
        for q in self._indexed():
            parts = q.split(".")
            if len(parts) >= 2:
                pairs.add((parts[-1].lower().encode("utf-8", "surrogateescape"), parts[-2].lower().encode("utf-8", "surrogateescape")))
        return frozenset(pairs)

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


class _Evaluator:
    """Decides, on `ast` expressions, what is a client, given the names known so far."""

    def __init__(self, modules: dict, names: set) -> None:
        self.modules = modules  # module name -> _Module
        self.names = names

    def qualname(self, node: ast.AST, mod: _Module, fn: Optional[_Function]) -> Optional[str]:
        if fn is not None and isinstance(node, ast.Name) and node.id in fn.locals:
            return None
        return _static_qualname(node, mod)

    def is_client_class(self, q: Optional[str]) -> bool:
        return bool(q) and q.split(".")[0] == catalog.SDK_ROOT and q.rsplit(".", 1)[-1] in catalog.CLIENT_CLASSES

    def annotation(self, node: Optional[ast.AST], mod: _Module) -> bool:
        if node is None:
            return False
        if isinstance(node, (ast.Name, ast.Attribute)):
            q = _static_qualname(node, mod)
            return self.is_client_class(q) or (q is not None and q in self.names and self._is_class(q))
        if isinstance(node, ast.Subscript):
            inner = node.slice
            items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            return any(self.annotation(i, mod) for i in items)
        if isinstance(node, ast.BinOp):
            return self.annotation(node.left, mod) or self.annotation(node.right, mod)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parsed = _parse_annotation(node.value.strip())
            return parsed is not None and self.annotation(parsed, mod)
        return False

    def _is_class(self, q: str) -> bool:
        module, _, name = q.rpartition(".")
        target = self.modules.get(module)
        return target is not None and name in target.classes

    def client(self, node: ast.AST, mod: _Module, fn: Optional[_Function], cls: Optional[tuple], seen: set) -> bool:
        if id(node) in seen:
            return False
        seen.add(id(node))
        if isinstance(node, ast.Await):
            return self.client(node.value, mod, fn, cls, seen)
        if isinstance(node, ast.IfExp):
            return self.client(node.body, mod, fn, cls, seen) or self.client(node.orelse, mod, fn, cls, seen)
        if isinstance(node, ast.BoolOp):
            return any(self.client(v, mod, fn, cls, seen) for v in node.values)
        if isinstance(node, ast.Call):
            func = node.func
            q = self.qualname(func, mod, fn)
            if self.is_client_class(q) or (q is not None and q in self.names):
                return True
            if isinstance(func, ast.Attribute):
                if func.attr in catalog.RESPONSE_WRAPPERS:
                    return self.client(func.value, mod, fn, cls, seen)
                member = self.member(func, mod, fn, cls)
                if member is not None and member in self.names:
                    return True
            if isinstance(func, ast.Name) and fn is not None and func.id in fn.locals:
                return False
            return False
        if isinstance(node, ast.Name):
            if fn is not None:
                if node.id in fn.locals:
                    return any(self.client(v, mod, fn, cls, seen) for v in fn.locals[node.id])
                if node.id in fn.params:
                    return self.annotation(fn.params[node.id], mod)
            q = self.qualname(node, mod, fn)
            return q is not None and q in self.names
        if isinstance(node, ast.Attribute):
            member = self.member(node, mod, fn, cls)
            if member is not None and member in self.names:
                return True
            q = self.qualname(node, mod, fn)
            return q is not None and q in self.names
        return False

    def member(self, node: ast.Attribute, mod: _Module, fn: Optional[_Function], cls: Optional[tuple]) -> Optional[str]:
        """`self.x` in a method, or `obj.x` where obj is an instance of a known class: `mod.Class.x`."""
        base = node.value
        if isinstance(base, ast.Name) and fn is not None and cls is not None and base.id == fn.self_name:
            return f"{cls[0]}.{node.attr}"
        if isinstance(base, ast.Call):
            q = self.qualname(base.func, mod, fn)
            if q is not None and self._is_class(q):
                return f"{q}.{node.attr}"
        if isinstance(base, ast.Name) and fn is not None and base.id in fn.locals:
            for value in fn.locals[base.id]:
                if isinstance(value, ast.Call):
                    q = self.qualname(value.func, mod, fn)
                    if q is not None and self._is_class(q):
                        return f"{q}.{node.attr}"
        return None


@lru_cache(maxsize=4096)
def _parse_annotation(text: str) -> Optional[ast.AST]:
    if catalog.SDK_ROOT not in text and not any(c in text for c in catalog.CLIENT_CLASSES):
        return None  # cannot name a client class (a project class is named by its own module)
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None


def _string_constant(node: ast.AST, mod: _Module, strings: dict) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _string_constant(node.left, mod, strings), _string_constant(node.right, mod, strings)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                inner = _string_constant(value.value, mod, strings)
                if inner is None:
                    return None
                parts.append(inner)
        return "".join(parts)
    if isinstance(node, (ast.Name, ast.Attribute)):
        q = _static_qualname(node, mod)
        return strings.get(q) if q else None
    return None


def _is_request_dict(node: ast.AST) -> bool:
    if isinstance(node, ast.Dict):
        return any(isinstance(k, ast.Constant) and k.value in _REQUEST_KEYS for k in node.keys)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return any(kw.arg in _REQUEST_KEYS for kw in node.keywords)
    return False


PARALLEL_INDEX_THRESHOLD = 64  # first-round files below which a process pool costs more than it saves


def read_lowered(path: str) -> Optional[bytes]:
    try:
        return read_file_bytes(path).lower()
    except OSError:
        return None


def _parse_module(path: str) -> tuple:
    """(module name, is_package, collected facts or None when the file does not parse or cannot be read)."""
    name, is_package = module_name_of(path)
    try:
        data = read_file_bytes(path)
        with recursion_limit(AST_RECURSION_LIMIT), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data, filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return name, is_package, None  # a module that does not parse contributes nothing
    return name, is_package, _collect(tree, name, path, is_package)


def index_words(client_factories: Sequence[str] = ()) -> tuple:
    """Besides an SDK import, the words that let a file open the index: base URLs, configured factories."""
    words = [u.lower().encode("utf-8", "surrogateescape") for u in URL_MARKERS]
    words += [name.rsplit(".", 1)[-1].lower().encode("utf-8", "surrogateescape") for name in client_factories]
    return tuple(words)


def opens_index(lowered: bytes, words: Sequence[bytes]) -> bool:
    """Can this file (lowercased bytes) define a client, a factory or a base URL by itself? Only if
    it imports the SDK, or spells a base URL or a configured factory (`words`, from index_words)."""
    sdk = catalog.SDK_ROOT.encode()
    if sdk in lowered:
        return catalog.SDK_IMPORT_LINE.search(lowered) is not None or any(w in lowered for w in words)
    return any(w in lowered for w in words if sdk not in w)  # the base URLs all spell the SDK's name


def build_index(
    paths: Iterable[str], client_factories: Sequence[str] = (), jobs: int = 1, opening: Optional[Sequence[str]] = None,
) -> ProjectIndex:
    """Index the Python files among `paths` (notebooks and unreadable files are skipped).

    First round: files that import the SDK or spell a configured factory or a URL marker (only they
    can define a client or a base URL; a caller that has read every file already passes them as
    `opening`); later rounds: files that spell a learned name together with the module it comes
    from; last: modules whose constants are spread into a request elsewhere. Files are read again
    when a round needs them rather than held in memory: a large tree would need its size twice."""
    sources = [p for p in paths if p.endswith((".py", ".pyi"))]
    if opening is None:
        words = index_words(client_factories)
        opening = [p for p in sources if opens_index(read_lowered(p) or b"", words)]
    modules: dict = {}  # module name -> _Module
    names_of_paths: dict = {}
    done: set = set()  # paths parsed (or skipped as the SDK's own)

    def add(path: str, name: str, is_package: bool, collected: Optional[_Module]) -> None:
        names_of_paths[os.path.abspath(path)] = (name, is_package)
        if collected is not None and name not in modules:
            # two files claiming one module name (scripts in several folders): the first wins
            modules[name] = collected

    def parse(path: str) -> None:
        done.add(path)
        if not _inside_sdk(path):  # the SDK's own modules: its names are the catalog's, never learned
            add(path, *_parse_module(path))

    first = [p for p in opening if p not in done and not _inside_sdk(p)]
    done.update(opening)
    parsed = None
    if jobs > 1 and len(first) >= PARALLEL_INDEX_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                parsed = list(pool.map(_parse_module, first, chunksize=max(1, len(first) // (jobs * 8))))
        except (OSError, BrokenProcessPool):
            parsed = None  # no worker processes here: parse in this process
    if parsed is not None:
        for path, result in zip(first, parsed):
            add(path, *result)
    else:
        for path in first:
            parse(path)

    names: set = set(client_factories)
    strings: dict = {}
    request_constants: dict = {}
    learned: set = set()
    for _ in range(MAX_ROUNDS):
        _fixpoint(modules, names, strings)
        # files that spell a learned name may import it: parse them too, then go round again
        # (a file must spell the name and the module it comes from: `client` and `llm`)
        new_words = {_pair(q, modules) for q in list(names) + list(strings)} - learned
        if not new_words:
            break
        learned |= new_words
        fresh = [p for p in sources if p not in done and _spells_any(read_lowered(p) or b"", new_words)]
        for path in fresh:
            parse(path)
    # modules whose constants are spread into requests elsewhere: parse them if the first pass did not
    wanted = {q.rpartition(".")[0] for mod in list(modules.values()) for q in mod.star_uses} - set(modules)
    if wanted:
        stems = {w.rsplit(".", 1)[-1] for w in wanted} | {"__init__"}
        for path in [p for p in sources if p not in done and Path(p).stem in stems]:
            if module_name_of(path)[0] in wanted:
                parse(path)
    forced = set()
    for mod in list(modules.values()):
        for q in mod.star_uses:
            module, _, const = q.rpartition(".")
            target = modules.get(module)
            if target is not None and any(_is_request_dict(v) for v in target.assigns.get(const, [])):
                request_constants.setdefault(module, set()).add(const)
                forced.add(os.path.abspath(target.path))
    return ProjectIndex(
        client_names=frozenset(names - set(client_factories)),
        strings=strings,
        request_constants={k: frozenset(v) for k, v in request_constants.items()},
        modules=names_of_paths,
        forced_paths=frozenset(forced),
    )


def _inside_sdk(path: str) -> bool:
    return module_name_of(path)[0].split(".")[0] == catalog.SDK_ROOT


def _pair(qualname: str, modules: dict) -> tuple:
    """(name, module) words a file must both spell to use `qualname`: what it imports from the
    module and the module's last component. `app.llm.client` -> (b"client", b"llm");
    `app.llm.Service.client` -> (b"service", b"llm"), since a user of it imports `Service`."""
    parts = qualname.split(".")
    for i in range(len(parts) - 1, 0, -1):
        if ".".join(parts[:i]) in modules:
            return parts[i].lower().encode("utf-8", "surrogateescape"), parts[i - 1].lower().encode("utf-8", "surrogateescape")
    return parts[-1].lower().encode("utf-8", "surrogateescape"), parts[0].lower().encode("utf-8", "surrogateescape")


def _spells_any(lowered: bytes, pairs: set) -> bool:
    return any(name in lowered and module in lowered for name, module in pairs)


def _children(known, prefix: str, direct_only: bool = False) -> list:
    """Names below `prefix.` (a sorted list makes this a range scan, not a pass over every name)."""
    import bisect

    start = prefix + "."
    at = bisect.bisect_left(known, start)
    out = []
    while at < len(known) and known[at].startswith(start):
        if not direct_only or "." not in known[at][len(start):]:
            out.append(known[at])
        at += 1
    return out


def _fixpoint(modules: dict, names: set, strings: dict) -> None:
    ev = _Evaluator(modules, names)
    for _ in range(MAX_ROUNDS):
        before = (len(names), len(strings))
        sorted_names, sorted_strings = sorted(names), sorted(strings)
        for mod in modules.values():
            prefix = f"{mod.name}." if mod.name else ""
            for local, values in mod.assigns.items():
                q = prefix + local
                if q not in names and (
                    any(ev.client(v, mod, None, None, set()) for v in values)
                    or any(ev.annotation(a, mod) for a in mod.annotations.get(local, []))
                ):
                    names.add(q)
                if q not in strings and len(values) == 1:
                    text = _string_constant(values[0], mod, strings)
                    if text is not None and len(text) < 500 and any(h in text for h in URL_MARKERS):
                        strings[q] = text
            for local, target in mod.imports.items():
                if target in names:
                    names.add(prefix + local)
                if target in strings:
                    strings[prefix + local] = strings[target]
                # names below a re-exported class or module: `from .llm import Service` -> app.Service.client
                if target.split(".")[0] == catalog.SDK_ROOT:
                    continue  # `import anthropic` re-exports nothing the catalog does not know
                for known in _children(sorted_names, target):
                    names.add(prefix + local + known[len(target):])
            for star in mod.stars:
                for known in _children(sorted_names, star):
                    names.add(prefix + known[len(star) + 1:])
                for known in _children(sorted_strings, star, direct_only=True):
                    strings.setdefault(prefix + known[len(star) + 1:], strings[known])
            for fname, fn in mod.functions.items():
                q = prefix + fname
                if q not in names and _returns_client(ev, fn, mod, None):
                    names.add(q)
            for cname, cls in mod.classes.items():
                cq = prefix + cname
                if cq not in names and any(ev.is_client_class(_static_qualname(b, mod)) or _static_qualname(b, mod) in names for b in cls.bases):
                    names.add(cq)  # a subclass of an SDK client: its instances are clients
                for attr, values in cls.attrs.items():
                    q = f"{cq}.{attr}"
                    if q in names:
                        continue
                    if any(ev.client(v, mod, fn, (cq,), set()) for v, fn in values) or any(
                        ev.annotation(a, mod) for a in cls.annotations.get(attr, [])
                    ):
                        names.add(q)
                for attr, hints in cls.annotations.items():
                    if f"{cq}.{attr}" not in names and any(ev.annotation(a, mod) for a in hints):
                        names.add(f"{cq}.{attr}")
                for mname, fn in cls.methods.items():
                    q = f"{cq}.{mname}"
                    if q not in names and _returns_client(ev, fn, mod, (cq,)):
                        names.add(q)
        if (len(names), len(strings)) == before:
            return


def _returns_client(ev: _Evaluator, fn: _Function, mod: _Module, cls: Optional[tuple]) -> bool:
    node = fn.node
    if getattr(node, "returns", None) is not None and ev.annotation(node.returns, mod):
        return True
    return any(ev.client(r, mod, fn, cls, set()) for r in fn.returns)
