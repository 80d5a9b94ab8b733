"""The built-in rules. They reach the engine through the plugin hooks, like third-party rules."""

from zdr_lint.rules.base import Rule
from zdr_lint.rules.batches import MessageBatches
from zdr_lint.rules.beta import BetaFeatures
from zdr_lint.rules.covered_models import CoveredModels
from zdr_lint.rules.files_api import FilesApi
from zdr_lint.rules.hipaa import HipaaIneligible
from zdr_lint.rules.managed_agents import ManagedAgents, MessageThreads
from zdr_lint.rules.mcp import McpConnector
from zdr_lint.rules.meta import CannotCheck, NoqaWithoutReason, UnusedNoqa
from zdr_lint.rules.platform import ThirdPartyPlatform
from zdr_lint.rules.prompt_caching import PromptCaching
from zdr_lint.rules.server_tools import CodeExecution, WebFetch, WebSearch
from zdr_lint.rules.skills import SkillsContainers
from zdr_lint.rules.structured_outputs import StructuredOutputs
from zdr_lint.rules.telemetry import Telemetry

BUILTIN_RULES: tuple[type[Rule], ...] = (
    CannotCheck,
    FilesApi,
    PromptCaching,
    MessageBatches,
    StructuredOutputs,
    BetaFeatures,
    CodeExecution,
    WebSearch,
    WebFetch,
    McpConnector,
    SkillsContainers,
    ThirdPartyPlatform,
    Telemetry,
    ManagedAgents,
    MessageThreads,
    CoveredModels,
    HipaaIneligible,
    UnusedNoqa,
    NoqaWithoutReason,
)

__all__ = ["Rule", "BUILTIN_RULES"]
