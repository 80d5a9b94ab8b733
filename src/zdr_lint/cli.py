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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional, Sequence

from zdr_lint import __version__
from zdr_lint.config import SEVERITIES, ConfigError, Settings, SettingsResolver, closest, fails, parse_per_file_ignores, parse_policy_flags
from zdr_lint.writing import WriteError, write_file

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
COLOR_CHOICES = ("auto", "always", "never")


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


class ArgumentParser(argparse.ArgumentParser):
    """argparse without abbreviated flags (as ruff), and with ruff's answer to a mistyped flag: the
    closest one it knows."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self.commands: dict = {}

    def parse_args(self, args=None, namespace=None):
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            parser = self.commands.get(getattr(namespace, "command", None), self)
            flags = [a for a in extras if a.startswith("-") and a != "-"]
            if flags:
                known = [s for action in parser._actions for s in action.option_strings]
                flag = flags[0].split("=", 1)[0]
                parser.error(f"unknown flag {flag!r}{closest(flag, known)}")
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace

    def error(self, message: str):
        """One line naming the problem and where the flags are listed (argparse would print the
        whole usage block), exit code 2."""
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\nRun `{self.prog} --help` to list the flags.\n")


def build_parser() -> argparse.ArgumentParser:
    from zdr_lint.formats import BUILTIN_FORMATS  # a dataclass and a table: cheap

    parser = ArgumentParser(
        prog="zdr-lint",
        description="Find uses of Anthropic API features that fall outside Zero Data Retention (ZDR).",
        epilog="Run `zdr-lint COMMAND --help` for a command's flags. Exit codes: 0 no findings, 1 findings, 2 a usage, settings or I/O problem.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"zdr-lint {__version__}", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)

    check = sub.add_parser("check", help="check files and directories (default: .)", description="Check files and directories for uses of Anthropic API features outside ZDR.")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to check (default: .); '-' reads the code from stdin")
    _add_selection(check)
    check.add_argument_group("file selection").add_argument("--show-files", action="store_true", help="print the files that would be checked (absolute paths), and exit")
    compliance = _add_compliance(check)
    compliance.add_argument("--fail-on", choices=SEVERITY_CHOICES, metavar="SEVERITY",
                            help="the lowest severity that makes the exit code 1: error, warning or info (default: info, any finding)")
    compliance.add_argument("--baseline", metavar="FILE", help="report only the findings not recorded in this baseline file (see --write-baseline), and list its entries that no longer match")
    compliance.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE (sorted JSON) and exit 0; entries that no longer match are dropped")
    compliance.add_argument("--require-reason", dest="require_reason", action="store_true", default=None,
                            help="a `# noqa` without a reason (`# noqa: ZDR002 -- why`) is a finding (ZDR101)")
    compliance.add_argument("--ignore-noqa", action="store_true", help="ignore `# noqa` directives: report suppressed findings too")
    fixing = check.add_argument_group("fixes")
    fixing.add_argument("--fix", action="store_true", help="apply the safe fixes ([*] in the output) to the files, and report what remains")
    fixing.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, apply the unsafe fixes too (they may change what the code does: dropping cache_control, diagnostics=, thread=)")
    fixing.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead of writing them (exit 1 when there is one)")
    output = check.add_argument_group("output")
    output.add_argument("--output-format", metavar="FORMAT",
                        help=f"how findings are written: {', '.join(BUILTIN_FORMATS)}, or a plugin's format (default: full)")
    output.add_argument("--output-file", "-o", metavar="PATH", help="write the --output-format report to PATH; the console keeps the human output")
    output.add_argument("--color", choices=COLOR_CHOICES, default="auto",
                        help="colour the human output: auto (on a terminal, unless NO_COLOR is set), always or never (default: auto)")
    output.add_argument("--statistics", action="store_true", help="print how many findings each rule has instead of the findings (text; JSON with --output-format json)")
    output.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary line")
    output.add_argument("-e", "--exit-zero", action="store_true", help="exit 0 even when there are findings")
    output.add_argument("--show-settings", action="store_true", help="print the settings used for the first file to check and the settings file they came from, and exit")
    misc = _add_running(check)
    misc.add_argument("--stdin-filename", metavar="PATH", help="read the code from stdin and report it as PATH (per-file ignores and --force-exclude apply to PATH)")
    misc.add_argument("--add-noqa", nargs="?", const="", default=None, metavar="REASON",
                      help="write `# noqa: CODE` on each line with a finding (--add-noqa=REASON appends `-- REASON`)")
    misc.add_argument("-w", "--watch", action="store_true", help="check, then check again whenever a checked file or the settings change (Ctrl-C stops)")

    report = sub.add_parser("report", help="write the exposure report: what leaves ZDR (or HIPAA), where, for how long",
                            description="Check the paths and write an exposure report for a compliance review: per category, what is kept, by whom, for how long (with the source of each fact), the findings with their files and lines, the suppressions and their reasons, the baseline, and the profile and policy in force.")
    report.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to check (default: .)")
    report.add_argument("--format", choices=("markdown", "html", "json"), default="markdown", help="markdown (the default), html (one self-contained page) or json")
    report.add_argument("--output-file", "-o", metavar="PATH", help="write the report to PATH instead of the standard output")
    report.add_argument("--baseline", metavar="FILE", help="the baseline the report counts findings against (default: the settings' `baseline`)")
    _add_selection(report)
    _add_compliance(report)
    _add_running(report)

    suppressions = sub.add_parser("suppressions", help="list every # noqa suppression with its codes, reason, file and line",
                                  description="List every suppression of a zdr-lint finding (line and file-level `# noqa` directives) with its codes, its reason, its file and line, and whether it suppresses anything.")
    suppressions.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to look in (default: .)")
    suppressions.add_argument("--output-format", choices=("text", "json", "markdown"), default="text", help="text (the default), json or markdown")
    _add_selection(suppressions)
    _add_compliance(suppressions)
    _add_running(suppressions)

    rule = sub.add_parser("rule", help="explain a rule (code or name)", description="Print a rule's documentation.")
    rule.add_argument("code", nargs="?", metavar="RULE", help="a rule code (ZDR001) or name (files-api)")
    rule.add_argument("--all", action="store_true", help="explain every rule")
    rule.add_argument("--output-format", choices=("text", "json"), default="text", help="text (the default) or json")

    listing = sub.add_parser("rules", help="list the rules", description="List every rule: code, name, summary.")
    listing.add_argument("--output-format", choices=("text", "json"), default="text", help="text (the default) or json")
    listing.add_argument("--profile", choices=PROFILE_CHOICES, help="list only the rules that can fire under this profile (zdr or hipaa)")

    sub.add_parser("server", help="run the language server over stdio (needs pygls: pip install '.[lsp]' in a clone)", description="Run the language server (LSP over stdio).")
    parser.commands = dict(sub.choices)
    return parser


SEVERITY_CHOICES = SEVERITIES
PROFILE_CHOICES = ("zdr", "hipaa")


def _add_selection(parser) -> None:
    """The rule and file selection flags `check`, `report` and `suppressions` share."""
    rules = parser.add_argument_group("rule selection")
    rules.add_argument("--select", action="append", metavar="RULES", help="the rules to run: codes, code prefixes (ZDR00), rule names (files-api) or ALL, comma-separated (default: ALL); replaces the settings file's selection")
    rules.add_argument("--extend-select", action="append", metavar="RULES", help="rules to run in addition to those selected (e.g. the opt-in ZDR100)")
    rules.add_argument("--ignore", action="append", metavar="RULES", help="rules not to run (codes, prefixes or names, comma-separated)")
    rules.add_argument("--per-file-ignores", action="append", metavar="PATTERN:RULES", help="rules not to run on files matching PATTERN, e.g. 'tests/*:ZDR001,ZDR002' (repeatable)")
    files = parser.add_argument_group("file selection")
    files.add_argument("--exclude", action="append", metavar="PATTERNS", help="path patterns to skip (.gitignore syntax), replacing the default list (.git, .venv, node_modules, ...)")
    files.add_argument("--extend-exclude", action="append", metavar="PATTERNS", help="path patterns to skip in addition to the default list and the settings file's")
    files.add_argument("--respect-gitignore", dest="respect_gitignore", action="store_true", default=None, help="skip the files .gitignore ignores (the default)")
    files.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false", help="check the files .gitignore ignores too")
    files.add_argument("--force-exclude", dest="force_exclude", action="store_true", default=None,
                       help="apply the excludes to paths named on the command line and to --stdin-filename too (what pre-commit and editors need)")
    files.add_argument("--no-force-exclude", dest="force_exclude", action="store_false", help="check paths named on the command line even when excluded (the default)")


def _add_compliance(parser):
    group = parser.add_argument_group("profile and policy")
    group.add_argument("--profile", choices=PROFILE_CHOICES, help="judge findings against a ZDR arrangement (zdr, the default) or a HIPAA BAA (hipaa)")
    group.add_argument("--policy", action="append", metavar="POSITION",
                       help="where Anthropic's sources disagree, follow the scope article (scope) or the docs' table (docs): on every topic, or per topic "
                            "(caching=docs,beta=scope; topics: beta, caching, structured-outputs, web-search, web-fetch, platforms)")
    return group


def _add_running(parser):
    misc = parser.add_argument_group("settings and running")
    misc.add_argument("--config", metavar="PATH", help="read settings from this pyproject.toml or zdr-lint.toml instead of the nearest one")
    misc.add_argument("--isolated", action="store_true", help="ignore every settings file, and run without third-party plugins")
    misc.add_argument("--client-factories", action="append", metavar="NAMES", help="dotted names of functions or attributes that return an Anthropic client, comma-separated")
    misc.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="parallel processes (default: the number of cores; the output is the same for any N)")
    misc.add_argument("--no-cache", action="store_true", help="neither read nor write the cache (.zdr_lint_cache/ at the project root)")
    return misc


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
        if args.command == "report":
            return run_report(args)
        if args.command == "suppressions":
            return run_suppressions(args)
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
    flag = lambda name: getattr(args, name, None)  # noqa: E731 - `report` and `suppressions` have fewer flags
    overrides = dict(
        select=_split(args.select),
        extend_select=_split(args.extend_select),
        ignore=_split(args.ignore),
        exclude=_split_patterns(args.exclude),
        extend_exclude=_split_patterns(args.extend_exclude),
        respect_gitignore=args.respect_gitignore,
        force_exclude=args.force_exclude,
        output_format=flag("output_format") if args.command == "check" else None,
        client_factories=_split_patterns(args.client_factories),
        per_file_ignores=per_file,
        profile=flag("profile"),
        policy=parse_policy_flags(args.policy) if flag("policy") else None,
        fail_on=flag("fail_on"),
        baseline=os.path.abspath(args.baseline) if flag("baseline") else None,
        require_reason=flag("require_reason"),
        ignore_noqa=True if flag("ignore_noqa") else None,
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
        if changes["policy"] is not None:  # the flag's topics over the settings file's
            changes["policy"] = tuple(sorted({**dict(settings.policy), **dict(changes["policy"])}.items()))
        sources = dict(settings.sources)
        sources.update(flags)
        return settings.with_overrides(sources=tuple(sorted(sources.items())), **changes)

    return apply


def settings_resolver(args) -> SettingsResolver:
    """Each file's settings: its nearest settings file (or --config's, or none with --isolated),
    then the command line's."""
    return SettingsResolver(Path(args.config) if args.config else None, isolated=args.isolated, overrides=command_line_overrides(args))


