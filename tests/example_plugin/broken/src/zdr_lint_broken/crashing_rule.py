from zdr_lint.plugins import hookimpl
from zdr_lint.rules.base import Rule


class AlwaysCrashes(Rule):
    """A rule that raises while checking a file."""

    code = "BRK001"
    name = "always-crashes"
    category = "broken"
    summary = "Raises on every file"
    exception = "none"
    advice = "none"

    def check_request(self, request) -> None:
        raise ValueError("boom while checking")


@hookimpl
def zdr_lint_rules() -> list:
    return [AlwaysCrashes]
