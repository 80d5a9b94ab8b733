"""One walk over a module's libcst tree: scopes, bindings and the nodes the rules look at.

Its own module because a class deriving from `cst.CSTVisitor` needs libcst loaded when it is
defined: kept here, importing the rules and the semantic model does not load libcst, and a run
whose files never reach libcst never pays for it.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Optional

import libcst as cst

from zdr_lint import catalog
from zdr_lint.semantic_types import (
    Binding,
    FunctionInfo,
    Scope,
    _all_params,
    _decorator_name,
    _dotted,
    _raw_string_text,
    identifier,
)


_MUTATING_METHODS = frozenset({"append", "extend", "insert", "update", "setdefault", "__setitem__"})

# Nodes no rule looks at and no binding comes from: whitespace, comments, brackets, punctuation and
# operators. The walk does not enter them (about half the nodes of a module).
_SKIPPED = (
    cst.BaseParenthesizableWhitespace, cst.Comment, cst.EmptyLine, cst.Newline, cst.TrailingWhitespace,
    cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace,
    cst.RightCurlyBrace, cst.Comma, cst.Dot, cst.Colon, cst.Semicolon, cst.AssignEqual, cst.BaseBinaryOp,
    cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp, cst.ImportStar, cst.Asynchronous,
)
# The statements a node's position is rendered from (zdr_lint.positions): a line of simple
# statements, or a compound statement (for the nodes of its header), each with the `ast` statements
# it may parse as.
COMPOUND_STATEMENTS = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef), cst.ClassDef: (ast.ClassDef,), cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor), cst.While: (ast.While,), cst.Try: (ast.Try,),
    cst.TryStar: (getattr(ast, "TryStar", ast.Try),), cst.With: (ast.With, ast.AsyncWith), cst.Match: (ast.Match,),
}
STATEMENT_TYPES = frozenset({cst.SimpleStatementLine, *COMPOUND_STATEMENTS})
_FIELDS: dict = {}  # node type -> names of its fields, in declaration order
# field value type -> does the walk enter it (a node type outside _SKIPPED)? Looked up by type, since
# `isinstance` against libcst's abstract classes was a third of the walk.
_ENTERS: dict = {}


def _enters(kind: type) -> bool:
    enter = _ENTERS[kind] = issubclass(kind, cst.CSTNode) and not issubclass(kind, _SKIPPED)
    return enter


def _only_layout(field_name: str) -> bool:
    """Fields that by libcst's definitions hold only whitespace, comments, brackets or commas."""
    return field_name.startswith("whitespace") or field_name in _LAYOUT_FIELDS


_LAYOUT_FIELDS = frozenset({"lpar", "rpar", "comma", "leading_lines", "lines_after_decorators", "header", "footer", "trailing_whitespace"})


def _fields_of(kind: type) -> tuple:
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind) if not _only_layout(f.name))
    return found