def resolve_settings(args) -> Settings:
    """The settings of the working folder (stdin, reports, the output format)."""
    return settings_resolver(args).default()


def run_check(args) -> int:
    if args.watch:
        return run_watch(args)
    from zdr_lint.baseline import BaselineError
    from zdr_lint.formats import HUMAN_FORMATS, FormatContext
    from zdr_lint.plugins import get_registry, report_plugin_errors

    resolver = settings_resolver(args)
    settings = resolver.default()
    if args.show_files:
        return show_files(args, resolver)
    if args.show_settings:
        return show_settings(args, resolver)
    registry = get_registry(entry_points=not args.isolated)
    report_plugin_errors(registry)
    formatter = registry.formats.get(settings.output_format)
    if formatter is None:
        _error(f"{settings.source_of('output_format')}: unknown output format {settings.output_format!r}{closest(settings.output_format, registry.formats)}; choose from {', '.join(registry.formats)}")
        return EXIT_ERROR
    if args.statistics and settings.output_format not in STATISTICS_FORMATS:
        _error(f"--statistics prints text (--output-format full, concise or grouped) or JSON (json), not {settings.output_format!r}")
        return EXIT_ERROR
    if (args.fix or args.diff or args.write_baseline) and reads_stdin(args):
        _error("--fix, --diff and --write-baseline work on files, not on code read from stdin")
        return EXIT_ERROR
    if stdin_is_closed(args):
        return EXIT_ERROR
    run = gather(args, resolver, registry)
    findings, failed, linter, stdin_source = run.findings, run.failed, run.linter, run.stdin_source
    options = run.options
    if stdin_source is not None:
        options.noqa_warnings.extend(linter.noqa_warnings(args.stdin_filename or "-", stdin_source) if findings else [])
    warn_unreadable_noqa(options.noqa_warnings)

    if args.add_noqa is not None:
        return run_add_noqa(args, findings, registry, failed)

    fixed = 0
    if args.fix or args.diff:
        findings, fixed, changed, fix_failed = apply_fixes(findings, resolver, options, args)
        failed = failed or fix_failed
        if args.diff:
            return _diff_summary(changed, fixed, findings, args, failed)
    if args.write_baseline:
        return write_baseline(args.write_baseline, findings, settings, run.files, failed)
    baselined = 0
    if settings.baseline:
        try:
            findings, baselined = apply_baseline(settings, findings, run.files)
        except BaselineError as exc:
            _error(f"{settings.source_of('baseline')}: {exc}")
            return EXIT_ERROR

    context = FormatContext(
        project_root=settings.project_root, rules=registry.rules, version=__version__, statistics=args.statistics,
        profile=settings.profile, policy=settings.policy_table, unsafe_fixes=args.unsafe_fixes,
        extra={"baseline": settings.baseline} if settings.baseline else {},
    )
    console_format = settings.output_format
    if args.output_file:
        try:
            write_file(args.output_file, _render(formatter, findings, context).encode("utf-8", "surrogateescape"), create_parents=True)
        except WriteError as exc:
            _error(str(exc))
            failed = True
        console_format = settings.output_format if settings.output_format in HUMAN_FORMATS else "full"
    console = replace(context, color=wants_color(args.color, sys.stdout))
    if args.statistics:
        sys.stdout.write(format_statistics(findings, registry.rules, console_format))
    else:
        sys.stdout.write(_render(registry.formats[console_format], findings, console))
        if console_format in HUMAN_FORMATS and not args.quiet:
            _summary(findings, failed, fixed=fixed if args.fix else None, baselined=baselined, unsafe=args.unsafe_fixes)
    sys.stdout.flush()
    if failed:
        return EXIT_ERROR
    if not args.exit_zero and any(fails(f.severity, settings.fail_on) for f in findings):
        return EXIT_FINDINGS
    return EXIT_OK


