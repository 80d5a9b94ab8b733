"""The editor set-ups the README documents.

Neovim: the README's snippet for the installed Neovim, pasted as a user pastes it into init.lua,
runs headless against a file with a finding until zdr-lint's diagnostics arrive. Skipped where
`nvim` is not installed (CI installs no Neovim; `apt-get install neovim` gives Debian 12's 0.7.2).
VS Code and JetBrains cannot run here: their settings and the LSP4IJ template are checked for what
those tools' documentation asks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

from zdr_lint.lsp.server import DEFAULT_DEBOUNCE_MS

NVIM = shutil.which("nvim")
README = (REPO / "README.md").read_text(encoding="utf-8")
APP = "import anthropic\n\nclient = anthropic.Anthropic()\nclient.files.upload(file=open('a.pdf', 'rb'))\n"


def section(title: str) -> str:
    start = README.index(f"### {title}\n")
    end = README.find("\n### ", start + 1)
    return README[start:end]


def code_blocks(text: str, language: str) -> list:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def neovim_version() -> tuple:
    out = subprocess.run([NVIM, "--version"], capture_output=True, text=True, timeout=60).stdout
    return tuple(int(n) for n in re.match(r"NVIM v(\d+)\.(\d+)", out).groups())


def snippets() -> list:
    """(lowest, highest version, code) of each README block, from its first line (`-- Neovim 0.7`,
    `-- Neovim 0.8-0.10`, `-- Neovim 0.11+`)."""
    out = []
    for block in code_blocks(section("Neovim"), "lua"):
        spec = re.match(r"-- Neovim (\d+)\.(\d+)(?:-(\d+)\.(\d+)|(\+))?", block)
        low = (int(spec[1]), int(spec[2]))
        high = (int(spec[3]), int(spec[4])) if spec[3] else ((99, 99) if spec[5] else low)
        out.append((low, high, block))
    return out


def snippet_for(version: tuple) -> str:
    for low, high, block in snippets():
        if low <= version[:2] <= high:
            return block
    raise AssertionError(f"the README has no Neovim snippet for {version}")


def test_there_is_a_neovim_snippet_for_each_version_users_have() -> None:
    for version in [(0, 7), (0, 8), (0, 9), (0, 10), (0, 11), (0, 12)]:
        snippet_for(version)
    assert "vim.lsp.config(" in snippet_for((0, 11)) and "vim.lsp.start(" in snippet_for((0, 9))
    old = snippet_for((0, 7))
    assert "vim.lsp.start_client(" in old and "vim.fs." not in old and "vim.lsp.start(" not in old


DRIVER = """
local done = vim.wait(90000, function() return #vim.diagnostic.get(0) > 0 end, 100)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ""
  table.insert(lines, string.format("%d:%d:%s:%s:%s", d.lnum + 1, d.col + 1, tostring(code), d.source or "", d.message))
end
if not done then table.insert(lines, "TIMEOUT") end
vim.fn.writefile(lines, os.getenv("ZDR_TEST_OUT"))
vim.cmd("qa!")
"""


@pytest.mark.skipif(NVIM is None, reason="Neovim is not installed (apt-get install neovim)")
@pytest.mark.parametrize("which", ["for this version", "for older versions"])
def test_the_neovim_snippet_shows_zdr_lint_diagnostics(tmp_path: Path, which: str) -> None:
    """The snippet for the installed version; and, as a second check, the one for the versions just
    before it (the APIs it uses remain in newer versions), where there is one."""
    pytest.importorskip("pygls")
    version = neovim_version()
    if which == "for older versions":
        older = [block for low, high, block in snippets() if high < version[:2] and low >= (0, 8)]
        if not older:
            pytest.skip(f"no snippet for versions between 0.8 and {version} to run on this Neovim")
        snippet = older[-1]
    else:
        snippet = snippet_for(version)
    project = tmp_path / "project"
    (project / "svc").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.zdr-lint]\n")
    (project / "svc" / "upload.py").write_text(APP)
    config = tmp_path / "config"
    config.mkdir()
    (config / "init.lua").write_text(snippet)
    (tmp_path / "driver.lua").write_text(DRIVER)
    out = tmp_path / "diagnostics.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NVIM", "VIM", "XDG_"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", ZDR_TEST_OUT=str(out),
               HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "xdg"), XDG_DATA_HOME=str(tmp_path / "xdg"),
               XDG_STATE_HOME=str(tmp_path / "xdg"), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    result = subprocess.run(
        [NVIM, "--headless", "-n", "-i", "NONE", "-u", str(config / "init.lua"), "svc/upload.py", "-c", f"luafile {tmp_path / 'driver.lua'}"],
        cwd=project, env=env, capture_output=True, text=True, timeout=180,
    )
    assert out.exists(), result.stdout + result.stderr
    lines = out.read_text().splitlines()
    assert "TIMEOUT" not in lines, (version, lines, result.stderr)
    assert any(line.startswith("4:1:ZDR001:zdr-lint:Files API upload") for line in lines), (version, lines)


def test_vscode_settings_are_the_extensions() -> None:
    """Generic LSP Client (v2)'s settings (its package.json): command, commandArguments, languageId,
    environmentVariables, initializationOptions."""
    (settings,) = [json.loads(b) for b in code_blocks(section("VS Code"), "json")]
    known = {"glspc.server.command", "glspc.server.commandArguments", "glspc.server.languageId",
             "glspc.server.environmentVariables", "glspc.server.initializationOptions"}
    assert set(settings) <= known
    assert [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]] == ["zdr-lint", "server"]
    assert settings["glspc.server.languageId"] == ["python"]
    assert "${workspaceFolder}" not in section("VS Code").split("does not expand")[0]  # it is not expanded


def test_the_lsp4ij_template_starts_the_server_for_python() -> None:
    folder = REPO / "docs" / "editors" / "lsp4ij" / "zdr-lint"
    template = json.loads((folder / "template.json").read_text(encoding="utf-8"))
    assert template["programArgs"]["default"].split() == ["zdr-lint", "server"]
    (mapping,) = template["fileTypeMappings"]
    assert mapping["languageId"] == "python" and {"*.py", "*.pyi"} <= set(mapping["fileType"]["patterns"])
    options = json.loads((folder / "initializationOptions.json").read_text(encoding="utf-8"))

    assert options == {"debounceMs": DEFAULT_DEBOUNCE_MS}
