"""The path of one file: read bytes -> prefilter -> ast stage -> parse (libcst) -> semantic model ->
rules -> noqa -> findings. `Linter.lint_source` is the one way in for every front end; many files go
through `zdr_lint.runner`.

Speed comes from doing less: a file without a trigger word is never decoded (`prefilter`); a file
whose `ast` holds no candidate (`gate`) never reaches libcst; positions are computed only for the
statements that hold findings.
"""

from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable, Optional, Union

from zdr_lint import catalog, classify, notebook
from zdr_lint._lazy import libcst as cst
from zdr_lint.config import Settings, expand_selector, make_spec, relative_path, resolve_selection
from zdr_lint.cst_parse import parse_module

from zdr_lint.finding import CONFIDENCE_LEVELS, Finding, Position
from zdr_lint.gate import blank_large_data, gate_decides, has_candidate, libcst_may_decide
from zdr_lint.plugins import Registry, get_registry
from zdr_lint.prefilter import gated_words, lowered_passes, passes_prefilter
from zdr_lint.project import index_words, module_name_of
from zdr_lint.rules.base import Report
from zdr_lint.semantics import SemanticModel
from zdr_lint.source import RECURSION_LIMIT, CannotCheck, NotRegularFile, decode_source, gc_paused, parse_ast, read_file_bytes, recursion_limit
from zdr_lint.suppression import parse_suppressions, unused_codes
from zdr_lint.wrappers import direct_uses

if TYPE_CHECKING:  # typing only
    from zdr_lint.incremental import StatementCache
    from zdr_lint.project import ProjectIndex

CANNOT_CHECK = "ZDR000"
UNUSED_NOQA = "ZDR100"  # opt-in: reported by the engine after suppression, not by a rule hook
NOQA_WITHOUT_REASON = "ZDR101"  # `require-reason = true` (or selected): reported by the engine too