@dataclass
class Gathered:
    findings: list
    files: list  # the files checked (as discovered)
    failed: bool
    linter: object
    options: object
    stdin_source: Optional[bytes] = None


def stdin_is_closed(args) -> bool:
    """The command is to read code from stdin and there is none (`<&-`): says so in one line (the
    command then exits 2, before `gather`)."""
    if reads_stdin(args) and sys.stdin is None:
        _error("standard input is closed: nothing to check (give files, or pipe the code in)")
        return True
    return False


def gather(args, resolver, registry) -> Gathered:
    """The findings of the paths (or stdin: see `stdin_is_closed`) the command names, as `check`
    computes them."""
    from zdr_lint.discovery import discover
    from zdr_lint.engine import Linter
    from zdr_lint.runner import RunOptions, check_files, linter_for

    settings = resolver.default()
    linter = Linter(settings, registry)
    options = RunOptions(jobs=args.jobs or os.cpu_count() or 1, use_cache=not args.no_cache, registry=registry)
    failed = bool(registry.errors)
    paths = args.paths or ["."]
    findings: list = []
    files: list = []
    stdin_source = None
    if getattr(args, "stdin_filename", None) is not None or args.paths == ["-"]:
        if args.stdin_filename:  # the code of a file of a project: checked with that project's index
            linter = linter_for(args.stdin_filename, resolver, options)
        _warn_if_nothing_enabled(linter)
        try:
            findings, stdin_source = check_stdin(args, linter)
        except OSError as exc:
            _error(f"cannot read standard input: {exc.strerror or exc}")
            failed = True
    else:
        for item in discover(paths, resolver):
            if item.error:
                _error(f"{item.path}: {item.error}")
                failed = True
            else:
                files.append(item.path)
        for path in paths:
            if os.path.isdir(path) and not any(_is_under(f, path) for f in files):
                _warn(f"No Python files found under {path}")
        folders = {os.path.dirname(f) or "." for f in files}
        for settings_of_file in {id(s): s for s in (resolver.for_directory(Path(d)) for d in folders)}.values():
            _warn_if_nothing_enabled(Linter(settings_of_file, registry))
        findings = check_files(files, resolver, options, walked=[p for p in paths if os.path.isdir(p)])
    return Gathered(findings, files, failed, linter, options, stdin_source)


