"""An example zdr-lint plugin.

Each `@hookimpl` function below answers one hook of `zdr_lint.plugins.ZdrLintSpec`; the module is
registered through the `zdr_lint` entry-point group in this package's pyproject.toml.
"""

from __future__ import annotations

import re
from collections import Counter

from zdr_lint.plugins import hookimpl
from zdr_lint.rules.base import Rule
from zdr_lint.semantics import literal_string

_DATED = re.compile(r".*-\d{8}$")


class UnpinnedModel(Rule):
    """
    ## What it does
    Flags an Anthropic Messages request whose `model=` is an alias (`claude-sonnet-4-5`) rather than
    a dated snapshot (`claude-sonnet-4-5-20250929`). ACME's policy pins snapshots so a model change
    goes through review.

    ## Which ZDR exception
    None: this is a company policy, shipped as an example of a third-party rule.

    ## Example
    ```python
    client.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=msgs)
    ```

    ## Use instead
    ```python
    client.messages.create(model="claude-sonnet-4-5-20250929", max_tokens=64, messages=msgs)
    ```
    """

    code = "ACME001"
    name = "unpinned-model"
    category = "acme_policy"
    summary = "A request names a model alias instead of a dated snapshot"
    exception = "ACME pins dated model snapshots"
    advice = "name the dated snapshot"
    severity = "warning"
    docs_url = "https://lint.acme.example/rules/{code}.html"  # the plugin's own page for the rule

    def check_request(self, request) -> None:
        for argument in request.argument("model"):
            model = literal_string(argument.value)
            if model and model.startswith("claude-") and not _DATED.match(model):
                self.report(argument.node, f"model alias {model!r}")


def format_acme_count(findings: list, context) -> str:
    """`--output-format acme-count`: one `CODE count` line per code, most frequent first."""
    counts = Counter(f.code for f in findings)
    return "".join(f"{code} {count}\n" for code, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


@hookimpl
def zdr_lint_rules() -> list:
    return [UnpinnedModel]


@hookimpl
def zdr_lint_output_formats() -> dict:
    return {"acme-count": format_acme_count}


@hookimpl
def zdr_lint_client_factories() -> list:
    # `acme_llm.make_client()` returns an `anthropic.Anthropic`: its calls are checked like one.
    return ["acme_llm.make_client"]