# --- The linter ----------------------------------------------------------------------------------
@dataclass
class Linter:
    settings: Settings
    registry: Registry = field(default_factory=get_registry)
    project: Optional["ProjectIndex"] = None  # the project-wide first pass (zdr_lint.project)

    def __post_init__(self) -> None:
        # the profile and policy every verdict is judged under (classify.judge), and the codes that can
        # fire under that profile (ZDR016 only under "hipaa"; a plugin's codes always)
        self.profile, self.policy = self.settings.profile, self.settings.policy_table
        self.enabled = frozenset(c for c in resolve_selection(self.settings, self.registry.rules) if catalog.can_fire(c, self.profile))
        if self.settings.require_reason and NOQA_WITHOUT_REASON in self.registry.rules:
            self.enabled |= {NOQA_WITHOUT_REASON}
        self.client_factories = tuple(self.settings.client_factories) + self.registry.client_factories
        if self.project is not None:
            self.client_factories += tuple(sorted(self.project.client_names))
        # Configured factories are few and chosen by the user: each of their names is a trigger word,
        # and every component counts for the ast gate (`from . import llm` refers to `app.llm.client`).
        configured = tuple(self.settings.client_factories) + self.registry.client_factories
        factory_names = {name.rsplit(".", 1)[-1] for name in configured}
        self.sdk_names = frozenset(part for name in configured for part in name.split(".") if part)
        self.sdk_modules = catalog.SDK_MODULES | {name.split(".")[0] for name in configured}
        words = set(catalog.TRIGGER_WORDS) | {n.lower().encode("utf-8", "surrogateescape") for n in factory_names}
        if self.profile == "hipaa":  # what only that profile flags: its tool types, keywords, the Agent SDK
            words |= set(catalog.HIPAA_TRIGGER_WORDS)
            self.sdk_modules |= {catalog.AGENT_SDK_MODULE}
        self.trigger_words = gated_words(words)
        # The project index can hold many names, some as common as `client`: a file must spell a
        # name together with its module to pass the prefilter, and import one to pass the gate.
        self.string_pairs = catalog.TRIGGER_PAIRS
        self.trigger_pairs = self.project.trigger_pairs() if self.project is not None else frozenset()
        self.import_pairs = self.project.import_pairs() if self.project is not None else frozenset()
        self.index_words = index_words(self.client_factories)
        self.known_selectors = frozenset(self.registry.rules) | frozenset(r.name for r in self.registry.rules.values())
        self._per_file = [
            (make_spec([pattern]), frozenset().union(*(expand_selector(s, self.registry.rules) for s in selectors)))
            for pattern, selectors in self.settings.per_file_ignores
        ]

    def passes_prefilter(self, data: Union[bytes, str]) -> bool:
        return passes_prefilter(data, self.trigger_words, self.trigger_pairs, self.string_pairs)

    def lowered_passes_prefilter(self, lowered: bytes) -> bool:
        return lowered_passes(lowered, self.trigger_words, self.trigger_pairs, self.string_pairs)

    def is_candidate(self, tree: ast.AST, path: str) -> bool:
        return has_candidate(tree, self.sdk_modules, self.sdk_names, self.import_pairs, self.package_of(path)) or self._forced(path)

    def module_of(self, path: str) -> tuple:
        """(module name, is_package) of a file, from the project index when there is one."""
        if self.project is not None:
            return self.project.module_of(path)
        return module_name_of(path, str(self.settings.project_root))

    def package_of(self, path: str) -> str:
        return self.module_of(path)[0].split(".")[0]

    def is_candidate_by_facts(self, facts, path: str) -> bool:
        """is_candidate, from the facts the first scan gathered before the project index existed."""
        return gate_decides(facts, self.import_pairs) or self._forced(path)

    def _forced(self, path: str) -> bool:
        return self.project is not None and self.project.forces(path)

    # which rules run on a path
    def codes_for(self, path: str) -> frozenset:
        if not self._per_file:
            return self.enabled
        rel = relative_path(path, self.settings.project_root)
        codes = set(self.enabled)
        for spec, ignored in self._per_file:
            if spec.match_file(rel) or spec.match_file(os.path.basename(path)):
                codes -= ignored
        return frozenset(codes)

    def cannot_check(self, path: str, reason: str, line: int = 1, column: int = 0) -> Finding:
        rule = self.registry.rules[CANNOT_CHECK]
        return Finding(
            CANNOT_CHECK, reason, path, Position(line, column), Position(line, column),
            severity="error", category=rule.category, url=rule.url(),
        )

    def noqa_warnings(self, path: str, data: bytes) -> list:
        """One line per `# noqa` directive of a file that cannot be read (it suppresses nothing),
        naming the line (a notebook's cell and line), as ruff warns."""
        if b"noqa" not in data.lower():
            return []  # nothing to read (tokenizing a large file costs as much as checking it)
        try:
            if path.endswith(".ipynb"):
                try:
                    text, where = notebook.join_cells(notebook.parse_notebook(data)[0])
                except notebook.NotebookError:
                    return []
            else:
                text, where = decode_source(data), None
        except CannotCheck:
            return []
        out = []
        for line, message in parse_suppressions(text, self.known_selectors).warnings:
            place = f"cell {where[line - 1][0]}:{where[line - 1][1]}" if where and 0 < line <= len(where) else str(line)
            out.append(f"{path}:{place}: {message}")
        return out

    def lint_file(self, path: str, candidate: bool = False) -> list:
        """`candidate`: the ast stage already said this file is one (the runner's first scan)."""
        try:
            data = read_file_bytes(path)
        except NotRegularFile as exc:
            return [self.cannot_check(path, f"{exc}: skipped")]
        except OSError as exc:
            return [self.cannot_check(path, f"cannot read: {exc.strerror or exc}")]
        return self.lint_source(data, path, candidate=candidate)

    def lint_source(self, source: Union[bytes, str], path: str, cache: Optional["StatementCache"] = None, candidate: bool = False) -> list:
        """Findings for one file's content; never raises (problems become ZDR000). `cache`: the
        document's previous statements (zdr_lint.incremental), for an editor re-checking edits;
        `candidate`: skip the ast stage's walk, already done for this content."""
        codes = self.codes_for(path)
        if not codes:
            return []
        if path.endswith(".ipynb"):
            return notebook.lint_notebook(self, source, path, codes)
        if not self.passes_prefilter(source):
            return self._noqa_only(source, path, codes)
        try:
            text = decode_source(source) if isinstance(source, bytes) else source
            return self.lint_text(text, path, codes, cache, candidate)
        except CannotCheck as exc:
            return self._if_enabled(codes, self.cannot_check(path, exc.reason, exc.line, exc.column))
        except RecursionError:
            return self._if_enabled(codes, self.cannot_check(path, "too deeply nested to check (RecursionError)"))
        except MemoryError:
            return self._if_enabled(codes, self.cannot_check(path, "too large to check (MemoryError)"))
        except Exception as exc:  # never a traceback: the file gets a ZDR000, the run goes on
            return self._if_enabled(codes, self.cannot_check(path, f"internal error: {type(exc).__name__}: {exc}"))

    @staticmethod
    def _if_enabled(codes: frozenset, finding: Finding) -> list:
        return [finding] if CANNOT_CHECK in codes else []

    def lint_text(self, text: str, path: str, codes: Optional[frozenset] = None, cache: Optional["StatementCache"] = None, candidate: bool = False) -> list:
        codes = self.codes_for(path) if codes is None else codes
        try:
            tree = parse_ast(text, path)
        except CannotCheck as refusal:
            if not libcst_may_decide(text, refusal):
                raise
            try:  # syntax newer than this Python's ast (gate.libcst_may_decide): libcst decides
                return self.lint_candidate(text, path, codes)
            except CannotCheck:
                raise refusal from None
        if not candidate and not self.is_candidate(tree, path):
            return self._noqa_only(text, path, codes)
        parse_text, blanked = blank_large_data(text, tree)
        return self.lint_candidate(text, path, codes, parse_text, tree, blanked, cache)

    def lint_candidate(
        self, text: str, path: str, codes: frozenset, parse_text: Optional[str] = None,
        tree: Optional[ast.Module] = None, blanked: frozenset = frozenset(), cache: Optional["StatementCache"] = None,
    ) -> list:
        with gc_paused():  # (source.gc_paused) the trees die with _lint_candidate's frame, before the collector resumes
            return self._lint_candidate(text, path, codes, parse_text, tree, blanked, cache)

    def _lint_candidate(
        self, text: str, path: str, codes: frozenset, parse_text: Optional[str],
        tree: Optional[ast.Module], blanked: frozenset, cache: Optional["StatementCache"],
    ) -> list:
        with recursion_limit(max(sys.getrecursionlimit(), RECURSION_LIMIT)):
            try:
                source = text if parse_text is None else parse_text
                module = cache.parse(source, tree) if cache is not None and tree is not None else parse_module(source)
            except cst.ParserSyntaxError as exc:
                raise CannotCheck(f"syntax error: {exc.message}", exc.raw_line, exc.raw_column) from None
            module_name, is_package = self.module_of(path)
            model = SemanticModel(module, self.client_factories, module_name)
            model.project, model.is_package = self.project, is_package
            reports, failures = run_rules(model, [self.registry.rules[c] for c in sorted(codes) if c != CANNOT_CHECK], self.judge)
            reports = [r for r in reports if _confidence_rank(r.confidence) >= _confidence_rank(self.settings.min_confidence)]
            findings = self._to_findings(module, text, path, reports, codes, source, tree, blanked, cache, model.collector)
        for rule, exc in failures:
            findings.extend(self._if_enabled(codes, self.cannot_check(path, f"internal error in {rule.code}: {type(exc).__name__}: {exc}")))
        findings.sort(key=lambda f: f.sort_key)
        return findings

    def _to_findings(
        self, module, text: str, path: str, reports: list, codes: frozenset, parsed_text: Optional[str] = None,
        tree: Optional[ast.Module] = None, blanked: frozenset = frozenset(),
        cache: Optional["StatementCache"] = None, collector=None,
    ) -> list:
        """`parsed_text`: the text libcst parsed (large data blanked), `text` the file's."""
        if not reports:
            return self._noqa_only(text, path, codes)
        from zdr_lint.positions import locate  # loads libcst's metadata: only files with findings need it
        # a finding with a ZDR-safe (or unsafe) rewrite needs the call or dict holding its node too
        fixable = [r for r in reports if r.verdict is not None and r.verdict.remedy is not None] if collector is not None and not path.endswith(".ipynb") else []
        parents: dict = {}
        if fixable:
            from zdr_lint.fixes import parent_map  # only files with a fixable finding need it

            every = parent_map(collector.calls, collector.dicts)
            parents = {id(r.node): every[id(r.node)] for r in fixable if id(r.node) in every}
        nodes = [r.node for r in reports] + list({id(p): p for p in parents.values()}.values())
        statement_of, enclosing = (collector.statement_of, collector.enclosing) if collector is not None else ({}, {})
        render = cache.render if cache is not None else None
        positions = locate(module, nodes, statement_of, enclosing, tree, parsed_text or text, blanked, render)
        suppressions = parse_suppressions(text, self.known_selectors, tree)
        findings = []
        for report in reports:
            rule = self.registry.rules[report.code]
            where = positions[report.node]
            line = where.start.line
            if suppressions.suppresses(rule.code, rule.name, line) and not self.settings.ignore_noqa:
                continue
            verdict = report.verdict
            findings.append(
                Finding(
                    rule.code, report.message, path,
                    Position(where.start.line, where.start.column), Position(where.end.line, where.end.column),
                    severity=report.severity or rule.severity, confidence=report.confidence, category=rule.category,
                    url=rule.url(), noqa_line=suppressions.noqa_line(line),
                    trigger=verdict.trigger_key if verdict is not None else "", basis=verdict.basis if verdict is not None else None,
                    fix=self._fix(module, report, parents, positions, text),
                )
            )
        if self.settings.ignore_noqa:  # `--ignore-noqa` (and `zdr-lint suppressions`): every finding, no judgement of directives
            return findings
        return findings + self._unused_noqa(suppressions, path, codes) + self._without_reason(suppressions, path, codes)

    def _noqa_only(self, source: Union[bytes, str], path: str, codes: frozenset) -> list:
        """ZDR100 (and ZDR101) in a file where no rule fired: every ZDR code its noqa directives name
        is unused. A file that never says "noqa" is not decoded or tokenized for it."""
        if (UNUSED_NOQA not in codes and NOQA_WITHOUT_REASON not in codes) or self.settings.ignore_noqa or ("noqa" if isinstance(source, str) else b"noqa") not in source.lower():
            return []
        try:
            text = decode_source(source) if isinstance(source, bytes) else source
        except CannotCheck:
            return []
        suppressions = parse_suppressions(text, self.known_selectors)
        return self._unused_noqa(suppressions, path, codes) + self._without_reason(suppressions, path, codes)

    def _without_reason(self, suppressions, path: str, codes: frozenset) -> list:
        """ZDR101: each directive that suppresses (or names) a zdr-lint finding and says nothing why."""
        if NOQA_WITHOUT_REASON not in codes:
            return []
        rules = self.registry.rules
        ours = set(rules) | {rule.name for rule in rules.values()}
        rule = rules[NOQA_WITHOUT_REASON]
        findings = []
        for directive in suppressions.directives():
            if directive.reason is not None:
                continue
            names_ours = directive.codes is not None and any(token in ours for token in directive.codes)
            zdr_blanket = directive.codes is None and directive.tool == "zdr-lint"
            if not (names_ours or zdr_blanket or directive.used):
                continue  # another tool's directive (`# noqa: E501`, a blanket one that suppressed none of ours)
            findings.append(
                Finding(
                    NOQA_WITHOUT_REASON,
                    f"`{directive.text}` gives no reason: write why after the codes (`{directive.text} -- why this use is accepted`)",
                    path, Position(directive.line, directive.start), Position(directive.line, directive.end),
                    severity=rule.severity, category=rule.category, url=rule.url(), noqa_line=directive.line,
                )
            )
        return findings

    def _unused_noqa(self, suppressions, path: str, codes: frozenset) -> list:
        """ZDR100: the codes of each `# noqa: ...` that suppressed nothing on its line, as RUF100
        lists them (zdr_lint.suppression.unused_codes)."""
        if UNUSED_NOQA not in codes:
            return []
        rules = self.registry.rules
        code_of = {code: code for code in rules} | {rule.name: code for code, rule in rules.items()}
        rule = rules[UNUSED_NOQA]
        findings = []
        for directive in suppressions.lines.values():
            if any(code_of.get(token) == UNUSED_NOQA for token in directive.codes or ()):
                continue  # `# noqa: ZDR100` keeps the directive on purpose
            unused = unused_codes(directive, codes, code_of)
            if unused:
                findings.append(
                    Finding(
                        UNUSED_NOQA, f"unused noqa directive ({unused}): it suppresses nothing on this line; remove it",
                        path, Position(directive.line, directive.start), Position(directive.line, directive.end),
                        severity=rule.severity, category=rule.category, url=rule.url(), noqa_line=directive.line,
                    )
                )
        return findings


    @staticmethod
    def _fix(module, report, parents: dict, positions: dict, text: str):
        parent = parents.get(id(report.node))
        if parent is None or report.verdict is None or report.verdict.remedy is None:
            return None
        from zdr_lint.fixes import build_fix

        return build_fix(module, report.node, parent, positions[parent], report.verdict.remedy, text)

    def judge(self, verdict):
        """The verdict as this linter's profile and policy judge it (None: no finding)."""
        return classify.judge(verdict, self.profile, self.policy)