# --- --fix / --diff ---------------------------------------------------------------------------------
def apply_fixes(findings: list, resolver, options, args) -> tuple:
    """(findings after the fixes, fixes applied, the FixedFiles, a file could not be fixed). `--fix`
    writes each changed file through the safe-write helper; `--diff` writes nothing."""
    from zdr_lint.fixes import FixError, applicable, fix_file
    from zdr_lint.runner import linter_for

    by_path: dict = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    projects: dict = {}
    out, changed, fixed, failed = [], [], 0, False
    for path, items in by_path.items():
        if not any(applicable(f, args.unsafe_fixes) for f in items):
            out.extend(items)
            continue
        try:
            result = fix_file(path, items, linter_for(path, resolver, options, projects), args.unsafe_fixes)
        except FixError as exc:
            _error(f"{path}: cannot fix: {exc}")
            out.extend(items)
            failed = True
            continue
        if result is None:
            out.extend(items)
            continue
        if args.fix and not args.diff:
            try:
                write_file(path, result.after)
            except WriteError as exc:
                _error(str(exc))
                out.extend(items)
                failed = True
                continue
        changed.append(result)
        fixed += result.fixed
        out.extend(result.remaining)
    out.sort(key=lambda f: f.sort_key)
    return out, fixed, changed, failed


