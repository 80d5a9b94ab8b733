"""zdr-lint: find uses of Anthropic API features that fall outside Zero Data Retention."""

__version__ = "0.1.0"

from zdr_lint.finding import Finding  # noqa: E402

__all__ = ["Finding", "__version__"]
