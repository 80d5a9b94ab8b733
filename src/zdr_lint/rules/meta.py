"""Codes about the check itself rather than an API feature."""

from __future__ import annotations

from zdr_lint.rules.base import Rule


class CannotCheck(Rule):
    """
    ## What it does
    Reports a file zdr-lint could not check: a syntax error, bytes that do not decode in the file's
    encoding, a file that cannot be read, or an internal error (reported as
    `internal error: <ExceptionType>`). The rest of the run goes on.

    ## Which ZDR exception
    None by itself: a file that cannot be checked may hold any of the uses the other rules find, so
    it is reported rather than silently passed.

    ## Example
    ```python
    print "hello"   # Python 2 syntax
    ```

    ## Use instead
    Fix the syntax or encoding (declare it with a PEP 263 coding comment), or exclude the file with
    `extend-exclude`. Report internal errors to the zdr-lint developers with the file.

    ## References
    - PEP 263, source code encodings: peps.python.org/pep-0263/
    """

    code = "ZDR000"
    name = "cannot-check"
    category = "error"
    summary = "The file could not be checked"
    exception = "the file could not be checked, so its uses are unknown"
    advice = "fix the file or exclude it"


class UnusedNoqa(Rule):
    """
    ## What it does
    Reports a `# noqa: ZDR...` directive (by code or by rule name) whose zdr-lint codes suppress
    nothing on its line: the use it once silenced has gone, or it sits on the wrong line. Opt-in,
    like ruff's RUF100: enable it with `--extend-select ZDR100` (or `extend-select = ["ZDR100"]`
    in `[tool.zdr-lint]`). As RUF100 does, the message lists the codes that suppressed nothing
    (`unused`), the codes of rules not enabled for the file, because they are not selected or are
    per-file-ignored (`non-enabled`), and codes named twice (`duplicated`). Other tools' codes
    (`E501`) and a blanket `# noqa` are left alone: zdr-lint cannot see whether flake8 or ruff
    needs them.

    ## Which ZDR exception
    None by itself. A stale suppression is a hole waiting to be filled: a new ZDR-affecting use
    written on that line later would be silenced without review.

    ## Example
    ```python
    client.messages.create(model="claude-sonnet-5-5", max_tokens=64, messages=msgs)  # noqa: ZDR002
    ```

    ## Use instead
    Remove the directive (or the unused codes from it):
    ```python
    client.messages.create(model="claude-sonnet-5-5", max_tokens=64, messages=msgs)
    ```

    ## References
    - ruff's unused-noqa (RUF100): docs.astral.sh/ruff/rules/unused-noqa/
    """

    code = "ZDR100"
    name = "unused-noqa"
    category = "suppression"
    summary = "A noqa directive suppresses nothing"
    exception = "the directive suppresses no finding"
    advice = "remove it"
    severity = "warning"
    default_enabled = False
    VALID = (
        "import anthropic\nanthropic.Anthropic().files.list()  # noqa: ZDR001\n",
        "import anthropic\nanthropic.Anthropic().files.list()  # noqa: files-api\n",
        "x = 1  # noqa: E501\ny = 2  # noqa\n",
    )
    INVALID = (
        "x = 1  # noqa: ZDR001\n",
        "import anthropic\nanthropic.Anthropic().files.list()  # noqa: ZDR001, ZDR003\n",
    )


class NoqaWithoutReason(Rule):
    """
    ## What it does
    Reports a suppression of a zdr-lint finding that gives no reason: a `# noqa` directive naming a
    zdr-lint code or rule name (`# noqa: ZDR002`), a blanket `# noqa` that suppresses a zdr-lint
    finding, and the file-level forms (`# zdr-lint: noqa`, `# ruff: noqa: ZDR002`, a `# flake8: noqa`
    that suppresses a zdr-lint finding), when nothing but separators follows the codes. Opt-in:
    `require-reason = true` in `[tool.zdr-lint]` (or `--require-reason`) turns it on, as does
    `--extend-select ZDR101`. A `# noqa` naming only other tools' codes (`# noqa: E501`) is theirs.
    This finding is not itself suppressed by `# noqa`; exempt files with `per-file-ignores`.

    ## Which ZDR exception
    None by itself. A suppression is a decision that a use outside ZDR (or outside a HIPAA BAA) is
    accepted; the compliance review that signs off on what remains needs to read why, next to the
    code, and `zdr-lint suppressions` and `zdr-lint report` list every reason.

    ## Example
    ```python
    system = [{"type": "text", "text": PROMPT, "cache_control": {"type": "ephemeral"}}]  # noqa: ZDR002
    ```

    ## Use instead
    Say why after the codes (`--` keeps a reason that starts with a capitalised word from being read
    as a code):
    ```python
    system = [{"type": "text", "text": PROMPT, "cache_control": {"type": "ephemeral"}}]  # noqa: ZDR002 -- the cached prompt holds no customer data
    ```
    `zdr-lint check --add-noqa="REASON"` writes directives with a reason.

    ## References
    - ruff's noqa syntax, which zdr-lint reads the same way: docs.astral.sh/ruff/linter/#error-suppression
    """

    code = "ZDR101"
    name = "noqa-without-reason"
    category = "suppression"
    summary = "A noqa directive suppresses a zdr-lint finding without saying why"
    exception = "the suppression gives no reason"
    advice = "write why after the codes"
    severity = "error"
    default_enabled = False
    VALID = (
        "import anthropic\nanthropic.Anthropic().files.list()  # noqa: ZDR001 -- files are deleted the same day\n",
        "x = 1  # noqa: E501\n",
    )
    INVALID = (
        "import anthropic\nanthropic.Anthropic().files.list()  # noqa: ZDR001\n",
        "# zdr-lint: noqa\nimport anthropic\n",
    )