def _diff_summary(changed: list, fixed: int, findings: list, args, failed: bool) -> int:
    """As `ruff check --diff`: the diffs on stdout, "Would fix N findings." on stderr, exit 1 when
    there is something to fix."""
    from zdr_lint.fixes import applicable

    for result in changed:
        sys.stdout.write(result.diff())
    hidden = sum(1 for f in findings if f.fix is not None and not applicable(f, args.unsafe_fixes))
    noun = "finding" if fixed == 1 else "findings"
    hint = f" ({hidden} more with --unsafe-fixes)" if hidden else ""
    print(f"Would fix {fixed} {noun}{hint}." if fixed else f"No fixes available{hint}.", file=sys.stderr)
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if fixed else EXIT_OK


# --- the baseline -----------------------------------------------------------------------------------
def _baseline_root(settings) -> Path:
    from zdr_lint.formats._common import repository_root

    return repository_root(settings.project_root)


def write_baseline(path: str, findings: list, settings, files: list, failed: bool) -> int:
    """Record today's findings (ZDR000 excluded: a file that cannot be checked is not a decision),
    keeping the entries of files this run did not check."""
    from zdr_lint import baseline

    root = _baseline_root(settings)
    recorded = [f for f in findings if f.code != "ZDR000"]
    entries = baseline.entries_of(recorded, root)
    dropped = 0
    if os.path.exists(path):
        try:
            previous = baseline.load(path)
        except baseline.BaselineError as exc:
            _warn(f"{exc}: writing a new one")
            previous = []
        found = baseline.match(recorded, previous, root, baseline.checked_paths(files, root))
        entries += found.kept
        dropped = len(found.stale)
    try:
        baseline.write(path, entries, settings.profile, settings.policy_table)
    except baseline.BaselineError as exc:
        _error(str(exc))
        return EXIT_ERROR
    noun = "entry" if len(entries) == 1 else "entries"
    gone = f" ({dropped} that no longer match dropped)" if dropped else ""
    print(f"Wrote {len(entries)} baseline {noun} to {path}{gone}.")
    return EXIT_ERROR if failed else EXIT_OK


def apply_baseline(settings, findings: list, files: list) -> tuple:
    """(the findings not in the baseline, how many it holds); its entries that no longer match are
    listed on stderr, so the file can shrink."""
    from zdr_lint import baseline

    root = _baseline_root(settings)
    entries = baseline.load(settings.baseline)
    found = baseline.match(findings, entries, root, baseline.checked_paths(files, root))
    if found.stale:
        noun = "entry no longer matches" if len(found.stale) == 1 else "entries no longer match"
        _warn(f"{len(found.stale)} baseline {noun} a finding (run --write-baseline {os.path.relpath(settings.baseline)} to drop them):")
        for entry in found.stale:
            print(f"  {entry.path}: {entry.code} {entry.what} [{entry.fingerprint}]", file=sys.stderr)
    return found.new, len(found.matched)


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


# --- stdin, as ruff reads it ------------------------------------------------------------------------
def reads_stdin(args) -> bool:
    """`-` alone, or `--stdin-filename` (with or without `-`, as in ruff)."""
    return args.paths == ["-"] or args.stdin_filename is not None


