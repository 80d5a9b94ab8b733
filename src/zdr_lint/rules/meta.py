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