class Collector(cst.CSTVisitor):
    """One walk over the module: scopes, bindings and the nodes the rules need."""

    def __init__(self) -> None:
        self.module_scope = Scope("module", None)
        self.scope = self.module_scope
        self.scope_of: dict[int, Scope] = {}
        self.calls: list[cst.Call] = []
        self.dicts: list[cst.Dict] = []
        self.assigns: list[cst.Assign] = []
        self.mutations: dict[str, list] = {}  # name -> [(method, call_or_assign, scope)]
        self.call_of_argument: dict[int, cst.Call] = {}
        self.functions: dict[int, FunctionInfo] = {}
        self.class_scopes: dict[int, Scope] = {}
        # where findings are rendered from (zdr_lint.positions): node -> its innermost statement,
        # statement -> the statement around it (None at the top level)
        self.statement_of: dict[int, cst.CSTNode] = {}
        self.enclosing: dict[int, Optional[cst.CSTNode]] = {}
        self._statement: Optional[cst.CSTNode] = None
        self._plans: dict = {}  # node type -> (fields, visit_X, leave_X, is a statement): see _plan
        self.container_of: dict[int, cst.CSTNode] = {}  # value -> the dict element or argument holding it
        # strings that may spell a raw API endpoint (docstrings and bare string statements left out)
        self.endpoint_strings: list = []
        self._not_values: set = set()  # ids of docstrings / bare strings and of parts of larger strings
        self.left_of: dict[int, cst.BaseExpression] = {}  # `a + "b"`: id("b") -> a
        # attribute chains passed to a call uncalled: bound methods (`retry(client.messages.create)`)
        self.method_references: list = []
        self.owner_of: dict[int, cst.CSTNode] = {}  # dict element -> its dict, argument -> its call
        # expressions written as values (assigned, passed, returned, a default, a dict's value), and
        # the strings among them that may spell a cloud platform's model id (catalog.PLATFORM_MODEL_IDS)
        self._value_positions: set = set()
        self.platform_id_strings: list = []
        self.names_platform_env = False  # a string or keyword spells CLAUDE_CODE_USE_*
        # Values only compared are not uses (`assert tools == [{"type": "web_search_20250305"}]`,
        # `self.assertEqual(...)`, `mock.assert_called_with(...)`, an `expected = {...}` that is only
        # compared): their literals are kept out of `dicts` and the string lists. `_compared` is 1
        # inside a comparison, an assert statement or an assert* call's arguments, 0 inside any
        # other call's arguments (what a call builds is used, wherever the call is).
        self._compared = 0
        self._compared_stack: list = []
        self.compared: set = set()  # ids of the literal nodes only compared
        self._loads: dict = {}  # name -> [loads inside comparisons, loads elsewhere, stores]
        self._named_values: list = []  # (name, assigned value) of assignments to a plain name

    # The walk. libcst's own `module.visit(visitor)` rebuilds (and validates) every node on the way
    # back up, even for a visitor that changes nothing: most of a check's time on a large module.
    # This walk only reads: the same visit_X / leave_X methods, children in field order, parents
    # before children, statements in source order.
    def walk(self, node: cst.CSTNode) -> None:
        self._walk(node)
        if type(node) is cst.Module:
            self._drop_compared_values()

    def _walk(self, node: cst.CSTNode) -> None:
        kind = type(node)
        plan = self._plans.get(kind) or self._plan(kind)
        fields, visit, leave, is_statement = plan
        if is_statement:  # each node's innermost statement: positions are rendered per statement
            self.enclosing[id(node)] = self._statement
            self._statement = node
        self.statement_of[id(node)] = self._statement
        if visit is None or visit(node) is not False:
            enters = _ENTERS
            for name in fields:
                value = getattr(node, name)
                value_kind = type(value)
                if value_kind is tuple or value_kind is list:
                    for item in value:
                        enter = enters.get(type(item))
                        if enter or (enter is None and _enters(type(item))):
                            self._walk(item)
                else:
                    enter = enters.get(value_kind)
                    if enter or (enter is None and _enters(value_kind)):
                        self._walk(value)
        if leave is not None:
            leave(node)
        if is_statement:
            self._statement = self.enclosing[id(node)]

    def _plan(self, kind: type) -> tuple:
        """How the walk treats a node type: its fields, its visit_X and leave_X (bound, or None where
        only libcst's empty stub exists: no call at all), and whether it is a statement."""
        name = kind.__name__
        plan = self._plans[kind] = (_fields_of(kind), self._own(f"visit_{name}"), self._own(f"leave_{name}"), kind in STATEMENT_TYPES)
        return plan

    def _own(self, method: str):
        found = getattr(type(self), method, None)
        if found is None or found is getattr(cst.CSTVisitor, method, None):
            return None
        return getattr(self, method)

    # values only compared
    def _enter_compared(self, value: int) -> None:
        self._compared_stack.append(self._compared)
        self._compared = value

    def _leave_compared(self) -> None:
        self._compared = self._compared_stack.pop()

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._enter_compared(1)

    def leave_Comparison(self, original_node: cst.Comparison) -> None:
        self._leave_compared()

    def visit_Assert(self, node: cst.Assert) -> None:
        self._enter_compared(1)

    def leave_Assert(self, original_node: cst.Assert) -> None:
        self._leave_compared()

    def leave_Call(self, original_node: cst.Call) -> None:
        self._leave_compared()

    def visit_Name(self, node: cst.Name) -> None:
        counts = self._loads.get(node.value)
        if counts is None:
            counts = self._loads[node.value] = [0, 0, 0]
        counts[0 if self._compared else 1] += 1

    def _drop_compared_values(self) -> None:
        """Assigned literals whose name is only ever compared (`expected = [...]`, then
        `assert got == expected`) are expected values, not uses."""
        for name, value in self._named_values:
            compared, elsewhere, stores = self._loads.get(name, (0, 0, 0))
            if compared and elsewhere == stores:  # every other occurrence is an assignment to it
                stack = [value]
                while stack:
                    current = stack.pop()
                    self.compared.add(id(current))
                    stack.extend(current.children)
        if self.compared:
            self.dicts = [d for d in self.dicts if id(d) not in self.compared]
            self.endpoint_strings = [n for n in self.endpoint_strings if id(n) not in self.compared]
            self.platform_id_strings = [n for n in self.platform_id_strings if id(n) not in self.compared]

    # scopes
    def _push(self, kind: str, node: cst.CSTNode) -> Scope:
        scope = Scope(kind, self.scope, node)
        self.scope = scope
        return scope

    def _pop(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        outer = self.scope
        outer.bind(node.name.value, Binding("def", outer, node=node))
        for decorator in node.decorators:
            self.walk(decorator)
        for param in _all_params(node.params):
            if param.default is not None:
                self._value_positions.add(id(param.default))
                self.walk(param.default)
        if node.returns is not None:
            self.walk(node.returns)
        scope = self._push("function", node)
        info = FunctionInfo(node, scope, annotation=node.returns.annotation if node.returns else None)
        scope.function = info
        self.functions[id(node)] = info
        params = _all_params(node.params)
        if outer.kind == "class":
            info.owner = outer
            is_static = any(_decorator_name(d) == "staticmethod" for d in node.decorators)
            if params and not is_static:
                scope.self_name = params[0].name.value
                scope.owner = outer
        for param in params:
            scope.bind(
                param.name.value,
                Binding("param", scope, value=param.default, annotation=param.annotation.annotation if param.annotation else None, node=param),
            )
        self.walk(node.body)
        self._pop()
        return False  # children visited by hand

    def visit_Lambda(self, node: cst.Lambda) -> None:
        scope = self._push("function", node)
        scope.function = FunctionInfo(node, scope, returns=[node.body])
        for param in _all_params(node.params):
            scope.bind(param.name.value, Binding("param", scope, node=param))

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope.bind(node.name.value, Binding("class", self.scope, node=node))
        for decorator in node.decorators:
            self.walk(decorator)
        for base in node.bases:
            self.walk(base)
        self.class_scopes[id(node)] = self._push("class", node)
        self.walk(node.body)
        self._pop()
        return False

    # imports
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.bind(alias.asname.name.value, Binding("import", self.scope, qualname=dotted))
            else:
                root = dotted.split(".")[0]
                self.scope.bind(root, Binding("import", self.scope, qualname=root))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = "." * len(node.relative) + (_dotted(node.module) if node.module is not None else "")
        for alias in node.names:
            name = _dotted(alias.name)
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            qual = f"{module}.{name}" if not module.endswith(".") else f"{module}{name}"
            self.scope.bind(local, Binding("import", self.scope, qualname=qual))

    # assignments
    def _bind_target(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression], annotation=None, kind="value") -> None:
        if isinstance(target, cst.Name):
            self.scope.bind(target.value, Binding(kind, self.scope, value=value, annotation=annotation))
            self._loads.setdefault(target.value, [0, 0, 0])[2] += 1
            if value is not None and kind == "value" and isinstance(value, (cst.Dict, cst.List, cst.Tuple, cst.Set)):
                self._named_values.append((target.value, value))
        elif isinstance(target, (cst.Tuple, cst.List)):
            values = None
            if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(target.elements):
                values = [el.value for el in value.elements]
            for i, el in enumerate(target.elements):
                inner = el.value
                if isinstance(inner, cst.StarredElement):
                    inner = inner.value
                self._bind_target(inner, values[i] if values and not isinstance(el, cst.StarredElement) else None, kind=kind)
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            owner = self.scope.owner
            if owner is not None and target.value.value == self.scope.self_name:
                owner.attributes.setdefault(target.attr.value, []).append(
                    Binding(kind, self.scope, value=value, annotation=annotation)
                )
        elif isinstance(target, cst.Subscript) and value is not None:
            base = target.value
            if isinstance(base, cst.Name):
                self.mutations.setdefault(base.value, []).append(("__setitem__", target, value, self.scope))

    def visit_Assign(self, node: cst.Assign) -> None:
        self._value_positions.add(id(node.value))
        self.assigns.append(node)
        self.scope_of[id(node)] = self.scope
        for target in node.targets:
            self._bind_target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._value_positions.add(id(node.value))
        self._bind_target(node.target, node.value, annotation=node.annotation.annotation)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and isinstance(node.operator, (cst.AddAssign, cst.BitOrAssign)):
            self.mutations.setdefault(node.target.value, []).append(("extend", node, node.value, self.scope))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, node.iter, kind="iter")

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, node.item, kind="with")

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._value_positions.add(id(node.value))
        if node.value is not None and self.scope.function is not None:
            self.scope.function.returns.append(node.value)

    # what rules look at
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        self._enter_compared(1 if (identifier(func) or "").startswith("assert") else 0)
        self.calls.append(node)
        self.scope_of[id(node)] = self.scope
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value.startswith(catalog.PLATFORM_ENV_PREFIX):
                self.names_platform_env = True
            self.call_of_argument[id(arg.value)] = node
            self.container_of[id(arg.value)] = arg
            self.owner_of[id(arg)] = node
            self._value_positions.add(id(arg.value))
            value = arg.value
            branches = (value.body, value.orelse) if isinstance(value, cst.IfExp) else (value,)
            for branch in branches:
                if isinstance(branch, cst.Attribute) and isinstance(branch.value, (cst.Attribute, cst.Call)):
                    self.method_references.append(branch)
                    self.scope_of[id(branch)] = self.scope
                    if branch is not value:
                        self.call_of_argument[id(branch)] = node
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in _MUTATING_METHODS:
            self.mutations.setdefault(func.value.value, []).append((func.attr.value, node, None, self.scope))

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            self._not_values.add(id(node.value))

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Add):
            self.left_of[id(node.right)] = node.left

    def _string(self, node: cst.BaseString, text: str) -> None:
        if id(node) in self._not_values or self._compared:
            return
        if any(marker in text for marker in catalog.ENDPOINT_STRING_MARKERS):
            self.endpoint_strings.append(node)
            self.scope_of[id(node)] = self.scope

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        skip = id(node) in self._not_values
        for part in (node.left, node.right):
            self._not_values.add(id(part))
        if not skip:
            self._string(node, _raw_string_text(node))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._string(node, node.value)
        if catalog.PLATFORM_ENV_PREFIX in node.value:
            self.names_platform_env = True
        if id(node) in self._value_positions and not self._compared:
            lowered = node.value.lower()
            if any(marker in lowered for marker in catalog.PLATFORM_ID_MARKERS):
                self.platform_id_strings.append(node)
                self.scope_of[id(node)] = self.scope

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._string(node, _raw_string_text(node))

    def visit_Dict(self, node: cst.Dict) -> None:
        if self._compared:
            self.compared.add(id(node))
        else:
            self.dicts.append(node)
        self.scope_of[id(node)] = self.scope
        for element in node.elements:
            self.container_of[id(element.value)] = element
            self.owner_of[id(element)] = node
            if isinstance(element, cst.DictElement):
                self._value_positions.add(id(element.value))

    def visit_IfExp(self, node: cst.IfExp) -> None:
        if id(node) in self._value_positions:  # `model or "us.anthropic..."`: each branch is the value
            self._value_positions.update((id(node.body), id(node.orelse)))

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        if id(node) in self._value_positions:
            self._value_positions.update((id(node.left), id(node.right)))