def check_stdin(args, linter) -> tuple:
    """(findings, the bytes read) for the code on stdin."""
    for path in args.paths:
        if path != "-":
            _warn(f"ignoring {path} in favour of standard input (--stdin-filename)")
    name = args.stdin_filename or "-"
    if args.stdin_filename is not None and linter.settings.force_exclude:
        from zdr_lint.discovery import Excluder

        if Excluder(linter.settings).excluded(name):
            return [], None  # as ruff: an excluded --stdin-filename is not checked
    data = sys.stdin.buffer.read()
    return linter.lint_source(data, name), data


# --- directives that cannot be read ---------------------------------------------------------------
def warn_unreadable_noqa(lines: list) -> None:
    """One warning line per `# noqa` directive that cannot be read (it suppresses nothing), naming
    the file and line as ruff does; in the files with findings, where such a directive can only have
    been meant for one of them (every file's other directives are ruff's or flake8's to judge)."""
    for line in lines:
        _warn(line)


# --- colour -------------------------------------------------------------------------------------------
def wants_color(choice: str, stream) -> bool:
    """`always` / `never` win; `auto` colours a terminal unless NO_COLOR is set to anything
    (no-color.org: a command-line flag overrides the variable) or TERM is dumb."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


# --- --show-files / --show-settings ------------------------------------------------------------------
def _discovered(args, resolver) -> tuple:
    from zdr_lint.discovery import discover

    files, failed = [], False
    for item in discover(args.paths or ["."], resolver):
        if item.error:
            _error(f"{item.path}: {item.error}")
            failed = True
        else:
            files.append(os.path.abspath(item.path))
    return sorted(files), failed


def show_files(args, resolver) -> int:
    files, failed = _discovered(args, resolver)
    for path in files:
        print(path)
    return EXIT_ERROR if failed else EXIT_OK


def show_settings(args, resolver) -> int:
    """As ruff's `--show-settings`: the settings for the first file to check (its nearest settings
    file's, with the command line's on top), and where they came from."""
    from dataclasses import fields

    from zdr_lint.engine import Linter

    if args.stdin_filename is not None:
        files, failed = [os.path.abspath(args.stdin_filename)], False
    else:
        files, failed = _discovered(args, resolver)
    if not files:
        _error("no files to check under the given paths")
        return EXIT_ERROR
    path = files[0]
    settings = resolver.for_path(path)
    source = f'"{settings.config_path.resolve()}"' if settings.config_path else "none (no settings file: the defaults and the command line)"
    lines = [f'Resolved settings for: "{path}"', f"Settings path: {source}", "", f'project-root = "{settings.project_root}"']
    for field in fields(settings):
        if field.name not in ("project_root", "config_path", "sources") and getattr(settings, field.name) is not None:  # the settings' keys, as the file spells them
            value = settings.policy_table if field.name == "policy" else getattr(settings, field.name)  # every topic's position in force
            lines.append(f"{field.name.replace('_', '-')} = {_toml_value(value)}")
    enabled = sorted(Linter(settings).codes_for(path))
    lines.append(f"# rules that run on this file\nenabled = {_toml_value(tuple(enabled))}")
    print("\n".join(lines))
    return EXIT_ERROR if failed else EXIT_OK


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if value and all(isinstance(v, tuple) for v in value):  # per-file-ignores: (pattern, codes) pairs
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value) + " }"
    return "[" + ", ".join(json.dumps(v) for v in value) + "]"


# --- --watch ----------------------------------------------------------------------------------------
def run_watch(args) -> int:
    """`check` again whenever a checked file, a folder holding one, a .gitignore or the settings file
    changes; Ctrl-C ends it with exit code 0."""
    from zdr_lint.watch import watch

    if reads_stdin(args) or args.add_noqa is not None or args.show_files or args.show_settings:
        _error("--watch checks files: it cannot be combined with stdin, --add-noqa, --show-files or --show-settings")
        return EXIT_ERROR
    once = argparse.Namespace(**{**vars(args), "watch": False})

    def run() -> None:
        try:
            run_check(once)
        except ConfigError as exc:  # a settings file being edited: say so and keep watching
            _error(str(exc))

    watched: list = []

    def targets() -> list:
        try:
            watched[:] = watched_paths(args.paths or ["."], settings_resolver(args))
        except ConfigError:
            pass  # a settings file mid-edit: keep watching what was watched (that file among it)
        return watched or watched_paths(args.paths or ["."], None)

    return watch(run, targets, clear=sys.stdout.isatty())


def watched_paths(paths: Sequence[str], resolver: Optional[SettingsResolver]) -> list:
    """What --watch stats: the files to check (each under its nearest settings, as `check` finds
    them), each folder between them and the paths given (an added or removed file changes its
    folder), each such folder's .gitignore and settings files (a sub-project's `pyproject.toml`
    included), and the settings files that apply."""
    from zdr_lint.config import CONFIG_FILES
    from zdr_lint.discovery import discover

    out: set = set()
    folders: set = set()
    settings = resolver.default() if resolver is not None else None
    if resolver is not None:
        # the folders named, and the folder of each file named: never their parents, whose times
        # change with every unrelated file created beside them
        roots = {os.path.abspath(p) if os.path.isdir(p) else os.path.dirname(os.path.abspath(p)) for p in paths}
        for item in discover(paths, resolver):
            if item.error:
                continue
            path = os.path.abspath(item.path)
            out.add(path)
            config_path = resolver.for_path(path).config_path
            if config_path is not None:
                out.add(os.path.abspath(config_path))
            folder = os.path.dirname(path)
            while folder not in folders:
                folders.add(folder)
                parent = os.path.dirname(folder)
                if folder in roots or parent == folder:
                    break
                folder = parent
        folders.update(roots)
    for base in _settings_folders(settings) | folders:
        out.update(os.path.join(base, name) for name in CONFIG_FILES)
    out.update(folders)
    out.update(os.path.join(folder, ".gitignore") for folder in folders)
    return sorted(out)


def _settings_folders(settings: Optional[Settings]) -> set:
    folders = {os.getcwd()}
    if settings is not None:
        folders.add(str(settings.project_root))
    return folders


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


def _summary(findings: list, failed: bool = False, fixed: Optional[int] = None, baselined: int = 0, unsafe: bool = False) -> None:
    """ruff's summary: the count (with what --fix fixed), then how many are fixable and how many
    more --unsafe-fixes would fix; and how many the baseline holds."""
    if fixed is not None and (findings or fixed):
        total = len(findings) + fixed
        print(f"Found {total} {'finding' if total == 1 else 'findings'} ({fixed} fixed, {len(findings)} remaining).")
    elif findings:
        noun = "finding" if len(findings) == 1 else "findings"
        files = len({f.path for f in findings})
        print(f"Found {len(findings)} {noun} in {files} file{'s' if files != 1 else ''}.")
    elif not failed:  # a run that could not check everything it was given has not passed
        print("All checks passed!")
    if baselined:
        print(f"{baselined} {'finding is' if baselined == 1 else 'findings are'} in the baseline (not shown).")
    fixable = sum(1 for f in findings if f.fix is not None and (f.fix.applicability == "safe" or unsafe))
    hidden = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "unsafe" and not unsafe)
    hint = f" ({hidden} hidden {'fix' if hidden == 1 else 'fixes'} can be enabled with the `--unsafe-fixes` option)" if hidden else ""
    if fixable:
        print(f"[*] {fixable} fixable with the `--fix` option{hint}.")
    elif hidden:
        print(f"No fixes available{hint}.")


STATISTICS_FORMATS = ("full", "concise", "grouped", "json")


def format_statistics(findings: list, rules: dict, output_format: str = "full") -> str:
    """A count per rule, most frequent first: `count<TAB>code<TAB>name` lines, or ruff's JSON
    statistics (`code`, `name`, `count`, `fixable`, `fixable_count`) for --output-format json."""
    counts = sorted(Counter(f.code for f in findings).items(), key=lambda kv: (-kv[1], kv[0]))
    fixable = Counter(f.code for f in findings if f.fix is not None and f.fix.applicability == "safe")
    if output_format == "json":
        rows = [
            {"code": code, "name": rules[code].name if code in rules else None, "count": count, "fixable": bool(fixable[code]), "fixable_count": fixable[code]}
            for code, count in counts
        ]
        return json.dumps(rows, indent=2) + "\n"
    return "".join(f"{count:>5}\t{code}\t{rules[code].name if code in rules else ''}\n" for code, count in counts)


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
    from zdr_lint.plugins import get_registry, report_plugin_errors

    registry = get_registry()
    report_plugin_errors(registry)
    if args.all:
        selected = list(registry.rules.values())
    elif args.code:
        rule = registry.rule_by_selector(args.code) or registry.rule_by_selector(args.code.upper())
        if rule is None:
            from zdr_lint.config import closest

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
    return EXIT_ERROR if registry.errors else EXIT_OK  # as `check`: a plugin that failed is not a clean run


def rules_in_profile(rules: dict, profile: Optional[str]) -> list:
    """The rules that can fire under `profile` (every rule when None): a code the catalog judges must
    have a trigger that profile raises; the meta codes and a plugin's codes are in every profile."""
    if profile is None:
        return list(rules.values())
    from zdr_lint import catalog

    return [rule for code, rule in rules.items() if catalog.can_fire(code, profile)]


