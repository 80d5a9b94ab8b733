"""The `zdr-lint` command, with ruff's surface: `check`, `rule`, `rules`.

Each command imports what it needs when it runs (`zdr-lint --version` and `rule` stay instant).

Exit codes: 0 no findings, 1 findings, 2 a usage, settings or I/O problem (the run still checks
everything it can before exiting 2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

from zdr_lint import __version__
from zdr_lint.config import ConfigError, Settings, SettingsResolver, closest, parse_per_file_ignores
from zdr_lint.writing import WriteError, write_file

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _split(values: Optional[list]) -> Optional[tuple]:
    """`--select A,B --select C` -> ("A", "B", "C"); None when the flag was not given. Empty entries
    are kept (`--select ''`, `--select A,`): the selection refuses them rather than select nothing."""
    if values is None:
        return None
    return tuple(v.strip() for value in values for v in value.split(","))


def _split_patterns(values: Optional[list]) -> Optional[tuple]:
    """Patterns and factory names: a trailing comma is not an entry."""
    if values is None:
        return None
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def _error(message: str) -> None:
    print(f"zdr-lint: error: {message}", file=sys.stderr)


def _warn(message: str) -> None:
    print(f"zdr-lint: warning: {message}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zdr-lint",
        description="Find uses of Anthropic API features that fall outside Zero Data Retention (ZDR).",
    )
    parser.add_argument("--version", action="version", version=f"zdr-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check files and directories (default: .)")
    check.add_argument("paths", nargs="*", help="files or directories to check; '-' reads stdin")
    check.add_argument("--select", action="append", help="rule codes, prefixes or names to enable (comma-separated; ALL)")
    check.add_argument("--extend-select", action="append", help="rules to enable in addition to those selected")
    check.add_argument("--ignore", action="append", help="rule codes, prefixes or names to disable")
    check.add_argument("--per-file-ignores", action="append", metavar="PATTERN:CODES", help="e.g. 'tests/*:ZDR001,ZDR002'")
    check.add_argument("--exclude", action="append", help="path patterns to exclude (replaces the default list)")
    check.add_argument("--extend-exclude", action="append", help="path patterns to exclude in addition")
    check.add_argument("--respect-gitignore", dest="respect_gitignore", action="store_true", default=None)
    check.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false")
    check.add_argument("--force-exclude", dest="force_exclude", action="store_true", default=None,
                       help="apply excludes to paths given explicitly too (for pre-commit)")
    check.add_argument("--output-format", help="full, concise, json, ... (default: full)")
    check.add_argument("--output-file", "-o", help="write the --output-format report here; the console keeps the human output")
    check.add_argument("--add-noqa", nargs="?", const="", default=None, metavar="REASON",
                       help="write `# noqa: CODE` on each line with a finding (--add-noqa=REASON adds a reason)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--statistics", action="store_true", help="print a count per rule")
    check.add_argument("--config", help="a pyproject.toml or zdr-lint.toml to read settings from")
    check.add_argument("--isolated", action="store_true", help="ignore every settings file")
    check.add_argument("--client-factories", action="append", help="dotted names that return an Anthropic client")
    check.add_argument("--stdin-filename", help="the path of the code read from stdin (for messages and per-file rules)")
    check.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    check.add_argument("-j", "--jobs", type=int, default=None, help="parallel processes (default: the number of cores)")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache (.zdr_lint_cache/ at the project root)")

    rule = sub.add_parser("rule", help="explain a rule (code or name)")
    rule.add_argument("code", nargs="?")
    rule.add_argument("--all", action="store_true", help="explain every rule")
    rule.add_argument("--output-format", choices=("text", "json"), default="text")

    rules = sub.add_parser("rules", help="list the rules")
    rules.add_argument("--output-format", choices=("text", "json"), default="text")

    sub.add_parser("server", help="run the language server over stdio (needs pygls: pip install '.[lsp]' in a clone)")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    # Warnings about the checked code's string literals (invalid escapes) are not the user's concern here.
    warnings.filterwarnings("ignore", category=SyntaxWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning, message="invalid escape sequence")
    if sys.stdout is None or sys.stderr is None:  # started with `>&-` or `2>&-`
        if sys.stderr is not None:
            _error("standard output is closed: nothing can be reported")
        return EXIT_ERROR
    # A file name that is not valid UTF-8 (`caf\xe9.py`) reaches us as surrogate escapes: print its
    # bytes as they are, also where the output encoding is strict (PYTHONIOENCODING=utf-8).
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="surrogateescape")
        except (AttributeError, ValueError):
            pass
    try:
        code = _main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # the reader went away (`zdr-lint check | head`): stop quietly, as other command-line tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS
    except OSError as exc:  # stdout on a full disk (`> /dev/full`), a revoked terminal
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush is quiet too
        except OSError:
            pass
        _error(f"cannot write the output: {exc.strerror or exc}")
        return EXIT_ERROR


def _main(argv: Optional[Sequence[str]]) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # a bare --add-noqa must not swallow the path after it as its REASON
    argv = ["--add-noqa=" if a == "--add-noqa" else a for a in argv]
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "rule":
            return run_rule(args)
        if args.command == "rules":
            return run_rules(args)
        if args.command == "server":
            return run_server()
        parser.print_help()
        return EXIT_ERROR
    except ConfigError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


# --- check ---------------------------------------------------------------------------------------
def command_line_overrides(args):
    """A function applying the command line's settings on top of any settings file's, recording
    that they came from the flag (so an error names it)."""
    per_file = parse_per_file_ignores(_split_patterns(args.per_file_ignores) or ()) if args.per_file_ignores else None
    overrides = dict(
        select=_split(args.select),
        extend_select=_split(args.extend_select),
        ignore=_split(args.ignore),
        exclude=_split_patterns(args.exclude),
        extend_exclude=_split_patterns(args.extend_exclude),
        respect_gitignore=args.respect_gitignore,
        force_exclude=args.force_exclude,
        output_format=args.output_format,
        client_factories=_split_patterns(args.client_factories),
        per_file_ignores=per_file,
    )
    if overrides["select"] is not None:
        # as in ruff, a --select on the command line starts the rule selection afresh
        overrides["ignore"] = overrides["ignore"] or ()
        overrides["extend_select"] = overrides["extend_select"] or ()
    flags = {attr: "--" + attr.replace("_", "-") for attr, value in overrides.items() if value is not None}

    def apply(settings: Settings) -> Settings:
        changes = dict(overrides)
        if changes["extend_exclude"] is not None:
            changes["extend_exclude"] = settings.extend_exclude + changes["extend_exclude"]
        sources = dict(settings.sources)
        sources.update(flags)
        return settings.with_overrides(sources=tuple(sorted(sources.items())), **changes)

    return apply


def settings_resolver(args) -> SettingsResolver:
    return SettingsResolver(Path(args.config) if args.config else None, isolated=args.isolated, overrides=command_line_overrides(args))


def resolve_settings(args) -> Settings:
    """The settings of the working folder (stdin, reports, the output format)."""
    return settings_resolver(args).default()


def run_check(args) -> int:
    from zdr_lint.discovery import discover
    from zdr_lint.engine import Linter
    from zdr_lint.formats import FormatContext
    from zdr_lint.plugins import get_registry, report_plugin_errors
    from zdr_lint.runner import RunOptions, check_files, linter_for

    resolver = settings_resolver(args)
    settings = resolver.default()
    registry = get_registry(entry_points=not args.isolated)
    report_plugin_errors(registry)
    formatter = registry.formats.get(settings.output_format)
    if formatter is None:
        _error(f"{settings.source_of('output_format')}: unknown output format {settings.output_format!r}{closest(settings.output_format, registry.formats)}; choose from {', '.join(registry.formats)}")
        return EXIT_ERROR
    linter = Linter(settings, registry)
    options = RunOptions(jobs=args.jobs or os.cpu_count() or 1, use_cache=not args.no_cache, registry=registry)
    failed = bool(registry.errors)
    paths = args.paths or ["."]
    findings: list = []
    if paths == ["-"]:
        if sys.stdin is None:
            _error("standard input is closed: nothing to check (give files, or pipe the code in)")
            return EXIT_ERROR
        name = args.stdin_filename or "-"
        if args.stdin_filename:  # the code of a file of a project: checked with that project's index
            linter = linter_for(name, resolver, options)
        _warn_if_nothing_enabled(linter)
        try:
            source = sys.stdin.buffer.read()
        except OSError as exc:
            _error(f"cannot read standard input: {exc.strerror or exc}")
            return EXIT_ERROR
        findings = linter.lint_source(source, name)
    else:
        files = []
        for item in discover(paths, resolver):
            if item.error:
                _error(f"{item.path}: {item.error}")
                failed = True
            else:
                files.append(item.path)
        for path in paths:
            if os.path.isdir(path) and not any(_is_under(f, path) for f in files):
                _warn(f"No Python files found under {path}")
        for settings_of_file in {id(s): s for s in map(resolver.for_path, files)}.values():
            _warn_if_nothing_enabled(Linter(settings_of_file, registry))
        findings = check_files(files, resolver, options)

    if args.add_noqa is not None:
        return run_add_noqa(args, findings, registry, failed)

    context = FormatContext(project_root=settings.project_root, rules=registry.rules, version=__version__, statistics=args.statistics)
    console_format = settings.output_format
    if args.output_file:
        try:
            write_file(args.output_file, _render(formatter, findings, context).encode("utf-8", "surrogateescape"), create_parents=True)
        except WriteError as exc:
            _error(str(exc))
            failed = True
        console_format = "full" if settings.output_format not in ("full", "concise") else settings.output_format
    if args.statistics:
        sys.stdout.write(format_statistics(findings, registry.rules))
    else:
        sys.stdout.write(_render(registry.formats[console_format], findings, context))
        if console_format in ("full", "concise") and not args.quiet:
            _summary(findings, failed)
    sys.stdout.flush()
    if failed:
        return EXIT_ERROR
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def _is_under(path: str, folder: str) -> bool:
    folder = os.path.normpath(folder)
    return folder == "." or os.path.normpath(path).startswith(folder.rstrip(os.sep) + os.sep)


_warned_nothing = False


def _warn_if_nothing_enabled(linter) -> None:
    """A selection that leaves no rule on checks nothing: say so once, so a CI log shows it."""
    global _warned_nothing
    if not _warned_nothing and not (linter.enabled - {"ZDR000"}):
        _warned_nothing = True
        _warn("no rules are enabled: nothing is checked")


def run_add_noqa(args, findings: list, registry, failed: bool) -> int:
    from zdr_lint.add_noqa import add_noqa

    if args.paths == ["-"]:
        _error("--add-noqa cannot edit code read from stdin")
        return EXIT_ERROR
    known = frozenset(registry.rules) | frozenset(r.name for r in registry.rules.values())
    result = add_noqa(findings, args.add_noqa.strip(), known)
    for path, reason in result.errors:
        _error(f"{path}: {reason}")
    noun = "directive" if result.added == 1 else "directives"
    print(f"Added {result.added} noqa {noun} in {len(result.files)} file{'s' if len(result.files) != 1 else ''}.")
    return EXIT_ERROR if failed or result.errors else EXIT_OK


def _render(formatter, findings, context) -> str:
    return formatter(findings, context)


def _summary(findings: list, failed: bool = False) -> None:
    if findings:
        noun = "finding" if len(findings) == 1 else "findings"
        files = len({f.path for f in findings})
        print(f"Found {len(findings)} {noun} in {files} file{'s' if files != 1 else ''}.")
    elif not failed:  # a run that could not check everything it was given has not passed
        print("All checks passed!")


def format_statistics(findings: list, rules: dict) -> str:
    counts = Counter(f.code for f in findings)
    lines = [f"{count:>5}\t{code}\t{rules[code].name if code in rules else ''}\n" for code, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "".join(lines)


# --- rule / rules -------------------------------------------------------------------------------
def _rule_json(rule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "category": rule.category,
        "summary": rule.summary,
        "severity": rule.severity,
        "status": rule.status,
        "default_enabled": rule.default_enabled,
        "url": rule.url(),
        "explanation": rule.docs(),
    }


def explain(rule) -> str:
    opt_in = "" if rule.default_enabled else "\nOpt-in: enable it with --extend-select " + rule.code + "\n"
    return f"# {rule.name} ({rule.code})\n\nCategory: {rule.category}. Severity: {rule.severity}. Status: {rule.status}.\n{opt_in}\n{rule.docs()}\n"


def run_rule(args) -> int:
    from zdr_lint.plugins import get_registry

    registry = get_registry()
    if args.all:
        selected = list(registry.rules.values())
    elif args.code:
        rule = registry.rule_by_selector(args.code) or registry.rule_by_selector(args.code.upper())
        if rule is None:
            names = list(registry.rules) + [r.name for r in registry.rules.values()]
            _error(f"unknown rule {args.code!r}{closest(args.code, names)}")
            return EXIT_ERROR
        selected = [rule]
    else:
        _error("give a rule code or name, or --all")
        return EXIT_ERROR
    if args.output_format == "json":
        data = [_rule_json(r) for r in selected]
        print(json.dumps(data if args.all else data[0], indent=2))
    else:
        print("\n".join(explain(r) for r in selected), end="")
    return EXIT_OK


def run_rules(args) -> int:
    from zdr_lint.plugins import get_registry

    registry = get_registry()
    if args.output_format == "json":
        print(json.dumps([_rule_json(r) for r in registry.rules.values()], indent=2))
    else:
        for rule in registry.rules.values():
            flag = "" if rule.default_enabled else "  (opt-in)"
            print(f"{rule.code}  {rule.name:<22} {rule.summary}{flag}")
    return EXIT_OK


# --- server ----------------------------------------------------------------------------------------
def run_server() -> int:
    try:
        from zdr_lint import lsp
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        _error("the language server needs pygls and lsprotocol: pip install 'pygls>=2.0' 'lsprotocol>=2024.0.0' (or, in a clone of zdr-lint, pip install '.[lsp]')")
        return EXIT_ERROR
    return lsp.main()


if __name__ == "__main__":
    sys.exit(main())
