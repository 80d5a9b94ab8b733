"""The naive grep baseline: the words a reviewer would search for, per code (shared by the benchmarks)."""

# Case-sensitive substrings of one line.
GREP_WORDS = {
    "ZDR001": ("files.", "file_id", "/v1/files"),
    "ZDR002": ("cache_control", "anthropic_cache", "cache_system_prompt", "cache_tools"),
    "ZDR003": ("batches", "BatchProcessor"),
    "ZDR004": ("output_format", "json_schema", "response_format", '"strict": True', "'strict': True", ".parse("),
    "ZDR005": ("beta",),
    "ZDR006": ("code_execution", "CodeExecution"),
    "ZDR007": ("web_search", "WebSearch"),
    "ZDR008": ("web_fetch", "WebFetch", "UrlContext"),
    "ZDR009": ("mcp_servers", "mcp_toolset", "MCPServer"),
    "ZDR010": ("skills", "container="),
    "ZDR011": ("Bedrock", "bedrock", "Vertex", "vertex", "publishers/anthropic"),
    "ZDR012": ("TELEMETRY", "OTEL_LOG", "content_mode", "CONTENT_MODE"),
    "ZDR013": ("agents", "sessions", "environments", "memory_stores", "vaults", "dreams", "deployments", "managed-agents", "agent_toolset"),
    "ZDR014": ("thread",),
    "ZDR015": ("claude-fable-5", "claude-mythos-5"),
}

# The codes design.md adds beyond the tool's first twelve, in the same spirit.
EXTRA_GREP_WORDS = {
    "ZDR013": ("beta.agents", "beta.sessions", "beta.environments", "beta.vaults", "beta.memory_stores"),
    "ZDR014": ("thread=",),
    "ZDR015": ("claude-fable", "claude-mythos"),
}