def run_rules(args) -> int:
    from zdr_lint.plugins import get_registry, report_plugin_errors

    registry = get_registry()
    report_plugin_errors(registry)
    selected = rules_in_profile(registry.rules, args.profile)
    if args.output_format == "json":
        print(json.dumps([_rule_json(r) for r in selected], indent=2))
    else:
        for rule in selected:
            flag = "" if rule.default_enabled else "  (opt-in)"
            print(f"{rule.code}  {rule.name:<22} {rule.summary}{flag}")
    return EXIT_ERROR if registry.errors else EXIT_OK


# --- suppressions / report -----------------------------------------------------------------------------
def _all_uses(args):
    """(the run, the registry, the settings) of a check of the paths with `# noqa` set aside: every
    use, whether or not a directive suppresses it (the commands below match them to the directives).
    None when there is nothing to read (`stdin_is_closed`)."""
    from zdr_lint.plugins import get_registry, report_plugin_errors

    args.ignore_noqa = True
    args.stdin_filename = None
    if stdin_is_closed(args):
        return None
    resolver = settings_resolver(args)
    registry = get_registry(entry_points=not args.isolated)
    report_plugin_errors(registry)
    return gather(args, resolver, registry), registry, resolver.default()


def run_suppressions(args) -> int:
    from zdr_lint import suppressions_report as listing

    uses = _all_uses(args)
    if uses is None:
        return EXIT_ERROR
    run, registry, _ = uses
    listed = listing.list_suppressions(run.files, run.findings, registry.rules)
    render = {"text": listing.render_text, "json": listing.render_json, "markdown": listing.render_markdown}[args.output_format]
    sys.stdout.write(render(listed))
    return EXIT_ERROR if run.failed else EXIT_OK


