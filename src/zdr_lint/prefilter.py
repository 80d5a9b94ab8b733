"""Stage 1: the prefilter. Plain substring tests of the catalog's trigger words on a file's lowercased
bytes: a file that holds none of them cannot hold a finding and is never decoded or parsed."""

from __future__ import annotations

from typing import Iterable, Sequence, Union


def passes_prefilter(data: Union[bytes, str], words: Sequence[bytes], groups: Iterable = (), string_groups: Iterable = ()) -> bool:
    """Plain substring tests on the lowercased bytes (about ten times faster than a regex here):
    any of `words`, or every word of any of `groups`, or every word of any of `string_groups`
    spelled as a string or a keyword argument."""
    lowered = data.lower()
    if isinstance(lowered, str):
        lowered = lowered.encode("utf-8", "surrogateescape")
    return lowered_passes(lowered, words, groups, string_groups)


def spelled_as_string(lowered: bytes, word: bytes) -> bool:
    """`word` as a string constant (`"word"`, `'word'`) or a keyword argument (`word=`, `word =`):
    the only spellings in which the ast stage counts a paired word (a superset of them: a quoted
    word inside a longer string, or a comparison, passes too)."""
    return b'"' + word + b'"' in lowered or b"'" + word + b"'" in lowered or word + b"=" in lowered or word + b" =" in lowered


def lowered_passes(lowered: bytes, words: Sequence, groups: Iterable = (), string_groups: Iterable = ()) -> bool:
    """`words` are plain words or (gate, members) pairs from `gated_words`."""
    for word in words:
        if type(word) is tuple:
            gate, members = word
            if gate in lowered and any(m in lowered for m in members):
                return True
        elif word in lowered:
            return True
    present: dict = {}  # a group's first word (its rarest) is looked for once, whatever groups share it
    for group in groups:
        first = group[0]
        found = present.get(first)
        if found is None:
            found = present[first] = first in lowered
        if found and all(w in lowered for w in group[1:]):
            return True
    for group in string_groups:  # plain presence first (one pass for the rare first word), then the spelling
        if group[0] in lowered and all(w in lowered for w in group[1:]) and all(spelled_as_string(lowered, w) for w in group):
            return True
    return False


def gated_words(words: Iterable[bytes]) -> tuple:
    """Each word costs a pass over every file's bytes: words that share a part (the dated tool types'
    `_20`, `mcp_servers` and `mcp_toolset`'s `mcp_`, the resource paths' `beta.`) are looked for behind it, one pass for the part
    and the words themselves only in the rare file that has it."""
    groups: dict = {}
    for word in words:
        if word.endswith(b"_20"):
            part = b"_20"
        elif b"." in word:  # dotted resource paths: `beta.files`, `beta.messages` behind `beta.`
            part = word[: word.index(b".") + 1]
        elif b"_" in word:
            part = word[: word.index(b"_") + 1]
        else:
            part = word
        groups.setdefault(part, []).append(word)
    return tuple((part, tuple(members)) if len(members) > 1 else members[0] for part, members in sorted(groups.items()))