def _confidence_rank(confidence: str) -> int:
    """A plugin's unknown confidence word ranks as the highest: it is never filtered out."""
    return CONFIDENCE_LEVELS.index(confidence) if confidence in CONFIDENCE_LEVELS else len(CONFIDENCE_LEVELS)


def run_rules(model, rule_classes: Iterable, judge=None) -> tuple:
    """Run each rule's hooks; one rule's crash is that rule's failure, never the other rules'.
    `judge` (Linter.judge) decides what each verdict is under the profile and policy. A report at a
    node the model knows only by its shape (`SemanticModel.confidence_of`) is medium confidence
    whatever the rule said, so every rule, built-in or plugin, gets it right."""
    seen: set = set()
    reports: list = []

    def sink(report: Report) -> None:
        if judge is not None and report.verdict is not None:
            judged = judge(report.verdict)
            if judged is None:
                return  # the profile and policy raise nothing here
            report = Report(report.code, report.node, judged.message, report.confidence, judged.severity, judged)
        key = (report.code, id(report.node))
        if key not in seen:
            seen.add(key)
            if report.confidence == "high" and model.confidence_of(report.node) != "high":
                report = replace(report, confidence=model.confidence_of(report.node))
            reports.append(report)

    failures = []
    collector = model.collector
    for rule_class in rule_classes:
        rule = rule_class(model, sink)
        hooks = rule_class.hooks()
        try:
            if "visit_Module" in hooks:
                rule.visit_Module()
            if "check_resource_call" in hooks:
                for rc in model.resource_calls():
                    rule.check_resource_call(rc)
            if "check_request" in hooks:
                for request in model.requests():
                    rule.check_request(request)
            if "visit_Call" in hooks:
                for node in collector.calls:
                    rule.visit_Call(node)
            if "visit_Dict" in hooks:
                for node in collector.dicts:
                    rule.visit_Dict(node)
            if "visit_Assign" in hooks:
                for node in collector.assigns:
                    rule.visit_Assign(node)
            if "check_direct_use" in hooks:
                for use in direct_uses(model):
                    rule.check_direct_use(use)
        except RecursionError as exc:
            failures.append((rule_class, exc))
        except Exception as exc:
            failures.append((rule_class, exc))
    return reports, failures



def lint_source(source: Union[bytes, str], path: str, settings: Optional[Settings] = None) -> list:
    """Convenience entry: findings for one file's content with the given (or default) settings."""
    return Linter(settings or Settings()).lint_source(source, path)