def run_report(args) -> int:
    """`zdr-lint report`: the exposure report (zdr_lint.report), in markdown, HTML or JSON."""
    from zdr_lint import baseline as baselines
    from zdr_lint import report as reports
    from zdr_lint import suppressions_report as listing

    uses = _all_uses(args)
    if uses is None:
        return EXIT_ERROR
    run, registry, settings = uses
    hidden_by: dict = {}
    listed = listing.list_suppressions(run.files, run.findings, registry.rules, hidden_by)
    root = _baseline_root(settings)
    baselined: set = set()
    summary = None
    failed = run.failed
    if settings.baseline:
        try:
            entries = baselines.load(settings.baseline)
        except baselines.BaselineError as exc:
            _error(f"{settings.source_of('baseline')}: {exc}")
            return EXIT_ERROR
        shown = [f for f in run.findings if id(f) not in hidden_by]  # what `check` reports, before the baseline
        found = baselines.match(shown, entries, root, baselines.checked_paths(run.files, root))
        baselined = {id(f) for f, _ in found.matched}
        summary = {"file": os.path.relpath(settings.baseline), "entries": len(entries), "matched": len(found.matched), "stale": len(found.stale)}
    data = reports.build(
        run.findings, run.files, registry.rules, root=root, profile=settings.profile, policy=settings.policy_table,
        version=__version__, suppressed_by=hidden_by, suppressions=listed, baseline=summary, baselined=baselined,
    )
    if args.format == "html":
        from zdr_lint.report_html import html  # the page's template: only this command needs it

        text = html(data)
    elif args.format == "json":
        text = reports.to_json(data)
    else:
        text = reports.markdown(data)
    if args.output_file:
        try:
            write_file(args.output_file, text.encode("utf-8", "surrogateescape"), create_parents=True)
        except WriteError as exc:
            _error(str(exc))
            return EXIT_ERROR
        print(f"Wrote the {args.format} report to {args.output_file} ({reports.counted(data['summary']['uses'], 'use')} in {reports.counted(data['summary']['files_with_uses'], 'file')}).")
    else:
        sys.stdout.write(text)
    return EXIT_ERROR if failed else EXIT_OK


# --- server ----------------------------------------------------------------------------------------
def run_server() -> int:
    try:
        from zdr_lint import lsp
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        _error("the language server needs pygls and lsprotocol: pip install 'pygls>=2.0,<2.2' 'lsprotocol>=2024.0.0' (or, in a clone of zdr-lint, pip install '.[lsp]')")
        return EXIT_ERROR
    return lsp.main()


if __name__ == "__main__":
    sys.exit(main())
