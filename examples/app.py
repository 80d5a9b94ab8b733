"""A small service that summarises contracts with Claude (the README's example)."""

import anthropic
from anthropic import AnthropicBedrock

client = anthropic.Anthropic()

TOOLS = [
    {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
    {"name": "lookup_customer", "input_schema": {"type": "object"}, "strict": True},
]


def summarise(path: str) -> str:
    uploaded = client.beta.files.upload(file=open(path, "rb"))
    response = client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        system=[{"type": "text", "text": "You are a contracts analyst.", "cache_control": {"type": "ephemeral"}}],
        messages=[
            {
                "role": "user",
                "content": [{"type": "document", "source": {"type": "file", "file_id": uploaded.id}}],
            }
        ],
        tools=TOOLS,
    )
    return response.content[0].text


def nightly() -> None:
    client.messages.batches.create(requests=[])
    AnthropicBedrock(aws_region="us-east-1")
